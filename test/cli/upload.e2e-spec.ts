import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from 'src/cli/io';
import { UploadState, uploadFile } from 'src/cli/upload';
import { programmesForApi } from 'src/generator/catalogue';
import { csvHeader, EnrolmentRecord, LeaverRecord, toCsvLine } from 'src/generator/records';
import { generateRegion } from 'src/generator/region';
import { currentSchoolYear } from 'src/records/codes';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { runInProcess } from 'test/cli/cli-harness';
import { createTestContext, TestContext } from 'test/utils/test-context';

const CHUNK = 250;
const BSN = '249566758';

describe('doorstroom upload (against the running service)', () => {
  let ctx: TestContext;
  let baseUrl: string;
  let dir: string;
  let file: string;
  let rows: number;

  /** A CSV without receiving_brin/vestiging values, so that any institution may upload it. */
  const writeEnrolments = (path: string, records: EnrolmentRecord[]): void => {
    const lines = records.map((record) => toCsvLine('enrolments', { ...record, receivingBrin: undefined, receivingVestiging: undefined }));
    writeFileSync(path, `${csvHeader('enrolments')}\n${lines.join('\n')}\n`);
  };

  const newReceiver = async (): Promise<{ institution: InstitutionEntity; clientId: string; secret: string }> => {
    const institution = await ctx.newInstitution({ sectors: ['hbo'] });
    const { clientId, secret } = await ctx.newClient({ institution, scopes: ['records:write', 'records:read'] });
    return { institution, clientId, secret };
  };

  const countEnrolments = async (institution: InstitutionEntity): Promise<number> =>
    Number((await ctx.dataSource.query('SELECT count(*)::int AS n FROM enrolments WHERE institution_id = $1', [institution.id]))[0].n);

  const uploadArgs = (path: string, clientId: string, ...extra: string[]): string[] => [
    'upload',
    '--file',
    path,
    '--kind',
    'enrolments',
    '--base-url',
    baseUrl,
    '--client-id',
    clientId,
    '--chunk-size',
    String(CHUNK),
    ...extra,
  ];

  beforeAll(async () => {
    ctx = await createTestContext();
    const server = await ctx.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    await ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: programmesForApi() }).expect(200);

    dir = mkdtempSync(join(tmpdir(), 'doorstroom-upload-'));
    file = join(dir, 'enrolments.csv');
    const region = generateRegion({ seed: 9, students: 4_000, cohorts: [2019, 2024] });
    const records = [...region.enrolmentsOf('92HA')];
    rows = records.length;
    writeEnrolments(file, records);
    expect(rows).toBeGreaterThan(3 * CHUNK);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await ctx.close();
  });

  it('uploads a CSV in chunks, reports inserted/updated/unchanged, and skips completed chunks on a second run', async () => {
    const { institution, clientId, secret } = await newReceiver();
    const first = await runInProcess(uploadArgs(file, clientId), { DOORSTROOM_CLIENT_SECRET: secret });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const chunks = Math.ceil(rows / CHUNK);
    expect(first.stdout).toContain(`${chunks} chunk(s): ${chunks} sent, 0 already done in an earlier run, 0 rejected`);
    expect(first.stdout).toContain(`rows accepted: ${rows} (inserted ${rows}, updated 0, unchanged 0)`);
    expect(first.stdout).not.toContain(secret);
    expect(await countEnrolments(institution)).toBe(rows);

    const state = JSON.parse(readFileSync(`${file}.upload-state.json`, 'utf8')) as UploadState;
    expect(Object.values(state.chunks).map((chunk) => chunk.status)).toEqual(Array(chunks).fill('done'));
    expect(state.chunks['1']).toMatchObject({ rows: CHUNK, firstLine: CHUNK + 2, lastLine: 2 * CHUNK + 1 });

    const again = await runInProcess(uploadArgs(file, clientId), { DOORSTROOM_CLIENT_SECRET: secret });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${chunks} chunk(s): 0 sent, ${chunks} already done in an earlier run, 0 rejected`);
    expect(await countEnrolments(institution)).toBe(rows);

    // --restart sends every chunk again under the same keys: the service replays, nothing is added
    const restart = await runInProcess(uploadArgs(file, clientId, '--restart'), { DOORSTROOM_CLIENT_SECRET: secret });
    expect(restart.code).toBe(0);
    expect(restart.stdout).toContain(`${chunks} sent`);
    expect(await countEnrolments(institution)).toBe(rows);
    rmSync(`${file}.upload-state.json`);
  });

  it('resumes after a failure: the next run sends only the chunks that were not done', async () => {
    const { institution, clientId, secret } = await newReceiver();
    const path = join(dir, 'resume.csv');
    writeFileSync(path, readFileSync(file));
    let batches = 0;
    const failingFetch: typeof fetch = async (input, init) => {
      if ((input instanceof Request ? input.url : input.toString()).endsWith('/v1/enrolments:batch') && ++batches === 3) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return fetch(input, init);
    };
    const io = { stdout: process.stdout, stderr: { write: () => true } as unknown as NodeJS.WritableStream, env: {} };
    await expect(
      uploadFile({ file: path, kind: 'enrolments', baseUrl, clientId, clientSecret: secret, chunkSize: CHUNK, retries: 0, fetch: failingFetch }, io),
    ).rejects.toThrow(CliError);
    expect(await countEnrolments(institution)).toBe(2 * CHUNK);
    const state = JSON.parse(readFileSync(`${path}.upload-state.json`, 'utf8')) as UploadState;
    expect(Object.keys(state.chunks)).toEqual(['0', '1']);

    const chunks = Math.ceil(rows / CHUNK);
    const resumed = await runInProcess(uploadArgs(path, clientId), { DOORSTROOM_CLIENT_SECRET: secret });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`${chunks} chunk(s): ${chunks - 2} sent, 2 already done in an earlier run, 0 rejected`);
    expect(resumed.stdout).toContain(`rows accepted: ${rows} (inserted ${rows}, updated 0, unchanged 0)`);
    expect(await countEnrolments(institution)).toBe(rows);
  });

  it('replays a chunk whose response was lost without writing it twice (same Idempotency-Key)', async () => {
    const { institution, clientId, secret } = await newReceiver();
    const path = join(dir, 'replay.csv');
    writeFileSync(path, readFileSync(file));
    const keys: string[] = [];
    let lost = false;
    const losingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if ((input instanceof Request ? input.url : input.toString()).endsWith('/v1/enrolments:batch')) {
        keys.push(new Headers(init?.headers).get('idempotency-key')!);
        if (keys.length === 2 && !lost) {
          lost = true;
          await response.text();
          throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
        }
      }
      return response;
    };
    const io = { stdout: process.stdout, stderr: { write: () => true } as unknown as NodeJS.WritableStream, env: {} };
    const summary = await uploadFile({ file: path, kind: 'enrolments', baseUrl, clientId, clientSecret: secret, chunkSize: CHUNK, retries: 2, backoffMs: 10, fetch: losingFetch }, io);
    expect(keys[1]).toBe(keys[2]);
    expect(new Set(keys).size).toBe(Math.ceil(rows / CHUNK));
    expect(summary).toMatchObject({ rows, inserted: rows, rejected: 0 });
    expect(await countEnrolments(institution)).toBe(rows);
  });

  it('reports row errors with the CSV line and column, never echoing a raw identifier, and keeps the good chunks', async () => {
    const { institution, clientId, secret } = await newReceiver();
    const path = join(dir, 'broken.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    const cells = (line: string): string[] => line.split(',');
    // line 5: an impossible date; line 2*CHUNK+10 (chunk 2): a raw BSN instead of a pseudonym
    const bad = cells(lines[4]);
    bad[7] = '2023-02-30';
    lines[4] = bad.join(',');
    const raw = cells(lines[2 * CHUNK + 9]);
    raw[0] = BSN;
    lines[2 * CHUNK + 9] = raw.join(',');
    writeFileSync(path, lines.join('\n'));

    const run = await runInProcess(uploadArgs(path, clientId), { DOORSTROOM_CLIENT_SECRET: secret });
    expect(run.code).toBe(1);
    const chunks = Math.ceil(rows / CHUNK);
    // the chunk with the raw BSN is refused here and never sent (src/cli/upload.ts)
    expect(run.stdout).toContain(`${chunks} chunk(s): ${chunks - 1} sent, 0 already done in an earlier run, 2 rejected (1 of them not sent: refused here)`);
    expect(run.stdout).toMatch(/line 5, column start_date: .*real date.*\(isDate\)/);
    expect(run.stdout).toMatch(new RegExp(`line ${2 * CHUNK + 10}, column pseudonym: .*BSN.*\\(looks_like_bsn\\)`));
    expect(run.stdout + run.stderr).not.toContain(BSN);
    expect(await countEnrolments(institution)).toBe(rows - 2 * CHUNK);
    const state = JSON.parse(readFileSync(`${path}.upload-state.json`, 'utf8')) as UploadState;
    expect(state.chunks['0']).toMatchObject({ status: 'rejected', errors: 1 });
    expect(state.chunks['2']).toMatchObject({ status: 'rejected', errors: 1 });

    // after the fix the file has another hash: the state is discarded, every chunk gets a new key
    writeFileSync(path, readFileSync(file));
    const fixed = await runInProcess(uploadArgs(path, clientId), { DOORSTROOM_CLIENT_SECRET: secret });
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toContain('is for another version of the file; starting over');
    expect(fixed.stdout).toContain(`rows accepted: ${rows} (inserted ${2 * CHUNK}, updated 0, unchanged ${rows - 2 * CHUNK})`);
    expect(await countEnrolments(institution)).toBe(rows);
  });

  it('uploads leavers too', async () => {
    const school = await ctx.newInstitution({ sectors: ['vo'] });
    const { clientId, secret } = await ctx.newClient({ institution: school, scopes: ['records:write'] });
    const leavers: LeaverRecord[] = [...generateRegion({ seed: 9, students: 500, cohorts: [2019, 2024] }).leavers()];
    const path = join(dir, 'leavers.csv');
    writeFileSync(path, `${csvHeader('leavers')}\n${leavers.map((l) => toCsvLine('leavers', { ...l, supplyingVestiging: undefined })).join('\n')}\n`);
    const run = await runInProcess(['upload', '--file', path, '--kind', 'leavers', '--base-url', baseUrl, '--client-id', clientId], { DOORSTROOM_CLIENT_SECRET: secret });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`rows accepted: ${leavers.length} (inserted ${leavers.length}`);
    const [{ n }] = await ctx.dataSource.query('SELECT count(*)::int AS n FROM leavers WHERE institution_id = $1', [school.id]);
    expect(n).toBe(leavers.length);
  });

  it('uploads alumni survey answers too, a blank cell as an item not answered', async () => {
    const school = await ctx.newInstitution({ sectors: ['vo'] });
    const { clientId, secret } = await ctx.newClient({ institution: school, scopes: ['records:write'] });
    const year = currentSchoolYear();
    const path = join(dir, 'surveys.csv');
    const lines = [1, 2, 3].map((i) => `${'ab'.repeat(31)}0${i},alumni-1,${year},4,${i === 2 ? '' : '3'},5,2`);
    writeFileSync(path, `${csvHeader('surveys')}\n${lines.join('\n')}\n`);
    const run = await runInProcess(['upload', '--file', path, '--kind', 'surveys', '--base-url', baseUrl, '--client-id', clientId], { DOORSTROOM_CLIENT_SECRET: secret });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('rows accepted: 3 (inserted 3');
    const rows = await ctx.dataSource.query('SELECT study_skills FROM survey_answers WHERE institution_id = $1 ORDER BY pseudonym', [school.id]);
    expect(rows).toEqual([{ study_skills: 3 }, { study_skills: null }, { study_skills: 3 }]);
  });

  it('refuses bad credentials, a file with unknown columns, and a missing secret, without printing the secret', async () => {
    const { clientId } = await newReceiver();
    const wrong = 'wrong-secret-' + Date.now();
    const denied = await runInProcess(uploadArgs(file, clientId, '--state-file', join(dir, 'denied.json')), { DOORSTROOM_CLIENT_SECRET: wrong });
    expect(denied.code).toBe(78);
    expect(denied.stderr).toContain(`could not get a token for client ${clientId}`);
    expect(denied.stdout + denied.stderr).not.toContain(wrong);

    const odd = join(dir, 'odd.csv');
    writeFileSync(odd, 'pseudonym,bsn\nabc,123\n');
    const unknown = await runInProcess(uploadArgs(odd, clientId), { DOORSTROOM_CLIENT_SECRET: 'x' });
    expect(unknown.code).toBe(65);
    expect(unknown.stderr).toContain('unknown column(s) for enrolments: bsn');
    expect(existsSync(`${odd}.upload-state.json`)).toBe(false);

    const noSecret = await runInProcess(uploadArgs(file, clientId));
    expect(noSecret.code).toBe(78);
    expect(noSecret.stderr).toContain('DOORSTROOM_CLIENT_SECRET');
  });
});
