import ICAL from 'ical.js';
import { escapeText, foldLine, renderCalendar } from '../../../src/calendar/icalendar.js';

describe('the iCalendar writer', () => {
  const feed = renderCalendar({
    name: 'Harbor & Wright LLP — lifecycle',
    generatedAt: new Date('2026-11-22T10:30:00Z'),
    events: [
      {
        uid: 'refresh-1-2027-02-28@vcio-planner',
        date: '2027-02-28',
        summary: 'Refresh due: HWL-SRV-01; core, file server',
        description:
          'Line one\nLine two with a very long description that certainly needs folding over several lines — ünïcödé included.',
        categories: ['Refresh'],
      },
      { uid: 'warranty-2@vcio-planner', date: '2028-12-31', summary: 'Warranty expires: Laptop' },
    ],
  });

  it('when parsed by an independent iCalendar parser, then every event comes back with its date and text intact', () => {
    const calendar = new ICAL.Component(ICAL.parse(feed));
    const events = calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component));
    expect(events).toHaveLength(2);
    expect(events[0]!.summary).toBe('Refresh due: HWL-SRV-01; core, file server');
    expect(events[0]!.description).toContain('ünïcödé included.');
    expect(events[0]!.description.split('\n')).toHaveLength(2);
    expect(events[0]!.startDate.toString()).toBe('2027-02-28');
    expect(events[0]!.startDate.isDate).toBe(true);
    expect(events[0]!.endDate.toString()).toBe('2027-03-01');
    expect(events[1]!.endDate.toString()).toBe('2029-01-01');
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Harbor & Wright LLP — lifecycle');
  });

  it('when a line is longer than 75 octets, then it is folded without splitting a UTF-8 character and every line ends in CRLF', () => {
    for (const line of feed.split('\r\n').filter(Boolean))
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(feed.endsWith('\r\n')).toBe(true);
    expect(feed.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    const folded = foldLine(`DESCRIPTION:${'é'.repeat(60)}`);
    expect(folded.split('\r\n ').join('')).toBe(`DESCRIPTION:${'é'.repeat(60)}`);
  });

  it('when text holds separators and control characters, then they are escaped or dropped', () => {
    expect(escapeText('a,b;c\\d\ne\u0007')).toBe('a\\,b\\;c\\\\d\\ne');
  });
});
