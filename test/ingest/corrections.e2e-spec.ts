import { createTestContext, TestContext } from 'test/utils/test-context';
import { BSN, countRows, enrolment, enrolments, IngestFixture, leaver, refreshJobs, setupIngest } from 'test/ingest/records.factory';

describe('reading, correcting and erasing own records', () => {
  let ctx: TestContext;
  let f: IngestFixture;
  let batchA: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    f = await setupIngest(ctx);
    const records = [
      ...enrolments(6, 0),
      enrolment('2022-a', { startDate: '2022-09-01', priorDiplomaYear: 2022 }),
      enrolment('2022-b', { startDate: '2023-02-01', priorDiplomaYear: 2022 }),
      enrolment('shared', { startDate: '2021-09-01', priorDiplomaYear: 2021 }),
    ];
    batchA = (await send(f.tokenA, '/v1/enrolments:batch', { records }).expect(200)).body.batchId;
    await send(f.tokenA, '/v1/leavers:batch', { records: [leaver('shared'), leaver(1)] }).expect(200);
    // Institution B holds records of the same student.
    await send(f.tokenB, '/v1/enrolments:batch', { records: [enrolment('shared'), enrolment('b-only')] }).expect(200);
    await send(f.tokenB, '/v1/leavers:batch', { records: [leaver('shared')] }).expect(200);
  });
  afterAll(() => ctx.close());

  function send(token: string, path: string, body: object) {
    return ctx.http.post(path).set('Authorization', `Bearer ${token}`).send(body);
  }
  const get = (token: string, path: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`);
  const del = (token: string, path: string) => ctx.http.delete(path).set('Authorization', `Bearer ${token}`);

  describe('GET /v1/enrolments', () => {
    it('pages through own records only, with a total', async () => {
      const first = await get(f.tokenA, '/v1/enrolments?limit=4').expect(200);
      expect(first.body).toMatchObject({ total: 9, limit: 4, offset: 0 });
      expect(first.body.items).toHaveLength(4);
      const rest = await get(f.tokenA, '/v1/enrolments?limit=4&offset=4').expect(200);
      const ids = [...first.body.items, ...rest.body.items].map((item: { id: string }) => item.id);
      expect(new Set(ids).size).toBe(8);
      const b = await get(f.tokenB, '/v1/enrolments').expect(200);
      expect(b.body.total).toBe(2);
    });

    it('sorts by a key from a fixed list and filters by cohort and pseudonym', async () => {
      const sorted = await get(f.tokenA, '/v1/enrolments?sort=-startDate&limit=3').expect(200);
      expect(sorted.body.items.map((item: { startDate: string }) => item.startDate)).toEqual(['2023-09-01', '2023-09-01', '2023-09-01']);
      const ascending = await get(f.tokenA, '/v1/enrolments?sort=startDate&limit=2').expect(200);
      expect(ascending.body.items.map((item: { startDate: string }) => item.startDate)).toEqual(['2021-09-01', '2022-09-01']);

      const cohort = await get(f.tokenA, '/v1/enrolments?cohort=2022').expect(200);
      expect(cohort.body.items.map((item: { startDate: string; cohort: number }) => [item.startDate, item.cohort])).toEqual([
        ['2022-09-01', 2022],
        ['2023-02-01', 2022],
      ]);
      const one = await get(f.tokenA, `/v1/enrolments?pseudonym=${enrolment(3).pseudonym}`).expect(200);
      expect(one.body.items).toEqual([expect.objectContaining({ pseudonym: enrolment(3).pseudonym, programmeCode: '34479', priorBrin: '99ZZ' })]);
    });

    it('refuses an unknown sort key, a limit over 500 and a raw identifier as filter', async () => {
      await get(f.tokenA, '/v1/enrolments?sort=pseudonym').expect(400);
      await get(f.tokenA, '/v1/enrolments?sort=start_date;DROP TABLE enrolments').expect(400);
      await get(f.tokenA, '/v1/enrolments?limit=501').expect(400);
      const bsn = await get(f.tokenA, `/v1/enrolments?pseudonym=${BSN}`).expect(400);
      expect(bsn.body.errors).toEqual([expect.objectContaining({ parameter: 'pseudonym', code: 'looks_like_bsn' })]);
      expect(bsn.text).not.toContain(BSN);
    });

    it('needs records:read and a client that acts for an institution', async () => {
      const writeOnly = await ctx.tokenFor({ institution: f.a, scopes: ['records:write'] });
      await get(writeOnly, '/v1/enrolments').expect(403);
      const platform = await ctx.tokenFor({ scopes: ['records:read', 'platform:admin'] });
      await get(platform, '/v1/enrolments').expect(403);
    });
  });

  describe('GET /v1/enrolments/{id}', () => {
    it("reads an own record; another institution's record answers 404 like a missing one", async () => {
      const listed = await get(f.tokenA, `/v1/enrolments?pseudonym=${enrolment(0).pseudonym}`).expect(200);
      const id: string = listed.body.items[0].id;
      const own = await get(f.tokenA, `/v1/enrolments/${id}`).expect(200);
      expect(own.body).toMatchObject({ id, pseudonym: enrolment(0).pseudonym, cohort: 2023, createdBatchId: batchA });
      const other = await get(f.tokenB, `/v1/enrolments/${id}`).expect(404);
      const missing = await get(f.tokenB, '/v1/enrolments/999999999').expect(404);
      expect(other.body.title).toBe(missing.body.title);
      expect(other.body.detail.replace(id, 'ID')).toBe(missing.body.detail.replace('999999999', 'ID'));
      await get(f.tokenA, '/v1/enrolments/abc').expect(400);
    });

    it('refuses an id beyond the 64-bit range of record ids with 400 problem+json, on enrolments and leavers', async () => {
      // 2^63 − 1 is the largest bigint: a valid id that names no record; one more is no id at all.
      await get(f.tokenA, '/v1/enrolments/9223372036854775807').expect(404);
      for (const path of ['/v1/enrolments/9223372036854775808', '/v1/leavers/9223372036854775808', '/v1/leavers/9999999999999999999']) {
        const response = await get(f.tokenA, path).expect(400);
        expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(response.body.errors).toEqual([expect.objectContaining({ parameter: 'id', detail: expect.stringContaining('9223372036854775807') })]);
      }
    });
  });

  describe('GET /v1/leavers', () => {
    it('lists and reads own leavers only', async () => {
      const listed = await get(f.tokenA, '/v1/leavers?schoolYear=2023&sort=-id').expect(200);
      expect(listed.body.total).toBe(2);
      const id: string = listed.body.items[0].id;
      await get(f.tokenA, `/v1/leavers/${id}`).expect(200);
      await get(f.tokenB, `/v1/leavers/${id}`).expect(404);
    });
  });

  describe('DELETE /v1/batches/{id}', () => {
    it("is refused for another institution's batch with 404, deleting nothing", async () => {
      const before = await countRows(ctx, f.a);
      await del(f.tokenB, `/v1/batches/${batchA}`).expect(404);
      expect(await countRows(ctx, f.a)).toEqual(before);
    });

    it('removes the records the batch created, keeps records it only updated, and enqueues a refresh', async () => {
      const created = await send(f.tokenA, '/v1/enrolments:batch', { records: [enrolment('new-1'), enrolment(0, { form: 'deeltijd' })] }).expect(200);
      expect(created.body).toMatchObject({ inserted: 1, updated: 1 });
      const jobsBefore = (await refreshJobs(ctx, f.a)).length;

      const response = await del(f.tokenA, `/v1/batches/${created.body.batchId}`).expect(200);
      expect(response.body).toEqual({ batchId: created.body.batchId, kind: 'enrolments', deleted: 1 });
      const remaining = await get(f.tokenA, `/v1/enrolments?pseudonym=${enrolment('new-1').pseudonym}`).expect(200);
      expect(remaining.body.total).toBe(0);
      const updated = await get(f.tokenA, `/v1/enrolments?pseudonym=${enrolment(0).pseudonym}`).expect(200);
      expect(updated.body.total).toBe(1);
      const jobs = await refreshJobs(ctx, f.a);
      expect(jobs).toHaveLength(jobsBefore + 1);
      expect(jobs[jobs.length - 1]).toEqual({ cohorts: [2023] });

      const batch = await get(f.tokenA, `/v1/uploads/${created.body.batchId}`).expect(200);
      expect(batch.body).toMatchObject({ status: 'deleted', deleted: 1 });
      await del(f.tokenA, `/v1/batches/${created.body.batchId}`).expect(409);
    });

    it('needs records:write', async () => {
      const readOnly = await ctx.tokenFor({ institution: f.a, scopes: ['records:read'] });
      await del(readOnly, `/v1/batches/${batchA}`).expect(403);
    });
  });

  describe('DELETE /v1/pseudonyms/{pseudonym}', () => {
    it("erases everything the caller's institution holds about the student, and nothing of other institutions", async () => {
      const shared = enrolment('shared').pseudonym;
      const jobsBefore = (await refreshJobs(ctx, f.a)).length;
      const response = await del(f.tokenA, `/v1/pseudonyms/${shared}`).expect(200);
      expect(response.body).toEqual({ enrolmentsDeleted: 1, leaversDeleted: 1, surveyAnswersDeleted: 0 });

      const [{ a, b }] = await ctx.dataSource.query(
        `SELECT (SELECT count(*) FROM enrolments WHERE pseudonym = $1 AND institution_id = $2)::int + (SELECT count(*) FROM leavers WHERE pseudonym = $1 AND institution_id = $2)::int AS a,
                (SELECT count(*) FROM enrolments WHERE pseudonym = $1 AND institution_id = $3)::int + (SELECT count(*) FROM leavers WHERE pseudonym = $1 AND institution_id = $3)::int AS b`,
        [shared, f.a.id, f.b.id],
      );
      expect({ a, b }).toEqual({ a: 0, b: 2 });
      const jobs = await refreshJobs(ctx, f.a);
      expect(jobs).toHaveLength(jobsBefore + 1);
      expect(jobs[jobs.length - 1]).toEqual({ cohorts: [2021, 2023, 2024] });

      // Nothing left to erase at A: 404, as for a student A never had.
      await del(f.tokenA, `/v1/pseudonyms/${shared}`).expect(404);
    });

    it("answers 404 when only another institution holds the student, and leaves those records alone", async () => {
      const bOnly = enrolment('b-only').pseudonym;
      await del(f.tokenA, `/v1/pseudonyms/${bOnly}`).expect(404);
      expect((await get(f.tokenB, `/v1/enrolments?pseudonym=${bOnly}`).expect(200)).body.total).toBe(1);
    });

    it('refuses a raw identifier with an explanation that never repeats it', async () => {
      const response = await del(f.tokenA, `/v1/pseudonyms/${BSN}`).expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ parameter: 'pseudonym', code: 'looks_like_bsn' })]);
      expect(response.text).not.toContain(BSN);
      await ctx.flushAudit();
      const [{ hits }] = await ctx.dataSource.query(`SELECT count(*)::int AS hits FROM audit_log t WHERE t::text LIKE $1`, [`%${BSN}%`]);
      expect(hits).toBe(0);
    });
  });
});
