import { parse } from 'csv-parse/sync';
import { InterventionsService } from 'src/interventions/interventions.service';
import { buildPlantedRegion, PlantedRegion } from 'test/alerts/planted-region';
import { createTestContext, TestContext } from 'test/utils/test-context';

/*
 * Interventions through the API on the planted region of the alerts tests (test/alerts/planted-region.ts):
 * A → X has 15% uitval in 2019–2021 and 35% in 2022; in 2019 the disclosure layer withholds A → X
 * (it protects the 8 students of A → Y), so every reader's before period pools 2020 and 2021.
 */
describe('interventions and their measured effect', () => {
  let ctx: TestContext;
  let planted: PlantedRegion;
  const tokens: Record<'supplierA' | 'supplierB' | 'receiverX' | 'coordinatorR' | 'coordinatorS' | 'admin', string> = {} as never;
  let interventionId: string;

  const get = (token: string, path: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`);
  const post = (token: string, path: string, body: unknown) => ctx.http.post(path).set('Authorization', `Bearer ${token}`).send(body as object);
  const patch = (token: string, path: string, body: unknown) => ctx.http.patch(path).set('Authorization', `Bearer ${token}`).send(body as object);
  const registration = (overrides: Record<string, unknown> = {}) => ({
    type: 'first-100-days',
    title: 'Zachte landing bij X',
    parties: [planted.A.brin, planted.X.brin],
    target: { cells: [{ supplier: planted.A.brin, receiver: planted.X.brin }] },
    firstCohort: 2022,
    metric: 'uitval',
    direction: 'decrease',
    reviewDate: '2024-06-30',
    ...overrides,
  });

  beforeAll(async () => {
    ctx = await createTestContext();
    planted = await buildPlantedRegion(ctx);
    const { region, otherRegion, A, B, X } = planted;
    const scopes = ['insights:read', 'alerts:read', 'alerts:write'] as const;
    tokens.supplierA = await ctx.tokenFor({ institution: A, scopes: [...scopes] });
    tokens.supplierB = await ctx.tokenFor({ institution: B, scopes: [...scopes] });
    tokens.receiverX = await ctx.tokenFor({ institution: X, scopes: [...scopes] });
    tokens.coordinatorR = await ctx.tokenFor({ region, scopes: [...scopes] });
    tokens.coordinatorS = await ctx.tokenFor({ region: otherRegion, scopes: [...scopes] });
    tokens.admin = await ctx.tokenFor({ scopes: ['platform:admin', 'insights:read', 'alerts:write'] });
    await ctx.runJobs();
  });
  afterAll(() => ctx.close());

  it('registers an intervention of the coordinator and measures after vs before with Newcombe\'s interval and Fisher\'s p (by hand)', async () => {
    const response = await post(tokens.coordinatorR, '/v1/interventions', registration()).expect(201);
    interventionId = response.body.id;
    expect(response.body).toMatchObject({ region: planted.region.code, type: 'first-100-days', state: 'active', registeredBy: { kind: 'region', institution: null }, reviewDue: true });
    const effect = response.body.effect;
    expect(effect).toMatchObject({ status: 'estimated', beforeCohorts: [2019, 2020, 2021], afterCohorts: [2022], withheldLeftOut: 1, protection: 'published', targetedCells: 1 });
    // Before: 2020 and 2021, 12 of 80 each (2019 withheld, left out); after: 28 of 80.
    expect(effect.targeted.before).toEqual({ n: 160, events: 24, rate: 0.15 });
    expect(effect.targeted.after).toEqual({ n: 80, events: 28, rate: 0.35 });
    // 28/80 vs 24/160: Wilson 0.2545–0.4592 and 0.1030–0.2134 (by hand, z = 1.959964);
    // lower = 0.2 − √(0.0955² + 0.0634²) = 0.0854; upper = 0.2 + √(0.1092² + 0.0470²) = 0.3189.
    expect(effect.targeted.difference.estimate).toBeCloseTo(0.2, 10);
    expect(effect.targeted.difference.lower).toBeCloseTo(0.0854, 4);
    expect(effect.targeted.difference.upper).toBeCloseTo(0.3189, 4);
    // Fisher, two-sided, [[28, 52], [24, 136]]: 0.000758 (R fisher.test and scipy agree).
    expect(effect.targeted.p).toBeCloseTo(0.000758, 5);
    expect(effect.verdict).toBe('opposite-direction');
    expect(effect.statement).toMatch(/not proof that the intervention caused it/);
    expect(effect.statement).not.toMatch(/caused by|because of the intervention|thanks to/i);
  });

  it('compares with the comparable cells the intervention did not reach, exactly as the coordinator reads them in the report', async () => {
    const effect = (await get(tokens.coordinatorR, `/v1/interventions/${interventionId}`).expect(200)).body.effect;
    expect(effect.comparison.cells).toBe(2); // B → X and A → Y, hbo like X
    for (const point of effect.series) {
      const report = (await get(tokens.coordinatorR, `/v1/regions/${planted.region.code}/report?cohort=${point.cohort}`).expect(200)).body;
      const cell = (supplier: string, receiver: string) => report.cells.find((entry: { supplier: string; receiver: string }) => entry.supplier === supplier && entry.receiver === receiver);
      const published = [cell(planted.B.brin, planted.X.brin), cell(planted.A.brin, planted.Y.brin)].filter((entry) => entry && !entry.suppressed);
      expect(point.comparison.n).toBe(published.reduce((sum, entry) => sum + entry.n, 0));
      expect(point.comparison.events).toBe(published.reduce((sum, entry) => sum + Math.round(entry.uitval * entry.n), 0));
    }
    if (effect.comparison.difference) {
      const did = effect.differenceInDifferences;
      expect(did.estimate).toBeCloseTo(effect.targeted.difference.estimate - effect.comparison.difference.estimate, 12);
      expect(did.lower).toBeLessThan(did.estimate);
      expect(did.upper).toBeGreaterThan(did.estimate);
    }
  });

  it('gives a party the figures of its own view: its cell with the perturbed split of its alumni by receiver', async () => {
    const effect = (await get(tokens.supplierA, `/v1/interventions/${interventionId}`).expect(200)).body.effect;
    expect(effect.protection).toBe('perturbed');
    const alumni = (await get(tokens.supplierA, '/v1/insights/alumni?breakdown=receiver&cohortFrom=2019&cohortTo=2022').expect(200)).body;
    for (const point of effect.series) {
      const row = alumni.cohorts.find((entry: { cohort: number }) => entry.cohort === point.cohort).rows.find((entry: { key: string }) => entry.key === planted.X.brin);
      if (row.suppressed) expect(point.targeted).toMatchObject({ n: 0, cellsWithheld: 1 });
      else expect(point.targeted).toMatchObject({ n: row.n, events: Math.round(row.uitval * row.n), cellsWithheld: 0 });
    }
  });

  it('is seen by its parties and the region\'s coordinators only; anyone else gets the same 404 as for a missing one', async () => {
    await get(tokens.receiverX, `/v1/interventions/${interventionId}`).expect(200);
    await get(tokens.supplierB, `/v1/interventions/${interventionId}`).expect(404);
    await get(tokens.coordinatorS, `/v1/interventions/${interventionId}`).expect(404);
    await get(tokens.admin, `/v1/interventions/${interventionId}`).expect(403);
    expect((await get(tokens.supplierB, '/v1/interventions').expect(200)).body.items).toEqual([]);
    expect((await get(tokens.supplierA, '/v1/interventions').expect(200)).body.items.map((item: { id: string }) => item.id)).toEqual([interventionId]);
    await patch(tokens.supplierB, `/v1/interventions/${interventionId}`, { title: 'Overgenomen' }).expect(404);
  });

  it('says plainly when the data cannot tell yet', async () => {
    const none = await post(tokens.supplierA, '/v1/interventions', registration({ parties: [planted.A.brin], firstCohort: 2024 })).expect(201);
    expect(none.body.effect).toMatchObject({ status: 'no-after-cohorts', verdict: null, targeted: { difference: null, p: null } });
    expect(none.body.effect.statement).toMatch(/cannot tell yet/);
    const early = await post(tokens.supplierA, '/v1/interventions', registration({ parties: [planted.A.brin], firstCohort: 2020 })).expect(201);
    expect(early.body.effect.status).toBe('too-few-cohorts');
    // A → Y: 12 students in 2022, fewer than the 20 an after period needs.
    const small = await post(tokens.supplierA, '/v1/interventions', registration({ parties: [planted.A.brin], target: { cells: [{ supplier: planted.A.brin, receiver: planted.Y.brin }] } })).expect(201);
    expect(small.body.effect.status).toBe('too-few-students');
    expect(small.body.effect.statement).toMatch(/cannot tell yet: too few students/);
  });

  it('refuses bad input with pointers: unknown type, cohort out of range, cells and parties outside the region, cells of others', async () => {
    const type = await post(tokens.coordinatorR, '/v1/interventions', registration({ type: 'bijles' })).expect(400);
    expect(type.body.errors.map((error: { pointer: string }) => error.pointer)).toContain('#/type');
    const cohort = await post(tokens.coordinatorR, '/v1/interventions', registration({ firstCohort: 1990 })).expect(400);
    expect(cohort.body.errors.map((error: { pointer: string }) => error.pointer)).toContain('#/firstCohort');
    const outside = await post(tokens.coordinatorR, '/v1/interventions', registration({ target: { cells: [{ supplier: planted.A.brin, receiver: planted.Z.brin }] } })).expect(400);
    expect(outside.body.errors).toEqual([expect.objectContaining({ pointer: '#/target/cells/0/receiver', code: 'notInRegion' })]);
    const party = await post(tokens.coordinatorR, '/v1/interventions', registration({ parties: [planted.A.brin, planted.Z.brin] })).expect(400);
    expect(party.body.errors).toEqual([expect.objectContaining({ pointer: '#/parties/1', code: 'notInRegion' })]);
    const others = await post(tokens.supplierA, '/v1/interventions', registration({ parties: [planted.A.brin], target: { cells: [{ supplier: planted.B.brin, receiver: planted.X.brin }] } })).expect(400);
    expect(others.body.errors).toEqual([expect.objectContaining({ pointer: '#/target/cells/0', code: 'notYourCell' })]);
    const twoKinds = await post(tokens.coordinatorR, '/v1/interventions', registration({ target: { sector: 'hbo', cells: [{ supplier: planted.A.brin, receiver: planted.X.brin }] } })).expect(400);
    expect(twoKinds.body.errors.map((error: { pointer: string }) => error.pointer)).toContain('#/target');
    const notParty = await post(tokens.supplierA, '/v1/interventions', registration({ parties: [planted.X.brin] })).expect(400);
    expect(notParty.body.errors).toEqual([expect.objectContaining({ pointer: '#/parties', code: 'callerNotParty' })]);
  });

  it('measures a sector target on the whole cells of its suppliers with the receivers of that sector', async () => {
    const response = await post(tokens.supplierA, '/v1/interventions', registration({ parties: [planted.A.brin], target: { sector: 'hbo', suppliers: [planted.A.brin] } })).expect(201);
    expect(response.body.target).toMatchObject({ kind: 'sector', sector: 'hbo', suppliers: [{ brin: planted.A.brin }] });
    expect(response.body.effect.targetedCells).toBe(2); // A → X and A → Y
  });

  it('puts the interventions due for review on the agenda of their parties and coordinators only', async () => {
    type Item = { kind: string; intervention?: { id: string }; cell: { supplier: { brin: string } | null; receiver: { brin: string } | null } };
    const agenda = async (token: string, dueBy: string): Promise<Item[]> => (await get(token, `/v1/agenda?dueBy=${dueBy}`).expect(200)).body.items.filter((item: Item) => item.kind === 'intervention');
    const forX = await agenda(tokens.receiverX, '2024-06-30');
    expect(forX.map((item) => item.intervention!.id)).toContain(interventionId);
    expect(forX.find((item) => item.intervention!.id === interventionId)!.cell).toMatchObject({ supplier: { brin: planted.A.brin }, receiver: { brin: planted.X.brin } });
    expect((await agenda(tokens.coordinatorR, '2024-06-30')).map((item) => item.intervention!.id)).toContain(interventionId);
    expect((await agenda(tokens.receiverX, '2024-06-29')).map((item) => item.intervention!.id)).not.toContain(interventionId);
    expect(await agenda(tokens.supplierB, '2099-01-01')).toEqual([]);
    expect(await agenda(tokens.coordinatorS, '2099-01-01')).toEqual([]);
  });

  it('changes and withdraws, and lists what is due for review for the agenda', async () => {
    const changed = await patch(tokens.receiverX, `/v1/interventions/${interventionId}`, { reviewDate: '2099-01-01', title: 'Zachte landing, herzien' }).expect(200);
    expect(changed.body).toMatchObject({ title: 'Zachte landing, herzien', reviewDate: '2099-01-01', reviewDue: false });
    const service = ctx.app.get(InterventionsService);
    const principalX = { kind: 'institution', institutionId: planted.X.id } as never;
    expect((await service.dueForReview(principalX, '2098-12-31')).map((item) => item.id)).not.toContain(interventionId);
    expect((await service.dueForReview(principalX, '2099-01-01')).map((item) => item.id)).toContain(interventionId);
    const withdrawn = await post(tokens.coordinatorR, `/v1/interventions/${interventionId}/withdraw`, {}).expect(200);
    expect(withdrawn.body).toMatchObject({ state: 'withdrawn', reviewDue: false });
    expect(withdrawn.body.effect.status).toBe('estimated');
    await post(tokens.coordinatorR, `/v1/interventions/${interventionId}/withdraw`, {}).expect(409);
    expect((await service.dueForReview(principalX, '2099-01-01')).map((item) => item.id)).not.toContain(interventionId);
  });

  it('exports an intervention as CSV: a row per cohort with the pooled effect beside it, the title neutralised', async () => {
    const titled = (await post(tokens.coordinatorR, '/v1/interventions', registration({ title: '=HYPERLINK("http://x")' })).expect(201)).body;
    const json = (await get(tokens.coordinatorR, `/v1/interventions/${titled.id}`).expect(200)).body;
    const response = await get(tokens.coordinatorR, `/v1/interventions/${titled.id}`).set('Accept', 'text/csv').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse<Record<string, string>>(response.text, { columns: true });
    expect(rows.map((row) => [Number(row.cohort), row.period, Number(row.targetedN), Number(row.targetedEvents)])).toEqual(
      json.effect.series.map((point: { cohort: number; period: string; targeted: { n: number; events: number } }) => [point.cohort, point.period, point.targeted.n, point.targeted.events]),
    );
    const after = rows.find((row) => row.cohort === '2022')!;
    expect(after).toMatchObject({ period: 'after', targetedN: '80', targetedEvents: '28', effectStatus: 'estimated', verdict: 'opposite-direction', title: `'=HYPERLINK("http://x")` });
    expect(Number(after.difference)).toBeCloseTo(0.2, 10);
    expect(Number(after.differenceLower)).toBeCloseTo(0.0854, 4);
    expect(Number(after.fisherP)).toBeCloseTo(0.000758, 5);
    // Another school of the region learns nothing from the CSV either.
    await get(tokens.supplierB, `/v1/interventions/${titled.id}`).set('Accept', 'text/csv').expect(404);
  });
});
