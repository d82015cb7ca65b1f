import fs from 'node:fs';
import path from 'node:path';
import type { CompiledQuery } from 'kysely';
import {
  Kysely,
  NoResultError,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { packageRoot } from '../../src/shared/paths.js';
import { repositoryQueries, type QueryCase, type RepositoryCases } from './repository-queries.js';

/**
 * Immich-style SQL snapshots: every exported function of every `src/**\/*.repository.ts` runs against a Kysely
 * whose driver records the SQL it is asked to run and answers with no rows (or the rows a case gives it), and the
 * SQL is written beside the repository as `<name>.repository.sql`. A test regenerates them in memory and fails on
 * any difference; `npm run sql:update` rewrites them.
 */

export const UPDATE_COMMAND = 'npm run sql:update';

/** A driver that runs nothing: it records each query's SQL and answers the next canned result, or no rows. */
class RecordingDriver implements Driver {
  readonly statements: string[] = [];
  results: Record<string, unknown>[][] = [];

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        this.statements.push(query.sql);
        return { rows: (this.results.shift() ?? []) as R[] };
      },
      // eslint-disable-next-line require-yield
      streamQuery: async function* () {
        throw new Error('streaming is not recorded');
      },
    };
  }
  async beginTransaction(): Promise<void> {}
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

function recordingDatabase(): { db: Kysely<DB>; driver: RecordingDriver } {
  const driver = new RecordingDriver();
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return { db, driver };
}

/** The SQL one case compiles to, each statement formatted; an error after the last statement is noted. */
async function recordCase(queryCase: QueryCase): Promise<string[]> {
  const { db, driver } = recordingDatabase();
  driver.results = [...(queryCase.results ?? [])];
  const notes: string[] = [];
  try {
    const result = await queryCase.run(db);
    if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
      for await (const _batch of result as AsyncIterable<unknown>) {
        // drained so that every batch's query is recorded
      }
    }
  } catch (error) {
    // A function that maps the row its last query returns stops there; everything it ran is recorded.
    if (error instanceof NoResultError) return driver.statements.map(formatSql);
    notes.push(`-- (then threw: ${(error as Error).message.split('\n')[0]})`);
  } finally {
    await db.destroy();
  }
  return [...driver.statements.map(formatSql), ...notes];
}

/** Exported functions of a module, by name, sorted. */
export function exportedFunctions(module: Record<string, unknown>): string[] {
  return Object.keys(module)
    .filter((name) => typeof module[name] === 'function')
    .sort();
}

/** Files below `directory` (relative to the package root) whose name ends in `suffix`, sorted. */
function filesUnder(directory: string, suffix: string): string[] {
  const found: string[] = [];
  const walk = (relativeDirectory: string) => {
    for (const entry of fs.readdirSync(path.join(packageRoot, relativeDirectory), { withFileTypes: true })) {
      const relative = `${relativeDirectory}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith(suffix)) found.push(relative);
    }
  };
  walk(directory);
  return found.sort();
}

/** The repository files under src/, relative to the package root, sorted. */
export const repositoryFiles = (): string[] => filesUnder('src', '.repository.ts');

export const snapshotFileOf = (repositoryFile: string): string => repositoryFile.replace(/\.ts$/, '.sql');

/** Functions a repository exports that have no case, and cases for functions it does not export. */
export function coverageGaps(file: string, entry: RepositoryCases): string[] {
  const exported = exportedFunctions(entry.module);
  const covered = Object.keys(entry.cases);
  return [
    ...exported
      .filter((name) => !covered.includes(name))
      .map((name) => `${file}: ${name} has no case in tests/sql/repository-queries.ts`),
    ...covered
      .filter((name) => !exported.includes(name))
      .map((name) => `${file}: the case for ${name} names no exported function`),
  ];
}

/** Every snapshot file's expected content, by path relative to the package root. */
export async function renderSnapshots(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [file, entry] of Object.entries(repositoryQueries)) {
    const sections: string[] = [
      `-- The SQL of ${path.basename(file)}, one section per exported function. Generated by \`${UPDATE_COMMAND}\`;` +
        ' do not edit.',
    ];
    for (const name of Object.keys(entry.cases).sort()) {
      const cases = entry.cases[name]!;
      if ('notAQuery' in cases) continue;
      for (const [variant, queryCase] of Object.entries(cases)) {
        const statements = await recordCase(queryCase);
        const title = variant === 'default' ? name : `${name} (${variant})`;
        sections.push([`-- ${title}`, ...(statements.length ? statements : ['-- (no query)'])].join('\n\n'));
      }
    }
    files.set(snapshotFileOf(file), `${sections.join('\n\n')}\n`);
  }
  return files;
}

const CLAUSES = [
  'with recursive',
  'with',
  'select distinct on',
  'select distinct',
  'select',
  'insert into',
  'update',
  'delete from',
  'from',
  'inner join lateral',
  'left join lateral',
  'inner join',
  'left join',
  'right join',
  'full join',
  'cross join',
  'join',
  'on conflict',
  'do update set',
  'do nothing',
  'set',
  'values',
  'where',
  'group by',
  'having',
  'window',
  'order by',
  'limit',
  'offset',
  'returning',
  'union all',
  'union',
  'except',
  'intersect',
  'for update',
  'for no key update',
  'for share',
].map((clause) => clause.split(' '));
/** Clauses whose comma-separated items go one per line. */
const LISTS = new Set([
  'select',
  'select distinct',
  'returning',
  'set',
  'do update set',
  'group by',
  'order by',
]);

/** A token of compiled SQL; `spaced` when the source had whitespace before it (kept when laid out inline). */
type Token = { kind: 'word' | 'open' | 'close' | 'comma' | 'other'; text: string; spaced: boolean };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s+|"(?:[^"]|"")*"|'(?:[^']|'')*'|\$\d+|[A-Za-z_][A-Za-z0-9_$]*|\(|\)|,|::|[^\sA-Za-z0-9_(),'"]+|\d+/gy;
  let match: RegExpExecArray | null;
  let spaced = false;
  while ((match = pattern.exec(source))) {
    const text = match[0];
    if (/^\s+$/.test(text)) {
      spaced = true;
      continue;
    }
    const kind =
      text === '('
        ? 'open'
        : text === ')'
          ? 'close'
          : text === ','
            ? 'comma'
            : /^[A-Za-z_]/.test(text)
              ? 'word'
              : 'other';
    tokens.push({ kind, text, spaced });
    spaced = false;
  }
  return tokens;
}

/**
 * Lays a statement out one clause a line, the way sql-formatter would: items of select lists, `and`/`or` of a
 * where clause and subqueries each on their own indented line; anything inside other parentheses stays inline.
 */
export function formatSql(source: string): string {
  const tokens = tokenize(source);
  const lines: string[] = [];
  let line = '';
  /** For each open parenthesis: whether it holds a subquery (laid out) or an expression (inline). */
  const parens: boolean[] = [];
  /** The current clause at each subquery level. */
  const clauses: string[] = [''];
  const level = () => parens.filter(Boolean).length;
  const inline = () => parens.length > 0 && !parens[parens.length - 1];
  const newLine = (indent: number) => {
    if (line.trim()) lines.push(line.trimEnd());
    line = '  '.repeat(indent);
  };
  const append = (token: Token) => {
    line += (line.trim() !== '' && token.spaced && !line.endsWith('(') ? ' ' : '') + token.text;
  };
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const lower = token.text.toLowerCase();
    if (token.kind === 'word' && !inline()) {
      const clause = CLAUSES.find((words) =>
        words.every((word, offset) => tokens[index + offset]?.text.toLowerCase() === word),
      );
      if (clause) {
        const name = clause.join(' ');
        clauses[clauses.length - 1] = name;
        newLine(level() * 2);
        append({ ...token, text: clause.map((_, offset) => tokens[index + offset]!.text).join(' ') });
        index += clause.length - 1;
        if (!['do nothing', 'union', 'union all', 'except', 'intersect'].includes(name))
          newLine(level() * 2 + 1);
        continue;
      }
      if ((lower === 'and' || lower === 'or') && clauses.at(-1) === 'where') {
        newLine(level() * 2 + 1);
        append(token);
        continue;
      }
    }
    if (token.kind === 'open') {
      const next = tokens[index + 1]?.text.toLowerCase();
      const subquery = next === 'select' || next === 'with';
      append(token);
      parens.push(subquery);
      if (subquery) clauses.push('');
      continue;
    }
    if (token.kind === 'close') {
      const subquery = parens.pop();
      if (subquery) {
        clauses.pop();
        newLine(level() * 2 + 1);
      }
      line += ')';
      continue;
    }
    if (token.kind === 'comma') {
      line += ',';
      if (!inline() && LISTS.has(clauses.at(-1) ?? '')) newLine(level() * 2 + 1);
      continue;
    }
    append(token);
  }
  newLine(0);
  return lines.join('\n');
}

/** The snapshot files whose content differs from what the repositories compile to now (`expected` null: orphaned). */
export async function staleSnapshots(): Promise<
  { file: string; expected: string | null; actual: string | null }[]
> {
  const stale: { file: string; expected: string | null; actual: string | null }[] = [];
  const rendered = await renderSnapshots();
  for (const [file, expected] of rendered) {
    const absolute = path.join(packageRoot, file);
    const actual = fs.existsSync(absolute) ? fs.readFileSync(absolute, 'utf8') : null;
    if (actual !== expected) stale.push({ file, expected, actual });
  }
  for (const file of filesUnder('src', '.repository.sql')) {
    if (!rendered.has(file))
      stale.push({ file, expected: null, actual: fs.readFileSync(path.join(packageRoot, file), 'utf8') });
  }
  return stale;
}

/** Rewrites the stale snapshots and deletes orphaned ones; answers the files it touched. */
export async function writeSnapshots(): Promise<string[]> {
  const written: string[] = [];
  for (const { file, expected } of await staleSnapshots()) {
    if (expected === null) fs.rmSync(path.join(packageRoot, file));
    else fs.writeFileSync(path.join(packageRoot, file), expected);
    written.push(file);
  }
  return written;
}
