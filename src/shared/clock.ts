/** The time source, injected so that tests fix "today". */
export interface Clock {
  now(): Date;
  /** Today's date in UTC as `YYYY-MM-DD`. */
  today(): string;
}

export const systemClock: Clock = {
  now: () => new Date(),
  today: () => new Date().toISOString().slice(0, 10),
};

export function fixedClock(at: string | Date): Clock {
  const instant = typeof at === 'string' ? new Date(at.length === 10 ? `${at}T12:00:00Z` : at) : at;
  return { now: () => new Date(instant), today: () => instant.toISOString().slice(0, 10) };
}
