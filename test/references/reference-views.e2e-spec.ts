import { createTestContext, TestContext } from 'test/utils/test-context';
import { DUO, figure } from 'test/references/reference-fixtures';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

/**
 * Region R, cohort 2022 (k = 10, hand-computed): S1 (vo) → X (hbo): 20 havo pupils, 4 uitval
 * (uitval 0.2). Its definition set (version 1) has the defaults: peildatum 1 October, switchers
 * not counted as uitval, only a first enrolment in the sector.
 *
 * Reference series (all synthetic):
 *   A  hbo uitval, all prior education          2021 0.14, 2022 0.15, 2023 0.16 → shown, 2022 only (the view's cohorts)
 *   B  hbo uitval, prior havo, n = 3             2022 0.12 → shown to views by prior education; not suppressed (published data)
 *   C  hbo uitval, prior vwo                     → not shown: no vwo pupils
 *   D  mbo uitval                                → not shown: no mbo enrolments
 *   E  hbo uitval, level bachelor                → not shown: only whole-sector series
 *   F  hbo diplomaYear1, same definitions        → comparable
 *   H  hbo enrolledYear2, peildatum 1 September, switchers not stated → two differences
 */
describe('reference series beside the views', () => {
  let ctx: TestContext;
  let R: RegionEntity;
  let S1: InstitutionEntity, X: InstitutionEntity;
  const tokens: Record<string, string> = {};
  const get = (path: string, token: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`);
  const load = (records: unknown[]) => ctx.http.post('/v1/reference-series:batch').set('Authorization', `Bearer ${tokens.admin}`).send({ records }).expect(200);
  const sources = (references: Array<{ source: string; priorEducation: string | null; metric: string }>): string[] =>
    references.map((reference) => `${reference.source}:${reference.metric}:${reference.priorEducation ?? 'all'}`).sort();

  beforeAll(async () => {
    ctx = await createTestContext();
    R = await ctx.newRegion();
    S1 = await ctx.newInstitution({ sectors: ['vo'] });
    X = await ctx.newInstitution({ sectors: ['hbo'] });
    for (const member of [S1, X]) await ctx.addMember(R, member);
    for (let index = 0; index < 20; index++) await ctx.newEnrolment({ receiver: X, supplier: S1, startDate: '2022-09-01', priorDiplomaType: 'havo', ...(index < 4 ? { endDate: '2023-03-01' } : {}) });
    await ctx.runJobs();
    tokens.S1 = await ctx.tokenFor({ institution: S1, scopes: ['insights:read'] });
    tokens.X = await ctx.tokenFor({ institution: X, scopes: ['insights:read'] });
    tokens.coordinator = await ctx.tokenFor({ region: R, scopes: ['insights:read', 'region:admin'] });
    tokens.admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
  });
  afterAll(() => ctx.close());

  it('shows no references before any are imported, and the new ones at once after an import (the cached view is renewed)', async () => {
    const before = await get('/v1/insights/alumni', tokens.S1).expect(200);
    expect(before.body.references).toEqual([]);
    await load([
      figure({ source: 'A', cohort: 2021, rate: 0.14 }),
      figure({ source: 'A', cohort: 2022, rate: 0.15, n: 50_000 }),
      figure({ source: 'A', cohort: 2023, rate: 0.16 }),
      figure({ source: 'B', priorEducation: 'havo', rate: 0.12, n: 3 }),
      figure({ source: 'C', priorEducation: 'vwo', rate: 0.1 }),
      figure({ source: 'D', sector: 'mbo', rate: 0.25 }),
      figure({ source: 'E', level: 'bachelor', rate: 0.13 }),
      figure({ source: 'F', metric: 'diplomaYear1', rate: 0.01 }),
      figure({ source: 'H', metric: 'enrolledYear2', rate: 0.8, referenceDate: '09-01', switchersCountAsUitval: null }),
    ]);
    const after = await get('/v1/insights/alumni', tokens.S1).expect(200);
    expect(sources(after.body.references)).toEqual(['A:uitval:all', 'B:uitval:havo', 'F:diplomaYear1:all', 'H:enrolledYear2:all']);
  });

  it('puts the matching reference next to the school and the region, labelled with source, definitions and how they differ', async () => {
    const response = await get('/v1/insights/alumni', tokens.S1).expect(200);
    // The school's and the region's figures are as before, through the disclosure layer.
    const [cohort] = response.body.cohorts;
    expect(cohort.total).toMatchObject({ n: 20, uitval: 0.2, suppressed: false });
    expect(cohort.benchmarkTotal).toMatchObject({ n: 20, uitval: 0.2 });
    const byName = Object.fromEntries(response.body.references.map((reference: { source: string }) => [reference.source, reference]));
    expect(byName.A).toMatchObject({
      sourceUrl: DUO.sourceUrl,
      licence: DUO.licence,
      definitions: DUO.definitions,
      synthetic: true,
      label: 'A (HBO) — synthetisch voorbeeld, geen echte cijfers',
      points: [{ cohort: 2022, rate: 0.15, n: 50_000 }],
      comparable: false,
    });
    // Same definitions, but the country follows students the region cannot see.
    expect(byName.A.differences).toEqual([expect.stringContaining('overstap naar een instelling buiten de regio telt daar als uitval')]);
    expect(byName.B.points).toEqual([{ cohort: 2022, rate: 0.12, n: 3 }]);
    expect(byName.F).toMatchObject({ comparable: true, differences: [] });
    expect(byName.H.comparable).toBe(false);
    expect(byName.H.differences).toEqual(['De bron zegt niet of switchers als uitval tellen.', expect.stringMatching(/^Peildatum 1 september in de referentie, 1 oktober in .+ \(versie 1\)\.$/)]);
  });

  it('gives the receiver its sector references by prior education, and the coordinator the whole-sector ones for all prior education', async () => {
    const intake = await get('/v1/insights/intake', tokens.X).expect(200);
    expect(sources(intake.body.references)).toEqual(['A:uitval:all', 'B:uitval:havo', 'F:diplomaYear1:all', 'H:enrolledYear2:all']);
    const report = await get(`/v1/regions/${R.code}/report`, tokens.coordinator).expect(200);
    expect(report.body.total).toMatchObject({ n: 20, uitval: 0.2 });
    expect(sources(report.body.references)).toEqual(['A:uitval:all', 'F:diplomaYear1:all', 'H:enrolledYear2:all']);
    expect(report.body.references.find((reference: { source: string }) => reference.source === 'A').points).toEqual([{ cohort: 2022, rate: 0.15, n: 50_000 }]);
  });

  it('puts the references in the CSV of a view and of the region report, with their rate and label', async () => {
    const csv = await get('/v1/insights/alumni', tokens.S1).set('Accept', 'text/csv').expect(200);
    const lines = csv.text.trim().split('\n');
    expect(lines[0].split(',').slice(-2)).toEqual(['reference_label', 'reference_rate']);
    const reference = lines.filter((line) => line.includes(',reference:uitval,'));
    expect(reference).toHaveLength(2);
    expect(reference.find((line) => line.includes('A (HBO)'))).toMatch(/,50000,.*"A \(HBO\) — synthetisch voorbeeld, geen echte cijfers",0\.15$/);
    const report = await get(`/v1/regions/${R.code}/report`, tokens.coordinator).set('Accept', 'text/csv').expect(200);
    expect(report.text.trim().split('\n').filter((line) => line.includes(',reference:'))).toHaveLength(3);
  });

  it('answers a reader of another region no differently: references are public, the region figures stay scoped', async () => {
    const other = await ctx.newRegion();
    const otherSchool = await ctx.newInstitution({ sectors: ['vo'] });
    await ctx.addMember(other, otherSchool);
    const token = await ctx.tokenFor({ institution: otherSchool, scopes: ['insights:read'] });
    const response = await get('/v1/insights/alumni', token).expect(200);
    expect(response.body.cohorts).toEqual([]);
    expect(response.body.references).toEqual([]);
  });
});
