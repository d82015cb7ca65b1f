import { createHash } from 'node:crypto';
import type { CompiledQuery, Compilable, Kysely } from 'kysely';
import { runCompiledRead, type Executor } from './database.js';
import type { DB } from './schema.js';

/**
 * A query whose SQL is built and compiled once, on first use; each later call only binds its values, and on
 * PostgreSQL runs it as a prepared statement named by its SQL (see runCompiledRead). Meant for the hottest reads,
 * where building and compiling with Kysely costs about as much as the database round trip.
 * `build` must use its arguments as bound values only (never to shape the SQL, never to compute with): it is called
 * once, with a stand-in string for each of them.
 */
export function compiledOnce<Args extends readonly (string | number)[], Row>(
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): (db: Executor, ...args: Args) => Promise<Row[]> {
  let compiled: { query: CompiledQuery<Row>; argumentAt: (number | undefined)[]; name: string } | undefined;
  return async (db, ...args) => {
    if (!compiled) {
      const sentinels = args.map((_, index) => `\u0000compiled-once-argument-${index}`) as unknown as Args;
      const query = build(db, ...sentinels).compile();
      const argumentAt = query.parameters.map((parameter) => {
        const index = (sentinels as readonly unknown[]).indexOf(parameter);
        return index === -1 ? undefined : index;
      });
      // Named by its SQL, so that two queries never share a prepared statement.
      const name = `compiled_${createHash('sha256').update(query.sql).digest('hex').slice(0, 32)}`;
      compiled = { query, argumentAt, name };
    }
    const { query, argumentAt, name } = compiled;
    const parameters = query.parameters.map((constant, position) => {
      const index = argumentAt[position];
      return index === undefined ? constant : args[index];
    });
    return runCompiledRead(db, { ...query, parameters }, name);
  };
}
