import { Command, InvalidArgumentError, Option } from 'commander';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { DataDirInUseError } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrator.js';
import { loadDemo } from '../demo/demo.service.js';
import { registerImportCommand } from '../imports/import.cli.js';
import { registerPacketCommand } from '../packets/packet.cli.js';
import { createMsp, listMsps } from '../msps/msp.service.js';
import { registerUserCommand, UserCommandError } from '../users/user.cli.js';
import { registerPacketsCommand, registerWorkerCommand } from '../packet-runs/packet-runs.cli.js';
import { demoKeyFile, demoUserFile, openMigratedDatabase, startServer } from '../server.js';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { NameMatchError } from '../shared/name-match.js';
import { packageVersion } from '../shared/version.js';

/** A failure the user can fix: printed as one line, exit code 2. */
class UsageError extends Error {}

function config(): Config {
  return loadConfig(process.env);
}

function currencyOption(value: string): string {
  if (!/^[A-Z]{3}$/.test(value)) throw new InvalidArgumentError('must be an ISO 4217 code such as USD');
  return value;
}

function print(json: boolean, value: unknown, lines: string[]): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${lines.join('\n')}\n`);
}

/**
 * How `serve` says it is up. On a terminal, a short banner for a person: the URL, where the reference is, the
 * demo key and a first request to try. Elsewhere (a container's log, systemd, a pipe) the output stays JSON lines
 * for machines: one `ready` line with the URLs and the file that holds the demo key, never the key itself.
 */
export function serveBanner(
  server: {
    url: string;
    demoApiKey: string | undefined;
    demoUser: { email: string; password: string } | undefined;
  },
  dataDir: string,
): { lines: string[]; ready: Record<string, string> } {
  const docs = `${server.url}/docs`;
  const openapi = `${server.url}/api/v1/openapi.json`;
  const lines = [
    '',
    `  vCIO Planner ${packageVersion} is running at ${server.url}`,
    '',
    `  Web console    ${server.url}/`,
    `  API reference  ${docs}`,
    `  OpenAPI        ${openapi}`,
  ];
  if (server.demoUser) {
    lines.push(`  Demo sign-in   ${server.demoUser.email} / ${server.demoUser.password}`);
  }
  if (server.demoApiKey) {
    lines.push(
      `  Demo API key   ${server.demoApiKey}`,
      '',
      `  Try: curl -H "Authorization: Bearer ${server.demoApiKey}" ${server.url}/api/v1/clients`,
    );
  }
  lines.push('', '  Stop with Ctrl+C. Logs follow as JSON lines.', '');
  return {
    lines,
    ready: {
      url: server.url,
      docs,
      openapi,
      console: `${server.url}/`,
      ...(server.demoApiKey ? { demoApiKeyFile: demoKeyFile(dataDir) } : {}),
      ...(server.demoUser ? { demoUserFile: demoUserFile(dataDir) } : {}),
    },
  };
}

function announce(
  server: Parameters<typeof serveBanner>[0],
  tty: boolean,
  dataDir: string,
  logger: Logger,
): void {
  const { lines, ready } = serveBanner(server, dataDir);
  if (tty) process.stdout.write(`${lines.join('\n')}\n`);
  else logger.info(ready, 'ready');
}

export function buildProgram(): Command {
  const program = new Command('vcio-planner')
    .description('Refresh clocks, capex/opex forecasts and roadmap packets for MSP vCIOs')
    .version(packageVersion)
    .showHelpAfterError('(add --help for usage)');

  program
    .command('serve')
    .description(
      'Run the HTTP API (migrates the database first; loads demo data into a new embedded database)',
    )
    .option('--no-demo', 'do not load demo data into a new embedded database')
    .addOption(
      new Option('--port <port>', 'port to listen on (overrides PORT)').argParser((v) =>
        Number.parseInt(v, 10),
      ),
    )
    .action(async (options: { demo: boolean; port?: number }) => {
      const base = config();
      const settings = options.port === undefined ? base : Object.freeze({ ...base, port: options.port });
      const logger = createLogger(settings);
      const server = await startServer({ config: settings, logger, clock: systemClock, demo: options.demo });
      announce(server, Boolean(process.stdout.isTTY), settings.dataDir, logger);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });

  program
    .command('migrate')
    .description('Apply pending database migrations and exit')
    .action(async () => {
      const settings = config();
      const database = await openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir });
      try {
        const result = await migrate(database.db);
        process.stdout.write(
          result.applied.length === 0
            ? `Database is up to date (${result.total} migrations)\n`
            : `Applied ${result.applied.length} migration(s): ${result.applied.join(', ')}\n`,
        );
      } finally {
        await database.close();
      }
    });

  const msp = program.command('msp').description('Manage MSPs (tenants)');
  msp
    .command('create')
    .description('Create an MSP and print its first admin API key (shown once)')
    .requiredOption('--name <name>', 'the MSP name')
    .option('--currency <code>', 'default currency for its clients', currencyOption, 'USD')
    .option('--json', 'print { msp, apiKey } as JSON')
    .action(async (options: { name: string; currency: string; json?: boolean }) => {
      const name = options.name.trim();
      if (name.length === 0 || name.length > 200) throw new UsageError('--name must be 1 to 200 characters');
      const settings = config();
      const logger = createLogger({ logLevel: 'warn' });
      const database = await openMigratedDatabase(settings, logger);
      try {
        const created = await createMsp(database.db, { name, currency: options.currency });
        print(Boolean(options.json), { msp: created.msp, apiKey: created.apiKey }, [
          `Created MSP "${created.msp.name}" (${created.msp.id})`,
          `Admin API key (shown once, store it now): ${created.apiKey}`,
        ]);
      } finally {
        await database.close();
      }
    });

  msp
    .command('list')
    .description('List the MSPs: the names --msp accepts, their ids, currencies and numbers of clients')
    .option('--json', 'print the MSPs as a JSON array')
    .action(async (options: { json?: boolean }) => {
      const database = await openMigratedDatabase(config(), createLogger({ logLevel: 'warn' }));
      try {
        const msps = await listMsps(database.db);
        const width = Math.max(4, ...msps.map((one) => one.name.length));
        print(
          Boolean(options.json),
          msps,
          msps.length === 0
            ? [
                'No MSPs yet: create one with `vcio-planner msp create --name <name>` or load `vcio-planner demo`',
              ]
            : [
                `${'NAME'.padEnd(width)}  CURRENCY  CLIENTS  ID`,
                ...msps.map(
                  (one) =>
                    `${one.name.padEnd(width)}  ${one.currency.padEnd(8)}  ${String(one.clients).padStart(7)}  ${one.id}`,
                ),
              ],
        );
      } finally {
        await database.close();
      }
    });

  program
    .command('demo')
    .description(
      'Load the demo MSP with three clients (dental practice, law firm, manufacturer) and print a key',
    )
    .option('--json', 'print the loaded MSP, clients and key as JSON')
    .action(async (options: { json?: boolean }) => {
      const settings = config();
      const database = await openMigratedDatabase(settings, createLogger({ logLevel: 'warn' }));
      try {
        const demo = await loadDemo(database.db, systemClock);
        print(Boolean(options.json), demo, [
          `Loaded "${demo.msp.name}" (${demo.msp.id}) with ${demo.clients.length} clients:`,
          ...demo.clients.map((client) => `  ${client.name}: ${client.assets} assets (${client.id})`),
          `Admin API key (shown once): ${demo.apiKey}`,
          `Console sign-in (shown once): ${demo.user.email} / ${demo.user.password}`,
        ]);
      } finally {
        await database.close();
      }
    });

  registerUserCommand(program);
  registerImportCommand(program);
  registerPacketCommand(program);
  registerWorkerCommand(program);
  registerPacketsCommand(program);

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof UsageError ||
      error instanceof DataDirInUseError ||
      error instanceof NameMatchError ||
      error instanceof UserCommandError
    ) {
      process.stderr.write(`vcio-planner: ${error.message}\n`);
      process.exit(2);
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`vcio-planner: ${message}\n`);
    if (process.env.LOG_LEVEL === 'debug' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  }
}
