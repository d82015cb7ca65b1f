import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataDirInUseError, lockDataDir } from '../../src/db/data-dir-lock.js';
import { packageRoot } from '../../src/shared/paths.js';

/**
 * One process per embedded data directory, shown with real processes: `serve` holds the directory, and a second
 * command that would open it is refused with the server's pid and port instead of writing rows the server never
 * sees (and that the next start loses). Node loads the sources with tsx as a loader, so the pid is the command's.
 */
const entry = path.join(packageRoot, 'src', 'cli', 'run.ts');

function spawnCli(args: string[], dataDir: string, logLevel = 'warn'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: packageRoot,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), DATA_DIR: dataDir, LOG_LEVEL: logLevel },
  });
}

function cli(
  args: string[],
  dataDir: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, dataDir);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Serving {
  pid: number;
  url: string;
  port: number;
  key: string;
  exited: Promise<number | null>;
  child: ChildProcess;
}

async function serve(dataDir: string): Promise<Serving> {
  // Not a terminal: serve says it is ready in a JSON line (info), with the file that holds the demo key.
  const child = spawnCli(['serve', '--port', '0'], dataDir, 'info');
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    // Generous: a start migrates, loads the demo and launches Chromium, on machines that may be busy.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start: ${stdout} ${stderr}`));
    }, 150_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/"msg":"ready".*\n/.test(stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`serve exited early: ${stderr}`)));
  });
  const ready = stdout
    .split('\n')
    .filter((line) => line.includes('"msg":"ready"'))
    .map((line) => JSON.parse(line) as { url: string; demoApiKeyFile: string })[0]!;
  const url = ready.url;
  return {
    pid: child.pid!,
    url,
    port: Number(new URL(url).port),
    key: (await fs.readFile(ready.demoApiKeyFile, 'utf8')).trim(),
    exited,
    child,
  };
}

async function assetNames(server: Serving, clientName: string): Promise<string[]> {
  const headers = { authorization: `Bearer ${server.key}` };
  const clients = (await (await fetch(`${server.url}/api/v1/clients`, { headers })).json()) as {
    items: { id: string; name: string }[];
  };
  const client = clients.items.find((candidate) => candidate.name === clientName)!;
  const assets = (await (
    await fetch(`${server.url}/api/v1/clients/${client.id}/assets?limit=500`, { headers })
  ).json()) as { items: { name: string }[] };
  return assets.items.map((asset) => asset.name);
}

describe('one process per embedded database', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vcio-lock-'));
  });
  afterAll(() => fs.rm(workDir, { recursive: true, force: true }));

  it('when serve is running, then an import --commit goes through the server (no row lost, even after a restart), and commands without an API equivalent are refused naming the server', async () => {
    const dataDir = path.join(workDir, 'two-processes');
    const csv = path.join(workDir, 'assets.csv');
    await fs.writeFile(
      csv,
      'Name,Category,Asset Tag\nLock Test Laptop 1,laptop,LOCK-1\nLock Test Laptop 2,laptop,LOCK-2\n',
    );
    const server = await serve(dataDir);
    try {
      const before = await assetNames(server, 'Riverside Metalworks');

      const wrongKey = await cli(
        ['import', csv, '--client', 'Riverside Metalworks', '--commit', '--api-key', 'vcio_wrong'],
        dataDir,
      );
      expect(wrongKey.code).toBe(2);
      expect(wrongKey.stderr).toContain('the API key was refused by the server (401)');
      expect(await assetNames(server, 'Riverside Metalworks')).toEqual(before);

      // Without --api-key, the demo key that serve saved in DATA_DIR is used.
      const imported = await cli(['import', csv, '--client', 'riverside metalworks', '--commit'], dataDir);
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain(
        `"Riverside Metalworks" (through the server at http://127.0.0.1:${server.port})`,
      );
      expect(imported.stdout).toContain('created: 2');
      expect(imported.stdout).toContain('Done.');
      expect(await assetNames(server, 'Riverside Metalworks')).toEqual(
        expect.arrayContaining([...before, 'Lock Test Laptop 1', 'Lock Test Laptop 2']),
      );

      for (const command of [['migrate'], ['msp', 'create', '--name', 'Second Process IT']]) {
        const refused = await cli(command, dataDir);
        expect({ command, code: refused.code }).toEqual({ command, code: 2 });
        expect(refused.stdout).toBe('');
        expect(refused.stderr).toContain(`in use by process ${server.pid}`);
        expect(refused.stderr).toContain(`listening on port ${server.port}`);
        expect(refused.stderr).toContain(`use that server's API at ${server.url}`);
      }
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }

    // The imported rows were written by the server itself, so the next start has them.
    const again = await serve(dataDir);
    try {
      expect(await assetNames(again, 'Riverside Metalworks')).toEqual(
        expect.arrayContaining(['Lock Test Laptop 1', 'Lock Test Laptop 2']),
      );
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  }, 600_000);

  it('when the server is killed with SIGKILL, then its lock does not block the next start, and its data is there', async () => {
    const dataDir = path.join(workDir, 'killed');
    const first = await serve(dataDir);
    const lock = JSON.parse(await fs.readFile(path.join(dataDir, 'pglite.lock'), 'utf8')) as {
      pid: number;
      port: number;
    };
    expect(lock).toMatchObject({ pid: first.pid, port: first.port });
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await serve(dataDir);
    try {
      expect(second.key).toBe(first.key);
      expect(await assetNames(second, 'Riverside Metalworks')).not.toHaveLength(0);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    await expect(fs.access(path.join(dataDir, 'pglite.lock'))).rejects.toThrow();
  }, 600_000);

  it('when this process asks twice for one directory, then the second is refused; once released it can be taken again', async () => {
    const dataDir = path.join(workDir, 'in-process');
    const lock = await lockDataDir(dataDir, 'test');
    await expect(lockDataDir(dataDir, 'test')).rejects.toBeInstanceOf(DataDirInUseError);
    await lock.release();
    const again = await lockDataDir(dataDir, 'test');
    await again.release();
  });

  it('when the lock names a process that no longer exists, then it is taken over', async () => {
    const dataDir = path.join(workDir, 'stale');
    await fs.mkdir(dataDir, { recursive: true });
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.on('close', resolve));
    await fs.writeFile(
      path.join(dataDir, 'pglite.lock'),
      JSON.stringify({
        pid: gone.pid,
        host: os.hostname(),
        command: 'serve',
        startedAt: 'yesterday',
        port: 1,
      }),
    );
    const lock = await lockDataDir(dataDir, 'test');
    const holder = JSON.parse(await fs.readFile(path.join(dataDir, 'pglite.lock'), 'utf8')) as {
      pid: number;
    };
    expect(holder.pid).toBe(process.pid);
    await lock.release();
  });
});
