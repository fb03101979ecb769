import { randomBytes } from 'node:crypto';
import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

interface Reason {
  reason: string;
  label: string;
  n: number | null;
  protection: string;
}
interface ReasonCell {
  supplier: string;
  receiver: string;
  leavers: number | null;
  protection: string;
  reasons: Reason[];
}
interface ReasonsBody {
  region: string;
  scope: string;
  institution: string | null;
  cohorts: Array<{ cohort: number; suppressionK: number; cells: ReasonCell[] }>;
}

/**
 * Reasons for leaving (issue 14), hand-computed, k = 10. Region R, cohort 2022 (start 1 September 2022,
 * reference date 1 October 2023):
 *   school S1 → mbo M: 40 pupils: 14 still enrolled; 26 leavers:
 *       12 study_choice (10 left in February 2023 → uitval; 2 left on 30 June 2023 and started at
 *          hbo X on 1 September 2023 → switch_external, still leavers),
 *       11 study_skills, 3 personal (February 2023, uitval);
 *   school S2 → M: 16 pupils: 11 enrolled, 4 personal and 1 without a reason (uitval): fewer than k leavers;
 *   school S1 → hbo X: 11 pupils, all still enrolled (no leavers).
 * Coordinator (exact): S1 → M study_choice 12 shown; personal 3 < k is withheld, and because the
 * leavers (26, published as rates) minus the shown would give it away, the smallest shown non-zero
 * reason (study_skills 11) with it; the zeros shown. S2 → M: 5 leavers < k, every reason withheld.
 * Institutions: their own cells with cell-key noise (±3), the same on every reading.
 */
describe('reasons for leaving', () => {
  let ctx: TestContext;
  let R: RegionEntity;
  let S1: InstitutionEntity, S2: InstitutionEntity, M: InstitutionEntity, X: InstitutionEntity, O: InstitutionEntity;
  const tokens: Record<string, string> = {};
  const get = (path: string, token: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`);
  const student = (): string => pseudonymFor(randomBytes(8).toString('hex'));

  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.dataSource.query(
      `INSERT INTO programmes (sector, code, name, level, nominal_duration_years, valid_from_cohort) VALUES
         ('mbo', '25100', 'Testopleiding mbo', '4', 3, 2000), ('hbo', '34000', 'B Testopleiding', 'bachelor', 4, 2000)
       ON CONFLICT DO NOTHING`,
    );
    R = await ctx.newRegion();
    [S1, S2, O] = [await ctx.newInstitution(), await ctx.newInstitution(), await ctx.newInstitution()];
    M = await ctx.newInstitution({ sectors: ['mbo'] });
    X = await ctx.newInstitution({ sectors: ['hbo'] });
    for (const member of [S1, S2, M, X, O]) await ctx.addMember(R, member);
    const at = (supplier: InstitutionEntity, count: number, end: { endDate?: string; exitReason?: string } = {}) =>
      Promise.all(Array.from({ length: count }, () => ctx.newEnrolment({ receiver: M, supplier, startDate: '2022-09-01', ...end })));
    await at(S1, 14);
    await at(S1, 10, { endDate: '2023-02-01', exitReason: 'study_choice' });
    for (let index = 0; index < 2; index++) {
      const pseudonym = student();
      await ctx.newEnrolment({ pseudonym, receiver: M, supplier: S1, startDate: '2022-09-01', endDate: '2023-06-30', exitReason: 'study_choice' });
      await ctx.newEnrolment({ pseudonym, receiver: X, supplier: S1, startDate: '2023-09-01' });
    }
    await at(S1, 11, { endDate: '2023-02-01', exitReason: 'study_skills' });
    await at(S1, 3, { endDate: '2023-02-01', exitReason: 'personal' });
    await at(S2, 11);
    await at(S2, 4, { endDate: '2023-02-01', exitReason: 'personal' });
    await at(S2, 1, { endDate: '2023-02-01' });
    for (let index = 0; index < 11; index++) await ctx.newEnrolment({ receiver: X, supplier: S1, startDate: '2022-09-01' });
    await ctx.runJobs();
    for (const [name, institution] of Object.entries({ S1, S2, M, X, O })) tokens[name] = await ctx.tokenFor({ institution, scopes: ['insights:read'] });
    tokens.coordinator = await ctx.tokenFor({ region: R, scopes: ['insights:read', 'region:admin'] });
  });
  afterAll(() => ctx.close());

  const cohort = (body: ReasonsBody, year: number) => body.cohorts.find((entry) => entry.cohort === year)!;
  const cell = (body: ReasonsBody, supplier: InstitutionEntity, receiver: InstitutionEntity, year = 2022) =>
    cohort(body, year).cells.find((entry) => entry.supplier === supplier.brin && entry.receiver === receiver.brin);
  const counts = (entry: ReasonCell | undefined) => Object.fromEntries(entry!.reasons.map((reason) => [reason.reason, reason.n]));

  it('keeps the leavers per cell by reason in the summaries (switchers count as leavers, no reason = unknown)', async () => {
    const rows: Array<{ supplier: string; receiver: string; reason: string; n: number }> = await ctx.dataSource.query(
      `SELECT i.brin AS supplier, r.brin AS receiver, s.reason, s.n FROM reason_summaries s
         JOIN institutions i ON i.id = s.supplier_institution_id JOIN institutions r ON r.id = s.receiver_institution_id
        WHERE s.region_id = $1 AND s.cohort = 2022 ORDER BY 1, 2, 3`,
      [R.id],
    );
    expect(rows).toEqual(
      [
        { supplier: S1.brin, receiver: M.brin, reason: 'personal', n: 3 },
        { supplier: S1.brin, receiver: M.brin, reason: 'study_choice', n: 12 },
        { supplier: S1.brin, receiver: M.brin, reason: 'study_skills', n: 11 },
        { supplier: S2.brin, receiver: M.brin, reason: 'personal', n: 4 },
        { supplier: S2.brin, receiver: M.brin, reason: 'unknown', n: 1 },
      ].sort((a, b) => a.supplier.localeCompare(b.supplier) || a.reason.localeCompare(b.reason)),
    );
    const [outcomes] = await ctx.dataSource.query(
      `SELECT sum(n_switch_external)::int AS switched, sum(n_uitval)::int AS uitval FROM outcome_summaries s JOIN institutions i ON i.id = s.supplier_institution_id
        WHERE s.region_id = $1 AND s.cohort = 2022 AND i.id = $2 AND s.receiver_institution_id = $3`,
      [R.id, S1.id, M.id],
    );
    expect(outcomes).toEqual({ switched: 2, uitval: 24 });
  });

  it('gives the coordinator every cell exactly, with small reasons and their complement withheld', async () => {
    const body = (await get('/v1/insights/reasons', tokens.coordinator).expect(200)).body as ReasonsBody;
    expect(body).toMatchObject({ region: R.code, scope: 'region', institution: null });
    expect(cohort(body, 2022).suppressionK).toBe(10);
    const s1m = cell(body, S1, M);
    expect(s1m).toMatchObject({ leavers: 26, protection: 'published' });
    expect(counts(s1m)).toEqual({ study_choice: 12, study_skills: null, not_landed: 0, content_gap: 0, personal: null, other: 0, unknown: 0 });
    expect(s1m!.reasons.find((reason) => reason.reason === 'personal')).toEqual({ reason: 'personal', label: 'Persoonlijke omstandigheden', n: null, protection: 'suppressed' });
    const s2m = cell(body, S2, M);
    expect(s2m).toMatchObject({ leavers: 5, protection: 'suppressed' });
    expect(Object.values(counts(s2m)).every((n) => n === null)).toBe(true);
    expect(cell(body, S1, X)).toMatchObject({ leavers: 0, protection: 'suppressed' });
    // The 2023 cell of the two switchers (2 pupils) is withheld by the plan: no leavers, no reasons.
    expect(cell(body, S1, X, 2023)).toMatchObject({ leavers: null, protection: 'suppressed' });
  });

  it('gives a supplying school its alumni and a receiver its intake, with noise, the same on every reading', async () => {
    const alumni = (await get('/v1/insights/reasons', tokens.S1).expect(200)).body as ReasonsBody;
    expect(alumni).toMatchObject({ scope: 'supplier', institution: S1.brin });
    expect(cohort(alumni, 2022).cells.map((entry) => entry.receiver).sort()).toEqual([M.brin, X.brin].sort());
    const seen = cell(alumni, S1, M)!;
    expect(seen).toMatchObject({ leavers: 26, protection: 'perturbed' });
    const truth: Record<string, number> = { study_choice: 12, study_skills: 11, not_landed: 0, content_gap: 0, personal: 3, other: 0, unknown: 0 };
    for (const reason of seen.reasons) {
      if (reason.n === null) {
        expect(reason.protection).toBe('suppressed');
        continue;
      }
      expect(reason.protection).toBe('perturbed');
      expect(Math.abs(reason.n - truth[reason.reason])).toBeLessThanOrEqual(3);
      expect(reason.n === 0 || reason.n >= 10).toBe(true);
    }
    // Personal (3) can show only as 0 or withheld: never a small count.
    expect([0, null]).toContain(counts(seen).personal);
    const again = (await get('/v1/insights/reasons', tokens.S1).expect(200)).body as ReasonsBody;
    expect(cell(again, S1, M)).toEqual(seen);

    const intake = (await get('/v1/insights/reasons?perspective=intake', tokens.M).expect(200)).body as ReasonsBody;
    expect(intake).toMatchObject({ scope: 'receiver', institution: M.brin });
    expect(cohort(intake, 2022).cells.map((entry) => entry.supplier).sort()).toEqual([S1.brin, S2.brin].sort());
    // The same cell, the same key: the receiver reads the same noisy figures as the supplier.
    expect(cell(intake, S1, M)).toEqual(seen);
    expect(cell(intake, S2, M)).toMatchObject({ leavers: 5, protection: 'suppressed' });
  });

  it('shows no one else the cells', async () => {
    const other = (await get('/v1/insights/reasons', tokens.O).expect(200)).body as ReasonsBody;
    expect(other.cohorts.flatMap((entry) => entry.cells)).toEqual([]);
    const s2 = (await get('/v1/insights/reasons', tokens.S2).expect(200)).body as ReasonsBody;
    expect(cohort(s2, 2022).cells.map((entry) => entry.receiver)).toEqual([M.brin]);
  });

  it('exports the reasons as CSV, one row per cell and reason, with the protection', async () => {
    const csv = await get('/v1/insights/reasons?cohortFrom=2022&cohortTo=2022', tokens.coordinator).set('Accept', 'text/csv').expect(200);
    const [header, ...rows] = csv.text.trim().split('\n');
    expect(header).toBe('region,scope,institution,cohort,definition_set,definition_version,supplier,receiver,leavers,reason,label,n,suppressed,protection');
    expect(rows).toHaveLength(3 * 7);
    expect(rows.find((row) => row.includes(`,${S1.brin},${M.brin},`) && row.includes(',study_choice,'))).toMatch(/,26,study_choice,"Studiekeuze \(oriëntatie, verwachtingen\)",12,false,published$/);
    expect(rows.find((row) => row.includes(`,${S1.brin},${M.brin},`) && row.includes(',personal,'))).toMatch(/,personal,Persoonlijke omstandigheden,,true,suppressed$/);
  });
});
