import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Who holds an embedded data directory, as its lock file says. */
export interface DataDirHolder {
  pid: number;
  host: string;
  /** The command it runs, e.g. `serve` or `import`. */
  command: string;
  startedAt: string;
  /** Where it answers HTTP, once a server has started listening. */
  port?: number;
  url?: string;
}

/** A second process asked for a data directory another process has open. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder,
  ) {
    const where = holder.port === undefined ? '' : `, listening on port ${holder.port}`;
    const host = holder.host === os.hostname() ? '' : ` on ${holder.host}`;
    super(
      `the embedded database in ${dataDir} is in use by process ${holder.pid}${host} ` +
        `(vcio-planner ${holder.command}${where}, since ${holder.startedAt}). Only one process may open it: ` +
        (holder.url
          ? `use that server's API at ${holder.url}, or stop it first`
          : 'wait for it to finish, or stop it first'),
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  /** Records where this process answers HTTP, so that a refused process can say so. */
  announce(details: { port: number; url: string }): Promise<void>;
  release(): Promise<void>;
}

/** Lock files this process holds: a holder with our own pid that is not in here is a previous life's. */
const heldHere = new Set<string>();

/**
 * Takes the embedded database's lock: `<dataDir>/pglite.lock`, made by linking a complete file into place (atomic,
 * and fails when one exists), holding this process's pid, host, command and start time. PGlite has no lock of its
 * own, and two processes writing one data directory lose each other's rows. A lock whose process is gone (kill -9,
 * a crash, a restarted container) is taken over.
 */
export async function lockDataDir(dataDir: string, command: string): Promise<DataDirLock> {
  await fs.promises.mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'pglite.lock');
  const holder: DataDirHolder = {
    pid: process.pid,
    host: os.hostname(),
    command,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; ; attempt += 1) {
    if (await createExclusively(file, holder)) break;
    const text = await fs.promises.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released in between: try again
    const current = parseHolder(text);
    if (current && !(await abandoned(file, current))) throw new DataDirInUseError(dataDir, current);
    if (attempt >= 5) throw new Error(`could not take over the stale lock ${file}; remove it by hand`);
    await takeOverStale(file, text);
  }
  heldHere.add(file);
  const releaseOnExit = () => releaseSync(file);
  process.once('exit', releaseOnExit);
  let released = false;
  return {
    async announce(details) {
      if (released) return;
      Object.assign(holder, details);
      const temporary = `${file}.${process.pid}.${crypto.randomUUID()}`;
      await fs.promises.writeFile(temporary, `${JSON.stringify(holder)}\n`);
      await fs.promises.rename(temporary, file);
    },
    async release() {
      if (released) return;
      released = true;
      process.removeListener('exit', releaseOnExit);
      releaseSync(file);
    },
  };
}

async function createExclusively(file: string, holder: DataDirHolder): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${crypto.randomUUID()}`;
  await fs.promises.writeFile(temporary, `${JSON.stringify(holder)}\n`);
  try {
    await fs.promises.link(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.promises.rm(temporary, { force: true });
  }
}

function parseHolder(text: string): DataDirHolder | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<DataDirHolder>;
    if (!Number.isInteger(parsed.pid) || typeof parsed.host !== 'string') return undefined;
    return {
      pid: parsed.pid!,
      host: parsed.host,
      command: typeof parsed.command === 'string' ? parsed.command : 'unknown',
      startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : 'an unknown time',
      ...(typeof parsed.port === 'number' ? { port: parsed.port } : {}),
      ...(typeof parsed.url === 'string' ? { url: parsed.url } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Whether the lock's process is gone. Only a lock written on this host can be judged; one naming our own pid that
 * this process did not take was left by an earlier process that had the same pid (a restarted container).
 */
async function abandoned(file: string, holder: DataDirHolder): Promise<boolean> {
  if (holder.host !== os.hostname()) return false;
  if (holder.pid === process.pid) return !heldHere.has(file);
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Moves the stale lock aside and removes it. Of two processes taking over at once, the one that moved a lock
 * other than the stale one it read (the other's fresh lock) puts it back and tries again.
 */
async function takeOverStale(file: string, staleText: string): Promise<void> {
  const aside = `${file}.stale.${process.pid}.${crypto.randomUUID()}`;
  try {
    await fs.promises.rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await fs.promises.readFile(aside, 'utf8').catch(() => staleText);
  if (moved !== staleText) await fs.promises.link(aside, file).catch(() => undefined);
  await fs.promises.rm(aside, { force: true });
}

/** Removes the lock if it is still this process's. Synchronous, so that it also runs on `exit`. */
function releaseSync(file: string): void {
  if (!heldHere.delete(file)) return;
  try {
    const holder = parseHolder(fs.readFileSync(file, 'utf8'));
    if (holder?.pid === process.pid && holder.host === os.hostname()) fs.unlinkSync(file);
  } catch {
    // Already gone.
  }
}
