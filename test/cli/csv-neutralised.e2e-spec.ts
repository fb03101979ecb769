import { parse } from 'csv-parse/sync';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvHeader, toCsvLine } from 'src/generator/records';
import { runInProcess } from 'test/cli/cli-harness';
import { createTestContext, TestContext } from 'test/utils/test-context';

/** Profiles that are valid (letters, digits, & + . / ( ) ' -) and that a spreadsheet would run as a formula. */
const PROFILES = ['+Tech', '-N&T', "'-x"];
const BSNS = ['249566758', '111222333', '012345672'];

describe('CSV files the command-line tool writes are safe to open in a spreadsheet, and upload unchanged', () => {
  let ctx: TestContext;
  let baseUrl: string;
  let dir: string;
  let keyFile: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    const server = await ctx.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'doorstroom-csvcell-'));
    keyFile = join(dir, 'key.bin');
    writeFileSync(keyFile, randomBytes(32));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await ctx.close();
  });

  const profiles = async (institutionId: string): Promise<string[]> =>
    (await ctx.dataSource.query<Array<{ profile: string }>>('SELECT profile FROM leavers WHERE institution_id = $1 ORDER BY profile', [institutionId])).map((row) => row.profile);

  it('pseudonymise neutralises formula cells but not numbers, and upload (CLI and service CSV) takes the mark off again', async () => {
    const raw = join(dir, 'raw.csv');
    const out = join(dir, 'leavers.csv');
    writeFileSync(raw, ['bsn,school_year,onderwijssoort,profile,diploma', ...BSNS.map((bsn, i) => `${bsn},2023,havo,${PROFILES[i]},ja`)].join('\n') + '\n');
    const run = await runInProcess(['pseudonymise', '--in', raw, '--out', out, '--id-column', 'bsn', '--key-file', keyFile]);
    expect(run.code).toBe(0);
    const written = parse<Record<string, string>>(readFileSync(out), { columns: true });
    expect(written.map((row) => row.profile)).toEqual(["'+Tech", "'-N&T", "''-x"]);
    expect(written.map((row) => row.school_year)).toEqual(['2023', '2023', '2023']);

    // through the command-line upload (JSON batches)
    const school = await ctx.newInstitution({ sectors: ['vo'] });
    const client = await ctx.newClient({ institution: school, scopes: ['records:write'] });
    const upload = await runInProcess(['upload', '--file', out, '--kind', 'leavers', '--base-url', baseUrl, '--client-id', client.clientId], { DOORSTROOM_CLIENT_SECRET: client.secret });
    expect(upload.stderr).toBe('');
    expect(upload.code).toBe(0);
    expect(await profiles(school.id)).toEqual([...PROFILES].sort());

    // straight to the service's CSV upload
    const other = await ctx.newInstitution({ sectors: ['vo'] });
    const token = await ctx.tokenFor({ institution: other, scopes: ['records:write'] });
    await ctx.http.post('/v1/uploads?kind=leavers').set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send(readFileSync(out)).expect(200);
    expect(await profiles(other.id)).toEqual([...PROFILES].sort());
  });

  it('the generator writes its CSV through the same rule', () => {
    const line = toCsvLine('leavers', { pseudonym: 'a'.repeat(64), schoolYear: 2023, onderwijssoort: 'havo', profile: '=1+1', diploma: true });
    expect(csvHeader('leavers').split(',')).toHaveLength(line.split(',').length);
    expect(line).toContain(",'=1+1,");
  });
});
