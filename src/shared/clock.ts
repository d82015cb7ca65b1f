/** The time source, injected so that tests fix "today". */
export interface Clock {
  now(): Date;
  /** Today's date in UTC as `YYYY-MM-DD`. */
  today(): string;
}

/** Today's date, formatted once a day rather than on every request that asks (most API reads do). */
const utcDay = { startsAt: 0, endsAt: 0, date: '' };

export const systemClock: Clock = {
  now: () => new Date(),
  today: () => {
    const now = Date.now();
    if (now < utcDay.startsAt || now >= utcDay.endsAt) {
      const date = new Date(now);
      utcDay.startsAt = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
      utcDay.endsAt = utcDay.startsAt + 24 * 60 * 60 * 1000;
      utcDay.date = date.toISOString().slice(0, 10);
    }
    return utcDay.date;
  },
};

export function fixedClock(at: string | Date): Clock {
  const instant = typeof at === 'string' ? new Date(at.length === 10 ? `${at}T12:00:00Z` : at) : at;
  return { now: () => new Date(instant), today: () => instant.toISOString().slice(0, 10) };
}
