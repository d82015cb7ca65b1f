/**
 * A small iCalendar (RFC 5545) writer for all-day events: CRLF line ends, lines folded at 75 octets without
 * splitting a UTF-8 character, and TEXT values escaped. Pure: the caller supplies the events and the stamp.
 */

export interface CalendarEvent {
  /** Stable across feeds so that calendar apps update an event rather than duplicate it. */
  uid: string;
  /** All-day event on this date (`YYYY-MM-DD`). */
  date: string;
  summary: string;
  description?: string;
  categories?: string[];
}

export interface CalendarFeed {
  name: string;
  description?: string;
  /** When the feed was generated (DTSTAMP of every event). */
  generatedAt: Date;
  events: CalendarEvent[];
}

/** Control characters other than the line breaks (escaped before this runs) are not allowed in TEXT values. */
function withoutControlCharacters(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (code >= 0x20 && code !== 0x7f) out += char;
  }
  return out;
}

export function escapeText(value: string): string {
  return withoutControlCharacters(
    value
      .replace(/\\/g, '\\\\')
      .replace(/;/g, '\\;')
      .replace(/,/g, '\\,')
      .replace(/\r\n|\r|\n/g, '\\n'),
  );
}

/** Folds a content line into pieces of at most 75 octets, continuation lines starting with one space. */
export function foldLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const pieces: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    // Step back over UTF-8 continuation bytes so that no character is split.
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end -= 1;
    pieces.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74; // the leading space of a continuation line counts
  }
  return pieces.join('\r\n ');
}

const basicDate = (date: string) => date.replaceAll('-', '');

function nextDay(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

function stamp(instant: Date): string {
  return `${instant.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

export function renderCalendar(feed: CalendarFeed): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//vCIO Planner//Lifecycle calendar//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(feed.name)}`,
    ...(feed.description ? [`X-WR-CALDESC:${escapeText(feed.description)}`] : []),
  ];
  const dtstamp = stamp(feed.generatedAt);
  for (const event of feed.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(event.uid)}`,
      `DTSTAMP:${dtstamp}`,
      `DTSTART;VALUE=DATE:${basicDate(event.date)}`,
      `DTEND;VALUE=DATE:${basicDate(nextDay(event.date))}`,
      `SUMMARY:${escapeText(event.summary)}`,
      ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
      ...(event.categories?.length ? [`CATEGORIES:${event.categories.map(escapeText).join(',')}`] : []),
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
