/**
 * npm run bench:import — a 100,000-row CSV import on PostgreSQL (BENCH_ROWS to change), in its own database
 * `vcio_bench_import`, dropped at the end. Prints:
 *  (a) the commit import through the service the API calls (read, parse, validate, match, write in one
 *      transaction), best of BENCH_RUNS (3) runs, each into a fresh client; then a re-import of the same file
 *      (every row unchanged) and a dry run;
 *  (b) a baseline measured in the same run: the same rows, already parsed, written into another client with
 *      `COPY assets (…) FROM STDIN` (through psql's \copy; when psql is not installed, the baseline is the same
 *      rows as multi-row INSERT statements of 1,000 rows, and the output says so);
 *  (c) the ratio of (a)'s commit to (b). Import and baseline runs alternate, so that a busy machine slows both.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import { readCsv } from '../src/imports/csv.js';
import { planImport, reconcile, type AssetWrite } from '../src/imports/import-plan.js';
import { importIntoClient, type ImportRequest } from '../src/imports/import.service.js';
import { fmt, scratchDatabase } from './support.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const CATEGORIES = [
  'Laptops',
  'Desktops',
  'Servers',
  'Switches',
  'Firewall',
  'Access Point',
  'Printers',
  'UPS',
  'Monitors',
  'Phones',
];
const STATUSES = ['Deployed', 'Ready to Deploy', 'In Storage', 'Archived'];
const OPERATING_SYSTEMS = [
  'Windows 11 Pro 23H2',
  'Windows 10 Pro 22H2',
  'macOS 14',
  'Windows Server 2019',
  '',
];

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A generic-preset file as an RMM or a spreadsheet would produce it: US dates, $ amounts, quoted commas. */
function generateCsv(rows: number): Buffer {
  const lines = [
    'Name,Category,Manufacturer,Model,Serial Number,Asset Tag,Location,Assigned To,Operating System,Purchased On,Warranty Months,Purchase Cost,Status,Notes',
  ];
  for (let index = 0; index < rows; index++) {
    const month = 1 + (index % 12);
    const day = 1 + (index % 28);
    const year = 18 + (index % 8);
    const cents = 20_000 + ((index * 7919) % 400_000);
    const cost = `$${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
    lines.push(
      [
        `WS-${String(index).padStart(6, '0')}`,
        CATEGORIES[index % CATEGORIES.length]!,
        index % 3 === 0 ? 'Dell' : index % 3 === 1 ? 'Lenovo' : 'HP',
        index % 2 === 0 ? 'Latitude 5440' : 'ThinkPad T14 Gen 4',
        `SN${(index * 2654435761) % 4294967296}`,
        `AT-${String(index).padStart(7, '0')}`,
        index % 5 === 0 ? 'Main office, 2nd floor' : 'Branch',
        index % 4 === 0 ? '' : `User ${index % 997}`,
        OPERATING_SYSTEMS[index % OPERATING_SYSTEMS.length]!,
        `${month}/${day}/${year}`,
        String(12 * (1 + (index % 5))),
        cost,
        STATUSES[index % STATUSES.length]!,
        index % 10 === 0 ? 'Replaced "keyboard", 2024' : '',
      ]
        .map(quote)
        .join(','),
    );
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

const COLUMNS = [
  'msp_id',
  'client_id',
  'name',
  'category',
  'manufacturer',
  'model',
  'serial_number',
  'asset_tag',
  'location',
  'assigned_to',
  'operating_system',
  'purchased_on',
  'purchased_on_source',
  'warranty_expires_on',
  'warranty_expires_on_source',
  'purchase_cost',
  'status',
  'notes',
] as const;

function baselineRow(
  mspId: string,
  clientId: string,
  { fields, dateSources }: AssetWrite,
): (string | number | null)[] {
  return [
    mspId,
    clientId,
    fields.name,
    fields.category,
    fields.manufacturer,
    fields.model,
    fields.serialNumber,
    fields.assetTag,
    fields.location,
    fields.assignedTo,
    fields.operatingSystem,
    fields.purchasedOn,
    dateSources.purchasedOn,
    fields.warrantyExpiresOn,
    dateSources.warrantyExpiresOn,
    fields.purchaseCost,
    fields.status,
    fields.notes,
  ];
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function psqlAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('psql', ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

/** `\copy assets (…) from stdin with (format csv)`: PostgreSQL's bulk load, fed the rows on standard input. */
async function copyBaseline(url: string, rows: (string | number | null)[][]): Promise<number> {
  const file = path.join(os.tmpdir(), `vcio-bench-import-${process.pid}.csv`);
  await fs.writeFile(file, rows.map((row) => row.map(csvCell).join(',')).join('\n') + '\n');
  try {
    const { ms } = await timed(
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(
            'psql',
            [
              url,
              '-v',
              'ON_ERROR_STOP=1',
              '-q',
              '-c',
              `\\copy assets (${COLUMNS.join(', ')}) from stdin with (format csv)`,
            ],
            {
              stdio: ['pipe', 'ignore', 'inherit'],
            },
          );
          child.on('error', reject);
          child.on('close', (code) =>
            code === 0 ? resolve() : reject(new Error(`psql exited with ${code}`)),
          );
          void fs.readFile(file).then((bytes) => child.stdin.end(bytes));
        }),
    );
    return ms;
  } finally {
    await fs.rm(file, { force: true });
  }
}

async function insertBaseline(db: Db, rows: (string | number | null)[][]): Promise<number> {
  const { ms } = await timed(() =>
    db.transaction().execute(async (trx) => {
      for (let start = 0; start < rows.length; start += 1000) {
        const batch = rows.slice(start, start + 1000);
        await sql`insert into assets (${sql.join(COLUMNS.map((column) => sql.ref(column)))}) values ${sql.join(
          batch.map((row) => sql`(${sql.join(row)})`),
        )}`.execute(trx);
      }
    }),
  );
  return ms;
}

async function main() {
  const scratch = await scratchDatabase('vcio_bench_import');
  const { db } = scratch.database;
  try {
    const msp = await db
      .insertInto('msps')
      .values({ name: 'Bench MSP' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const newClient = async (name: string) =>
      (
        await db
          .insertInto('clients')
          .values({ msp_id: msp.id, name, currency: 'USD', updated_at: new Date() })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const bytes = generateCsv(ROWS);
    const usePsql = await psqlAvailable();
    const baselineName = usePsql
      ? 'COPY assets (…) FROM STDIN (psql \\copy)'
      : 'multi-row INSERT, 1,000 rows a statement';
    console.log(
      `${ROWS.toLocaleString('en-US')} rows, ${fmt(bytes.length / 2 ** 20)} MiB of CSV; best of ${RUNS} runs, ` +
        `import and baseline alternating, each into a fresh client`,
    );
    // The baseline writes the same rows, parsed ahead of the clock.
    const plan = planImport(readCsv(bytes), { preset: 'generic', currency: 'USD' });
    const parsedRows = reconcile(plan, []).creates;

    const request: ImportRequest = { bytes, preset: 'generic', commit: true, dateOrder: 'mdy' };
    const importTimes: number[] = [];
    const baselineTimes: number[] = [];
    let firstTarget: { mspId: string; clientId: string; currency: string } | undefined;
    for (let run = 0; run < RUNS; run++) {
      const target = { mspId: msp.id, clientId: await newClient(`Import target ${run}`), currency: 'USD' };
      firstTarget ??= target;
      const commit = await timed(() => importIntoClient(db, target, request));
      if (commit.result.created !== ROWS || commit.result.errorCount !== 0) {
        throw new Error(`unexpected import result: ${JSON.stringify(commit.result).slice(0, 500)}`);
      }
      importTimes.push(commit.ms);

      const baselineClient = await newClient(`Baseline target ${run}`);
      const rows = parsedRows.map((asset) => baselineRow(msp.id, baselineClient, asset));
      baselineTimes.push(usePsql ? await copyBaseline(scratch.url, rows) : await insertBaseline(db, rows));
      const stored = await db
        .selectFrom('assets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('client_id', '=', baselineClient)
        .executeTakeFirstOrThrow();
      if (Number(stored.n) !== ROWS) throw new Error(`baseline stored ${stored.n} rows`);
    }
    const again = await timed(() => importIntoClient(db, firstTarget!, request));
    if (again.result.unchanged !== ROWS)
      throw new Error(`re-import changed rows: ${JSON.stringify(again.result).slice(0, 500)}`);
    const dryRun = await timed(() => importIntoClient(db, firstTarget!, { ...request, commit: false }));

    const best = (times: number[]) => Math.min(...times);
    const all = (times: number[]) => times.map((ms) => fmt(ms / 1000, 2)).join(', ');
    console.log(
      `import, commit (${ROWS} created):   best ${fmt(best(importTimes) / 1000, 2)} s  (runs: ${all(importTimes)} s)`,
    );
    console.log(
      `  = ${fmt(ROWS / (best(importTimes) / 1000), 0)} rows/s through parse, validate, match and write`,
    );
    console.log(
      `baseline, ${baselineName}: best ${fmt(best(baselineTimes) / 1000, 2)} s  (runs: ${all(baselineTimes)} s)`,
    );
    console.log(
      `ratio import commit / baseline (best of each): ${fmt(best(importTimes) / best(baselineTimes), 2)}×`,
    );
    console.log(`re-import of the same file, commit (all unchanged): ${fmt(again.ms / 1000, 2)} s`);
    console.log(`dry run of the same file: ${fmt(dryRun.ms / 1000, 2)} s`);
  } finally {
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
