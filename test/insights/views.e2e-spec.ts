import { createTestContext, TestContext } from 'test/utils/test-context';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { DisclosureService } from 'src/outcomes/disclosure/disclosure.service';

/**
 * Region R, cohort 2022 (k = 10, hand-computed):
 *   S1 → X: 20 (16 enrolled, 4 uitval)   S1 → Y: 12 enrolled
 *   S2 → X:  3 enrolled (a small cell)
 *   S3 → X: 15 enrolled                  S3 → Y: 10 enrolled
 * Region Q: T → W: 30 enrolled.
 */
describe('insight views', () => {
  let ctx: TestContext;
  let R: RegionEntity, Q: RegionEntity;
  let S1: InstitutionEntity, S2: InstitutionEntity, S3: InstitutionEntity, X: InstitutionEntity, Y: InstitutionEntity, T: InstitutionEntity, W: InstitutionEntity;
  const tokens: Record<string, string> = {};
  const get = (path: string, token: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`);

  const enrol = async (supplier: InstitutionEntity, receiver: InstitutionEntity, count: number, uitval = 0): Promise<void> => {
    for (let index = 0; index < count; index++) {
      await ctx.newEnrolment({ receiver, supplier, startDate: '2022-09-01', ...(index < uitval ? { endDate: '2023-03-01' } : {}) });
    }
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    R = await ctx.newRegion();
    Q = await ctx.newRegion();
    S1 = await ctx.newInstitution({ sectors: ['vo'] });
    S2 = await ctx.newInstitution({ sectors: ['vo'] });
    S3 = await ctx.newInstitution({ sectors: ['vo'] });
    X = await ctx.newInstitution({ sectors: ['hbo'] });
    Y = await ctx.newInstitution({ sectors: ['hbo'] });
    T = await ctx.newInstitution({ sectors: ['vo'] });
    W = await ctx.newInstitution({ sectors: ['hbo'] });
    for (const member of [S1, S2, S3, X, Y]) await ctx.addMember(R, member);
    for (const member of [T, W]) await ctx.addMember(Q, member);
    await enrol(S1, X, 20, 4);
    await enrol(S1, Y, 12);
    await enrol(S2, X, 3);
    await enrol(S3, X, 15);
    await enrol(S3, Y, 10);
    await enrol(T, W, 30);
    await ctx.runJobs();
    tokens.S1 = await ctx.tokenFor({ institution: S1, scopes: ['insights:read'] });
    tokens.S2 = await ctx.tokenFor({ institution: S2, scopes: ['insights:read'] });
    tokens.X = await ctx.tokenFor({ institution: X, scopes: ['insights:read'] });
    tokens.T = await ctx.tokenFor({ institution: T, scopes: ['insights:read'] });
    tokens.coordinatorR = await ctx.tokenFor({ region: R, scopes: ['insights:read', 'region:admin'] });
    tokens.coordinatorQ = await ctx.tokenFor({ region: Q, scopes: ['insights:read', 'region:admin'] });
  });
  afterAll(() => ctx.close());

  it('shows a supplier its alumni per receiver with rates, the definition set and the benchmark', async () => {
    const response = await get('/v1/insights/alumni?breakdown=receiver', tokens.S1).expect(200);
    expect(response.body).toMatchObject({ region: R.code, institution: { brin: S1.brin }, breakdown: 'receiver' });
    const [cohort] = response.body.cohorts;
    expect(cohort.cohort).toBe(2022);
    expect(cohort.definitionSet).toMatchObject({ version: 1, href: `/v1/definitions/${cohort.definitionSet.id}` });
    // A school could move the split between switch and uitval with a record of its own: n, left and
    // the other rates are exact, uitval carries cell-key noise (at most 3 students) within left.
    const expectPerturbedUitval = (figures: { n: number; uitval: number; left: number; protection: string }, uitval: number): void => {
      expect(figures.protection).toBe('perturbed');
      const shown = Math.round(figures.uitval * figures.n);
      expect(Math.abs(shown - uitval)).toBeLessThanOrEqual(3);
      expect(shown).toBeLessThanOrEqual(Math.round(figures.left * figures.n));
    };
    expect(cohort.total).toMatchObject({ n: 32, suppressed: false, left: 0.125, enrolledYear2: 0.875, direct: 1 });
    const byReceiver = Object.fromEntries(cohort.rows.map((row: { key: string }) => [row.key, row]));
    expect(byReceiver[X.brin]).toMatchObject({ n: 20, left: 0.2, enrolledYear2: 0.8, suppressed: false, label: X.name });
    expectPerturbedUitval(byReceiver[X.brin], 4);
    expect(byReceiver[Y.brin]).toMatchObject({ n: 12, uitval: 0, left: 0, enrolledYear2: 1, suppressed: false });
    // The total is the sum of the perturbed rows.
    expect(Math.round(cohort.total.uitval * 32)).toBe(Math.round(byReceiver[X.brin].uitval * 20) + Math.round(byReceiver[Y.brin].uitval * 12));
    expectPerturbedUitval(cohort.total, 4);
    // The regional benchmark for the same prior diploma type (all havo here): 60 students, 4 uitval.
    expect(cohort.benchmarkTotal).toMatchObject({ n: 60, left: 0.0667 });
    expectPerturbedUitval(cohort.benchmarkTotal, 4);
    expect(cohort.benchmark).toEqual([expect.objectContaining({ key: 'havo', n: 60, protection: 'perturbed' })]);
    const definition = await get(cohort.definitionSet.href, tokens.S1).expect(200);
    expect(definition.body.description).toContain('Peildatum');
  });

  it('suppresses a small cell with its rates, and the total that would reveal it', async () => {
    const response = await get('/v1/insights/alumni', tokens.S2).expect(200);
    const [cohort] = response.body.cohorts;
    expect(cohort.rows).toEqual([expect.objectContaining({ key: X.brin, n: null, uitval: null, enrolledYear2: null, suppressed: true })]);
    expect(cohort.total).toMatchObject({ n: null, suppressed: true });
    expect(JSON.stringify(response.body)).not.toMatch(/"n":3\b/);
  });

  it('adds a complementary suppression so the small cell cannot be recovered from the total', async () => {
    const response = await get('/v1/insights/intake?breakdown=supplier', tokens.X).expect(200);
    const [cohort] = response.body.cohorts;
    const bySupplier = Object.fromEntries(cohort.rows.map((row: { key: string }) => [row.key, row]));
    expect(bySupplier[S1.brin]).toMatchObject({ n: 20, suppressed: false });
    expect(bySupplier[S2.brin]).toMatchObject({ n: null, suppressed: true });
    expect(bySupplier[S3.brin]).toMatchObject({ n: null, suppressed: true });
    expect(cohort.total).toMatchObject({ n: 38, suppressed: false });
  });

  it('gives the coordinator a matrix where no line reveals a suppressed cell', async () => {
    const response = await get(`/v1/regions/${R.code}/report?cohort=2022`, tokens.coordinatorR).expect(200);
    const report = response.body;
    expect(report.cohort).toBe(2022);
    const cell = (supplier: InstitutionEntity, receiver: InstitutionEntity) => report.cells.find((item: { supplier: string; receiver: string }) => item.supplier === supplier.brin && item.receiver === receiver.brin);
    expect(cell(S2, X)).toMatchObject({ suppressed: true, n: null });
    const truth: Record<string, number> = { [`${S1.brin}|${X.brin}`]: 20, [`${S1.brin}|${Y.brin}`]: 12, [`${S2.brin}|${X.brin}`]: 3, [`${S3.brin}|${X.brin}`]: 15, [`${S3.brin}|${Y.brin}`]: 10 };
    for (const item of report.cells) if (!item.suppressed) expect(item.n).toBe(truth[`${item.supplier}|${item.receiver}`]);
    // No published line (row or column with its published total) has exactly one suppressed non-zero cell.
    const lines = [
      ...report.supplierTotals.map((total: { key: string; suppressed: boolean }) => ({ total, cells: report.cells.filter((item: { supplier: string }) => item.supplier === total.key) })),
      ...report.receiverTotals.map((total: { key: string; suppressed: boolean }) => ({ total, cells: report.cells.filter((item: { receiver: string }) => item.receiver === total.key) })),
    ];
    for (const line of lines) {
      if (line.total.suppressed) continue;
      expect(line.cells.filter((item: { suppressed: boolean }) => item.suppressed).length).not.toBe(1);
    }
    expect(report.trend).toEqual([expect.objectContaining({ cohort: 2022, n: 60 })]);
    expect(report.definitionSet.version).toBe(1);
  });

  it('serves every view as CSV, naming the definition set on every row', async () => {
    const csv = await get('/v1/insights/alumni', tokens.S1).set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const [header, ...rows] = csv.text.trim().split('\n');
    expect(header).toContain('definition_set');
    // Every row says how its figures were protected, as the JSON does.
    expect(header.split(',')).toEqual(expect.arrayContaining(['suppressed', 'protection', 'left']));
    const protectionColumn = header.split(',').indexOf('protection');
    expect(rows.map((row) => row.split(',')[protectionColumn]).every((value) => ['published', 'suppressed', 'perturbed', 'split-withheld'].includes(value))).toBe(true);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((row) => row.includes(','))).toBe(true);
    const report = await get(`/v1/regions/${R.code}/report`, tokens.coordinatorR).set('Accept', 'text/csv').expect(200);
    expect(report.text).toContain('supplier-total');
    const flows = await get('/v1/insights/flows', tokens.S1).set('Accept', 'text/csv').expect(200);
    expect(flows.text.split('\n')[0]).toContain('source');
  });

  it('returns Sankey flows supplier → receiver → outcome that add up', async () => {
    const response = await get('/v1/insights/flows?cohort=2022', tokens.S1).expect(200);
    const { nodes, links } = response.body;
    const id = (kind: string, key: string) => `${kind}:${key}`;
    expect(nodes.map((node: { id: string }) => node.id)).toEqual(expect.arrayContaining([id('supplier', S1.brin), id('receiver', X.brin), 'outcome:uitval']));
    const value = (source: string, target: string) => links.find((link: { source: string; target: string }) => link.source === source && link.target === target)?.value;
    expect(value(id('supplier', S1.brin), id('receiver', X.brin))).toBe(20);
    // The 4 who left X: switch extern and uitval as in the alumni by receiver (the same noise), adding up to 4.
    expect((value(id('receiver', X.brin), 'outcome:uitval') ?? 0) + (value(id('receiver', X.brin), 'outcome:switch_external') ?? 0)).toBe(4);
    expect(value(id('receiver', X.brin), 'outcome:enrolled')).toBe(16);
  });

  it('keeps every view inside the caller’s region and role', async () => {
    const other = await get('/v1/insights/alumni', tokens.T).expect(200);
    expect(other.body.region).toBe(Q.code);
    expect(JSON.stringify(other.body)).not.toContain(X.brin);
    await get(`/v1/insights/alumni?region=${R.code}`, tokens.T).expect(404);
    await get(`/v1/regions/${R.code}/report`, tokens.coordinatorQ).expect(404);
    await get(`/v1/regions/${R.code}/report`, tokens.S1).expect(403);
    await get('/v1/insights/alumni', tokens.coordinatorR).expect(403);
    const bad = await get('/v1/insights/alumni?breakdown=everything&cohortFrom=1800', tokens.S1).expect(400);
    expect(bad.body.errors.map((error: { parameter: string }) => error.parameter).sort()).toEqual(['breakdown', 'cohortFrom']);
  });
  it('reads the publication pattern of just the cells a view shows, and answers for no other cell', async () => {
    const disclosure = ctx.app.get(DisclosureService);
    const everything = await disclosure.forRegion(R.id, 2022, 2022);
    const shown = [{ supplier: S2.id, receiver: X.id }, { supplier: S1.id, receiver: X.id }, { supplier: S2.id }, {}];
    const some = await disclosure.forCells(R.id, shown.map((spec) => ({ cohort: 2022, spec })));
    // The small cell S2 → X and S2's total (which is the same 3 students) are withheld; S1 → X is not.
    expect(shown.map((spec) => some.isPublished(2022, spec))).toEqual([false, true, false, true]);
    expect(shown.map((spec) => some.isPublished(2022, spec))).toEqual(shown.map((spec) => everything.isPublished(2022, spec)));
    // A cell it did not read is an error, never taken to be published.
    expect(() => some.isPublished(2022, { supplier: S3.id, receiver: X.id })).toThrow(/was not read/);
    expect(() => some.isPublished(2023, {})).toThrow(/was not read/);
  });
});
