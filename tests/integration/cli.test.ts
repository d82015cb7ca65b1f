import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../src/shared/paths.js';
import { ConsoleVisitor } from '../support/console-browserless.js';
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

  it('when MSPs are listed, then each shows with its id and currency, also as JSON, and --msp finds one by any case or a unique start', async () => {
    // A data directory of its own: this test does not depend on what the others left behind.
    const ownDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vcio-msps-'));
    const env = { DATA_DIR: ownDir };
    expect((await cli(['msp', 'create', '--name', 'Northwind IT'], env)).code).toBe(0);
    expect((await cli(['msp', 'create', '--name', 'Northgate Support'], env)).code).toBe(0);

    const listed = await cli(['msp', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^NAME\s+CURRENCY\s+CLIENTS\s+ID$/m);
    expect(listed.stdout).toMatch(/^Northwind IT\s+USD\s+0\s+[0-9a-f-]{36}$/m);
    const json = JSON.parse((await cli(['msp', 'list', '--json'], env)).stdout) as {
      id: string;
      name: string;
      currency: string;
      clients: number;
    }[];
    expect(json.map((msp) => msp.name)).toEqual(['Northgate Support', 'Northwind IT']);
    expect(json[0]).toMatchObject({ currency: 'USD', clients: 0 });
    expect(json[0]!.id).toMatch(/^[0-9a-f-]{36}$/);

    // `packets --msp` resolves the MSP before anything else: a name that finds none fails with suggestions.
    const packets = (msp: string) => cli(['packets', '--msp', msp, '--period', 'Q1', '--out', ownDir], env);
    const typo = await packets('nortwind');
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim()).toBe("vcio-planner: No MSP matches 'nortwind'. Did you mean: Northwind IT?");
    const ambiguous = await packets('north');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain("2 MSPs match 'north': Northgate Support, Northwind IT.");
    await fs.rm(ownDir, { recursive: true, force: true });
  }, 600_000);

  it('when a user is created and reset from the command line, then each prints a one-time link to set a password, and mistakes are one line with exit code 2', async () => {
    await cli(['migrate'], { DATA_DIR: dataDir });
    const msp = await cli(['msp', 'create', '--name', 'Users IT', '--json'], { DATA_DIR: dataDir });
    const mspId = (JSON.parse(msp.stdout) as { msp: { id: string } }).msp.id;
    const env = { DATA_DIR: dataDir, PUBLIC_URL: 'https://planner.example.com' };
    const created = await cli(
      [
        'user',
        'create',
        '--msp',
        mspId,
        '--email',
        'Alex@Example.com',
        '--name',
        'Alex Doe',
        '--role',
        'vcio',
        '--json',
      ],
      env,
    );
    expect(created.code).toBe(0);
    const body = JSON.parse(created.stdout) as {
      user: { email: string; role: string };
      link: { url: string };
    };
    expect(body.user).toMatchObject({ email: 'alex@example.com', role: 'vcio' });
    expect(body.link.url).toMatch(/^https:\/\/planner\.example\.com\/set-password\?token=[\w-]{43}$/);

    const again = await cli(
      [
        'user',
        'create',
        '--msp',
        mspId,
        '--email',
        'alex@example.com',
        '--name',
        'Alex Doe',
        '--role',
        'vcio',
      ],
      env,
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    const badRole = await cli(
      ['user', 'create', '--msp', mspId, '--email', 'b@example.com', '--name', 'B', '--role', 'boss'],
      env,
    );
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toContain('owner, admin, vcio, viewer');

    // --msp takes the MSP's name too, in any case, as the other commands do.
    const reset = await cli(['user', 'reset', '--msp', 'users it', '--email', 'alex@example.com'], env);
    expect(reset.code).toBe(0);
    const resetUrl = /(https:\/\/\S+set-password\?token=\S+)/.exec(reset.stdout)![1];
    expect(resetUrl).not.toBe(body.link.url);
    const unknown = await cli(['user', 'reset', '--msp', mspId, '--email', 'nobody@example.com'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('vcio-planner: No such user');
  }, 300_000);

  it('when serve starts on an empty data directory without a terminal, then it logs JSON lines only, one of them ready with the URLs and the demo key file, and stops cleanly on SIGTERM', async () => {
    const serveDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vcio-serve-'));
    try {
      const first = await serveUntilReady(serveDir, { tty: false });
      for (const line of first.stdout.trim().split('\n'))
        expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(first.stdout).not.toContain(first.key);
      const clients = await checkedFetch(`${first.url}/api/v1/clients`, {
        headers: { authorization: `Bearer ${first.key}` },
      });
      const body = (await clients.json()) as { items: { name: string }[] };
      expect(body.items.map((client) => client.name)).toEqual([
        'Bright Smile Dental',
        'Harbor & Wright LLP',
        'Riverside Metalworks',
      ]);
      // The demo user printed beside the key signs in to the console.
      const browser = new ConsoleVisitor(first.url);
      expect((await browser.signIn(first.signIn.email, first.signIn.password)).status).toBe(303);
      expect((await browser.get('/')).html).toContain('Riverside Metalworks');
      expect(await first.stop()).toBe(0);

      // The second start, on a terminal, finds its data and shows the same key in a banner; nothing is loaded twice.
      const second = await serveUntilReady(serveDir, { tty: true });
      expect(second.key).toBe(first.key);
      expect(second.stdout).toContain(`API reference  ${second.url}/docs`);
      expect(second.stdout).toContain(
        `Try: curl -H "Authorization: Bearer ${second.key}" ${second.url}/api/v1/clients`,
      );
      expect(second.stdout).not.toContain('"msg":"ready"');
      expect(second.signIn).toEqual(first.signIn);
      const again = await checkedFetch(`${second.url}/api/v1/clients`, {
        headers: { authorization: `Bearer ${second.key}` },
      });
      expect(((await again.json()) as { items: unknown[] }).items).toHaveLength(3);
      await second.stop();
    } finally {
      await fs.rm(serveDir, { recursive: true, force: true });
    }
  }, 300_000);
});

/**
 * Starts `serve` and waits until it says it is ready: without a terminal, from its JSON `ready` line (the key is
 * read from the file it names); on a terminal (a pseudo-terminal from util-linux `script`), from its banner.
 */
async function serveUntilReady(
  dataDir: string,
  options: { tty: boolean },
): Promise<{
  url: string;
  key: string;
  signIn: { email: string; password: string };
  stdout: string;
  stop(): Promise<number | null>;
}> {
  const env = { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  const command = [tsx, entry, 'serve', '--port', '0'];
  const child = options.tty
    ? spawn('script', ['-qefc', command.join(' '), '/dev/null'], { env, detached: true })
    : spawn(command[0]!, command.slice(1), { env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const done = options.tty ? /Stop with Ctrl\+C/ : /"msg":"ready".*\n/;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout} ${stderr}`)), 150_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString().replaceAll('\r\n', '\n');
      if (done.test(stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`serve exited early: ${stderr}`)));
  });
  let url: string;
  let key: string;
  let signIn: { email: string; password: string };
  if (options.tty) {
    url = /running at (http:\/\/\S+)/.exec(stdout)![1]!;
    key = /Demo API key\s+(\S+)/.exec(stdout)![1]!;
    const [, email, password] = /Demo sign-in\s+(\S+) \/ (\S+)/.exec(stdout)!;
    signIn = { email: email!, password: password! };
  } else {
    const ready = stdout
      .split('\n')
      .filter((line) => line.includes('"msg":"ready"'))
      .map(
        (line) =>
          JSON.parse(line) as { url: string; docs: string; demoApiKeyFile: string; demoUserFile: string },
      )[0]!;
    expect(ready.docs).toBe(`${ready.url}/docs`);
    url = ready.url;
    key = (await fs.readFile(ready.demoApiKeyFile, 'utf8')).trim();
    const [email, password] = (await fs.readFile(ready.demoUserFile, 'utf8')).trim().split('\n');
    signIn = { email: email!, password: password! };
  }
  return {
    url,
    key,
    signIn,
    stdout,
    stop: async () => {
      // script runs serve in a session of its own: signal the whole process group.
      if (options.tty) process.kill(-child.pid!, 'SIGTERM');
      else child.kill('SIGTERM');
      return exited;
    },
  };
}
