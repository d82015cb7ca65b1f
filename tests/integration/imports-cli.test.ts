import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerImportCommand } from '../../src/imports/import.cli.js';
import { importThroughServer } from '../../src/imports/import.remote.js';
import { createClient } from '../support/planner-factories.js';
import { startTestApp, unique, type TestApp, type Tenant } from '../support/test-app.js';

const fixtures = path.join(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
  'unit',
  'imports',
  'fixtures',
  'snipe-it',
);
const INTUNE_FIXTURE = path.join(
  fixtures,
  '..',
  'intune',
  'graph-docs-v1.0-list-managedDevices.example.json',
);
const GLPI_FIXTURE = path.join(fixtures, '..', 'glpi', 'inventory-format-computer_1.json');

interface Run {
  out: string;
  err: string;
  exitCode: number;
}

describe('the import command', () => {
  let app: TestApp;
  let tenant: Tenant;
  let workDir: string;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vcio-import-cli-'));
  });
  afterAll(async () => {
    await fs.rm(workDir, { recursive: true, force: true });
    await app.close();
  });

  /** Runs `vcio-planner import …` in process, on the test database, as the lead's CLI will wire it. */
  async function run(...args: string[]): Promise<Run> {
    let out = '';
    let err = '';
    const program = new Command('vcio-planner').exitOverride().configureOutput({
      writeOut: (text) => void (out += text),
      writeErr: (text) => void (err += text),
    });
    registerImportCommand(program, {
      // The command closes what it opens; the test database outlives it.
      openDatabase: async () => ({ ...app.database, close: async () => undefined }),
      write: (text) => void (out += text),
    });
    const previousExitCode = process.exitCode;
    process.exitCode = undefined;
    try {
      await program.parseAsync(['import', ...args], { from: 'user' });
      return { out, err, exitCode: Number(process.exitCode ?? 0) };
    } catch (error) {
      if (error instanceof CommanderError) return { out, err, exitCode: error.exitCode };
      throw error;
    } finally {
      process.exitCode = previousExitCode;
    }
  }

  const count = async (clientId: string) =>
    (await app.database.db.selectFrom('assets').select('id').where('client_id', '=', clientId).execute())
      .length;
  const writeFile = async (name: string, text: string) => {
    const file = path.join(workDir, name);
    await fs.writeFile(file, text);
    return file;
  };

  it('when run without --commit on a client named in any case, then it prints what would happen and writes nothing', async () => {
    const name = unique('Dental Practice');
    const clientId = await createClient(tenant.api, { name });
    const result = await run(
      path.join(fixtures, 'assets-sample.csv'),
      '--client',
      name.toUpperCase(),
      '--preset',
      'snipe-it',
    );
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain(`Dry run of assets-sample.csv into "${name}"`);
    expect(result.out).toContain('(snipe-it preset, utf-8, 22 rows)');
    expect(result.out).toContain('would be created: 22, would be updated: 0, unchanged: 0');
    expect(result.out).toContain(
      'Category "Ornamental Railings": is not a category we know; imported as other (2 rows)',
    );
    expect(result.out).toContain('run again with --commit to import');
    expect(await count(clientId)).toBe(0);
  });

  it('when run with --commit --json on a client id, then the assets are written and the report is JSON', async () => {
    const clientId = await createClient(tenant.api);
    const result = await run(
      path.join(fixtures, 'assets-sample-BAD.csv'),
      '--client',
      clientId,
      '--preset',
      'snipe-it',
      '--commit',
      '--json',
    );
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({
      committed: true,
      created: 200,
      errorCount: 0,
      file: { encoding: 'windows-1252' },
    });
    expect(await count(clientId)).toBe(200);
    const again = await run(
      path.join(fixtures, 'assets-sample-BAD.csv'),
      '--client',
      clientId,
      '--preset',
      'snipe-it',
      '--commit',
    );
    expect(again.out).toContain('created: 0, updated: 0, unchanged: 200');
  });

  it('when the file has row errors, then they are listed by row, nothing is written and the exit code is 1', async () => {
    const clientId = await createClient(tenant.api);
    const file = await writeFile(
      'bad.csv',
      'Name,Asset Tag,Purchased On\nPC,T-1,2/30/23\nLaptop,T-2,1/5/24\n',
    );
    const result = await run(file, '--client', clientId, '--commit');
    expect(result.exitCode).toBe(1);
    expect(result.out).toContain('Rejected bad.csv');
    expect(result.out).toContain(
      'Errors (1):\n  row 2  Purchased On "2/30/23": is not a real calendar date: February 2023 has 28 days',
    );
    expect(result.out).toContain('Nothing was written; fix the errors and run it again.');
    expect(await count(clientId)).toBe(0);
  });

  it('when a mapping file names the columns, then they are imported as those fields', async () => {
    const clientId = await createClient(tenant.api);
    const file = await writeFile('own.csv', 'Device,Tag,Bought\nPC-1,T-1,3/1/24\n');
    const mapping = await writeFile(
      'mapping.json',
      JSON.stringify({ Device: 'name', Tag: 'assetTag', Bought: 'purchasedOn' }),
    );
    const result = await run(file, '--client', clientId, '--mapping', mapping, '--commit', '--json');
    expect(JSON.parse(result.out)).toMatchObject({ committed: true, created: 1 });
    const broken = await writeFile('broken.json', JSON.stringify({ Device: 'colour' }));
    const refused = await run(file, '--client', clientId, '--mapping', broken);
    expect(refused.exitCode).toBe(2);
    expect(refused.err).toMatch(/the mapping .*broken\.json at "Device" must be one of name, category/);
  });

  it('when the client name is used by clients of two MSPs, then the command asks for the id and lists them', async () => {
    const name = unique('Shared Name LLP');
    const other = await app.createTenant(unique('Other MSP'));
    const mine = await createClient(tenant.api, { name });
    const theirs = await createClient(other.api, { name });
    const file = path.join(fixtures, 'assets-sample.csv');
    const ambiguous = await run(file, '--client', name, '--preset', 'snipe-it');
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.err).toContain(`several clients are named "${name}"`);
    expect(ambiguous.err).toContain(mine);
    expect(ambiguous.err).toContain(theirs);
    expect((await run(file, '--client', theirs, '--preset', 'snipe-it')).out).toContain(`into "${name}"`);
  });

  it('when a GLPI inventory is imported, then the dry run counts records, the commit writes it and a second commit changes nothing', async () => {
    const name = unique('Glpi Client');
    const clientId = await createClient(tenant.api, { name });
    const dryRun = await run(GLPI_FIXTURE, '--client', name, '--preset', 'glpi');
    expect(dryRun.exitCode).toBe(0);
    expect(dryRun.out).toContain(`Dry run of inventory-format-computer_1.json into "${name}"`);
    expect(dryRun.out).toContain('(glpi preset, JSON utf-8, 1 record)');
    expect(dryRun.out).toContain('would be created: 1, would be updated: 0, unchanged: 0');
    expect(await count(clientId)).toBe(0);

    expect((await run(GLPI_FIXTURE, '--client', clientId, '--preset', 'glpi', '--commit')).out).toContain(
      'created: 1, updated: 0, unchanged: 0',
    );
    const again = await run(GLPI_FIXTURE, '--client', clientId, '--preset', 'glpi', '--commit', '--json');
    expect(JSON.parse(again.out)).toMatchObject({ committed: true, created: 0, unchanged: 1 });
    expect(await count(clientId)).toBe(1);
  });

  it('when an Intune record is broken, then the error names the record and the field and the exit code is 1', async () => {
    const clientId = await createClient(tenant.api);
    const file = await writeFile(
      'devices.json',
      JSON.stringify({
        value: [
          { id: 'a', deviceName: 'A', enrolledDateTime: '2024-05-01T08:00:00Z' },
          { id: 'b', deviceName: 'B', enrolledDateTime: 'soon' },
        ],
      }),
    );
    const result = await run(file, '--client', clientId, '--preset', 'intune-graph', '--commit');
    expect(result.exitCode).toBe(1);
    expect(result.out).toContain('Errors (1):\n  record 2  enrolledDateTime "soon": is not an ISO 8601');
    expect(await count(clientId)).toBe(0);
  });

  it('when a .json file is given with a CSV preset, or a mapping with a JSON preset, then it is a usage error naming the fix', async () => {
    const clientId = await createClient(tenant.api);
    const csvPreset = await run(INTUNE_FIXTURE, '--client', clientId);
    expect(csvPreset.exitCode).toBe(2);
    expect(csvPreset.err).toMatch(
      /is JSON; the generic preset reads CSV \(use --preset intune-graph or glpi\)/,
    );
    const mapping = await writeFile('map.json', '{"deviceName": "name"}');
    const mapped = await run(
      INTUNE_FIXTURE,
      '--client',
      clientId,
      '--preset',
      'intune-graph',
      '--mapping',
      mapping,
    );
    expect(mapped.exitCode).toBe(2);
    expect(mapped.err).toMatch(/--mapping is for CSV columns/);
    expect(await count(clientId)).toBe(0);
  });

  it('when the import goes through a running server, then the JSON is sent as JSON: dry run, commit, then unchanged', async () => {
    const name = unique('Remote Intune Client');
    const clientId = await createClient(tenant.api, { name });
    const bytes = await fs.readFile(INTUNE_FIXTURE);
    const send = (commit: boolean) =>
      importThroughServer({
        baseUrl: app.url,
        apiKey: tenant.key,
        client: name.toLowerCase(),
        bytes,
        fileName: 'devices.json',
        preset: 'intune-graph',
        mapping: undefined,
        commit,
        source: undefined,
        dateOrder: 'mdy',
      });
    expect((await send(false)).result).toMatchObject({ committed: false, created: 1, errorCount: 0 });
    expect(await count(clientId)).toBe(0);
    expect((await send(true)).result).toMatchObject({ committed: true, created: 1 });
    expect((await send(true)).result).toMatchObject({ committed: true, created: 0, unchanged: 1 });
    expect(await count(clientId)).toBe(1);
  });

  it('when the client or the file does not exist, then it is a usage error', async () => {
    const missingClient = await run(path.join(fixtures, 'assets-sample.csv'), '--client', unique('Nobody'));
    expect(missingClient).toMatchObject({
      exitCode: 2,
      err: expect.stringMatching(/no client with the id or name/),
    });
    const missingFile = await run(path.join(workDir, 'nope.csv'), '--client', 'x');
    expect(missingFile).toMatchObject({
      exitCode: 2,
      err: expect.stringMatching(/cannot read .*nope\.csv: no such file/),
    });
  });
});
