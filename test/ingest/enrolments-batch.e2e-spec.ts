import { createTestContext, TestContext } from 'test/utils/test-context';
import {
  BSN,
  countRows,
  enrolment,
  enrolments,
  IngestFixture,
  mboEnrolment,
  ONDERWIJSNUMMER,
  refreshJobs,
  setupIngest,
} from 'test/ingest/records.factory';

describe('POST /v1/enrolments:batch', () => {
  let ctx: TestContext;
  let f: IngestFixture;
  const nextYear = new Date().getUTCFullYear() + 1;

  beforeAll(async () => {
    ctx = await createTestContext();
    f = await setupIngest(ctx);
  });
  afterAll(() => ctx.close());

  const post = (token: string, body: object) => ctx.http.post('/v1/enrolments:batch').set('Authorization', `Bearer ${token}`).send(body);
  const pointers = (body: { errors: Array<{ pointer: string; code: string }> }) => body.errors.map((error) => `${error.pointer} ${error.code}`);

  it('inserts a batch, derives the cohort from the start date and enqueues a summary refresh', async () => {
    const records = [
      enrolment('cohort-1', { startDate: '2023-08-01' }),
      enrolment('cohort-2', { startDate: '2024-01-15', priorDiplomaYear: 2023 }),
      mboEnrolment('cohort-3', { startDate: '2022-12-31', priorDiplomaYear: 2022, endDate: '2023-06-30', endReason: 'diploma', receivingVestiging: `${f.a.brin}00` }),
    ];
    const response = await post(f.tokenA, { records }).expect(200);
    expect(response.body).toEqual({ batchId: expect.any(String), rows: 3, inserted: 3, updated: 0, unchanged: 0 });

    const stored: Array<{ cohort: number; start_date: string; created_batch_id: string; receiving_vestiging: string | null }> = await ctx.dataSource.query(
      `SELECT cohort, to_char(start_date, 'YYYY-MM-DD') AS start_date, created_batch_id, receiving_vestiging FROM enrolments WHERE institution_id = $1 ORDER BY start_date`,
      [f.a.id],
    );
    expect(stored.map((row) => [row.start_date, row.cohort])).toEqual([
      ['2022-12-31', 2022],
      ['2023-08-01', 2023],
      ['2024-01-15', 2023],
    ]);
    expect(stored.every((row) => row.created_batch_id === response.body.batchId)).toBe(true);
    expect(stored[0].receiving_vestiging).toBe(`${f.a.brin}00`);

    const [batch] = await ctx.dataSource.query(`SELECT status, source, kind, rows_total, rows_inserted FROM ingest_batches WHERE id = $1`, [response.body.batchId]);
    expect(batch).toEqual({ status: 'committed', source: 'json', kind: 'enrolments', rows_total: 3, rows_inserted: 3 });
    expect(await refreshJobs(ctx, f.a)).toEqual([{ cohorts: [2022, 2023] }]);
  });

  it('upserts on the natural key: counts inserted, updated and unchanged across re-uploads', async () => {
    const first = enrolments(4, 100);
    const a = await post(f.tokenA, { records: first }).expect(200);
    expect(a.body).toMatchObject({ rows: 4, inserted: 4, updated: 0, unchanged: 0 });

    const again = await post(f.tokenA, { records: first }).expect(200);
    expect(again.body).toMatchObject({ rows: 4, inserted: 0, updated: 0, unchanged: 4 });

    const changed = [...first.slice(0, 3), { ...first[3], endDate: '2024-02-01', endReason: 'uitgeschreven' }, enrolment(104)];
    const b = await post(f.tokenA, { records: changed }).expect(200);
    expect(b.body).toMatchObject({ rows: 5, inserted: 1, updated: 1, unchanged: 3 });

    const [row] = await ctx.dataSource.query(
      `SELECT to_char(end_date, 'YYYY-MM-DD') AS end_date, end_reason, created_batch_id, updated_batch_id FROM enrolments WHERE institution_id = $1 AND pseudonym = $2`,
      [f.a.id, first[3].pseudonym],
    );
    expect(row).toEqual({ end_date: '2024-02-01', end_reason: 'uitgeschreven', created_batch_id: a.body.batchId, updated_batch_id: b.body.batchId });
    const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM enrolments WHERE institution_id = $1 AND pseudonym = $2`, [f.a.id, first[3].pseudonym]);
    expect(count).toBe(1);
  });

  it('lists every invalid value of the batch in one 422 with JSON pointers, and writes nothing', async () => {
    const before = await countRows(ctx, f.a);
    const jobsBefore = (await refreshJobs(ctx, f.a)).length;
    const records: unknown[] = [
      enrolment(200, { sector: 'vo' }),
      mboEnrolment(201, { level: 'bachelor' }),
      enrolment(202, { form: 'bol' }),
      enrolment(203, { sector: 'wo', programmeCode: '56978', level: 'ad' }),
      enrolment(204, { programmeCode: '1234' }),
      enrolment(205, { programmeCode: '99999' }),
      enrolment(206, { programmeCode: '25604' }),
      enrolment(207, { startDate: '2023-02-30' }),
      enrolment(208, { startDate: '1999-09-01', priorDiplomaYear: 1999 }),
      enrolment(209, { startDate: `${nextYear + 1}-09-01` }),
      enrolment(210, { endDate: '2023-08-31' }),
      enrolment(211, { endReason: 'diploma' }),
      enrolment(212, { endDate: '2024-06-30', endReason: 'geslaagd' }),
      enrolment(213, { priorBrin: undefined }),
      enrolment(214, { priorVestiging: '11AA01' }),
      enrolment(215, { priorDiplomaType: 'mavo' }),
      enrolment(216, { priorDiplomaYear: 2024 }),
      { ...enrolment(217), studentNumber: '4711' },
      'not a record',
      enrolment(219, { pseudonym: undefined }),
      enrolment(220, { pseudonym: 'A'.repeat(64) }),
      enrolment(221),
    ];
    const response = await post(f.tokenA, { records }).expect(422);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(pointers(response.body)).toEqual([
      '#/records/0/sector isIn',
      '#/records/1/level invalid_level',
      '#/records/2/form invalid_form',
      '#/records/3/level invalid_level',
      '#/records/4/programmeCode isProgrammeCode',
      '#/records/5/programmeCode unknown_programme',
      '#/records/6/programmeCode unknown_programme',
      '#/records/7/startDate isDate',
      '#/records/8/startDate cohort_out_of_range',
      '#/records/9/startDate cohort_out_of_range',
      '#/records/10/endDate end_before_start',
      '#/records/11/endReason end_reason_without_end_date',
      '#/records/12/endReason isIn',
      '#/records/13/priorBrin required',
      '#/records/14/priorVestiging vestiging_mismatch',
      '#/records/15/priorDiplomaType isIn',
      '#/records/16/priorDiplomaYear diploma_year_out_of_range',
      '#/records/17/studentNumber whitelistValidation',
      '#/records/18 isObject',
      '#/records/19/pseudonym required',
      '#/records/20/pseudonym not_a_pseudonym',
    ]);
    expect(response.body).toMatchObject({ status: 422, errorCount: 21 });
    expect(response.body.errors[10].detail).toBe('endDate is before startDate.');
    expect(await countRows(ctx, f.a)).toEqual(before);
    expect(await refreshJobs(ctx, f.a)).toHaveLength(jobsBefore);
  });

  it('refuses a repeated natural key within one batch', async () => {
    const records = [enrolment(300), enrolment(301), enrolment(300, { form: 'deeltijd' })];
    const response = await post(f.tokenA, { records }).expect(422);
    expect(response.body.errors).toEqual([
      { pointer: '#/records/2', code: 'duplicate_key', detail: 'Same natural key (pseudonym, programmeCode, startDate) as record 0.' },
    ]);
    const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM enrolments WHERE pseudonym = ANY($1)`, [[records[0].pseudonym, records[1].pseudonym]]);
    expect(count).toBe(0);
  });

  it('refuses a raw BSN or onderwijsnummer as pseudonym, says why, and never echoes, logs or stores it', async () => {
    const response = await post(f.tokenA, { records: [enrolment(400), enrolment(401, { pseudonym: BSN }), enrolment(402, { pseudonym: ONDERWIJSNUMMER })] }).expect(422);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ pointer: '#/records/1/pseudonym', code: 'looks_like_bsn', detail: expect.stringMatching(/11-proef/) }),
      expect.objectContaining({ pointer: '#/records/2/pseudonym', code: 'looks_like_onderwijsnummer', detail: expect.stringMatching(/onderwijsnummer/) }),
    ]);
    expect(response.text).not.toContain(BSN);
    expect(response.text).not.toContain(ONDERWIJSNUMMER);

    await ctx.flushAudit();
    for (const table of ['audit_log', 'enrolments', 'leavers', 'ingest_batches', 'idempotency_keys', 'jobs']) {
      const [{ hits }] = await ctx.dataSource.query(`SELECT count(*)::int AS hits FROM ${table} t WHERE t::text LIKE $1 OR t::text LIKE $2`, [`%${BSN}%`, `%${ONDERWIJSNUMMER}%`]);
      expect({ table, hits }).toEqual({ table, hits: 0 });
    }
  });

  it("refuses the whole batch with 403 when a row names another receiving institution's BRIN or vestiging", async () => {
    const before = await countRows(ctx, f.a);
    const response = await post(f.tokenA, {
      records: [
        enrolment(500, { receivingBrin: f.a.brin }),
        enrolment(501, { receivingBrin: f.b.brin }),
        enrolment(502, { receivingVestiging: `${f.b.brin}00` }),
      ],
    }).expect(403);
    expect(response.body).toMatchObject({ status: 403, errorCount: 2 });
    expect(pointers(response.body)).toEqual(['#/records/1/receivingBrin other_institution', '#/records/2/receivingVestiging other_institution']);
    expect(await countRows(ctx, f.a)).toEqual(before);
    expect(await countRows(ctx, f.b)).toEqual({ enrolments: 0, leavers: 0 });

    await post(f.tokenA, { records: [enrolment(503, { receivingBrin: f.a.brin, receivingVestiging: `${f.a.brin}00` })] }).expect(200);
  });

  it('answers more than 10,000 records with a 413 problem and writes nothing', async () => {
    const before = await countRows(ctx, f.a);
    const records = enrolments(10_001, 10_000);
    const response = await post(f.tokenA, { records }).expect(413);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 413, maxRecords: 10_000 });
    expect(await countRows(ctx, f.a)).toEqual(before);
  });

  it('accepts exactly 10,000 records in one batch', async () => {
    const response = await post(f.tokenA, { records: enrolments(10_000, 30_000) }).expect(200);
    expect(response.body).toMatchObject({ rows: 10_000, inserted: 10_000 });
  });

  it('refuses a body without records (400), a client without records:write and a non-institution client (403)', async () => {
    await post(f.tokenA, {}).expect(400);
    await post(f.tokenA, { records: [] }).expect(400);
    await post(f.tokenA, { records: 'x' }).expect(400);
    const readOnly = await ctx.tokenFor({ institution: f.a, scopes: ['records:read'] });
    await post(readOnly, { records: [enrolment(600)] }).expect(403);
    const region = await ctx.newRegion();
    const coordinator = await ctx.tokenFor({ region, scopes: ['records:write'] });
    const response = await post(coordinator, { records: [enrolment(601)] }).expect(403);
    expect(response.body.detail).toMatch(/institution/);
    await ctx.http.post('/v1/enrolments:batch').send({ records: [enrolment(602)] }).expect(401);
  });
});
