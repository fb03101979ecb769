import { DetectionService } from 'src/alerts/detection.service';
import { METHOD_VERSION } from 'src/alerts/statistics';
import { buildPlantedRegion, PlantedRegion } from 'test/alerts/planted-region';
import { pseudonymFor } from 'test/utils/test-context';
import { createTestContext, TestContext } from 'test/utils/test-context';

interface Alert {
  id: string;
  type: string;
  state: string;
  region: string;
  cell: { kind: string; supplier: { brin: string } | null; receiver: { brin: string } | null; sector: string | null };
  metric: string;
  cohort: number;
  direction: string | null;
  [key: string]: unknown;
}

describe('trendbreuk alerts on a region with planted changes', () => {
  let ctx: TestContext;
  let planted: PlantedRegion;
  const tokens: Record<'supplierA' | 'supplierB' | 'receiverX' | 'coordinatorR' | 'coordinatorS' | 'admin' | 'readOnlyA', string> = {} as never;
  let breakAlert: Alert;
  let supplyAlert: Alert;

  const get = (token: string, path: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`);
  const post = (token: string, path: string, body: unknown) => ctx.http.post(path).set('Authorization', `Bearer ${token}`).send(body as object);
  const put = (token: string, path: string, body: unknown) => ctx.http.put(path).set('Authorization', `Bearer ${token}`).send(body as object);
  const all = async (token: string, query = ''): Promise<Alert[]> => {
    const response = await get(token, `/v1/alerts?limit=500${query}`).expect(200);
    return response.body.items as Alert[];
  };
  const isCell = (alert: Alert, supplier: string | null, receiver: string | null) => alert.cell.kind === 'supplier_receiver' && alert.cell.supplier?.brin === supplier && alert.cell.receiver?.brin === receiver;
  const alertRows = async () => Number((await ctx.dataSource.query(`SELECT count(*) AS n FROM alerts WHERE region_id = $1`, [planted.region.id]))[0].n);
  const historyRows = async () => Number((await ctx.dataSource.query(`SELECT count(*) AS n FROM alert_history h JOIN alerts a ON a.id = h.alert_id WHERE a.region_id = $1`, [planted.region.id]))[0].n);

  beforeAll(async () => {
    ctx = await createTestContext();
    planted = await buildPlantedRegion(ctx);
    const { region, otherRegion, A, B, X } = planted;
    tokens.supplierA = await ctx.tokenFor({ institution: A, scopes: ['alerts:read', 'alerts:write'] });
    tokens.readOnlyA = await ctx.tokenFor({ institution: A, scopes: ['alerts:read'] });
    tokens.supplierB = await ctx.tokenFor({ institution: B, scopes: ['alerts:read', 'alerts:write'] });
    tokens.receiverX = await ctx.tokenFor({ institution: X, scopes: ['alerts:read', 'alerts:write'] });
    tokens.coordinatorR = await ctx.tokenFor({ region, scopes: ['alerts:read', 'alerts:write', 'region:admin'] });
    tokens.coordinatorS = await ctx.tokenFor({ region: otherRegion, scopes: ['alerts:read', 'alerts:write', 'region:admin'] });
    tokens.admin = await ctx.tokenFor({ scopes: ['platform:admin', 'alerts:read'] });
    await ctx.runJobs();
  });
  afterAll(() => ctx.close());

  it('finds the planted +20-point uitval jump as a trendbreuk, with its evidence and method', async () => {
    const { A, X } = planted;
    const found = (await all(tokens.coordinatorR, '&type=trendbreuk&metric=uitval')).filter((alert) => isCell(alert, A.brin, X.brin));
    expect(found).toHaveLength(1);
    breakAlert = found[0]!;
    expect(breakAlert).toMatchObject({
      type: 'trendbreuk',
      state: 'open',
      region: planted.region.code,
      metric: 'uitval',
      cohort: 2022,
      direction: 'up',
      rule: 'fdr',
      currentRate: 0.35,
      nCurrent: 80,
      eventsCurrent: 28,
      // In 2019 the A → X cell is withheld to protect the 8 at A → Y (A's total minus A → X would give
      // them away), so the baseline that pools 2019 is withheld, and with it what derives from it.
      effectPp: null,
      baselineRate: null,
      nBaseline: null,
      eventsBaseline: null,
      baselineCohorts: [2019, 2020, 2021],
      suppressed: true,
      methodVersion: METHOD_VERSION,
      definitionSet: { version: 1, href: expect.stringMatching(/^\/v1\/definitions\//) },
      parameters: { baselineCohorts: 3, minBaselineCohorts: 2, minBaselineN: 30, minCurrentN: 10, fdrQ: 0.05, supplyLowRatio: 0.5, supplyHighRatio: 2, suppressionK: 10, switchersCountAsUitval: false },
    });
    expect([breakAlert.p, breakAlert.q]).toEqual([null, null]);
  });

  it('reports the 70% supply drop as a leveringsbreuk, and does not test its trend', async () => {
    const { B, X } = planted;
    const forCell = (await all(tokens.coordinatorR, '&cohort=2022')).filter((alert) => isCell(alert, B.brin, X.brin));
    expect(forCell).toEqual([expect.objectContaining({ type: 'leveringsbreuk', metric: 'n', direction: 'down', rule: 'supply-low', nCurrent: 24, nBaseline: 240 })]);
    supplyAlert = forCell[0]!;
    expect(supplyAlert.details).toMatchObject({ baselineMedianN: 80, supplyRatio: 0.3 });
    // B sends to X only, so B × hbo holds the same students as B → X: one signal, not two. Likewise
    // Y receives from A only (its receiver total is A → Y).
    const supply = await all(tokens.coordinatorR, '&type=leveringsbreuk');
    expect(supply.filter((alert) => alert.cell.kind === 'supplier_sector' && alert.cell.supplier?.brin === B.brin)).toEqual([]);
    expect(supply.filter((alert) => alert.cell.kind === 'receiver' && alert.cell.receiver?.brin === planted.Y.brin)).toEqual([]);
    expect(supply.filter((alert) => alert.cell.kind === 'supplier_receiver' && alert.cell.receiver?.brin === planted.Y.brin)).toHaveLength(1);
  });

  it('withholds pooled figures when a baseline cohort is below k, and shows that cohort as suppressed', async () => {
    const { A, Y } = planted;
    const [alert] = (await all(tokens.coordinatorR, '&type=leveringsbreuk')).filter((item) => isCell(item, A.brin, Y.brin));
    expect(alert).toMatchObject({ cohort: 2022, nCurrent: 12, nBaseline: null, baselineRate: null, suppressed: true, baselineCohorts: [2019, 2020, 2021], details: {} });
    const detail = await get(tokens.supplierA, `/v1/alerts/${alert.id}`).expect(200);
    expect(detail.body.series[0]).toMatchObject({ cohort: 2019, suppressed: true, n: null, events: null, rate: null });
    expect(detail.body.series.find((point: { cohort: number }) => point.cohort === 2022)).toMatchObject({ n: 12, baselineN: null, baselineMedianN: null, supplyLow: null });
  });

  it('creates no duplicates and changes nothing when detection runs again on unchanged data', async () => {
    const before = { alerts: await alertRows(), history: await historyRows(), updatedAt: (await get(tokens.coordinatorR, `/v1/alerts/${breakAlert.id}`)).body.updatedAt };
    await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-region', $1::jsonb)`, [JSON.stringify({ regionId: planted.region.id })]);
    expect(await ctx.runJobs()).toBe(1);
    const run = await ctx.app.get(DetectionService).detectRegion(planted.region.id);
    expect(run).toMatchObject({ created: 0, updated: 0, reopened: 0, resolved: 0, notifications: 0 });
    expect({ alerts: await alertRows(), history: await historyRows(), updatedAt: (await get(tokens.coordinatorR, `/v1/alerts/${breakAlert.id}`)).body.updatedAt }).toEqual(before);
  });

  it('shows each party exactly the alerts on cells it may see', async () => {
    const { A, B, X, Y } = planted;
    const ofA = await all(tokens.supplierA);
    expect(ofA.map((alert) => alert.id)).toContain(breakAlert.id);
    expect(ofA.map((alert) => alert.id)).not.toContain(supplyAlert.id);
    for (const alert of ofA) {
      expect(['supplier_receiver', 'supplier_sector']).toContain(alert.cell.kind);
      expect(alert.cell.supplier?.brin).toBe(A.brin);
    }
    const ofB = await all(tokens.supplierB);
    expect(ofB.map((alert) => alert.id)).toContain(supplyAlert.id);
    expect(ofB.map((alert) => alert.id)).not.toContain(breakAlert.id);
    for (const alert of ofB) expect(alert.cell.supplier?.brin).toBe(B.brin);
    const notFound = await get(tokens.supplierB, `/v1/alerts/${breakAlert.id}`).expect(404);
    expect(notFound.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(notFound.body).toMatchObject({ status: 404, type: expect.stringContaining('not-found') });

    const ofX = await all(tokens.receiverX);
    expect(ofX.map((alert) => alert.id)).toEqual(expect.arrayContaining([breakAlert.id, supplyAlert.id]));
    for (const alert of ofX) {
      expect(['supplier_receiver', 'receiver']).toContain(alert.cell.kind);
      expect(alert.cell.receiver?.brin).toBe(X.brin);
    }
    expect(ofX.some((alert) => alert.cell.receiver?.brin === Y.brin)).toBe(false);
    await get(tokens.receiverX, `/v1/alerts/${breakAlert.id}`).expect(200);

    const ofR = await all(tokens.coordinatorR);
    expect(ofR.length).toBeGreaterThan(ofA.length);
    expect(ofR.some((alert) => alert.cell.kind === 'region')).toBe(true);
    expect(ofR.map((alert) => alert.id)).toEqual(expect.arrayContaining([breakAlert.id, supplyAlert.id]));
    // The inbox holds every signal but aandacht, which is the watch list.
    const watchR = await all(tokens.coordinatorR, '&type=aandacht');
    expect(ofR.filter((alert) => alert.type === 'aandacht')).toEqual([]);
    expect(watchR.every((alert) => alert.type === 'aandacht')).toBe(true);
    expect(ofR.length + watchR.length).toBe(await alertRows());

    const ofS = await get(tokens.coordinatorS, '/v1/alerts').expect(200);
    expect(ofS.body).toMatchObject({ items: [], total: 0 });
    await get(tokens.coordinatorS, `/v1/alerts/${breakAlert.id}`).expect(404);
    await get(tokens.coordinatorS, `/v1/alerts?region=${planted.region.code}`).expect(200, { items: [], total: 0, limit: 100, offset: 0 });
    const ofAdmin = await get(tokens.admin, '/v1/alerts').expect(200);
    expect(ofAdmin.body.total).toBe(0);
    await get(tokens.admin, `/v1/alerts/${breakAlert.id}`).expect(404);
    await get(tokens.supplierA, '/v1/alerts/00000000-0000-4000-8000-000000000000').expect(404);
  });

  it('counts and pages after scoping, filters and sorts by fixed keys, and validates every parameter', async () => {
    const ofA = await all(tokens.supplierA);
    const firstPage = await get(tokens.supplierA, '/v1/alerts?limit=1&sort=cohort').expect(200);
    expect(firstPage.body).toMatchObject({ total: ofA.length, limit: 1, offset: 0 });
    expect(firstPage.body.items).toHaveLength(1);
    const secondPage = await get(tokens.supplierA, '/v1/alerts?limit=1&offset=1&sort=cohort').expect(200);
    expect(secondPage.body.items[0].id).not.toBe(firstPage.body.items[0].id);
    const byEffect = (await get(tokens.coordinatorR, '/v1/alerts?type=trendbreuk&sort=-absEffect').expect(200)).body.items as Alert[];
    const effects = byEffect.filter((alert) => alert.effectPp !== null).map((alert) => Math.abs(alert.effectPp as number));
    expect(effects).toEqual([...effects].sort((a, b) => b - a));
    const onlyX = await all(tokens.coordinatorR, `&institution=${planted.X.brin}&state=open&cellKind=receiver`);
    expect(onlyX.length).toBeGreaterThan(0);
    for (const alert of onlyX) expect(alert.cell).toMatchObject({ kind: 'receiver', receiver: { brin: planted.X.brin } });

    const bad = await get(tokens.supplierA, '/v1/alerts?limit=501&sort=p;drop&type=alarm&metric=x&institution=abc&cohort=19&state=acknowledged&triage=done&region=%20').expect(400);
    expect([...new Set(bad.body.errors.map((error: { parameter: string }) => error.parameter))].sort()).toEqual(['cohort', 'institution', 'limit', 'metric', 'region', 'sort', 'state', 'triage', 'type']);
    // The inbox order: trendbreuk, then leveringsbreuk, then methodebreuk; newest cohort first within each.
    const inbox = await all(tokens.coordinatorR);
    const rank = (alert: Alert) => ['trendbreuk', 'leveringsbreuk', 'methodebreuk'].indexOf(alert.type) * 10_000 - alert.cohort;
    expect(inbox.map(rank)).toEqual([...inbox.map(rank)].sort((a, b) => a - b));
    await get(tokens.supplierA, '/v1/alerts/not-a-uuid').expect(400);
    await get(tokens.supplierA, '/v1/alerts?unknown=1').expect(400);
  });

  it('shows the evidence with the series behind it', async () => {
    // The coordinator reads the counts of an uitval alert; a school of the cell reads n, not the
    // counts: a record of its own could turn another's uitval into a switch (attack 5).
    const response = await get(tokens.coordinatorR, `/v1/alerts/${breakAlert.id}`).expect(200);
    const { series, history } = response.body;
    const school = (await get(tokens.supplierA, `/v1/alerts/${breakAlert.id}`).expect(200)).body;
    expect(school.series[1]).toMatchObject({ n: 80, events: null, rate: null, suppressed: false });
    expect(series.map((point: { cohort: number }) => point.cohort)).toEqual([2019, 2020, 2021, 2022]);
    // 2019 is withheld (a complement of the 8 at A → Y); every baseline that pools it is withheld too.
    expect(series[0]).toMatchObject({ n: null, events: null, rate: null, suppressed: true, tested: false, baselineRate: null, definitionSet: { version: 1 } });
    expect(series[1]).toMatchObject({ n: 80, events: 12, rate: 0.15, suppressed: false, baselineCohorts: [2019], baselineN: null, baselineRate: null });
    expect(series[2]).toMatchObject({ n: 80, events: 12, tested: true, baselineCohorts: [2019, 2020], baselineN: null, baselineRate: null });
    expect(series[3]).toMatchObject({ n: 80, events: 28, rate: 0.35, tested: true, baselineCohorts: [2019, 2020, 2021], baselineN: null, baselineRate: null, lower95: null, upper95: null, supplyBreak: null });
    expect(history).toEqual([expect.objectContaining({ event: 'created', fromState: null, toState: 'open', actor: 'system', actorKind: 'system' })]);
  });

  it('keeps a triage per party: a school that acknowledges or resolves a signal changes nothing for the others', async () => {
    await post(tokens.supplierA, `/v1/alerts/${breakAlert.id}/acknowledge`, {}).expect(400);
    const blank = await post(tokens.supplierA, `/v1/alerts/${breakAlert.id}/acknowledge`, { note: '   ' }).expect(400);
    expect(blank.body.errors[0]).toMatchObject({ pointer: '#/note' });
    await post(tokens.supplierA, `/v1/alerts/${breakAlert.id}/acknowledge`, { note: 'x'.repeat(2001) }).expect(400);
    await post(tokens.readOnlyA, `/v1/alerts/${breakAlert.id}/acknowledge`, { note: 'no scope' }).expect(403);
    await post(tokens.supplierB, `/v1/alerts/${breakAlert.id}/acknowledge`, { note: 'not mine' }).expect(404);
    await put(tokens.supplierB, `/v1/alerts/${breakAlert.id}/triage`, { state: 'resolved', note: 'not mine' }).expect(404);

    // A acknowledges (its triage: seen); the signal stays open for everyone.
    const acknowledged = await post(tokens.supplierA, `/v1/alerts/${breakAlert.id}/acknowledge`, { note: 'We bespreken dit met Hogeschool X.' }).expect(200);
    expect(acknowledged.body).toMatchObject({ state: 'open', triage: { state: 'seen', note: 'We bespreken dit met Hogeschool X.', updatedBy: expect.any(String), updatedAt: expect.any(String) } });
    expect(acknowledged.body.history.at(-1)).toMatchObject({ event: 'triaged', fromState: 'new', toState: 'seen', note: 'We bespreken dit met Hogeschool X.', actorKind: 'institution' });
    const again = await post(tokens.supplierA, `/v1/alerts/${breakAlert.id}/acknowledge`, { note: 'nogmaals' }).expect(409);
    expect(again.body).toMatchObject({ status: 409, state: 'seen' });

    // The receiver and the coordinator still have it as new, and see nothing of A's triage.
    for (const token of [tokens.receiverX, tokens.coordinatorR]) {
      const detail = (await get(token, `/v1/alerts/${breakAlert.id}`).expect(200)).body;
      expect(detail).toMatchObject({ state: 'open', triage: { state: 'new', note: null, updatedAt: null, updatedBy: null } });
      expect(detail.history.map((entry: { event: string }) => entry.event)).toEqual(['created']);
      expect((await all(token, '&triage=new')).map((alert) => alert.id)).toContain(breakAlert.id);
    }
    expect((await all(tokens.supplierA, '&triage=new')).map((alert) => alert.id)).not.toContain(breakAlert.id);
    expect((await all(tokens.supplierA, '&triage=seen')).map((alert) => alert.id)).toEqual([breakAlert.id]);
    // The receiver acknowledges for itself.
    await post(tokens.receiverX, `/v1/alerts/${breakAlert.id}/acknowledge`, { note: 'ook gezien' }).expect(200);

    // B resolves its supply alert; the coordinator still has it in its inbox, as new, and can take it up.
    const resolved = await post(tokens.supplierB, `/v1/alerts/${supplyAlert.id}/resolve`, { note: 'Levering 2022 was onvolledig; aangevuld.' }).expect(200);
    expect(resolved.body).toMatchObject({ state: 'open', resolutionReason: null, triage: { state: 'resolved', note: 'Levering 2022 was onvolledig; aangevuld.' } });
    expect(resolved.body.history.map((entry: { event: string }) => entry.event)).toEqual(['created', 'triaged']);
    await post(tokens.supplierB, `/v1/alerts/${supplyAlert.id}/resolve`, { note: 'nogmaals' }).expect(409);
    expect((await all(tokens.supplierB, '&triage=unresolved')).map((alert) => alert.id)).not.toContain(supplyAlert.id);
    const forCoordinator = (await all(tokens.coordinatorR, '&triage=unresolved')).find((alert) => alert.id === supplyAlert.id);
    expect(forCoordinator).toMatchObject({ state: 'open', triage: { state: 'new' } });
    expect((await all(tokens.receiverX, '&state=open')).find((alert) => alert.id === supplyAlert.id)).toMatchObject({ triage: { state: 'new' } });

    // PUT triage: any state of the caller's own; resolved needs a note.
    const conversation = await put(tokens.coordinatorR, `/v1/alerts/${supplyAlert.id}/triage`, { state: 'in-conversation', note: 'Op de agenda van het netwerkoverleg.' }).expect(200);
    expect(conversation.body.triage).toMatchObject({ state: 'in-conversation', note: 'Op de agenda van het netwerkoverleg.' });
    const noNote = await put(tokens.coordinatorR, `/v1/alerts/${supplyAlert.id}/triage`, { state: 'resolved' }).expect(400);
    expect(noNote.body.errors[0]).toMatchObject({ pointer: '#/note' });
    await put(tokens.coordinatorR, `/v1/alerts/${supplyAlert.id}/triage`, { state: 'done' }).expect(400);
    await put(tokens.readOnlyA, `/v1/alerts/${breakAlert.id}/triage`, { state: 'seen' }).expect(403);
    expect((await get(tokens.supplierB, `/v1/alerts/${supplyAlert.id}`).expect(200)).body.triage).toMatchObject({ state: 'resolved' });
    const rows = await ctx.dataSource.query(`SELECT party_kind, state FROM alert_triage WHERE alert_id = $1 ORDER BY party_kind`, [supplyAlert.id]);
    expect(rows).toEqual([
      { party_kind: 'institution', state: 'resolved' },
      { party_kind: 'region', state: 'in-conversation' },
    ]);

    // Detection running again leaves every party's triage as it is.
    await ctx.app.get(DetectionService).detectRegion(planted.region.id);
    expect((await get(tokens.supplierB, `/v1/alerts/${supplyAlert.id}`).expect(200)).body).toMatchObject({ state: 'open', triage: { state: 'resolved' } });
    expect((await get(tokens.supplierA, `/v1/alerts/${breakAlert.id}`).expect(200)).body).toMatchObject({ state: 'open', triage: { state: 'seen' } });
    expect((await get(tokens.coordinatorR, `/v1/alerts/${breakAlert.id}`).expect(200)).body.triage.state).toBe('new');
  });

  it('resolves an alert automatically (evidence-gone) when a correction removes its evidence', async () => {
    await ctx.dataSource.query(`DELETE FROM enrolments WHERE id = ANY($1::bigint[])`, [planted.plantedDropouts]);
    await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-summaries', $1::jsonb)`, [JSON.stringify({ institutionId: planted.X.id, cohorts: [2022] })]);
    await ctx.runJobs();
    const detail = await get(tokens.supplierA, `/v1/alerts/${breakAlert.id}`).expect(200);
    expect(detail.body).toMatchObject({ state: 'resolved', resolutionReason: 'evidence-gone', resolvedAt: expect.any(String) });
    expect(detail.body.history.at(-1)).toMatchObject({ event: 'resolved', fromState: 'open', toState: 'resolved', reason: 'evidence-gone', actor: 'system', actorKind: 'system' });
    // A's own triage is untouched by detection.
    expect(detail.body.triage).toMatchObject({ state: 'seen' });
    expect(detail.body.series.at(-1)).toMatchObject({ cohort: 2022, n: 64, events: null });
    const coordinatorDetail = await get(tokens.coordinatorR, `/v1/alerts/${breakAlert.id}`).expect(200);
    expect(coordinatorDetail.body.series.at(-1)).toMatchObject({ cohort: 2022, n: 64, events: 12 });
    // The other cells of the jump (receiver X, the region) lost their evidence too; nothing open is left about uitval in 2022 at X.
    const open = await all(tokens.receiverX, '&state=open&type=trendbreuk&metric=uitval&cohort=2022');
    expect(open).toEqual([]);
    // A party may still close its own triage of a lapsed signal.
    const closed = await post(tokens.supplierA, `/v1/alerts/${breakAlert.id}/resolve`, { note: 'Correctie van de aanlevering.' }).expect(200);
    expect(closed.body).toMatchObject({ state: 'resolved', resolutionReason: 'evidence-gone', triage: { state: 'resolved' } });
  });

  it('raises a methodebreuk when the definitions change, and never pools a baseline across it', async () => {
    const { A, X } = planted;
    const created = await post(tokens.coordinatorR, `/v1/regions/${planted.region.code}/definitions`, { name: 'Switchvenster 6 maanden', switchWindowMonths: 6 }).expect(201);
    // Published cohorts keep their definitions; the new version applies from 2023 on.
    await post(tokens.coordinatorR, `/v1/definitions/${created.body.id}/activate`, { fromCohort: 2021 }).expect(409);
    await post(tokens.coordinatorR, `/v1/definitions/${created.body.id}/activate`, { fromCohort: 2023 }).expect(200);
    for (let index = 0; index < 80; index++) {
      await ctx.newEnrolment({ receiver: X, supplier: A, pseudonym: pseudonymFor(`methodebreuk-${index}`), startDate: '2023-09-01', endDate: index < 40 ? '2024-01-31' : null });
    }
    await ctx.runJobs();
    const notices = await all(tokens.coordinatorR, '&type=methodebreuk');
    expect(notices).toEqual([
      expect.objectContaining({ cohort: 2023, metric: 'definition', state: 'open', cell: { kind: 'region', supplier: null, receiver: null, sector: null }, definitionSet: expect.objectContaining({ id: created.body.id, version: 2 }) }),
    ]);
    // A notice about the region's definitions is the coordinators'.
    expect(await all(tokens.supplierA, '&type=methodebreuk')).toEqual([]);
    // 2023 has no baseline cohort in its definition segment: 40 of 80 uitval (50%) is not tested.
    const open = (await all(tokens.coordinatorR, '&state=open')).filter((alert) => alert.type !== 'methodebreuk' && alert.cohort >= 2023);
    expect(open).toEqual([]);
  });
});
