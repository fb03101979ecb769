import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';
import { DefinitionSetEntity } from 'src/outcomes/definition-set.entity';
import { DefinitionsRepository } from 'src/outcomes/definitions.repository';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

/**
 * Each parameter of a definition set, on twin regions where every figure is worked out by hand:
 * the same records in a region with the default definitions (version 1) and in one with a
 * version that changes only that parameter. Definitions apply forward only (a published cohort
 * keeps its definitions), so the twin activates its version before any record arrives.
 * Supplier S (vo) → receiver X (hbo); cohort 2022 unless a case says otherwise; k = 10.
 */
describe('definition parameters', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  interface Scenario {
    region: RegionEntity;
    S: InstitutionEntity;
    X: InstitutionEntity;
    supplierToken: string;
    coordinatorToken: string;
  }
  let count = 0;
  const scenario = async (): Promise<Scenario> => {
    const region = await ctx.newRegion();
    const S = await ctx.newInstitution({ sectors: ['vo'] });
    const X = await ctx.newInstitution({ sectors: ['hbo'] });
    for (const member of [S, X]) await ctx.addMember(region, member);
    return {
      region,
      S,
      X,
      supplierToken: await ctx.tokenFor({ institution: S, scopes: ['insights:read'] }),
      coordinatorToken: await ctx.tokenFor({ region, scopes: ['region:admin', 'insights:read'] }),
    };
  };
  const student = (): string => pseudonymFor(`definition-parameters-${count++}`);
  /** The alumni total of a cohort, as the API publishes it (the split as the coordinator reads it). */
  const alumniTotal = async (world: Scenario, cohort = 2022): Promise<Record<string, unknown>> => {
    const response = await ctx.http.get(`/v1/insights/alumni?cohortFrom=${cohort}&cohortTo=${cohort}`).set('Authorization', `Bearer ${world.supplierToken}`).expect(200);
    const [figures] = response.body.cohorts as Array<{ cohort: number; total: Record<string, unknown>; definitionSet: { version: number } }>;
    expect(figures.cohort).toBe(cohort);
    // The school reads the split between switch and uitval with noise; the coordinator, of the same
    // students (S is the region's only supplier, X its only receiver), reads it exactly.
    const report = await ctx.http.get(`/v1/regions/${world.region.code}/report?cohort=${cohort}`).set('Authorization', `Bearer ${world.coordinatorToken}`).expect(200);
    expect(report.body.total.n).toBe(figures.total.n);
    expect(report.body.total.left).toBe(figures.total.left);
    return { ...report.body.total, definitionVersion: figures.definitionSet.version };
  };
  /** Creates version 2 with the given parameters, in force from `fromCohort`. */
  const activate = async (world: Scenario, parameters: Record<string, unknown>, fromCohort = 2000): Promise<void> => {
    const created = await ctx.http
      .post(`/v1/regions/${world.region.code}/definitions`)
      .set('Authorization', `Bearer ${world.coordinatorToken}`)
      .send({ name: `Versie met ${Object.keys(parameters).join(', ')}`, ...parameters })
      .expect(201);
    await ctx.http.post(`/v1/definitions/${created.body.id}/activate`).set('Authorization', `Bearer ${world.coordinatorToken}`).send({ fromCohort }).expect(200);
  };
  /** Two regions with the same records: the default definitions and a version with `parameters`. */
  const twins = async (parameters: Record<string, unknown>, fill: (world: Scenario) => Promise<void>): Promise<{ standard: Scenario; changed: Scenario }> => {
    const standard = await scenario();
    const changed = await scenario();
    await activate(changed, parameters);
    await ctx.runJobs();
    for (const world of [standard, changed]) await fill(world);
    await ctx.runJobs();
    return { standard, changed };
  };

  it('the views read every parameter of every version, as the entity holds it', async () => {
    const world = await scenario();
    await activate(world, { suppressionK: 7, switchersCountAsUitval: true, fdrQ: 0.1, referenceMonth: 12 }, 2030);
    const read = await ctx.app.get(DefinitionsRepository).listForRegion(world.region.id);
    const entities = await ctx.dataSource.getRepository(DefinitionSetEntity).find({ where: { regionId: world.region.id }, order: { version: 'ASC' } });
    expect(read.map((definition) => definition.version)).toEqual([1, 2]);
    expect(read.map((definition) => ({ ...definition }))).toEqual(entities.map((definition) => ({ ...definition })));
    expect(read[1]).toMatchObject({ suppressionK: 7, switchersCountAsUitval: true, fdrQ: 0.1, referenceMonth: 12, effectiveFromCohort: 2030 });
  });

  it('refuses a version for a cohort that has been published, and names the last one', async () => {
    const world = await scenario();
    for (let index = 0; index < 10; index++) await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: student(), startDate: '2022-09-01' });
    await ctx.runJobs();
    const created = await ctx.http.post(`/v1/regions/${world.region.code}/definitions`).set('Authorization', `Bearer ${world.coordinatorToken}`).send({ name: 'Alleen voltijd', voltijdOnly: true }).expect(201);
    const refused = await ctx.http.post(`/v1/definitions/${created.body.id}/activate`).set('Authorization', `Bearer ${world.coordinatorToken}`).send({ fromCohort: 2022 }).expect(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ type: expect.stringContaining('published-cohorts'), lastPublishedCohort: 2022, errors: [{ pointer: '#/fromCohort', code: 'publishedCohort' }] });
    // Nothing changed: the cohort keeps version 1, and the refused version stays a draft.
    expect(await alumniTotal(world)).toMatchObject({ n: 10, definitionVersion: 1 });
    const draft = await ctx.http.get(`/v1/definitions/${created.body.id}`).set('Authorization', `Bearer ${world.coordinatorToken}`).expect(200);
    expect(draft.body).toMatchObject({ status: 'draft', effectiveFromCohort: null });
    // From the next cohort on it is accepted.
    await ctx.http.post(`/v1/definitions/${created.body.id}/activate`).set('Authorization', `Bearer ${world.coordinatorToken}`).send({ fromCohort: 2023 }).expect(200);
    await ctx.runJobs();
    expect(await alumniTotal(world)).toMatchObject({ n: 10, definitionVersion: 1 });
  });

  it('reference date: an enrolment that ends in November is still enrolled on 1 October, and uitval on 1 December', async () => {
    const { standard, changed } = await twins({ referenceMonth: 12, referenceDay: 1 }, async (world) => {
      for (let index = 0; index < 10; index++) await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: student(), startDate: '2022-09-01' });
      for (let index = 0; index < 2; index++) await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: student(), startDate: '2022-09-01', endDate: '2023-11-15' });
    });
    // 1 October 2023: all 12 enrolled.
    expect(await alumniTotal(standard)).toMatchObject({ n: 12, enrolledYear2: 1, uitval: 0, definitionVersion: 1 });
    // 1 December 2023: the 2 ended before it, nothing followed → uitval 2/12.
    expect(await alumniTotal(changed)).toMatchObject({ n: 12, enrolledYear2: 0.8333, uitval: 0.1667, definitionVersion: 2 });
  });

  it('switchers count as uitval of the programme they left only when the definition says so', async () => {
    const { standard, changed } = await twins({ switchersCountAsUitval: true }, async (world) => {
      for (let index = 0; index < 9; index++) await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: student(), startDate: '2022-09-01' });
      await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: student(), startDate: '2022-09-01', endDate: '2023-03-01' });
      for (let index = 0; index < 2; index++) {
        const switcher = student();
        await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: switcher, startDate: '2022-09-01', endDate: '2023-01-31' });
        // Not a first enrolment in the sector: only the switch it makes of the first one counts.
        await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: switcher, programmeCode: '34001', startDate: '2023-02-01' });
      }
    });
    // 12 students: 9 enrolled, 1 uitval, 2 switch_internal.
    expect(await alumniTotal(standard)).toMatchObject({ n: 12, uitval: 0.0833, switchInternal: 0.1667, enrolledYear2: 0.75 });
    // Uitval of the programme: 1 + 2 switchers = 3/12; the switch rate itself is unchanged.
    expect(await alumniTotal(changed)).toMatchObject({ n: 12, uitval: 0.25, switchInternal: 0.1667, definitionVersion: 2 });
  });

  it('voltijd only: part-time enrolments in higher education drop out of the counts', async () => {
    const { standard, changed } = await twins({ voltijdOnly: true }, async (world) => {
      for (let index = 0; index < 10; index++) await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: student(), startDate: '2022-09-01' });
      for (let index = 0; index < 3; index++) {
        await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: student(), startDate: '2022-09-01', form: 'deeltijd', endDate: '2023-02-28' });
      }
    });
    // 13 students, the 3 part-timers left without a follow-up: uitval 3/13.
    expect(await alumniTotal(standard)).toMatchObject({ n: 13, uitval: 0.2308 });
    expect(await alumniTotal(changed)).toMatchObject({ n: 10, uitval: 0, enrolledYear2: 1, definitionVersion: 2 });
  });

  it('first year in sector only: a student with an earlier hbo enrolment counts again when the rule is off', async () => {
    const { standard, changed } = await twins({ firstYearInSectorOnly: false }, async (world) => {
      for (let index = 0; index < 10; index++) {
        const pseudonym = student();
        // Cohort 2021 in another programme, left in June 2022.
        if (index < 3) await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym, programmeCode: '34001', startDate: '2021-09-01', endDate: '2022-06-30' });
        await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym, startDate: '2022-09-01', priorDiplomaYear: 2021 });
      }
    });
    const summed = async (world: Scenario, cohort: number): Promise<{ n: number; n_switch_internal: number } | undefined> =>
      (
        await ctx.dataSource.query<Array<{ n: number; n_switch_internal: number }>>(
          `SELECT sum(n)::int AS n, sum(n_switch_internal)::int AS n_switch_internal FROM outcome_summaries WHERE region_id = $1 AND cohort = $2 HAVING count(*) > 0`,
          [world.region.id, cohort],
        )
      )[0];
    // Default: the 3 are first-year in hbo in 2021 only (and switched internally: a new programme at X within 12 months).
    expect(await summed(standard, 2021)).toEqual({ n: 3, n_switch_internal: 3 });
    expect(await summed(standard, 2022)).toEqual({ n: 7, n_switch_internal: 0 });
    expect(await summed(changed, 2021)).toEqual({ n: 3, n_switch_internal: 3 });
    expect(await summed(changed, 2022)).toEqual({ n: 10, n_switch_internal: 0 });
    expect(await alumniTotal(changed)).toMatchObject({ n: 10, enrolledYear2: 1, definitionVersion: 2 });
  });

  it('the suppression threshold k of the region decides which cells are published', async () => {
    const { standard, changed } = await twins({ suppressionK: 5 }, async (world) => {
      const other = await ctx.newInstitution({ sectors: ['vo'] });
      await ctx.addMember(world.region, other);
      for (let index = 0; index < 7; index++) await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: student(), startDate: '2022-09-01' });
      for (let index = 0; index < 12; index++) await ctx.newEnrolment({ receiver: world.X, supplier: other, pseudonym: student(), startDate: '2022-09-01' });
    });
    const report = async (world: Scenario) =>
      (await ctx.http.get(`/v1/regions/${world.region.code}/report?cohort=2022`).set('Authorization', `Bearer ${world.coordinatorToken}`).expect(200)).body as {
        cells: Array<{ supplier: string; n: number | null; suppressed: boolean }>;
        total: { n: number | null };
        definitionSet: { version: number };
      };
    const cellOf = (body: Awaited<ReturnType<typeof report>>, supplier: string) => body.cells.find((cell) => cell.supplier === supplier);
    // k = 10: the 7 are suppressed, and so is the 12 next to it (else 19 − 12 would give the 7 away).
    const before = await report(standard);
    expect(cellOf(before, standard.S.brin)).toMatchObject({ n: null, suppressed: true });
    expect(before.cells.filter((cell) => cell.supplier !== standard.S.brin)).toEqual([expect.objectContaining({ n: null, suppressed: true })]);
    // The total is published (19) or withheld with them, as the plan over all tables decides; never another figure.
    expect(before.total.n === null ? (before.total as { suppressed?: boolean }).suppressed : before.total.n === 19).toBe(true);
    // k = 5: both are published.
    const after = await report(changed);
    expect(after.definitionSet).toMatchObject({ version: 2 });
    expect(cellOf(after, changed.S.brin)).toMatchObject({ n: 7, suppressed: false });
    expect(after.cells.filter((cell) => cell.supplier !== changed.S.brin)).toEqual([expect.objectContaining({ n: 12, suppressed: false })]);
  });

  it('rendement: a diploma within the nominal duration + 1 year, once that term has passed', async () => {
    // A three-year programme of its own, so the nominal duration is known to this test.
    await ctx.dataSource.query(
      `INSERT INTO programmes (sector, code, name, level, nominal_duration_years, valid_from_cohort, valid_to_cohort) VALUES ('hbo', '39990', 'Testopleiding driejarig', 'bachelor', 3, 2000, NULL)`,
    );
    // Cohort 2019: the term ends on 1 October 2023 (2019 + 3 + 1); a later reference date moves it to 1 December 2023.
    const { standard, changed } = await twins({ referenceMonth: 12, referenceDay: 1 }, async (world) => {
      for (let index = 0; index < 8; index++) {
        await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: student(), programmeCode: '39990', startDate: '2019-09-01', endDate: '2022-07-01', endReason: 'diploma' });
      }
      for (let index = 0; index < 2; index++) {
        await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: student(), programmeCode: '39990', startDate: '2019-09-01', endDate: '2024-07-01', endReason: 'diploma' });
      }
      for (let index = 0; index < 2; index++) await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: student(), programmeCode: '39990', startDate: '2019-09-01' });
    });
    // 12 known, 8 in time → 0.6667; no diploma in year 1; the same 8 are in time with the later date.
    expect(await alumniTotal(standard, 2019)).toMatchObject({ n: 12, rendement: 0.6667, diplomaYear1: 0 });
    expect(await alumniTotal(changed, 2019)).toMatchObject({ n: 12, rendement: 0.6667, definitionVersion: 2 });
  });

  it('rendement stays unknown (null) while the term has not passed', async () => {
    const world = await scenario();
    // Cohort 2025 of a four-year programme (the default): the term ends on 1 October 2030.
    for (let index = 0; index < 12; index++) await ctx.newEnrolment({ receiver: world.X, supplier: world.S, pseudonym: student(), startDate: '2025-09-01' });
    await ctx.runJobs();
    const termPassed = new Date() >= new Date('2030-10-01T00:00:00Z');
    expect(await alumniTotal(world, 2025)).toMatchObject({ n: 12, rendement: termPassed ? 0 : null });
  });
});
