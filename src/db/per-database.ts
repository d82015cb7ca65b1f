/**
 * Something kept once per open database (each app and each test database has its own), made on first use and
 * dropped with the database handle: `const cacheOf = perDatabase(() => new Cache())`, then `cacheOf(db)`.
 */
export function perDatabase<T>(make: () => T): (db: object) => T {
  const made = new WeakMap<object, T>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) {
      value = make();
      made.set(db, value);
    }
    return value;
  };
}
