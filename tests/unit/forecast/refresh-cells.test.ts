import {
  forEachRefreshCell,
  forEachRefreshEvent,
  REFRESH_CELL,
} from '../../../src/forecast/forecast.repository.js';

/** The groups of one packed row, each as a plain array (the reader hands out the same array every time). */
function groupsOf(cells: string): number[][] {
  const groups: number[][] = [];
  forEachRefreshCell(cells, (cell) => groups.push([...cell]));
  return groups;
}

describe('the packed refresh cells of one client', () => {
  it('when a row packs two groups, then each arrives with its ten fields in order and an empty field as NaN', () => {
    expect(groupsOf('4163,300,150000,,12,,,1,,;5,,,990000,3,1,2,,1,')).toEqual([
      [4163, 300, 150000, NaN, 12, NaN, NaN, 1, NaN, NaN],
      [5, NaN, NaN, 990000, 3, 1, 2, NaN, 1, NaN],
    ]);
    expect(REFRESH_CELL.assets).toBe(4);
  });

  it('when a sum is past 2^53, then it reads as an unsafe integer, as Number() would, and not as a nearby safe one', () => {
    const [group] = groupsOf('1,,,9007199254740993,1,,,,,');
    expect(Number.isSafeInteger(group![REFRESH_CELL.plain])).toBe(false);
    expect(group![REFRESH_CELL.plain]).toBeGreaterThanOrEqual(2 ** 53);
    const [exact] = groupsOf('1,,,9007199254740991,1,,,,,');
    expect(exact![REFRESH_CELL.plain]).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('when the text is not what the query writes, then reading it throws and names where', () => {
    expect(() => groupsOf('1,2,3')).toThrow(/a group of 3 fields ends at 5/);
    expect(() => groupsOf('1,,,,,,,,,,7')).toThrow(/unexpected end at 12/);
    expect(() => groupsOf('1,,,,,,,,,,,')).toThrow(/unexpected "," at 11/);
    expect(() => groupsOf('1,-2,,,,,,,,')).toThrow(/unexpected "-" at 2/);
  });

  it('when a group’s events code two refreshes, then the periods and escalation years read back', () => {
    const events: [number, number][] = [];
    // First event: period 2, not escalated; second: period 9, escalation year 1.
    forEachRefreshEvent(2 + 1 + 0 * 64 + 4096 * (9 + 1 + 64 * (1 + 1)), (period, years) =>
      events.push([period, years]),
    );
    expect(events).toEqual([
      [2, -1],
      [9, 1],
    ]);
  });
});
