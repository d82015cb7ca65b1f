import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { DataDirInUseError } from '../db/data-dir-lock.js';
import type { Database } from '../db/database.js';
import { demoKeyFile, openMigratedDatabase } from '../server.js';
import { createLogger } from '../shared/logger.js';
import type { ImportIssue, ImportWarning } from './import-plan.js';
import { findImportTargets } from './import.repository.js';
import { columnMappingSchema, type ImportResult } from './import.schemas.js';
import { importThroughServer } from './import.remote.js';
import { importIntoClient } from './import.service.js';
import { PRESET_IDS, PRESETS, type ColumnMapping, type PresetId } from './presets.js';
import type { DateOrder } from './values.js';

export interface ImportCommandDependencies {
  /** The database to import into; by default the one the environment configures, migrated. */
  openDatabase?: () => Promise<Database>;
  /** Where the summary goes; standard output by default. */
  write?: (text: string) => void;
}

interface ImportOptions {
  client: string;
  preset: PresetId;
  mapping?: string;
  source?: string;
  dateOrder: DateOrder;
  commit?: boolean;
  json?: boolean;
  apiKey?: string;
}

/** Row errors and warnings printed before "… and N more" (all of them are in --json). */
const PRINTED_ISSUES = 50;

/**
 * `vcio-planner import <file> --client <id|name>`: the operator's import, over the whole database. A client
 * name that several MSPs use must be given by id instead. Exit code 1 when the file has errors.
 */
export function registerImportCommand(
  program: Command,
  dependencies: ImportCommandDependencies = {},
): Command {
  return program
    .command('import')
    .description(
      "Import assets from a CSV file or a JSON inventory (Intune, GLPI) into a client's inventory (a dry run unless --commit)",
    )
    .argument(
      '<file>',
      'the CSV file (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab separated), or the JSON of --preset intune-graph or glpi',
    )
    .requiredOption('--client <id|name>', 'the client, by id or by name')
    .addOption(
      new Option(
        '--preset <preset>',
        'what the file is: generic or snipe-it (CSV), intune-graph (Microsoft Graph managedDevices JSON) or glpi (GLPI native inventory JSON)',
      )
        .choices(PRESET_IDS)
        .default('generic'),
    )
    .option(
      '--mapping <file.json>',
      'a JSON file mapping your column headers to our fields, e.g. {"Device": "name"}',
    )
    .option(
      '--source <name>',
      'externalSource for assets recognised by an External Id column (default import:<preset>)',
    )
    .addOption(
      new Option('--date-order <order>', 'numeric dates are month/day/year (mdy) or day/month/year (dmy)')
        .choices(['mdy', 'dmy'])
        .default('mdy'),
    )
    .option('--commit', 'write the assets (all or nothing, only when no row has an error)')
    .option('--json', 'print the import report as JSON')
    .option(
      '--api-key <key>',
      "when a server holds the embedded database, import through its API with this write key (or VCIO_API_KEY; the server's demo key by default)",
    )
    .action(async (file: string, options: ImportOptions, command: Command) => {
      const fail = (message: string): never =>
        command.error(`error: ${message}`, { exitCode: 2, code: 'vcio.usage' });
      const write = dependencies.write ?? ((text: string) => void process.stdout.write(text));

      const format = PRESETS[options.preset].format;
      if (format === 'csv' && /\.json$/i.test(file)) {
        const jsonPresets = PRESET_IDS.filter((id) => PRESETS[id].format === 'json');
        fail(
          `${file} is JSON; the ${options.preset} preset reads CSV (use --preset ${jsonPresets.join(' or ')})`,
        );
      }
      if (format === 'json' && options.mapping)
        fail(`--mapping is for CSV columns; the ${options.preset} preset reads the JSON fields it documents`);

      const bytes = await fs
        .readFile(file)
        .catch((error: NodeJS.ErrnoException) =>
          fail(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`),
        );
      const mapping = options.mapping ? await readMapping(options.mapping, fail) : undefined;

      const report = (result: ImportResult, clientLabel: string) => {
        write(
          options.json
            ? `${JSON.stringify(result, null, 2)}\n`
            : formatSummary(result, path.basename(file), clientLabel, Boolean(options.commit)),
        );
        if (result.errorCount > 0) process.exitCode = 1;
      };

      let database: Database;
      try {
        database = await (dependencies.openDatabase ?? defaultDatabase)();
      } catch (error) {
        // The embedded database is a running server's: the rows go through that server, the one process that may
        // write them, or nowhere.
        if (!(error instanceof DataDirInUseError) || error.holder.port === undefined) throw error;
        const apiKey = options.apiKey ?? process.env.VCIO_API_KEY ?? (await storedDemoKey());
        if (!apiKey)
          return fail(`${error.message}; to import through it, give a key with --api-key or VCIO_API_KEY`);
        const baseUrl =
          error.holder.host === os.hostname()
            ? `http://127.0.0.1:${error.holder.port}`
            : (error.holder.url ?? `http://${error.holder.host}:${error.holder.port}`);
        const remote = await importThroughServer({
          baseUrl,
          apiKey,
          client: options.client,
          bytes,
          fileName: path.basename(file),
          preset: options.preset,
          mapping,
          commit: Boolean(options.commit),
          source: options.source,
          dateOrder: options.dateOrder,
        }).catch((failure: Error) => ({
          problem: `the server at ${baseUrl} did not answer: ${failure.message}`,
        }));
        if (!('result' in remote) || !remote.result) return fail(remote.problem);
        return report(remote.result, remote.clientLabel);
      }
      let result: ImportResult | undefined;
      let clientLabel = '';
      let problem: string | undefined;
      try {
        const targets = await findImportTargets(database.db, options.client);
        const target = targets[0];
        if (!target) problem = `no client with the id or name "${options.client}"`;
        else if (targets.length > 1) {
          problem =
            `several clients are named "${options.client}"; give the id of the one you mean:\n` +
            targets.map((candidate) => `  ${candidate.clientId}  (MSP "${candidate.mspName}")`).join('\n');
        } else {
          clientLabel = `"${target.clientName}" (MSP "${target.mspName}")`;
          result = await importIntoClient(
            database.db,
            { mspId: target.mspId, clientId: target.clientId, currency: target.currency },
            {
              bytes,
              preset: options.preset,
              mapping,
              commit: Boolean(options.commit),
              source: options.source,
              dateOrder: options.dateOrder,
            },
          );
        }
      } finally {
        await database.close();
      }
      if (!result) return fail(problem ?? 'the import did not run');
      report(result, clientLabel);
    });
}

async function defaultDatabase(): Promise<Database> {
  return openMigratedDatabase(loadConfig(process.env), createLogger({ logLevel: 'warn' }));
}

/** The key `serve` saved when it loaded the demo into this embedded database, if it did. */
async function storedDemoKey(): Promise<string | undefined> {
  const text = await fs.readFile(demoKeyFile(loadConfig(process.env).dataDir), 'utf8').catch(() => undefined);
  return text?.trim() || undefined;
}

async function readMapping(file: string, fail: (message: string) => never): Promise<ColumnMapping> {
  const text = await fs
    .readFile(file, 'utf8')
    .catch((error: Error) => fail(`cannot read the mapping ${file}: ${error.message}`));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(`the mapping ${file} is not JSON; write it like {"Device": "name", "Bought": "purchasedOn"}`);
  }
  const parsed = columnMappingSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(
      `the mapping ${file}${issue.path.length ? ` at "${issue.path.join('.')}"` : ''} ${issue.message}`,
    );
  }
  return parsed.data;
}

/** `row` for a CSV file, `record` for a JSON inventory (whose issues count devices). */
type Unit = 'row' | 'record';

function describeIssue(issue: ImportIssue | ImportWarning, unit: Unit): string {
  const where = issue.row === null ? '' : `${unit} ${issue.row}  `;
  const what = issue.column
    ? `${issue.column}${issue.value !== null ? ` "${issue.value}"` : ''}: `
    : issue.value !== null
      ? `"${issue.value}": `
      : '';
  const count = 'count' in issue && issue.count > 1 ? ` (${issue.count} ${unit}s)` : '';
  return `  ${where}${what}${issue.message}${count}`;
}

function listed(
  title: string,
  issues: readonly (ImportIssue | ImportWarning)[],
  total: number,
  unit: Unit,
): string[] {
  if (total === 0) return [];
  const shown = issues.slice(0, PRINTED_ISSUES).map((issue) => describeIssue(issue, unit));
  if (total > shown.length) shown.push(`  … and ${total - shown.length} more (use --json to see them all)`);
  return [`${title} (${total}):`, ...shown];
}

/** The human summary: what happened (or would), then warnings, then row errors. */
export function formatSummary(
  result: ImportResult,
  fileName: string,
  clientLabel: string,
  commit: boolean,
): string {
  const json = PRESETS[result.preset].format === 'json';
  const unit: Unit = json ? 'record' : 'row';
  const how = result.file ? `, ${json ? 'JSON ' : ''}${result.file.encoding}` : '';
  const lines = [
    `${result.committed ? 'Imported' : commit ? 'Rejected' : 'Dry run of'} ${fileName} into ${clientLabel} (${result.preset} preset${how}, ${result.rows} ${unit}${result.rows === 1 ? '' : 's'})`,
  ];
  const verb = result.committed ? '' : 'would be ';
  lines.push(
    `  ${verb}created: ${result.created}, ${verb}updated: ${result.updated}, unchanged: ${result.unchanged}`,
  );
  lines.push(...listed('Warnings', result.warnings, result.warningCount, unit));
  lines.push(...listed('Errors', result.errors, result.errorCount, unit));
  if (result.committed) lines.push('Done.');
  else if (result.errorCount > 0)
    lines.push(
      `Nothing was written; fix the errors${commit ? ' and run it again' : ', then run again with --commit'}.`,
    );
  else lines.push('Nothing was written (dry run); run again with --commit to import.');
  return `${lines.join('\n')}\n`;
}
