import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../src/shared/paths.js';
import { checkedFetch } from '../support/test-app.js';

const tsx = path.join(packageRoot, 'node_modules', '.bin', 'tsx');
const entry = path.join(packageRoot, 'src', 'cli', 'run.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process (through tsx, from the sources). */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [entry, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LOG_LEVEL: 'warn', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the vcio-planner command', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vcio-cli-'));
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  it('when asked for --help, then every command is listed, and each command has its own help', async () => {
    const help = await cli(['--help'], {});
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'msp', 'demo']) expect(help.stdout).toContain(command);
    const create = await cli(['msp', 'create', '--help'], {});
    expect(create.stdout).toContain('--name <name>');
    expect(create.stdout).toContain('--json');
  });

  it('when the environment holds a wrong value, then one readable line names the variable and the exit code is 2', async () => {
    const run = await cli(['migrate'], { DATA_DIR: dataDir, PORT: 'abc' });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('vcio-planner: Invalid PORT (got "abc"): must be a whole number');
  });

  it('when an MSP is created with --json, then it prints the MSP and an admin key that is stored only as a hash', async () => {
    const migrated = await cli(['migrate'], { DATA_DIR: dataDir });
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/Applied \d+ migration|up to date/);

    const run = await cli(['msp', 'create', '--name', 'Acme IT', '--currency', 'CAD', '--json'], {
      DATA_DIR: dataDir,
    });
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as {
      msp: { id: string; name: string; currency: string };
      apiKey: string;
    };
    expect(printed.msp).toMatchObject({ name: 'Acme IT', currency: 'CAD' });
    expect(printed.apiKey).toMatch(/^vcio_[A-Za-z0-9_-]{43}$/);

    const invalid = await cli(['msp', 'create', '--name', 'X', '--currency', 'dollars'], {
      DATA_DIR: dataDir,
    });
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('ISO 4217');
  });

  it('when serve starts on an empty data directory, then it loads the demo, prints the URL and a working key, and stops cleanly on SIGTERM', async () => {
    const serveDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vcio-serve-'));
    try {
      const first = await serveUntilReady(serveDir);
      const clients = await checkedFetch(`${first.url}/api/v1/clients`, {
        headers: { authorization: `Bearer ${first.key}` },
      });
      const body = (await clients.json()) as { items: { name: string }[] };
      expect(body.items.map((client) => client.name)).toEqual([
        'Bright Smile Dental',
        'Harbor & Wright LLP',
        'Riverside Metalworks',
      ]);
      expect(await first.stop()).toBe(0);

      // The second start finds its data and the same key; nothing is loaded twice.
      const second = await serveUntilReady(serveDir);
      expect(second.key).toBe(first.key);
      const again = await checkedFetch(`${second.url}/api/v1/clients`, {
        headers: { authorization: `Bearer ${second.key}` },
      });
      expect(((await again.json()) as { items: unknown[] }).items).toHaveLength(3);
      expect(await second.stop()).toBe(0);
    } finally {
      await fs.rm(serveDir, { recursive: true, force: true });
    }
  }, 300_000);
});

async function serveUntilReady(
  dataDir: string,
): Promise<{ url: string; key: string; stop(): Promise<number | null> }> {
  const child = spawn(tsx, [entry, 'serve', '--port', '0'], {
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout} ${stderr}`)), 150_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/Demo API key:.*\n/.test(stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`serve exited early: ${stderr}`)));
  });
  const url = /running at (http:\/\/\S+)/.exec(stdout)![1]!;
  const key = /Demo API key:\s+(\S+)/.exec(stdout)![1]!;
  return {
    url,
    key,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
