import { AddressInfo } from 'node:net';
import { createTestContext, TestContext } from 'test/utils/test-context';
import {
  BSN,
  countRows,
  ENROLMENT_COLUMNS,
  enrolment,
  enrolments,
  IngestFixture,
  LEAVER_COLUMNS,
  leaver,
  refreshJobs,
  setupIngest,
  toCsv,
} from 'test/ingest/records.factory';

interface FieldError {
  line?: number;
  column?: string;
  code: string;
  detail: string;
}

describe('POST /v1/uploads (streamed CSV)', () => {
  let ctx: TestContext;
  let f: IngestFixture;

  beforeAll(async () => {
    // Small chunks, so that a few hundred rows already span several upsert statements.
    ctx = await createTestContext({ INGEST_CHUNK_ROWS: '100' });
    f = await setupIngest(ctx);
  });
  afterAll(() => ctx.close());

  const upload = (token: string, kind: string, csv: string | Buffer, contentType = 'text/csv') =>
    ctx.http.post(`/v1/uploads?kind=${kind}`).set('Authorization', `Bearer ${token}`).set('Content-Type', contentType).send(csv);
  const located = (errors: FieldError[]) => errors.map((error) => `${error.line}:${error.column ?? ''} ${error.code}`);

  it('loads a file of enrolments across several chunks, upserting on the natural key', async () => {
    const records = enrolments(250, 0, { receivingBrin: f.a.brin });
    const first = await upload(f.tokenA, 'enrolments', toCsv(records)).expect(200);
    expect(first.body).toEqual({ batchId: expect.any(String), rows: 250, inserted: 250, updated: 0, unchanged: 0 });
    expect(await countRows(ctx, f.a)).toEqual({ enrolments: 250, leavers: 0 });
    expect(await refreshJobs(ctx, f.a)).toEqual([{ cohorts: [2023] }]);

    const changed = records.map((record, i) => (i % 50 === 0 ? { ...record, form: 'deeltijd' } : record));
    const second = await upload(f.tokenA, 'enrolments', toCsv([...changed, enrolment(250)])).expect(200);
    expect(second.body).toMatchObject({ rows: 251, inserted: 1, updated: 5, unchanged: 245 });

    const progress = await ctx.http.get(`/v1/uploads/${second.body.batchId}`).set('Authorization', `Bearer ${f.tokenA}`).expect(200);
    expect(progress.body).toMatchObject({ id: second.body.batchId, kind: 'enrolments', source: 'csv', status: 'committed', rows: 251, inserted: 1, updated: 5, unchanged: 245, errorCount: 0 });
    expect(progress.body.finishedAt).toEqual(expect.any(String));
  });

  it('accepts a byte-order mark, CRLF line ends, quoted fields, blank lines and a header with only some optional columns', async () => {
    const columns = ['prior_diploma_year', 'pseudonym', 'programme_code', 'sector', 'level', 'form', 'start_date', 'prior_brin', 'prior_diploma_type'];
    const body = '\ufeff' + toCsv([enrolment(300), enrolment(301)], columns).replace(/\n/g, '\r\n').replace(',34479,', ',"34479",') + '\r\n';
    const response = await upload(f.tokenA, 'enrolments', body).expect(200);
    expect(response.body).toMatchObject({ rows: 2, inserted: 2 });
  });

  it('loads leavers', async () => {
    const response = await upload(f.tokenA, 'leavers', toCsv([leaver(1), leaver(2, { diploma: false, supplyingVestiging: `${f.a.brin}00` })], LEAVER_COLUMNS)).expect(200);
    expect(response.body).toMatchObject({ rows: 2, inserted: 2 });
    expect((await countRows(ctx, f.a)).leavers).toBe(2);
  });

  it('rolls the whole upload back on invalid rows and lists them with line and column', async () => {
    const before = await countRows(ctx, f.a);
    const records = enrolments(180, 1_000);
    records[120] = { ...records[120], startDate: '2023-13-01' };
    records[149] = { ...records[149], endDate: '2022-01-01', programmeCode: '99999' };
    records[170] = { ...records[170], pseudonym: BSN };
    const response = await upload(f.tokenA, 'enrolments', toCsv(records)).expect(422);
    expect(located(response.body.errors)).toEqual([
      '122:start_date isDate',
      '151:programme_code unknown_programme',
      '151:end_date end_before_start',
      '172:pseudonym looks_like_bsn',
    ]);
    expect(response.body.errorCount).toBe(4);
    expect(response.text).not.toContain(BSN);
    // The first chunk (lines 2–101) was written in the transaction before line 122 failed: rolled back.
    expect(await countRows(ctx, f.a)).toEqual(before);

    const list = await ctx.http.get('/v1/uploads?status=failed').set('Authorization', `Bearer ${f.tokenA}`).expect(200);
    expect(list.body.items[0]).toMatchObject({ status: 'failed', rows: 180, errorCount: 4, inserted: 0 });
  });

  it('finds a natural key repeated within a chunk', async () => {
    const before = await countRows(ctx, f.a);
    const records = enrolments(60, 2_000);
    records[5] = { ...records[2] };
    const response = await upload(f.tokenA, 'enrolments', toCsv(records)).expect(422);
    expect(response.body.errors).toEqual([{ line: 7, code: 'duplicate_key', detail: 'Same natural key (pseudonym, programme_code, start_date) as line 4.' }]);
    expect(await countRows(ctx, f.a)).toEqual(before);
  });

  it('finds a natural key repeated across chunks (through the database, without keeping every key in memory)', async () => {
    const before = await countRows(ctx, f.a);
    const records = enrolments(260, 2_100);
    records[150] = { ...records[20], form: 'duaal' };
    records[230] = { ...records[30] };
    const response = await upload(f.tokenA, 'enrolments', toCsv(records)).expect(422);
    expect(response.body.errors).toEqual([
      { line: 152, code: 'duplicate_key', detail: 'Same natural key (pseudonym, programme_code, start_date) as an earlier line of this batch.' },
    ]);
    expect(await countRows(ctx, f.a)).toEqual(before);
  });

  it('caps the list at 1,000 errors and says how many more there are', async () => {
    const records = enrolments(1_500, 5_000, { sector: 'vo' });
    const response = await upload(f.tokenA, 'enrolments', toCsv(records)).expect(422);
    expect(response.body.errors).toHaveLength(1_000);
    expect(response.body).toMatchObject({ errorCount: 1_500, moreErrors: 500 });
    expect(response.body.detail).toMatch(/first 1,000 are listed; 500 more/);
  });

  it("refuses with 403 a file naming another receiving institution, writing nothing", async () => {
    const before = await countRows(ctx, f.a);
    const records = [enrolment(400, { receivingBrin: f.a.brin }), enrolment(401, { receivingBrin: f.b.brin })];
    const response = await upload(f.tokenA, 'enrolments', toCsv(records)).expect(403);
    expect(located(response.body.errors)).toEqual(['3:receiving_brin other_institution']);
    expect(await countRows(ctx, f.a)).toEqual(before);
    expect(await countRows(ctx, f.b)).toEqual({ enrolments: 0, leavers: 0 });
  });

  describe('malformed files answer 400 with line numbers', () => {
    it('an unclosed quote', async () => {
      const csv = toCsv(enrolments(3, 3_000)).replace(',havo,', ',"havo,');
      const response = await upload(f.tokenA, 'enrolments', csv).expect(400);
      expect(response.body).toMatchObject({ title: 'Malformed CSV' });
      expect(response.body.errors).toEqual([expect.objectContaining({ line: 2, code: 'quote_not_closed' })]);
    });

    it('a wrong number of fields', async () => {
      const lines = toCsv(enrolments(4, 3_100)).split('\n');
      lines[2] = `${lines[2]},extra`;
      lines[4] = lines[4].split(',').slice(0, 5).join(',');
      const response = await upload(f.tokenA, 'enrolments', lines.join('\n')).expect(400);
      expect(located(response.body.errors)).toEqual(['3: column_count', '5: column_count']);
    });

    it('an unknown, a doubled or a missing column', async () => {
      const unknown = await upload(f.tokenA, 'enrolments', toCsv([enrolment(1)], [...ENROLMENT_COLUMNS, 'bsn'])).expect(400);
      expect(located(unknown.body.errors)).toEqual(['1:bsn unknown_column']);
      const missing = await upload(f.tokenA, 'enrolments', toCsv([enrolment(1)], ENROLMENT_COLUMNS.filter((column) => column !== 'start_date'))).expect(400);
      expect(located(missing.body.errors)).toEqual(['1:start_date missing_column']);
      const doubled = await upload(f.tokenA, 'enrolments', toCsv([enrolment(1)], [...ENROLMENT_COLUMNS, 'sector'])).expect(400);
      expect(located(doubled.body.errors)).toEqual(['1:sector duplicate_column']);
    });

    it('an empty file', async () => {
      const response = await upload(f.tokenA, 'enrolments', '').expect(400);
      expect(response.body.errors[0]).toMatchObject({ line: 1, code: 'missing_header' });
    });

    afterAll(async () => {
      const failed = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM ingest_batches WHERE institution_id = $1 AND status = 'receiving'`, [f.a.id]);
      expect(failed[0].count).toBe(0);
    });
  });

  it('refuses another content type (415) and a missing or unknown kind (400)', async () => {
    await upload(f.tokenA, 'enrolments', JSON.stringify({ records: [] }), 'application/json').expect(415);
    await upload(f.tokenA, 'enrolments', 'a,b\n', 'text/csv; charset=latin1').expect(415);
    await upload(f.tokenA, 'students', toCsv([enrolment(1)])).expect(400);
    await ctx.http.post('/v1/uploads').set('Authorization', `Bearer ${f.tokenA}`).set('Content-Type', 'text/csv').send(toCsv([enrolment(1)])).expect(400);
  });

  it('shows an upload to its own institution only; another answers 404 like a missing one', async () => {
    const own = await upload(f.tokenA, 'enrolments', toCsv([enrolment(500)])).expect(200);
    await ctx.http.get(`/v1/uploads/${own.body.batchId}`).set('Authorization', `Bearer ${f.tokenA}`).expect(200);
    const other = await ctx.http.get(`/v1/uploads/${own.body.batchId}`).set('Authorization', `Bearer ${f.tokenB}`).expect(404);
    const missing = await ctx.http.get('/v1/uploads/00000000-0000-4000-8000-000000000000').set('Authorization', `Bearer ${f.tokenB}`).expect(404);
    expect(other.body.title).toBe(missing.body.title);
    const listB = await ctx.http.get('/v1/uploads').set('Authorization', `Bearer ${f.tokenB}`).expect(200);
    expect(listB.body.items.map((item: { id: string }) => item.id)).not.toContain(own.body.batchId);
  });
});

describe('POST /v1/uploads size limit', () => {
  let ctx: TestContext;
  let f: IngestFixture;
  let baseUrl: string;

  beforeAll(async () => {
    ctx = await createTestContext({ UPLOAD_MAX_BYTES: '4kb', BODY_LIMIT: '2kb' });
    f = await setupIngest(ctx);
    const server = ctx.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => ctx.close());

  it('keeps the CSV limit separate from the JSON body limit', async () => {
    // 20 rows ≈ 3 kB: above the 2 kB JSON limit, below the 4 kB upload limit.
    const csv = toCsv(enrolments(20));
    expect(Buffer.byteLength(csv)).toBeGreaterThan(2048);
    expect(Buffer.byteLength(csv)).toBeLessThan(4096);
    await ctx.http.post('/v1/uploads?kind=enrolments').set('Authorization', `Bearer ${f.tokenA}`).set('Content-Type', 'text/csv').send(csv).expect(200);
    await ctx.http.post('/v1/enrolments:batch').set('Authorization', `Bearer ${f.tokenA}`).send({ records: enrolments(15) }).expect(413);
  });

  it('answers 413 for a declared length over the limit, and for a streamed body that grows past it', async () => {
    const before = await countRows(ctx, f.a);
    const big = toCsv(enrolments(60, 100));
    const declared = await ctx.http.post('/v1/uploads?kind=enrolments').set('Authorization', `Bearer ${f.tokenA}`).set('Content-Type', 'text/csv').send(big).expect(413);
    expect(declared.body).toMatchObject({ status: 413, maxBytes: 4096 });

    // No Content-Length: chunked transfer, so the limit is found while streaming.
    const bytes = Buffer.from(big);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 500) controller.enqueue(bytes.subarray(offset, offset + 500));
        controller.close();
      },
    });
    const streamed = await fetch(`${baseUrl}/v1/uploads?kind=enrolments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${f.tokenA}`, 'Content-Type': 'text/csv' },
      body,
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
    expect(await countRows(ctx, f.a)).toEqual(before);
    const [failed] = await ctx.dataSource.query(`SELECT status FROM ingest_batches WHERE institution_id = $1 ORDER BY started_at DESC LIMIT 1`, [f.a.id]);
    expect(failed.status).toBe('failed');
  });
});

// While an upload runs, its transaction is open. The embedded database (PGlite) serves one
// transaction at a time, so a read that needed the database would wait for the upload to end:
// the progress comes from the service's memory there, and must answer while the upload runs.
const onPostgres = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);
describe('GET /v1/uploads/{id} while an upload streams', () => {
  let ctx: TestContext;
  let f: IngestFixture;
  let baseUrl: string;

  beforeAll(async () => {
    ctx = await createTestContext({ INGEST_CHUNK_ROWS: '100' });
    f = await setupIngest(ctx);
    const server = ctx.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => ctx.close());

  it('reports the rows received so far, then the committed figures', async () => {
    const lines = toCsv(enrolments(600, 7_000)).split(/(?<=\n)/);
    const header = lines.shift()!;
    let release!: () => void;
    const halfway = new Promise<void>((resolve) => (release = resolve));
    const parts = [header + lines.slice(0, 300).join(''), lines.slice(300).join('')];
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 1) await halfway;
        if (sent === parts.length) return controller.close();
        controller.enqueue(Buffer.from(parts[sent++]));
      },
    });
    const uploading = fetch(`${baseUrl}/v1/uploads?kind=enrolments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${f.tokenA}`, 'Content-Type': 'text/csv' },
      body,
      duplex: 'half',
    });

    let running: { id: string; status: string; rows: number } | undefined;
    // A bound on each read, so that a read waiting for the upload fails here instead of hanging.
    const read = (path: string, token: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`).timeout(15_000);
    try {
      for (let attempt = 0; attempt < 100 && !(running && running.rows >= 200); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const list = await read('/v1/uploads?status=receiving', f.tokenA).expect(200);
        running = list.body.items[0];
      }
      expect(running).toMatchObject({ status: 'receiving' });
      expect(running!.rows).toBeGreaterThanOrEqual(200);
      expect(running!.rows).toBeLessThanOrEqual(300);
      const progress = await read(`/v1/uploads/${running!.id}`, f.tokenA).expect(200);
      expect(progress.body).toMatchObject({ id: running!.id, status: 'receiving', kind: 'enrolments', source: 'csv', finishedAt: null });
      expect(progress.body.rows).toBeGreaterThanOrEqual(200);
      // Another institution sees nothing of it, as before.
      await read(`/v1/uploads/${running!.id}`, f.tokenB).expect(404);
      expect((await read('/v1/uploads?status=receiving', f.tokenB).expect(200)).body.items).toEqual([]);
      if (onPostgres) {
        // Nothing is visible before the commit (on PGlite this query would wait for the upload).
        const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM enrolments WHERE institution_id = $1`, [f.a.id]);
        expect(count).toBe(0);
      }
    } finally {
      release();
    }
    const response = await uploading;
    expect(response.status).toBe(200);
    const done = await ctx.http.get(`/v1/uploads/${running!.id}`).set('Authorization', `Bearer ${f.tokenA}`).expect(200);
    expect(done.body).toMatchObject({ status: 'committed', rows: 600, inserted: 600 });
  });
});
