import { InvalidArgumentError, type Command } from 'commander';
import { findMspForOperator } from '../msps/msp.service.js';
import { loadConfig } from '../config/config.js';
import type { Db } from '../db/database.js';
import { AppError } from '../http/errors.js';
import { openMigratedDatabase } from '../server.js';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { USER_ROLES, userEmail, type UserRole } from './user.schemas.js';
import { createUser, resetPassword, type PasswordLink } from './user.service.js';

function emailOption(value: string): string {
  const parsed = userEmail.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('must be an email address');
  return parsed.data;
}

function roleOption(value: string): UserRole {
  if (!(USER_ROLES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${USER_ROLES.join(', ')}`);
  }
  return value as UserRole;
}

/** A failure the person at the terminal can fix: one line, exit code 2. */
export class UserCommandError extends Error {}

/**
 * Runs against the database directly, like `msp create`: with the embedded database in use by a running server,
 * opening it is refused with a message naming that process (users are not managed over the API yet).
 */
async function withDatabase<T>(work: (db: Db, publicUrl: string) => Promise<T>): Promise<{ result: T }> {
  const config = loadConfig(process.env);
  const database = await openMigratedDatabase(config, createLogger({ logLevel: 'warn' }));
  try {
    return { result: await work(database.db, config.publicUrl ?? `http://localhost:${config.port}`) };
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      const detail = error.errors?.map((item) => `${item.path} ${item.message}`).join('; ');
      throw new UserCommandError(detail ? `${error.message} (${detail})` : error.message);
    }
    throw error;
  } finally {
    await database.close();
  }
}

function printLink(json: boolean, value: unknown, lead: string, link: PasswordLink): void {
  process.stdout.write(
    json
      ? `${JSON.stringify(value, null, 2)}\n`
      : `${lead}\nOne-time link to set the password (send it to them; it works once, until ${link.expiresAt}):\n  ${link.url}\n`,
  );
}

export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('Manage the people who sign in to the web console');
  user
    .command('create')
    .description(
      'Create a user and print a one-time link with which they set their password (no mail is sent)',
    )
    .requiredOption(
      '--msp <id|name>',
      'the MSP the user belongs to: its id, name or the unique start of its name',
    )
    .requiredOption('--email <email>', 'their email address (unique across the service)', emailOption)
    .requiredOption('--name <name>', 'their name')
    .requiredOption('--role <role>', `one of ${USER_ROLES.join(', ')}`, roleOption)
    .option('--json', 'print { user, link } as JSON')
    .action(async (options: { msp: string; email: string; name: string; role: UserRole; json?: boolean }) => {
      const name = options.name.trim();
      if (name.length === 0 || name.length > 200)
        throw new UserCommandError('--name must be 1 to 200 characters');
      const { result } = await withDatabase(async (db, publicUrl) =>
        createUser(
          db,
          (await findMspForOperator(db, options.msp)).id,
          { email: options.email, name, role: options.role },
          { publicUrl, clock: systemClock },
        ),
      );
      printLink(
        Boolean(options.json),
        result,
        `Created ${result.user.role} ${result.user.name} <${result.user.email}> (${result.user.id})`,
        result.link,
      );
    });
  user
    .command('reset')
    .description(
      'Print a new one-time link with which a user sets a new password (earlier links stop working)',
    )
    .requiredOption(
      '--msp <id|name>',
      'the MSP the user belongs to: its id, name or the unique start of its name',
    )
    .requiredOption('--email <email>', 'their email address', emailOption)
    .option('--json', 'print { user, link } as JSON')
    .action(async (options: { msp: string; email: string; json?: boolean }) => {
      const { result } = await withDatabase(async (db, publicUrl) =>
        resetPassword(db, (await findMspForOperator(db, options.msp)).id, options.email, {
          publicUrl,
          clock: systemClock,
        }),
      );
      printLink(
        Boolean(options.json),
        result,
        `Password reset for ${result.user.name} <${result.user.email}>`,
        result.link,
      );
    });
}
