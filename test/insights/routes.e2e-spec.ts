import { randomBytes } from 'node:crypto';
import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

interface Cell {
  prior: string | null;
  first: string | null;
  next: string | null;
  n: number | null;
  share: number | null;
  suppressed: boolean;
  label: string;
  protection: string;
}

/**
 * Routes of vulnerable pupils and the level breakdown (issue 16), hand-computed, k = 10.
 *
 * Region R, cohort 2022 (first enrolments on 1 September 2022):
 *   pro school P: 14 to entree at M1: 8 diploma (July 2023), then mbo 2 at M1 → hoger
 *                                     3 diploma and nothing after      → diploma
 *                                     3 left in February 2023          → uitval
 *                 12 to mbo 2 at M2, still enrolled                    → ingeschreven
 *   vso school V: 12 to entree at M2: 11 diploma, then mbo 2 at M2      → hoger
 *                                      1 left in February 2023          → uitval
 *   havo school H: 15 to a bachelor at X, still enrolled               → ingeschreven
 * Region cohort total 53. Route cells are prior diploma type × stage of the first enrolment (with
 * their margins); what came next is given as shares of a published route cell, like the outcome
 * rates of an outcome cell. All route cells here are 12 or more: published.
 *
 * Cohort 2023, for a small route cell: havo school H2 sends 3 pupils to mbo 2 at M2 and 11 to a
 * bachelor at X (still enrolled): its 3 is withheld, and so the 11 (14 − 11 = 3).
 *
 * Cohort 2021, for the level breakdown: vmbo-b school L, all at M1, still enrolled: 3 in entree
 * (25001), 12 in 25002 and 11 in 25003 (both mbo 2). The level-2 cell (23) with the published
 * total (26) would give the 3 away, so the plan withholds one of them as well.
 */
describe('routes of pupils and the level breakdown', () => {
  let ctx: TestContext;
  let R: RegionEntity, Q: RegionEntity;
  let P: InstitutionEntity, V: InstitutionEntity, H: InstitutionEntity, H2: InstitutionEntity, L: InstitutionEntity, M1: InstitutionEntity, M2: InstitutionEntity, X: InstitutionEntity, T: InstitutionEntity;
  const tokens: Record<string, string> = {};
  const get = (path: string, token: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`);
  const student = (): string => pseudonymFor(randomBytes(8).toString('hex'));

  const route = async (
    count: number,
    first: { supplier: InstitutionEntity; receiver: InstitutionEntity; programmeCode: string; prior: string },
    end: { endDate?: string; endReason?: 'diploma' | 'uitgeschreven' },
    next?: { receiver: InstitutionEntity; programmeCode: string },
  ): Promise<void> => {
    for (let index = 0; index < count; index++) {
      const pseudonym = student();
      await ctx.newEnrolment({ pseudonym, receiver: first.receiver, supplier: first.supplier, sector: 'mbo', programmeCode: first.programmeCode, startDate: '2022-09-01', priorDiplomaType: first.prior, ...end });
      if (next) await ctx.newEnrolment({ pseudonym, receiver: next.receiver, supplier: first.receiver, sector: 'mbo', programmeCode: next.programmeCode, startDate: '2023-09-01', priorDiplomaType: 'mbo-1', priorDiplomaYear: 2023 });
    }
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.dataSource.query(
      `INSERT INTO programmes (sector, code, name, level, nominal_duration_years, valid_from_cohort) VALUES
         ('mbo', '25001', 'Entree-opleiding', '1', 1, 2000), ('mbo', '25002', 'Medewerker facilitair', '2', 2, 2000),
         ('mbo', '25003', 'Logistiek medewerker', '2', 2, 2000), ('hbo', '34001', 'B Testopleiding', 'bachelor', 4, 2000)
       ON CONFLICT DO NOTHING`,
    );
    R = await ctx.newRegion();
    Q = await ctx.newRegion();
    [P, V, H, H2, L] = [await ctx.newInstitution(), await ctx.newInstitution(), await ctx.newInstitution(), await ctx.newInstitution(), await ctx.newInstitution()];
    M1 = await ctx.newInstitution({ sectors: ['mbo'] });
    M2 = await ctx.newInstitution({ sectors: ['mbo'] });
    X = await ctx.newInstitution({ sectors: ['hbo'] });
    T = await ctx.newInstitution();
    for (const member of [P, V, H, H2, L, M1, M2, X]) await ctx.addMember(R, member);
    await ctx.addMember(Q, T);

    await route(8, { supplier: P, receiver: M1, programmeCode: '25001', prior: 'pro' }, { endDate: '2023-07-01', endReason: 'diploma' }, { receiver: M1, programmeCode: '25002' });
    await route(3, { supplier: P, receiver: M1, programmeCode: '25001', prior: 'pro' }, { endDate: '2023-07-01', endReason: 'diploma' });
    await route(3, { supplier: P, receiver: M1, programmeCode: '25001', prior: 'pro' }, { endDate: '2023-02-01' });
    await route(12, { supplier: P, receiver: M2, programmeCode: '25002', prior: 'pro' }, {});
    await route(11, { supplier: V, receiver: M2, programmeCode: '25001', prior: 'vso' }, { endDate: '2023-07-01', endReason: 'diploma' }, { receiver: M2, programmeCode: '25003' });
    await route(1, { supplier: V, receiver: M2, programmeCode: '25001', prior: 'vso' }, { endDate: '2023-02-01' });
    for (let index = 0; index < 15; index++) await ctx.newEnrolment({ receiver: X, supplier: H, sector: 'hbo', programmeCode: '34001', startDate: '2022-09-01' });
    for (let index = 0; index < 3; index++) await ctx.newEnrolment({ receiver: M2, supplier: H2, sector: 'mbo', programmeCode: '25002', startDate: '2023-09-01' });
    for (let index = 0; index < 11; index++) await ctx.newEnrolment({ receiver: X, supplier: H2, sector: 'hbo', programmeCode: '34001', startDate: '2023-09-01' });
    for (const [count, programmeCode] of [
      [3, '25001'],
      [12, '25002'],
      [11, '25003'],
    ] as const) {
      for (let index = 0; index < count; index++) await ctx.newEnrolment({ receiver: M1, supplier: L, sector: 'mbo', programmeCode, startDate: '2021-09-01', priorDiplomaType: 'vmbo-b' });
    }
    await ctx.runJobs();
    for (const [name, institution] of Object.entries({ P, V, H2, L, M1, M2, T })) tokens[name] = await ctx.tokenFor({ institution, scopes: ['insights:read'] });
    tokens.coordinatorR = await ctx.tokenFor({ region: R, scopes: ['insights:read', 'region:admin'] });
  });
  afterAll(() => ctx.close());

  const cohortOf = (body: { cohorts: Array<{ cohort: number; suppressionK: number; total: Cell; cells: Cell[] }> }, cohort: number) => body.cohorts.find((entry) => entry.cohort === cohort)!;
  const find = (cells: Cell[], prior: string, first: string | null = null, next: string | null = null): Cell | undefined =>
    cells.find((cell) => cell.prior === prior && cell.first === first && cell.next === next);
  /** A next step of a school's own pupils: the true count with noise of at most ±3, kept within 0 … its route cell. */
  const expectPerturbed = (cell: Cell | undefined, truth: number, routeCell: number): void => {
    expect(cell).toMatchObject({ suppressed: false, protection: 'perturbed' });
    expect(Math.abs(cell!.n! - truth)).toBeLessThanOrEqual(3);
    expect(cell!.n).toBeGreaterThanOrEqual(0);
    expect(cell!.n).toBeLessThanOrEqual(routeCell);
    expect(cell!.share).toBe(Math.round((cell!.n! / routeCell) * 10_000) / 10_000);
  };

  it("shows a pro school its pupils' routes through entree, with what came next", async () => {
    const response = await get('/v1/insights/routes', tokens.P).expect(200);
    expect(response.body).toMatchObject({ region: R.code, scope: 'supplier', institution: P.brin });
    const cohort = cohortOf(response.body, 2022);
    expect(cohort.suppressionK).toBe(10);
    expect(cohort.total).toMatchObject({ n: 26, suppressed: false });
    const { cells } = cohort;
    expect(find(cells, 'pro')).toMatchObject({ n: 26, share: 1, suppressed: false });
    expect(find(cells, 'pro', 'entree')).toMatchObject({ n: 14, share: 0.5385, label: 'Entree (mbo 1)', suppressed: false });
    expect(find(cells, 'pro', 'mbo-2')).toMatchObject({ n: 12, share: 0.4615 });
    // What came next, of the school's own pupils: with cell-key noise (±3, within 0 … the route cell), every step listed.
    expectPerturbed(find(cells, 'pro', 'mbo-2', 'ingeschreven'), 12, 12);
    for (const next of ['hoger', 'diploma', 'switch', 'uitval']) expectPerturbed(find(cells, 'pro', 'mbo-2', next), 0, 12);
    expectPerturbed(find(cells, 'pro', 'entree', 'hoger'), 8, 14);
    expect(find(cells, 'pro', 'entree', 'hoger')).toMatchObject({ label: 'Door naar een hoger niveau' });
    expectPerturbed(find(cells, 'pro', 'entree', 'diploma'), 3, 14);
    expectPerturbed(find(cells, 'pro', 'entree', 'uitval'), 3, 14);
    expectPerturbed(find(cells, 'pro', 'entree', 'switch'), 0, 14);
    expectPerturbed(find(cells, 'pro', 'entree', 'ingeschreven'), 0, 14);
    expect(cells.filter((cell) => cell.first === 'entree' && cell.next !== null).map((cell) => cell.next)).toEqual(['hoger', 'diploma', 'switch', 'ingeschreven', 'uitval']);
    // The same records give the same noise on every reading.
    expect((await get('/v1/insights/routes', tokens.P).expect(200)).body).toEqual(response.body);
    // Only the pupils of P: nothing of V's or H's.
    expect(cells.every((cell) => cell.prior === 'pro')).toBe(true);
  });

  it('withholds a small route cell and the one that would give it away (14 − 11 = 3), with their next steps', async () => {
    const cohort = cohortOf((await get('/v1/insights/routes', tokens.H2).expect(200)).body, 2023);
    expect(cohort.total).toMatchObject({ n: 14, suppressed: false });
    expect(find(cohort.cells, 'havo')).toMatchObject({ n: 14, suppressed: false });
    expect(find(cohort.cells, 'havo', 'mbo-2')).toMatchObject({ n: null, share: null, suppressed: true });
    expect(find(cohort.cells, 'havo', 'hbo')).toMatchObject({ n: null, suppressed: true });
    expect(find(cohort.cells, 'havo', 'mbo-2', 'ingeschreven')).toMatchObject({ n: null, suppressed: true });
    expect(find(cohort.cells, 'havo', 'hbo', 'ingeschreven')).toMatchObject({ n: null, suppressed: true });
    const v = cohortOf((await get('/v1/insights/routes', tokens.V).expect(200)).body, 2022);
    expectPerturbed(find(v.cells, 'vso', 'entree', 'hoger'), 11, 12);
  });

  it("gives the coordinator the region's routes per prior diploma type, and as CSV", async () => {
    const response = await get('/v1/insights/routes', tokens.coordinatorR).expect(200);
    expect(response.body).toMatchObject({ scope: 'region', institution: null });
    const cohort = cohortOf(response.body, 2022);
    expect(cohort.total).toMatchObject({ n: 53, suppressed: false });
    expect(find(cohort.cells, 'havo', 'hbo', 'ingeschreven')).toMatchObject({ n: 15 });
    expect(find(cohort.cells, 'pro', 'entree')).toMatchObject({ n: 14 });
    expect(find(cohort.cells, 'vso', 'entree', 'uitval')).toMatchObject({ n: 1, share: 0.0833 });
    // Every published cell of the region is the sum of the hand-computed routes.
    const truth: Record<string, number> = { 'pro|entree|hoger': 8, 'pro|entree|diploma': 3, 'pro|entree|uitval': 3, 'pro|mbo-2|ingeschreven': 12, 'vso|entree|hoger': 11, 'vso|entree|uitval': 1, 'havo|hbo|ingeschreven': 15 };
    // The coordinator cannot add records: the region's next steps are exact, every step listed (also 0).
    for (const cell of cohort.cells.filter((item) => item.next !== null && !item.suppressed)) {
      expect(cell).toMatchObject({ n: truth[`${cell.prior}|${cell.first}|${cell.next}`] ?? 0, protection: 'published' });
    }
    expect(find(cohort.cells, 'vso', 'entree', 'switch')).toMatchObject({ n: 0, share: 0 });

    const csv = await get('/v1/insights/routes', tokens.coordinatorR).set('Accept', 'text/csv').expect(200);
    const [header, ...rows] = csv.text.trim().split('\n');
    expect(header.split(',')).toEqual(expect.arrayContaining(['cohort', 'prior', 'first', 'next', 'n', 'share', 'suppressed', 'protection', 'definition_set']));
    expect(rows.some((row) => row.includes(',havo,hbo,ingeschreven,') && row.includes(',15,'))).toBe(true);
  });

  it('shows an institution of another region nothing of this one, and a cohort window', async () => {
    await get(`/v1/insights/routes?region=${R.code}`, tokens.T).expect(404);
    const empty = await get('/v1/insights/routes', tokens.T).expect(200);
    expect(empty.body).toMatchObject({ region: Q.code, cohorts: [] });
    const window = await get('/v1/insights/routes?cohortFrom=2023&cohortTo=2024', tokens.P).expect(200);
    expect(window.body.cohorts).toEqual([]);
    await get('/v1/insights/routes?cohortFrom=2024&cohortTo=2023', tokens.P).expect(400);
  });

  it('breaks the alumni and the intake down by level (entree = mbo 1)', async () => {
    const alumni = await get('/v1/insights/alumni?breakdown=level&cohortFrom=2022&cohortTo=2022', tokens.P).expect(200);
    expect(alumni.body.breakdown).toBe('level');
    const [cohort] = alumni.body.cohorts;
    expect(cohort.rows).toEqual([expect.objectContaining({ key: '1', label: 'Entree (mbo 1)', n: 14, suppressed: false }), expect.objectContaining({ key: '2', label: 'mbo 2', n: 12, suppressed: false })]);
    expect(cohort.total).toMatchObject({ n: 26 });

    const intake = await get('/v1/insights/intake?breakdown=level&cohortFrom=2022&cohortTo=2022', tokens.M2).expect(200);
    const [intakeCohort] = intake.body.cohorts;
    expect(intakeCohort.rows).toEqual([expect.objectContaining({ key: '1', n: 12 }), expect.objectContaining({ key: '2', n: 12 })]);
    // The own intake's split is a piece of a supplier × receiver cell here: withheld, as by programme.
    expect(intakeCohort.rows[0].protection).toBe('split-withheld');

    const csv = await get('/v1/insights/alumni?breakdown=level&cohortFrom=2022&cohortTo=2022', tokens.P).set('Accept', 'text/csv').expect(200);
    expect(csv.text).toContain('level,1,Entree (mbo 1),14');
  });

  it('withholds a level that would give a small programme away through the total (26 − 23 = 3)', async () => {
    const response = await get('/v1/insights/alumni?breakdown=level&cohortFrom=2021&cohortTo=2021', tokens.L).expect(200);
    const [cohort] = response.body.cohorts;
    const byLevel = Object.fromEntries(cohort.rows.map((row: { key: string }) => [row.key, row]));
    expect(byLevel['1']).toMatchObject({ n: null, suppressed: true });
    expect(byLevel['2'].suppressed || cohort.total.suppressed).toBe(true);
    const byProgramme = (await get('/v1/insights/alumni?breakdown=programme&cohortFrom=2021&cohortTo=2021', tokens.L).expect(200)).body.cohorts[0];
    // Whatever is published in both breakdowns, the 3 cannot be worked out from it.
    const published = [...byProgramme.rows, ...cohort.rows, cohort.total].filter((row: { suppressed: boolean }) => !row.suppressed).map((row: { key?: string; n: number }) => `${row.key ?? 'total'}:${row.n}`);
    const total = cohort.total.suppressed ? null : cohort.total.n;
    const level2 = byLevel['2'].suppressed ? null : byLevel['2'].n;
    const known = (code: string) => byProgramme.rows.find((row: { key: string; suppressed: boolean }) => row.key === code && !row.suppressed)?.n ?? null;
    const derivations = [total !== null && level2 !== null ? total - level2 : null, total !== null && known('25002') !== null && known('25003') !== null ? total - known('25002') - known('25003') : null];
    expect(derivations.filter((value) => value !== null)).toEqual([]);
    expect(published.length).toBeGreaterThan(0);
  });
});
