import { createTestContext, TestContext } from 'test/utils/test-context';
import { BSN, countRows, IngestFixture, leaver, refreshJobs, setupIngest } from 'test/ingest/records.factory';

describe('POST /v1/leavers:batch', () => {
  let ctx: TestContext;
  let f: IngestFixture;
  const currentYear = new Date().getUTCFullYear();

  beforeAll(async () => {
    ctx = await createTestContext();
    f = await setupIngest(ctx);
  });
  afterAll(() => ctx.close());

  const post = (token: string, body: object) => ctx.http.post('/v1/leavers:batch').set('Authorization', `Bearer ${token}`).send(body);

  it('inserts leavers and upserts them on (pseudonym, school year)', async () => {
    const records = [leaver(1), leaver(2, { supplyingVestiging: `${f.a.brin}00`, onderwijssoort: 'vmbo-gt', profile: undefined, diploma: false }), leaver(3, { schoolYear: 2022 })];
    const first = await post(f.tokenA, { records }).expect(200);
    expect(first.body).toMatchObject({ rows: 3, inserted: 3, updated: 0, unchanged: 0 });
    // School years 2022 and 2023, and the follow-up cohorts 2023 and 2024.
    expect(await refreshJobs(ctx, f.a)).toEqual([{ cohorts: [2022, 2023, 2024] }]);

    const second = await post(f.tokenA, { records: [records[0], { ...records[1], diploma: true }, records[2], leaver(4)] }).expect(200);
    expect(second.body).toMatchObject({ rows: 4, inserted: 1, updated: 1, unchanged: 2 });
    const [row] = await ctx.dataSource.query(`SELECT diploma, onderwijssoort, supplying_vestiging, profile, school_year FROM leavers WHERE pseudonym = $1`, [records[1].pseudonym]);
    expect(row).toEqual({ diploma: true, onderwijssoort: 'vmbo-gt', supplying_vestiging: `${f.a.brin}00`, profile: null, school_year: 2023 });
    expect(await countRows(ctx, f.a)).toEqual({ enrolments: 0, leavers: 4 });
  });

  it('lists every invalid value in one 422 and writes nothing', async () => {
    const before = await countRows(ctx, f.a);
    const response = await post(f.tokenA, {
      records: [
        leaver(10, { schoolYear: 1999 }),
        leaver(11, { schoolYear: currentYear + 1 }),
        leaver(12, { onderwijssoort: 'mbo-4' }),
        leaver(13, { profile: 'NT;DROP TABLE' }),
        { ...leaver(14), diploma: 'misschien' },
        leaver(15, { supplyingVestiging: '12' }),
        leaver(16, { pseudonym: BSN }),
        leaver(17),
        leaver(17, { diploma: false }),
      ],
    }).expect(422);
    expect(response.body.errors.map((error: { pointer: string; code: string }) => `${error.pointer} ${error.code}`)).toEqual([
      '#/records/0/schoolYear cohort_out_of_range',
      '#/records/1/schoolYear cohort_out_of_range',
      '#/records/2/onderwijssoort isIn',
      '#/records/3/profile isProfile',
      '#/records/4/diploma isBoolean',
      '#/records/5/supplyingVestiging isVestiging',
      '#/records/6/pseudonym looks_like_bsn',
      '#/records/8 duplicate_key',
    ]);
    expect(response.text).not.toContain(BSN);
    expect(await countRows(ctx, f.a)).toEqual(before);
  });

  it("refuses with 403 a supplying vestiging of another institution, writing nothing", async () => {
    const before = await countRows(ctx, f.b);
    const response = await post(f.tokenB, { records: [leaver(20), leaver(21, { supplyingVestiging: `${f.a.brin}00` })] }).expect(403);
    expect(response.body.errors).toEqual([expect.objectContaining({ pointer: '#/records/1/supplyingVestiging', code: 'other_institution' })]);
    expect(await countRows(ctx, f.b)).toEqual(before);
  });
});
