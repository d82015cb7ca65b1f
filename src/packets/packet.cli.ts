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
import { createPacket, issuePacket } from './packet.service.js';

interface PacketOptions {
  client: string;
  msp?: string;
  asOf?: string;
  scenario: 'committed' | 'proposed';
  periods: number;
  periodLabel?: string;
  out?: string;
  issue?: boolean;
  issuePacket?: string;
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

function packetIdOption(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
    throw new InvalidArgumentError('must be a packet id (a UUID)');
  return value;
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
    .option('--out <file>', 'where to write the PDF (required unless --issue-packet)')
    .option('--issue', 'issue the packet once it is made: it is the one handed to the client')
    .addOption(
      new Option(
        '--issue-packet <packetId>',
        "issue one of the client's existing packets, without rendering anything",
      )
        .argParser(packetIdOption)
        .conflicts(['issue', 'out', 'asOf', 'scenario', 'periods', 'periodLabel']),
    )
    .option('--json', 'print { packet, file } as JSON')
    .action(async (options: PacketOptions, command: Command) => {
      if (options.issuePacket === undefined && options.out === undefined)
        command.error("error: required option '--out <file>' not specified");
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
        const auth = systemPrincipal('cli', client.mspId);
        if (options.issuePacket !== undefined) {
          const packet = await issuePacket(
            { db: database.db, clock: systemClock },
            auth,
            client.id,
            options.issuePacket,
          );
          process.stdout.write(
            options.json
              ? `${JSON.stringify({ packet }, null, 2)}\n`
              : `Issued packet ${packet.id} to ${client.name}: ${packet.periodLabel} (as of ${packet.asOf}), issued at ${packet.issuedAt}\n`,
          );
          return;
        }
        const status = await renderer.start();
        if (!status.available) throw new Error(status.reason ?? 'The PDF renderer is not available');
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
        const packet = options.issue
          ? await issuePacket({ db: database.db, clock: systemClock }, auth, client.id, created.packet.id)
          : created.packet;
        const file = path.resolve(options.out!);
        await fs.writeFile(file, created.pdf);
        const money = moneyFormat(created.figures.currency);
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ packet, file }, null, 2)}\n`
            : [
                `Wrote ${file}: ${client.name}, ${created.packet.periodLabel} (as of ${created.packet.asOf})`,
                `  ${created.packet.pageCount} pages, ${Math.ceil(created.packet.sizeBytes / 1024)} KB, rendered in ${created.renderMs} ms`,
                `  Capex next 4 quarters ${money.money(created.figures.nextFourQuarters.capex)}, ` +
                  `opex next 12 months ${money.money(created.figures.opexNext12Months.amount)}, ` +
                  `${created.figures.counts.overdue} overdue, ${created.figures.counts.decisionsNeeded} decisions needed`,
                `  Stored as packet ${packet.id} (sha256 ${packet.sha256}), ${packet.status === 'issued' ? `issued at ${packet.issuedAt}` : 'a draft until issued (--issue-packet)'}`,
                '',
              ].join('\n'),
        );
      } finally {
        await renderer.close();
        await database.close();
      }
    });
}
