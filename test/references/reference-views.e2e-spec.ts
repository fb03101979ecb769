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
 *   E  hbo uitval, level bachelor, 2022 0.13     → not among the view's references (whole-sector only); beside a bachelor row by level (below)
 *   F  hbo diplomaYear1, same definitions        → comparable
 *   H  hbo enrolledYear2, peildatum 1 September, switchers not stated → two differences
 *
 * By level (a second school, added after the tests above; programmes from the catalogue):
 *   S2 (vo) → M (mbo): 12 in entree (25001, mbo 1, vmbo-b), 3 of them left in February 2023 (uitval 3/12 = 0.25)
 *                      10 in mbo 2 (25002, vmbo-k), still enrolled (uitval 0)
 *   S2 (vo) → X (hbo): 11 in a bachelor (34001, havo), still enrolled
 * Level series:
 *   L1 mbo level 1 uitval, switchers counted as uitval, 2021 0.29, 2022 0.3 → beside the entree row, 2022 only; indicative: national scope and switchers
 *   L2 mbo level 2 enrolledYear2, same definitions, 2022 0.7             → beside the mbo 2 row; comparable
 *   L3 mbo level 3 uitval                                                → not shown: no mbo 3 row
 *   W  wo level bachelor uitval                                          → not shown: the bachelor row holds hbo students only
 *   G  mbo level 1, programme group techniek                             → not shown: a level row covers every programme group
 *   P1 mbo level 1, prior education vmbo-b                               → not shown: a level row covers all prior education
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
    // A school reads the split between switch and uitval with noise (docs/disclosure-control.md, attack 5); left is exact.
    expect(cohort.total).toMatchObject({ n: 20, left: 0.2, suppressed: false, protection: 'perturbed' });
    expect(Math.abs(Math.round(cohort.total.uitval * 20) - 4)).toBeLessThanOrEqual(3);
    expect(cohort.benchmarkTotal).toMatchObject({ n: 20, left: 0.2, protection: 'perturbed' });
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

  describe('by level (entree = mbo 1)', () => {
    let S2: InstitutionEntity, M: InstitutionEntity;
    const levelSources = (references: Array<{ source: string; sector: string; level: string | null }>): string[] => references.map((reference) => `${reference.source}:${reference.sector}:${reference.level}`).sort();

    beforeAll(async () => {
      await ctx.dataSource.query(
        `INSERT INTO programmes (sector, code, name, level, nominal_duration_years, valid_from_cohort) VALUES
           ('mbo', '25001', 'Entree-opleiding', '1', 1, 2000), ('mbo', '25002', 'Medewerker facilitair', '2', 2, 2000), ('hbo', '34001', 'B Testopleiding', 'bachelor', 4, 2000)
         ON CONFLICT DO NOTHING`,
      );
      S2 = await ctx.newInstitution({ sectors: ['vo'] });
      M = await ctx.newInstitution({ sectors: ['mbo'] });
      for (const member of [S2, M]) await ctx.addMember(R, member);
      for (let index = 0; index < 12; index++) {
        await ctx.newEnrolment({ receiver: M, supplier: S2, sector: 'mbo', level: '1', programmeCode: '25001', startDate: '2022-09-01', priorDiplomaType: 'vmbo-b', ...(index < 3 ? { endDate: '2023-02-01' } : {}) });
      }
      for (let index = 0; index < 10; index++) await ctx.newEnrolment({ receiver: M, supplier: S2, sector: 'mbo', level: '2', programmeCode: '25002', startDate: '2022-09-01', priorDiplomaType: 'vmbo-k' });
      for (let index = 0; index < 11; index++) await ctx.newEnrolment({ receiver: X, supplier: S2, sector: 'hbo', programmeCode: '34001', startDate: '2022-09-01', priorDiplomaType: 'havo' });
      await ctx.runJobs();
      tokens.S2 = await ctx.tokenFor({ institution: S2, scopes: ['insights:read'] });
      tokens.M = await ctx.tokenFor({ institution: M, scopes: ['insights:read'] });
      const mbo = { sector: 'mbo' };
      await load([
        figure({ ...mbo, source: 'L1', level: '1', cohort: 2021, rate: 0.29, switchersCountAsUitval: true }),
        figure({ ...mbo, source: 'L1', level: '1', cohort: 2022, rate: 0.3, n: 9_000, switchersCountAsUitval: true }),
        figure({ ...mbo, source: 'L2', level: '2', metric: 'enrolledYear2', rate: 0.7 }),
        figure({ ...mbo, source: 'L3', level: '3', rate: 0.2 }),
        figure({ source: 'W', sector: 'wo', level: 'bachelor', rate: 0.09 }),
        figure({ ...mbo, source: 'G', level: '1', programmeGroup: 'techniek', rate: 0.4 }),
        figure({ ...mbo, source: 'P1', level: '1', priorEducation: 'vmbo-b', rate: 0.35 }),
      ]);
    });

    it('puts beside each level row the series of its sector and level, compared as the whole-sector ones are', async () => {
      const response = await get('/v1/insights/alumni?breakdown=level', tokens.S2).expect(200);
      const [cohort] = response.body.cohorts;
      expect(cohort.cohort).toBe(2022);
      expect(cohort.rows).toEqual([
        // By level a school reads only the sum of switch extern and uitval (left): its split is read by receiver.
        expect.objectContaining({ key: '1', label: 'Entree (mbo 1)', n: 12, left: 0.25, uitval: null, protection: 'split-withheld', suppressed: false }),
        expect.objectContaining({ key: '2', label: 'mbo 2', n: 10, left: 0, uitval: null, suppressed: false }),
        expect.objectContaining({ key: 'bachelor', n: 11, suppressed: false }),
      ]);
      expect(levelSources(response.body.levelReferences)).toEqual(['E:hbo:bachelor', 'L1:mbo:1', 'L2:mbo:2']);
      // The whole-sector matching is as before: the view's sectors (and prior education), no level series.
      expect(sources(response.body.references)).toEqual(['A:uitval:all', 'B:uitval:havo', 'D:uitval:all', 'F:diplomaYear1:all', 'H:enrolledYear2:all']);

      const byName = Object.fromEntries(response.body.levelReferences.map((reference: { source: string }) => [reference.source, reference]));
      expect(byName.L1).toMatchObject({ label: 'L1 (MBO, niveau 1) — synthetisch voorbeeld, geen echte cijfers', level: '1', metric: 'uitval', points: [{ cohort: 2022, rate: 0.3, n: 9_000 }], comparable: false });
      expect(byName.L1.differences).toEqual([expect.stringContaining('buiten de regio telt daar als uitval'), expect.stringMatching(/^Switchers tellen wel als uitval in de referentie, niet in .+ \(versie 1\)\.$/)]);
      expect(byName.L1.differenceDetails).toEqual([
        expect.objectContaining({ code: 'national-scope', reference: null, region: null, definitionSet: null }),
        expect.objectContaining({ code: 'switchers', reference: true, region: false, definitionSet: { name: expect.any(String), version: 1 } }),
      ]);
      expect(byName.L1.differenceDetails.map((detail: { text: string }) => detail.text)).toEqual(byName.L1.differences);
      expect(byName.L2).toMatchObject({ level: '2', metric: 'enrolledYear2', points: [{ cohort: 2022, rate: 0.7, n: null }], comparable: true, differences: [], differenceDetails: [] });
      expect(byName.E).toMatchObject({ sector: 'hbo', level: 'bachelor', points: [{ cohort: 2022, rate: 0.13, n: null }] });
    });

    it('matches the sectors a view holds at a level, and shows no level series for another breakdown or an unknown level', async () => {
      const intake = await get('/v1/insights/intake?breakdown=level', tokens.M).expect(200);
      expect(intake.body.cohorts[0].rows.map((row: { key: string; n: number }) => [row.key, row.n])).toEqual([
        ['1', 12],
        ['2', 10],
      ]);
      expect(levelSources(intake.body.levelReferences)).toEqual(['L1:mbo:1', 'L2:mbo:2']);
      // X's bachelor students are hbo only: the wo series stays out. S1's 20 study a programme the catalogue lacks (level unknown).
      const receiver = await get('/v1/insights/intake?breakdown=level', tokens.X).expect(200);
      expect(receiver.body.cohorts[0].rows.map((row: { key: string; n: number }) => [row.key, row.n])).toEqual([
        ['', 20],
        ['bachelor', 11],
      ]);
      expect(levelSources(receiver.body.levelReferences)).toEqual(['E:hbo:bachelor']);
      const unknownLevel = await get('/v1/insights/alumni?breakdown=level', tokens.S1).expect(200);
      expect(unknownLevel.body.levelReferences).toEqual([]);
      const byReceiver = await get('/v1/insights/alumni', tokens.S2).expect(200);
      expect(byReceiver.body.levelReferences).toEqual([]);
    });

    it('puts the level series in the CSV of a view by level, named by their level', async () => {
      const csv = await get('/v1/insights/alumni?breakdown=level', tokens.S2).set('Accept', 'text/csv').expect(200);
      const lines = csv.text.trim().split('\n');
      expect(lines.find((line) => line.includes('"L1 (MBO, niveau 1)'))).toMatch(/,reference:uitval,.*,9000,.*"L1 \(MBO, niveau 1\) — synthetisch voorbeeld, geen echte cijfers",0\.3$/);
      expect(lines.filter((line) => line.includes(',reference:uitval,')).map((line) => line.match(/"([A-Z0-9]+) \(/)?.[1]).sort()).toEqual(['A', 'B', 'D', 'E', 'L1']);
    });
  });
});
