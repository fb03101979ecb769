import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uploadFile } from 'src/cli/upload';
import { programmesForApi } from 'src/generator/catalogue';
import { csvHeader, EnrolmentRecord, toCsvLine } from 'src/generator/records';
import { generateRegion } from 'src/generator/region';
import { runInProcess } from 'test/cli/cli-harness';
import { createTestContext, TestContext } from 'test/utils/test-context';

const BSN = '249566758';
const ONDERWIJSNUMMER = '100000004';
const CHUNK = 100;

describe('doorstroom upload checks locally and reads Dutch spreadsheet exports', () => {
  let ctx: TestContext;
  let baseUrl: string;
  let dir: string;
  let records: EnrolmentRecord[];
  /** Every request body the command sent. */
  let sent: string[];
  const recordingFetch: typeof fetch = async (input, init) => {
    if (typeof init?.body === 'string') sent.push(init.body);
    return fetch(input, init);
  };
  const quiet = { stdout: { write: () => true } as unknown as NodeJS.WritableStream, stderr: { write: () => true } as unknown as NodeJS.WritableStream, env: {} };

  const csvOf = (rows: EnrolmentRecord[], delimiter = ',', lineEnd = '\n'): string =>
    [csvHeader('enrolments'), ...rows.map((record) => toCsvLine('enrolments', { ...record, receivingBrin: undefined, receivingVestiging: undefined }))]
      .map((line) => (delimiter === ',' ? line : line.split(',').join(delimiter)))
      .join(lineEnd) + lineEnd;
  const receiver = async () => {
    const institution = await ctx.newInstitution({ sectors: ['hbo'] });
    return { institution, ...(await ctx.newClient({ institution, scopes: ['records:write', 'records:read'] })) };
  };
  const count = async (institutionId: string): Promise<number> =>
    (await ctx.dataSource.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM enrolments WHERE institution_id = $1', [institutionId]))[0].n;

  beforeAll(async () => {
    ctx = await createTestContext();
    const server = await ctx.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    await ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: programmesForApi() }).expect(200);
    dir = mkdtempSync(join(tmpdir(), 'doorstroom-upload-checks-'));
    records = [...generateRegion({ seed: 5, students: 1_500, cohorts: [2022, 2024] }).enrolmentsOf('92HA')].slice(0, 3 * CHUNK);
    expect(records).toHaveLength(3 * CHUNK);
  });
  beforeEach(() => {
    sent = [];
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await ctx.close();
  });

  it('never sends a raw BSN or onderwijsnummer: their chunks are refused here, the others go', async () => {
    const { institution, clientId, secret } = await receiver();
    const rows = records.map((record, i) => (i === 5 ? { ...record, pseudonym: BSN } : i === 2 * CHUNK + 7 ? { ...record, pseudonym: `${ONDERWIJSNUMMER.slice(0, 4)} ${ONDERWIJSNUMMER.slice(4)}` } : record));
    const file = join(dir, 'raw-rows.csv');
    writeFileSync(file, csvOf(rows));
    const summary = await uploadFile({ file, kind: 'enrolments', baseUrl, clientId, clientSecret: secret, chunkSize: CHUNK, fetch: recordingFetch }, quiet);
    expect(summary).toMatchObject({ chunks: 3, sent: 1, rejected: 2, notSent: 2, rawIdentifiers: 2, rows: CHUNK });
    expect(summary.errors.map((error) => `${error.line}:${error.column}:${error.code}`)).toEqual([`7:pseudonym:looks_like_bsn`, `${2 * CHUNK + 9}:pseudonym:looks_like_onderwijsnummer`]);
    const everything = sent.join('\n');
    expect(sent.length).toBeGreaterThan(0);
    for (const value of [BSN, ONDERWIJSNUMMER, ONDERWIJSNUMMER.slice(4)]) expect(everything).not.toContain(value);
    expect(await count(institution.id)).toBe(CHUNK);

    const run = await runInProcess(['upload', '--file', file, '--kind', 'enrolments', '--base-url', baseUrl, '--client-id', clientId, '--chunk-size', String(CHUNK)], { DOORSTROOM_CLIENT_SECRET: secret });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('3 chunk(s): 0 sent, 1 already done in an earlier run, 2 rejected (2 of them not sent: refused here)');
    expect(run.stdout).toMatch(/line 7, column pseudonym: The value looks like a BSN.*Not sent\. \(looks_like_bsn\)/);
    expect(run.stdout).toContain('Run `doorstroom pseudonymise` on the source file first.');
    expect(run.stdout + run.stderr).not.toContain(BSN);
  });

  it('sends nothing at all for a file that was never pseudonymised', async () => {
    const { institution, clientId, secret } = await receiver();
    const file = join(dir, 'not-pseudonymised.csv');
    writeFileSync(file, csvOf(records.slice(0, CHUNK).map((record, i) => ({ ...record, pseudonym: i % 2 === 0 ? BSN : 'student-12' }))));
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const summary = await uploadFile({ file, kind: 'enrolments', baseUrl, clientId, clientSecret: secret, chunkSize: 40, fetch: counting }, quiet);
    expect(summary).toMatchObject({ chunks: 3, sent: 0, notSent: 3, rawIdentifiers: CHUNK / 2 });
    expect(requests).toBe(0);
    expect(await count(institution.id)).toBe(0);
  });

  it('reads a semicolon-separated export (byte-order mark, CRLF) on its own, and with --delimiter', async () => {
    const { institution, clientId, secret } = await receiver();
    const file = join(dir, 'excel-nl.csv');
    writeFileSync(file, `\uFEFF${csvOf(records, ';', '\r\n')}`);
    const detected = await runInProcess(['upload', '--file', file, '--kind', 'enrolments', '--base-url', baseUrl, '--client-id', clientId], { DOORSTROOM_CLIENT_SECRET: secret });
    expect(detected.stderr).toBe('');
    expect(detected.code).toBe(0);
    expect(detected.stdout).toContain(`rows accepted: ${records.length} (inserted ${records.length}`);
    expect(await count(institution.id)).toBe(records.length);

    const explicit = await runInProcess(['upload', '--file', file, '--kind', 'enrolments', '--base-url', baseUrl, '--client-id', clientId, '--delimiter', ';', '--restart'], {
      DOORSTROOM_CLIENT_SECRET: secret,
    });
    expect(explicit.code).toBe(0);
    expect(explicit.stdout).toContain('1 chunk(s): 1 sent, 0 already done in an earlier run, 0 rejected');
    expect(await count(institution.id)).toBe(records.length);

    const wrong = await runInProcess(['upload', '--file', file, '--kind', 'enrolments', '--base-url', baseUrl, '--client-id', clientId, '--delimiter', ','], { DOORSTROOM_CLIENT_SECRET: secret });
    expect(wrong.code).toBe(65);
    expect(wrong.stderr).toContain('is the file separated by another character? see --delimiter');
    const bad = await runInProcess(['upload', '--file', file, '--kind', 'enrolments', '--base-url', baseUrl, '--client-id', clientId, '--delimiter', '"'], { DOORSTROOM_CLIENT_SECRET: secret });
    expect(bad.code).toBe(64);
  });

  it('pseudonymise detects the semicolon too and keeps it', async () => {
    const raw = join(dir, 'raw-nl.csv');
    const out = join(dir, 'pseudonymised-nl.csv');
    writeFileSync(raw, 'bsn;programme_code;opmerking\r\n249566758;34479;"a; b"\r\n');
    const keyFile = join(dir, 'key.bin');
    writeFileSync(keyFile, randomBytes(32));
    const run = await runInProcess(['pseudonymise', '--in', raw, '--out', out, '--id-column', 'bsn', '--key-file', keyFile]);
    expect(run.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('pseudonym;programme_code;opmerking');
    expect(lines[1]).toMatch(/^[0-9a-f]{64};34479;"a; b"$/);
  });
});
