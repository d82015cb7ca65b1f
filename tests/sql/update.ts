import { coverageGaps, writeSnapshots } from './sql-snapshots.js';
import { repositoryQueries } from './repository-queries.js';

/** `npm run sql:update`: rewrites every repository's SQL snapshot that differs from what it compiles to now. */
const gaps = Object.entries(repositoryQueries).flatMap(([file, entry]) => coverageGaps(file, entry));
for (const gap of gaps) console.warn(`not covered: ${gap}`);
const written = await writeSnapshots();
console.log(
  written.length
    ? `updated:\n${written.map((file) => `  ${file}`).join('\n')}`
    : 'all snapshots are up to date',
);
if (gaps.length) process.exitCode = 1;
