import { repositoryQueries } from '../../sql/repository-queries.js';
import {
  coverageGaps,
  formatSql,
  repositoryFiles,
  staleSnapshots,
  UPDATE_COMMAND,
} from '../../sql/sql-snapshots.js';

describe('the SQL snapshots beside each repository', () => {
  it('when a repository file exists, then it has snapshot cases, and every function it exports has one', () => {
    expect(Object.keys(repositoryQueries).sort()).toEqual(repositoryFiles());
    const gaps = Object.entries(repositoryQueries).flatMap(([file, entry]) => coverageGaps(file, entry));
    expect(gaps).toEqual([]);
  });

  it(`when a repository's queries change, then its .sql file differs until \`${UPDATE_COMMAND}\` rewrites it`, async () => {
    const stale = await staleSnapshots();
    const report = stale.map(({ file, expected, actual }) =>
      actual === null
        ? `${file} is missing`
        : expected === null
          ? `${file} belongs to no repository`
          : `${file} differs:\n${firstDifference(actual, expected)}`,
    );
    if (report.length > 0) {
      throw new Error(
        `The SQL the repositories compile to has changed. Run \`${UPDATE_COMMAND}\` and review the diff.\n\n` +
          report.join('\n\n'),
      );
    }
  });

  it('when a statement is laid out, then clauses, list items and subqueries take their own lines', () => {
    expect(
      formatSql(
        'select "a"."id", count(*)::int as "n" from "a" where "a"."msp_id" = $1 and "a"."id" in (select "b"."id" from "b") order by "a"."id" limit $2',
      ),
    ).toBe(
      [
        'select',
        '  "a"."id",',
        '  count(*)::int as "n"',
        'from',
        '  "a"',
        'where',
        '  "a"."msp_id" = $1',
        '  and "a"."id" in (',
        '    select',
        '      "b"."id"',
        '    from',
        '      "b"',
        '  )',
        'order by',
        '  "a"."id"',
        'limit',
        '  $2',
      ].join('\n'),
    );
  });
});

/** The first differing line, with the committed and the compiled text side by side. */
function firstDifference(actual: string, expected: string): string {
  const committed = actual.split('\n');
  const compiled = expected.split('\n');
  const line = committed.findIndex((text, index) => text !== compiled[index]);
  const at = line === -1 ? committed.length : line;
  return `  line ${at + 1}\n  committed: ${committed[at] ?? '(end of file)'}\n  compiled:  ${compiled[at] ?? '(end of file)'}`;
}
