import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { DataDirInUseError } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrator.js';
import { loadDemo } from '../demo/demo.service.js';
import { registerImportCommand } from '../imports/import.cli.js';
import { registerPacketCommand } from '../packets/packet.cli.js';
import { createMsp } from '../msps/msp.service.js';
import { registerUserCommand, UserCommandError } from '../users/user.cli.js';
import { registerPacketsCommand, registerWorkerCommand } from '../packet-runs/packet-runs.cli.js';
import { openMigratedDatabase, startServer } from '../server.js';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
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
      const banner = [`vCIO Planner ${packageVersion} is running at ${server.url}`];
      banner.push(`  Web console:   ${server.url}/`);
      banner.push(`  API reference: ${server.url}/docs   OpenAPI: ${server.url}/api/v1/openapi.json`);
      if (server.demoUser) {
        banner.push(`  Demo sign-in:  ${server.demoUser.email} / ${server.demoUser.password}`);
      }
      if (server.demoApiKey) {
        banner.push(`  Demo API key:  ${server.demoApiKey}`);
        banner.push(
          `  Try: curl -H "Authorization: Bearer ${server.demoApiKey}" ${server.url}/api/v1/clients`,
        );
      }
      process.stdout.write(`${banner.join('\n')}\n`);
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
      error instanceof UserCommandError ||
      error instanceof DataDirInUseError
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
