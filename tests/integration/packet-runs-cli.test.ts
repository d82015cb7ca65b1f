import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { packageRoot } from '../../src/shared/paths.js';
import { testDatabaseUrl, urlForDatabase, WORKER_DATABASE_PREFIX } from '../support/databases.js';
import { createAsset, createClient } from '../support/planner-factories.js';
import { startTestApp, unique } from '../support/test-app.js';

/**
 * `vcio-planner worker` and `vcio-planner packets` as an operator runs them: real child processes from the
 * sources. Node loads them with tsx as a loader, so that a signal reaches the command itself.
 */
const entry = path.join(packageRoot, 'src', 'cli', 'run.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: packageRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: os.tmpdir(),
      LOG_LEVEL: 'warn',
      RENDER_CONCURRENCY: '2',
      ...env,
    },
  });
}

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the worker and packets commands', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vcio-packet-runs-cli-'));
  });
  afterAll(() => fs.rm(workDir, { recursive: true, force: true }));

  it('when a worker is started on the embedded database, then it refuses in one line: serve works that queue itself', async () => {
    const run = await cli(['worker'], { DATA_DIR: path.join(workDir, 'refused') });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'vcio-planner: the embedded database is single-process; `serve` works the queue itself (set DATABASE_URL to run workers)',
    );
  });

  it('when PACKET_JOB_HEARTBEAT_SECONDS is below what the queue can honour, then one readable line names it', async () => {
    const run = await cli(['worker'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      PACKET_JOB_HEARTBEAT_SECONDS: '5',
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'vcio-planner: Invalid PACKET_JOB_HEARTBEAT_SECONDS (got "5"): must be at least 10',
    );
  });

  it('when packets runs on the embedded database, then it renders in-process, writes one PDF per client named after it, and reports progress and a summary', async () => {
    const env = { DATA_DIR: path.join(workDir, 'embedded') };
    const demo = await cli(['demo', '--json'], env);
    expect(demo.code).toBe(0);
    const loaded = JSON.parse(demo.stdout) as {
      msp: { id: string; name: string };
      clients: { id: string; name: string }[];
    };
    const out = path.join(workDir, 'embedded-packets');

    const run = await cli(
      [
        'packets',
        '--msp',
        loaded.msp.id,
        '--period',
        'FY2027 Q1 roadmap review',
        '--as-of',
        '2026-11-22',
        '--out',
        out,
        '--json',
      ],
      env,
    );
    expect(run.stderr).toContain('3/3 packets');
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as {
      run: any;
      files: { clientName: string; file: string; packetId: string }[];
    };
    expect(printed.run).toMatchObject({
      status: 'done',
      total: 3,
      done: 3,
      failed: 0,
      periodLabel: 'FY2027 Q1 roadmap review',
    });
    expect(printed.files.map((file) => path.basename(file.file)).sort()).toEqual([
      'bright-smile-dental-2026-11-22.pdf',
      'harbor-wright-llp-2026-11-22.pdf',
      'riverside-metalworks-2026-11-22.pdf',
    ]);
    for (const file of printed.files) {
      expect(path.dirname(file.file)).toBe(out);
      expect((await fs.readFile(file.file)).subarray(0, 5).toString()).toBe('%PDF-');
    }

    // The same meeting again, by MSP name and for one client: its packet is taken, not rendered again.
    const dental = loaded.clients.find((client) => client.name === 'Bright Smile Dental')!;
    const again = await cli(
      [
        'packets',
        '--msp',
        loaded.msp.name,
        '--clients',
        dental.id,
        '--period',
        'FY2027 Q1 roadmap review',
        '--as-of',
        '2026-11-22',
        '--out',
        out,
      ],
      env,
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/1 of 1 packets written to /);
    expect(again.stdout).toContain('0 rendered, 1 reused');
    expect(again.stdout).toContain('bright-smile-dental-2026-11-22.pdf  Bright Smile Dental  reused');
    const dentalPacket = printed.files.find((file) => file.clientName === dental.name)!.packetId;
    expect(printed.files.map((file) => (file as { outcome?: string }).outcome)).toEqual([
      'rendered',
      'rendered',
      'rendered',
    ]);

    // --force renders it afresh.
    const forced = await cli(
      [
        'packets',
        '--msp',
        loaded.msp.id,
        '--clients',
        dental.id,
        '--period',
        'FY2027 Q1 roadmap review',
        '--as-of',
        '2026-11-22',
        '--force',
        '--out',
        out,
      ],
      env,
    );
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('1 rendered, 0 reused');
    expect(forced.stdout).toContain('Bright Smile Dental  rendered');

    // packet --issue-packet issues a stored packet (a draft made by the run) without rendering it again.
    const issued = await cli(
      ['packet', '--client', dental.id, '--issue-packet', dentalPacket, '--json'],
      env,
    );
    expect(issued.code).toBe(0);
    expect(JSON.parse(issued.stdout).packet).toMatchObject({
      id: dentalPacket,
      status: 'issued',
      issuedAt: expect.any(String),
    });
    const stranger = '00000000-0000-4000-8000-000000000000';
    const refused = await cli(
      ['packets', '--msp', loaded.msp.id, '--clients', stranger, '--period', 'Q1', '--out', out],
      env,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(`vcio-planner: --clients: ${stranger} is not a client of this MSP`);
  }, 900_000);

  it('when packet is run with --issue, then it makes the packet and issues it; an unknown packet id to issue is refused in one line', async () => {
    const env = { DATA_DIR: path.join(workDir, 'issue') };
    const demo = await cli(['demo', '--json'], env);
    expect(demo.code).toBe(0);
    const dental = (JSON.parse(demo.stdout) as { clients: { id: string; name: string }[] }).clients.find(
      (client) => client.name === 'Bright Smile Dental',
    )!;
    const made = await cli(
      [
        'packet',
        '--client',
        'Harbor & Wright LLP',
        '--as-of',
        '2026-11-22',
        '--issue',
        '--out',
        path.join(workDir, 'harbor.pdf'),
        '--json',
      ],
      env,
    );
    expect(made.code).toBe(0);
    expect(JSON.parse(made.stdout).packet).toMatchObject({ status: 'issued', issuedAt: expect.any(String) });
    const unknownPacket = await cli(
      ['packet', '--client', dental.id, '--issue-packet', '00000000-0000-4000-8000-000000000000'],
      env,
    );
    expect(unknownPacket.code).toBe(1);
    expect(unknownPacket.stderr.trim()).toBe('vcio-planner: No such packet');
  }, 400_000);

  const postgresUrl = testDatabaseUrl();
  (postgresUrl ? it : it.skip)(
    'when packets runs on PostgreSQL, then a worker process renders the run and the command writes the PDFs (needs TEST_DATABASE_URL: workers are separate processes)',
    async () => {
      const databaseUrl = urlForDatabase(
        postgresUrl!,
        `${WORKER_DATABASE_PREFIX}${process.env.JEST_WORKER_ID ?? '1'}`,
      );
      const app = await startTestApp();
      let worker: ChildProcess | undefined;
      try {
        const { api, mspId } = await app.createTenant();
        const base = unique('Alpine Clinic');
        const names = [base, `${base}!`];
        for (const name of names) {
          const clientId = await createClient(api, { name });
          await createAsset(api, clientId, {
            category: 'server',
            inServiceOn: '2022-03-01',
            replacementCost: 900_000,
          });
        }
        worker = spawnCli(['worker'], { DATABASE_URL: databaseUrl, RENDER_CONCURRENCY: '1' });
        const out = path.join(workDir, 'postgres-packets');
        const run = await cli(
          [
            'packets',
            '--msp',
            mspId,
            '--period',
            'FY2027 Q1 roadmap review',
            '--as-of',
            '2026-11-22',
            '--out',
            out,
            '--json',
          ],
          {
            DATABASE_URL: databaseUrl,
          },
        );
        expect(run.code).toBe(0);
        const printed = JSON.parse(run.stdout) as { run: any; files: { file: string }[] };
        expect(printed.run).toMatchObject({ status: 'done', total: 2, done: 2 });
        // Two names that make the same file name: the second gets a suffix rather than overwriting the first.
        const slug = base.toLowerCase().replace(/ /g, '-');
        expect(printed.files.map((file) => path.basename(file.file))).toEqual([
          `${slug}-2026-11-22.pdf`,
          `${slug}-2026-11-22-2.pdf`,
        ]);
        for (const file of printed.files)
          expect((await fs.readFile(file.file)).subarray(0, 5).toString()).toBe('%PDF-');

        const exited = new Promise<number | null>((resolve) => worker!.on('exit', (code) => resolve(code)));
        worker.kill('SIGTERM');
        expect(await Promise.race([exited, delay(40_000, 'still running', { ref: false })])).toBe(0);
      } finally {
        if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
        await app.close();
      }
    },
    120_000,
  );
});
