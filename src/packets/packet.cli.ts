import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { isIsoDate } from '../domain/dates.js';
import { MAX_PERIOD_COUNT } from '../domain/fiscal-calendar.js';
import { systemPrincipal } from '../auth/principal.js';
import { createRenderer } from '../render/renderer.js';
import { findClientForOperator } from '../clients/client.service.js';
import { openMigratedDatabase } from '../server.js';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { moneyFormat } from './packet-format.js';
import { DEFAULT_PACKET_QUARTERS, MIN_PACKET_QUARTERS } from './packet.schemas.js';
import { createPacket } from './packet.service.js';

interface PacketOptions {
  client: string;
  msp?: string;
  asOf?: string;
  scenario: 'committed' | 'proposed';
  periods: number;
  periodLabel?: string;
  out: string;
  json?: boolean;
}

function dateOption(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError('must be a real calendar date as YYYY-MM-DD');
  return value;
}

function quartersOption(value: string): number {
  const quarters = Number(value);
  if (!Number.isInteger(quarters) || quarters < MIN_PACKET_QUARTERS || quarters > MAX_PERIOD_COUNT.quarter) {
    throw new InvalidArgumentError(
      `must be a whole number of quarters from ${MIN_PACKET_QUARTERS} to ${MAX_PERIOD_COUNT.quarter}`,
    );
  }
  return quarters;
}

function labelOption(value: string): string {
  const label = value.trim();
  if (label.length === 0 || label.length > 100) throw new InvalidArgumentError('must be 1 to 100 characters');
  return label;
}

/**
 * `vcio-planner packet --client "Riverside Metalworks" --out packet.pdf`: renders a client's packet with a
 * browser of its own, stores it exactly as POST /clients/{id}/packets does, and writes the PDF to a file.
 * It runs as the operator, so the client is found by id or name across MSPs (`--msp` settles a shared name); a
 * name matches in any case, or by its start when only one name starts that way.
 */
export function registerPacketCommand(program: Command): void {
  program
    .command('packet')
    .description("Render a client's roadmap packet (PDF), store it as the API does and write it to a file")
    .requiredOption(
      '--client <id|name>',
      'the client: its id, its name in any case, or the start of one name',
    )
    .option(
      '--msp <id|name>',
      'the MSP (id, name or start of one), when more than one has a client of that name',
    )
    .addOption(
      new Option('--as-of <date>', 'the date the figures are computed at (default: today, UTC)').argParser(
        dateOption,
      ),
    )
    .addOption(
      new Option('--scenario <scenario>', 'which initiatives count')
        .choices(['committed', 'proposed'])
        .default('committed'),
    )
    .addOption(
      new Option('--periods <quarters>', 'quarters in the forecast table')
        .argParser(quartersOption)
        .default(DEFAULT_PACKET_QUARTERS),
    )
    .addOption(
      new Option('--period-label <label>', 'the meeting, e.g. "FY2027 Q2 roadmap review"').argParser(
        labelOption,
      ),
    )
    .requiredOption('--out <file>', 'where to write the PDF')
    .option('--json', 'print { packet, file } as JSON')
    .action(async (options: PacketOptions) => {
      const config = loadConfig(process.env);
      const logger = createLogger({ logLevel: 'warn' });
      const database = await openMigratedDatabase(config, logger);
      const renderer = createRenderer({
        executablePath: config.puppeteerExecutablePath,
        concurrency: 1,
        logger,
      });
      try {
        const client = await findClientForOperator(database.db, options.client, options.msp);
        const status = await renderer.start();
        if (!status.available) throw new Error(status.reason ?? 'The PDF renderer is not available');
        const auth = systemPrincipal('cli', client.mspId);
        const created = await createPacket(
          { db: database.db, clock: systemClock, renderer },
          auth,
          client.id,
          {
            asOf: options.asOf,
            periodLabel: options.periodLabel,
            periods: options.periods,
            scenario: options.scenario,
          },
        );
        const file = path.resolve(options.out);
        await fs.writeFile(file, created.pdf);
        const money = moneyFormat(created.figures.currency);
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ packet: created.packet, file }, null, 2)}\n`
            : [
                `Wrote ${file}: ${client.name}, ${created.packet.periodLabel} (as of ${created.packet.asOf})`,
                `  ${created.packet.pageCount} pages, ${Math.ceil(created.packet.sizeBytes / 1024)} KB, rendered in ${created.renderMs} ms`,
                `  Capex next 4 quarters ${money.money(created.figures.nextFourQuarters.capex)}, ` +
                  `opex next 12 months ${money.money(created.figures.opexNext12Months.amount)}, ` +
                  `${created.figures.counts.overdue} overdue, ${created.figures.counts.decisionsNeeded} decisions needed`,
                `  Stored as packet ${created.packet.id} (sha256 ${created.packet.sha256})`,
                '',
              ].join('\n'),
        );
      } finally {
        await renderer.close();
        await database.close();
      }
    });
}
