import { randomUUID } from 'node:crypto';
import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

/**
 * % doorstroom of a supplier's leavers, worked out by hand. Region R: supplier S (vo) and
 * receiver X (hbo) are members; receiver Z is not.
 * School year 2021 (cohort 2022 is "the next cohort"), 12 leavers of S:
 *   l1–l6  enrolled at X in cohort 2022               → continued (6)
 *   l7     enrolled at X twice in cohort 2022          → continued once (7)
 *   l8–l9  enrolled at X only in cohort 2023 (gap year) → not continued
 *   l10    enrolled at Z (not a member) in cohort 2022 → not continued
 *   l11–l12 no enrolment                               → not continued
 *   → 12 leavers, 7 continued, rate 7/12 = 0.5833.
 * School year 2022, 3 leavers, one of them at X in cohort 2023 → below k = 10: suppressed.
 */
describe('doorstroom of leavers', () => {
  let ctx: TestContext;
  let region: RegionEntity;
  let S: InstitutionEntity, X: InstitutionEntity, Z: InstitutionEntity;
  let token: string;
  const student = (label: string): string => pseudonymFor(`doorstroom-${label}`);

  const leaver = async (label: string, schoolYear: number): Promise<void> => {
    const batch = randomUUID();
    await ctx.dataSource.query(
      `INSERT INTO leavers (institution_id, pseudonym, school_year, onderwijssoort, diploma, created_batch_id, updated_batch_id) VALUES ($1, $2, $3, 'havo', true, $4, $4)`,
      [S.id, student(label), schoolYear, batch],
    );
    await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-summaries', $1::jsonb)`, [JSON.stringify({ institutionId: S.id, cohorts: [schoolYear] })]);
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    region = await ctx.newRegion();
    S = await ctx.newInstitution({ sectors: ['vo'] });
    X = await ctx.newInstitution({ sectors: ['hbo'] });
    Z = await ctx.newInstitution({ sectors: ['hbo'] });
    for (const member of [S, X]) await ctx.addMember(region, member);
    token = await ctx.tokenFor({ institution: S, scopes: ['insights:read'] });

    for (let index = 1; index <= 12; index++) await leaver(`l${index}`, 2021);
    for (let index = 1; index <= 7; index++) await ctx.newEnrolment({ receiver: X, supplier: S, pseudonym: student(`l${index}`), startDate: '2022-09-01' });
    await ctx.newEnrolment({ receiver: X, supplier: S, pseudonym: student('l7'), programmeCode: '34001', startDate: '2022-09-15' });
    for (const label of ['l8', 'l9']) await ctx.newEnrolment({ receiver: X, supplier: S, pseudonym: student(label), startDate: '2023-09-01', priorDiplomaYear: 2022 });
    await ctx.newEnrolment({ receiver: Z, supplier: S, pseudonym: student('l10'), startDate: '2022-09-01' });
    for (const label of ['m1', 'm2', 'm3']) await leaver(label, 2022);
    await ctx.newEnrolment({ receiver: X, supplier: S, pseudonym: student('m1'), startDate: '2023-09-01' });
    await ctx.runJobs();
  });
  afterAll(() => ctx.close());

  it('counts the leavers that started at a member institution in the next cohort, each once', async () => {
    const rows = await ctx.dataSource.query<Array<{ school_year: number; n_leavers: number; n_continued: number }>>(
      `SELECT school_year, sum(n_leavers)::int AS n_leavers, sum(n_continued)::int AS n_continued FROM leaver_summaries WHERE region_id = $1 GROUP BY 1 ORDER BY 1`,
      [region.id],
    );
    expect(rows).toEqual([
      { school_year: 2021, n_leavers: 12, n_continued: 7 },
      { school_year: 2022, n_leavers: 3, n_continued: 1 },
    ]);
  });

  /** Continued comes from other institutions' records: published with cell-key noise of at most ±3. */
  const expectPerturbed = (row: { leavers: number; continued: number; rate: number; protection: string }, leavers: number, continued: number): void => {
    expect(row).toMatchObject({ leavers, suppressed: false, protection: 'perturbed' });
    expect(Math.abs(row.continued - continued)).toBeLessThanOrEqual(3);
    expect(row.continued).toBeGreaterThanOrEqual(0);
    expect(row.continued).toBeLessThanOrEqual(leavers);
    expect(row.rate).toBe(Math.round((row.continued / leavers) * 10_000) / 10_000);
  };

  it('publishes the rate in the supplier view and suppresses the small school year', async () => {
    const response = await ctx.http.get('/v1/insights/alumni').set('Authorization', `Bearer ${token}`).expect(200);
    expect(response.body.doorstroom).toHaveLength(2);
    expectPerturbed(response.body.doorstroom[0], 12, 7);
    expect(response.body.doorstroom[1]).toEqual({ schoolYear: 2022, leavers: null, continued: null, rate: null, suppressed: true, protection: 'suppressed' });
    // The same records give the same figure on every reading.
    const again = await ctx.http.get('/v1/insights/alumni?cohortFrom=2022').set('Authorization', `Bearer ${token}`).expect(200);
    expect(again.body.doorstroom[0]).toEqual(response.body.doorstroom[0]);
  });

  it('follows an erasure: the erased student neither leaves nor continues any more', async () => {
    const writer = await ctx.tokenFor({ institution: S, scopes: ['records:write', 'records:read'] });
    await ctx.http.delete(`/v1/pseudonyms/${student('l1')}`).set('Authorization', `Bearer ${writer}`).expect(200);
    await ctx.runJobs();
    const response = await ctx.http.get('/v1/insights/alumni').set('Authorization', `Bearer ${token}`).expect(200);
    // S erased only its own leaver record of l1; X still holds l1's enrolment, which no longer has a leaver to count for.
    expectPerturbed(response.body.doorstroom[0], 11, 6);
  });
});
