import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { PROGRAMMES } from 'test/ingest/records.factory';
import { boundsOf, Equality } from 'test/utils/lp-attacker';
import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';

/**
 * The five attacks of issue 11 as fixed regressions, each with its own numbers, through the API
 * only. Where the attack is arithmetic, what the attacker read becomes linear equalities over the
 * true cells, and the independent LP attacker (test/utils/lp-attacker.ts) bounds the small cell:
 * its range must be at least k wide.
 */

interface Figures {
  n: number | null;
  suppressed: boolean;
  protection: string;
  switchExternal: number | null;
  uitval: number | null;
  left: number | null;
}
interface Row extends Figures {
  key: string;
}
interface CohortFigures {
  cohort: number;
  suppressionK: number;
  total: Figures;
  rows: Row[];
}

describe('the attacks of issue 11 recover nothing', () => {
  let ctx: TestContext;
  let admin: string;
  let sequence = 0;

  beforeAll(async () => {
    ctx = await createTestContext();
    admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    await ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: PROGRAMMES }).expect(200);
  }, 120_000);
  afterAll(() => ctx.close());

  const get = (token: string, path: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`);

  interface Cell {
    supplier: InstitutionEntity;
    receiver: InstitutionEntity;
    cohort: number;
    n: number;
    sector?: 'mbo' | 'hbo';
  }

  /** Inserts every cell's students (still enrolled) in one statement and queues the refreshes. */
  const fill = async (cells: Cell[]): Promise<void> => {
    const rows: Array<[string, string, string, string, number, string]> = [];
    for (const cell of cells) {
      const sector = cell.sector ?? 'hbo';
      for (let index = 0; index < cell.n; index++) rows.push([cell.receiver.id, pseudonymFor(`attacks-${sequence++}`), sector, `${cell.cohort}-09-01`, cell.cohort, cell.supplier.brin]);
    }
    await ctx.dataSource.query(
      `INSERT INTO enrolments (institution_id, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason, cohort,
                               prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, created_batch_id, updated_batch_id)
       SELECT r.institution_id::uuid, r.pseudonym, CASE r.sector WHEN 'mbo' THEN '25604' ELSE '34479' END, r.sector,
              CASE r.sector WHEN 'mbo' THEN '4' ELSE 'bachelor' END, CASE r.sector WHEN 'mbo' THEN 'bol' ELSE 'voltijd' END,
              r.start_date::date, NULL, NULL, r.cohort::smallint, r.prior_brin, NULL, 'havo', r.cohort::smallint, gen_random_uuid(), gen_random_uuid()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[]) AS r(institution_id, pseudonym, sector, start_date, cohort, prior_brin)`,
      [0, 1, 2, 3, 4, 5].map((column) => rows.map((row) => row[column])),
    );
    const byReceiver = new Map<string, Set<number>>();
    for (const cell of cells) byReceiver.set(cell.receiver.id, (byReceiver.get(cell.receiver.id) ?? new Set()).add(cell.cohort));
    for (const [institutionId, cohorts] of byReceiver) {
      await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-summaries', $1::jsonb)`, [JSON.stringify({ institutionId, cohorts: [...cohorts] })]);
    }
    await ctx.runJobs();
  };

  /** A region with k = 5 from the start (definitions apply forward only). */
  const regionWithK5 = async (members: InstitutionEntity[]): Promise<{ region: RegionEntity; coordinator: string }> => {
    const region = await ctx.newRegion();
    for (const member of members) await ctx.addMember(region, member);
    const coordinator = await ctx.tokenFor({ region, scopes: ['region:admin', 'insights:read', 'alerts:read'] });
    const created = await ctx.http.post(`/v1/regions/${region.code}/definitions`).set('Authorization', `Bearer ${coordinator}`).send({ name: 'k = 5', suppressionK: 5 }).expect(201);
    await ctx.http.post(`/v1/definitions/${created.body.id}/activate`).set('Authorization', `Bearer ${coordinator}`).send({ fromCohort: 2000 }).expect(200);
    return { region, coordinator };
  };

  const cohortOf = async (token: string, path: string, cohort: number): Promise<CohortFigures> => {
    const response = await get(token, `${path}${path.includes('?') ? '&' : '?'}cohortFrom=${cohort}&cohortTo=${cohort}`).expect(200);
    const found = (response.body.cohorts as CohortFigures[]).find((figures) => figures.cohort === cohort);
    expect(found).toBeDefined();
    return found!;
  };

  /** A withheld figure is null everywhere, never 0. */
  const expectWithheld = (figures: Figures | undefined): void => {
    expect(figures).toMatchObject({ n: null, suppressed: true, protection: 'suppressed', switchExternal: null, uitval: null, left: null });
  };

  /** The range of Σ target given the equalities, with every withheld cell at least 1; asserts it is at least k wide. */
  const expectRangeAtLeast = async (variables: string[], equalities: Equality[], withheld: string[], target: string[], k: number): Promise<{ min: number; max: number }> => {
    const range = await boundsOf(
      variables,
      equalities,
      target,
      withheld.map((variable) => ({ variables: [variable], atLeast: 1 })),
    );
    expect(range.max - range.min).toBeGreaterThanOrEqual(k);
    return range;
  };

  it('1: an alert on a withheld cell does not publish its complement (40 / 3 / 30 / 12, leveringsbreuk on the 12)', async () => {
    const S = await ctx.newInstitution({ sectors: ['vo'] });
    const receivers = [0, 1, 2, 3].map(() => ctx.newInstitution({ sectors: ['hbo'] }));
    const [R1, R2, R3, R4] = await Promise.all(receivers);
    const { region, coordinator } = await regionWithK5([S, R1, R2, R3, R4]);
    const current = [40, 3, 30, 12];
    const history = [40, 6, 30, 40];
    const cells: Cell[] = [];
    [R1, R2, R3, R4].forEach((receiver, index) => {
      for (const cohort of [2019, 2020, 2021]) cells.push({ supplier: S, receiver, cohort, n: history[index] });
      cells.push({ supplier: S, receiver, cohort: 2022, n: current[index] });
    });
    await fill(cells);
    const supplier = await ctx.tokenFor({ institution: S, scopes: ['insights:read', 'alerts:read'] });

    for (const token of [supplier, coordinator]) {
      // What the reader sees of cohort 2022: the alumni (supplier) or the report (coordinator), and every alert with its detail.
      const equalities: Equality[] = [];
      const withheld: string[] = [];
      const variables = ['R1', 'R2', 'R3', 'R4'];
      const variableOf = (brin: string | undefined): string | undefined => variables[[R1, R2, R3, R4].findIndex((receiver) => receiver.brin === brin)];
      if (token === supplier) {
        const alumni = await cohortOf(token, '/v1/insights/alumni?breakdown=receiver', 2022);
        expect(alumni.suppressionK).toBe(5);
        if (alumni.total.n !== null) equalities.push({ variables, value: alumni.total.n });
        for (const row of alumni.rows) {
          const variable = variableOf(row.key)!;
          if (row.n === null) withheld.push(variable);
          else equalities.push({ variables: [variable], value: row.n });
        }
        expectWithheld(alumni.rows.find((row) => row.key === R2.brin));
      } else {
        const report = await get(token, `/v1/regions/${region.code}/report?cohort=2022`).expect(200);
        if (report.body.total.n !== null) equalities.push({ variables, value: report.body.total.n });
        for (const total of report.body.supplierTotals as Array<{ key: string; n: number | null }>) if (total.n !== null) equalities.push({ variables, value: total.n });
        for (const total of report.body.receiverTotals as Array<{ key: string; n: number | null }>) {
          const variable = variableOf(total.key);
          if (variable && total.n !== null) equalities.push({ variables: [variable], value: total.n });
        }
        for (const cell of report.body.cells as Array<{ receiver: string; n: number | null }>) {
          const variable = variableOf(cell.receiver);
          if (!variable) continue;
          if (cell.n === null) withheld.push(variable);
          else equalities.push({ variables: [variable], value: cell.n });
        }
      }
      const alerts = [...(await get(token, '/v1/alerts?limit=500').expect(200)).body.items, ...(await get(token, '/v1/alerts?type=aandacht&limit=500').expect(200)).body.items] as Array<{ id: string; type: string; cohort: number; nCurrent: number | null; cell: { kind: string; receiver: { brin: string } | null } }>;
      for (const alert of alerts) {
        const variable = alert.cell.kind === 'supplier_receiver' ? variableOf(alert.cell.receiver?.brin) : undefined;
        if (!variable) continue;
        if (alert.cohort === 2022 && alert.nCurrent !== null) equalities.push({ variables: [variable], value: alert.nCurrent });
        const detail = await get(token, `/v1/alerts/${alert.id}`).expect(200);
        for (const point of (detail.body.series ?? []) as Array<{ cohort: number; n: number | null }>) {
          if (point.cohort === 2022 && point.n !== null) equalities.push({ variables: [variable], value: point.n });
        }
      }
      // The 12-cell fell to 30 % of its baseline: whatever the alert shows, it shows no count of 2022.
      const onTwelve = alerts.filter((alert) => alert.cell.kind === 'supplier_receiver' && alert.cell.receiver?.brin === R4.brin && alert.cohort === 2022);
      expect(onTwelve.map((alert) => alert.type)).toContain('leveringsbreuk');
      for (const alert of onTwelve) expect(alert.nCurrent).toBeNull();
      // 85 − 40 − 30 − 12 = 3 no longer works: the 3 lies in a range at least k wide.
      const range = await expectRangeAtLeast(variables, equalities, withheld, ['R2'], 5);
      expect(range.min).toBeLessThanOrEqual(3);
      expect(range.max).toBeGreaterThanOrEqual(3);
    }
  }, 300_000);

  interface FlowNode {
    id: string;
    label: string;
    kind: string;
  }
  interface FlowLink {
    source: string;
    target: string;
    value: number;
  }

  /**
   * The coordinator's report of one cohort and its flows (via receiver and via sector) as
   * equalities over the supplier × receiver cells `${supplier}|${receiver}` of the given
   * institutions. A flow into the "suppressed" node is the sum of the supplier's links that are
   * not shown; links onward to outcomes are left out (they add no supplier × receiver cell).
   */
  const coordinatorEquations = async (
    token: string,
    region: RegionEntity,
    suppliers: InstitutionEntity[],
    receivers: InstitutionEntity[],
    cohort: number,
  ): Promise<{ variables: string[]; equalities: Equality[]; withheld: string[]; fromFlows: number }> => {
    const variables = suppliers.flatMap((supplier) => receivers.map((receiver) => `${supplier.brin}|${receiver.brin}`));
    const equalities: Equality[] = [];
    const withheld = new Set<string>();
    const row = (brin: string): string[] => variables.filter((variable) => variable.startsWith(`${brin}|`));
    const column = (brin: string): string[] => variables.filter((variable) => variable.endsWith(`|${brin}`));
    const report = await get(token, `/v1/regions/${region.code}/report?cohort=${cohort}`).expect(200);
    if (report.body.total.n !== null) equalities.push({ variables, value: report.body.total.n });
    for (const total of report.body.supplierTotals as Array<{ key: string; n: number | null }>) if (total.n !== null) equalities.push({ variables: row(total.key), value: total.n });
    for (const total of report.body.receiverTotals as Array<{ key: string; n: number | null }>) if (total.n !== null) equalities.push({ variables: column(total.key), value: total.n });
    for (const cell of report.body.cells as Array<{ supplier: string; receiver: string; n: number | null }>) {
      const variable = `${cell.supplier}|${cell.receiver}`;
      if (cell.n === null) withheld.add(variable);
      else equalities.push({ variables: [variable], value: cell.n });
    }
    const institutionOf = (node: FlowNode | undefined): InstitutionEntity | undefined =>
      node && [...suppliers, ...receivers].find((institution) => node.id.includes(institution.brin) || node.label.includes(institution.brin) || node.label === institution.name);
    const fromReport = equalities.length;
    for (const via of ['receiver', 'sector']) {
      const flows = await get(token, `/v1/insights/flows?region=${region.code}&cohort=${cohort}&via=${via}`).expect(200);
      const nodes = new Map((flows.body.nodes as FlowNode[]).map((node) => [node.id, node]));
      const shown = new Set<string>();
      const links = flows.body.links as FlowLink[];
      for (const link of links) {
        const source = nodes.get(link.source);
        const target = nodes.get(link.target);
        if (source?.kind !== 'supplier') continue;
        const supplier = institutionOf(source)!;
        if (target?.kind === 'receiver') {
          const variable = `${supplier.brin}|${institutionOf(target)!.brin}`;
          shown.add(variable);
          equalities.push({ variables: [variable], value: link.value });
        } else if (target?.kind === 'sector') {
          // Every receiver of these regions teaches one sector, hbo unless its sectors say mbo.
          const sector = target.label.toLowerCase();
          const cells = receivers.filter((receiver) => (receiver.sectors.includes('mbo') ? 'mbo' : 'hbo') === sector).map((receiver) => `${supplier.brin}|${receiver.brin}`);
          expect(cells.length).toBeGreaterThan(0);
          equalities.push({ variables: cells, value: link.value });
        }
      }
      for (const link of links) {
        const source = nodes.get(link.source);
        if (source?.kind !== 'supplier' || nodes.get(link.target)?.kind !== 'suppressed' || via !== 'receiver') continue;
        const supplier = institutionOf(source)!;
        equalities.push({ variables: row(supplier.brin).filter((variable) => !shown.has(variable)), value: link.value });
      }
    }
    return { variables, equalities, withheld: [...withheld], fromFlows: equalities.length - fromReport };
  };

  it('2: flows and the report share their margins (41 − 20 − 18 = 3 into one receiver)', async () => {
    const suppliers = await Promise.all([0, 1, 2].map(() => ctx.newInstitution({ sectors: ['vo'] })));
    const receivers = await Promise.all([0, 1].map(() => ctx.newInstitution({ sectors: ['hbo'] })));
    const [S1, S2, S3] = suppliers;
    const [X, Y] = receivers;
    const { region, coordinator } = await regionWithK5([...suppliers, ...receivers]);
    await fill([
      { supplier: S1, receiver: X, cohort: 2022, n: 20 },
      { supplier: S2, receiver: X, cohort: 2022, n: 18 },
      { supplier: S3, receiver: X, cohort: 2022, n: 3 },
      { supplier: S1, receiver: Y, cohort: 2022, n: 30 },
      { supplier: S2, receiver: Y, cohort: 2022, n: 25 },
      { supplier: S3, receiver: Y, cohort: 2022, n: 12 },
    ]);
    const { variables, equalities, withheld, fromFlows } = await coordinatorEquations(coordinator, region, suppliers, receivers, 2022);
    expect(fromFlows).toBeGreaterThan(0);
    expect(withheld).toContain(`${S3.brin}|${X.brin}`);
    const range = await expectRangeAtLeast(variables, equalities, withheld, [`${S3.brin}|${X.brin}`], 5);
    expect(range.min).toBeLessThanOrEqual(3);
  }, 300_000);

  it('3: the breakdowns by receiver and by sector do not give the hidden mbo receiver (mbo total − one mbo receiver)', async () => {
    const S = await ctx.newInstitution({ sectors: ['vo'] });
    const M1 = await ctx.newInstitution({ sectors: ['mbo'] });
    const M2 = await ctx.newInstitution({ sectors: ['mbo'] });
    const H = await ctx.newInstitution({ sectors: ['hbo'] });
    const T = await ctx.newInstitution({ sectors: ['vo'] });
    const { region, coordinator } = await regionWithK5([S, T, M1, M2, H]);
    await fill([
      { supplier: S, receiver: M1, cohort: 2022, n: 30, sector: 'mbo' },
      { supplier: S, receiver: M2, cohort: 2022, n: 3, sector: 'mbo' },
      { supplier: S, receiver: H, cohort: 2022, n: 40 },
      { supplier: T, receiver: M1, cohort: 2022, n: 25, sector: 'mbo' },
      { supplier: T, receiver: M2, cohort: 2022, n: 20, sector: 'mbo' },
      { supplier: T, receiver: H, cohort: 2022, n: 35 },
    ]);
    const supplierToken = await ctx.tokenFor({ institution: S, scopes: ['insights:read'] });
    const variables = [M1, M2, H].map((receiver) => `${S.brin}|${receiver.brin}`);
    const sectorOf = (variable: string): string => (variable.endsWith(H.brin) ? 'hbo' : 'mbo');
    const equalities: Equality[] = [];
    const withheld: string[] = [];
    const byReceiver = await cohortOf(supplierToken, '/v1/insights/alumni?breakdown=receiver', 2022);
    if (byReceiver.total.n !== null) equalities.push({ variables, value: byReceiver.total.n });
    for (const row of byReceiver.rows) {
      const variable = `${S.brin}|${row.key}`;
      if (row.n === null) withheld.push(variable);
      else equalities.push({ variables: [variable], value: row.n });
    }
    expectWithheld(byReceiver.rows.find((row) => row.key === M2.brin));
    const bySector = await cohortOf(supplierToken, '/v1/insights/alumni?breakdown=sector', 2022);
    for (const row of bySector.rows) if (row.n !== null) equalities.push({ variables: variables.filter((variable) => sectorOf(variable) === row.key), value: row.n });
    await expectRangeAtLeast(variables, equalities, withheld, [`${S.brin}|${M2.brin}`], 5);

    // The coordinator with the report and the flows via receiver and via sector.
    const seen = await coordinatorEquations(coordinator, region, [S, T], [M1, M2, H], 2022);
    await expectRangeAtLeast(seen.variables, seen.equalities, seen.withheld, [`${S.brin}|${M2.brin}`], 5);
  }, 300_000);

  it('4: a definition variant for a published cohort is refused, so no second version of the cohort exists', async () => {
    const S = await ctx.newInstitution({ sectors: ['vo'] });
    const X = await ctx.newInstitution({ sectors: ['hbo'] });
    const region = await ctx.newRegion();
    for (const member of [S, X]) await ctx.addMember(region, member);
    const coordinator = await ctx.tokenFor({ region, scopes: ['region:admin', 'insights:read'] });
    await fill([{ supplier: S, receiver: X, cohort: 2022, n: 23 }]);
    const before = await get(coordinator, `/v1/regions/${region.code}/report?cohort=2022`).expect(200);
    const created = await ctx.http.post(`/v1/regions/${region.code}/definitions`).set('Authorization', `Bearer ${coordinator}`).send({ name: 'Alleen voltijd', voltijdOnly: true }).expect(201);
    for (const fromCohort of [2000, 2022]) {
      const refused = await ctx.http.post(`/v1/definitions/${created.body.id}/activate`).set('Authorization', `Bearer ${coordinator}`).send({ fromCohort }).expect(409);
      expect(refused.body).toMatchObject({ lastPublishedCohort: 2022, errors: [{ pointer: '#/fromCohort' }] });
    }
    await ctx.runJobs();
    const after = await get(coordinator, `/v1/regions/${region.code}/report?cohort=2022`).expect(200);
    expect(after.body.definitionSet).toEqual(before.body.definitionSet);
    expect(after.body.definitionSet.version).toBe(1);
    expect(after.body.total).toEqual(before.body.total);
    const versions = await ctx.dataSource.query<unknown[]>(`SELECT DISTINCT definition_set_id FROM outcome_summaries WHERE region_id = $1 AND cohort = 2022`, [region.id]);
    expect(versions).toHaveLength(1);
  }, 300_000);

  it('5: one ended enrolment for a pseudonym, read, erase, read: the split is perturbed and erasure leaves no trace', async () => {
    const S = await ctx.newInstitution({ sectors: ['vo'] });
    const A = await ctx.newInstitution({ sectors: ['hbo'] });
    const B = await ctx.newInstitution({ sectors: ['hbo'] });
    const region = await ctx.newRegion();
    for (const member of [S, A, B]) await ctx.addMember(region, member);
    await fill([
      { supplier: S, receiver: A, cohort: 2022, n: 12 },
      { supplier: S, receiver: B, cohort: 2022, n: 15 },
    ]);
    // The target studies at B (a switch, seen from A's fake enrolment).
    const target = pseudonymFor(`attacks-target-${region.code}`);
    await ctx.newEnrolment({ receiver: B, supplier: S, pseudonym: target, startDate: '2022-11-01' });
    await ctx.runJobs();
    const attacker = await ctx.tokenFor({ institution: A, scopes: ['records:write', 'insights:read'] });
    const read = async (breakdown: string): Promise<CohortFigures> => cohortOf(attacker, `/v1/insights/intake?breakdown=${breakdown}`, 2022);
    const before = await read('supplier');
    const upload = await ctx.http
      .post('/v1/enrolments:batch')
      .set('Authorization', `Bearer ${attacker}`)
      .send({
        records: [
          { pseudonym: target, programmeCode: '34479', sector: 'hbo', level: 'bachelor', form: 'voltijd', startDate: '2022-09-01', endDate: '2022-10-01', endReason: 'uitgeschreven', priorBrin: S.brin, priorDiplomaType: 'havo', priorDiplomaYear: 2022 },
        ],
      })
      .expect(200);
    await ctx.runJobs();
    const probed = await read('supplier');
    const row = probed.rows.find((candidate) => candidate.key === S.brin)!;
    // Published with cell-key noise on the split, exact n and left; the total is the sum of the rows.
    expect(row).toMatchObject({ n: 13, protection: 'perturbed', left: Math.round((1 / 13) * 10_000) / 10_000 });
    expect(probed.total).toMatchObject({ n: 13, protection: 'perturbed', switchExternal: row.switchExternal });
    // The other breakdowns of the own intake give only switch + uitval together.
    for (const breakdown of ['diplomaType', 'programme']) {
      const other = await read(breakdown);
      for (const candidate of other.rows) expect(candidate).toMatchObject({ protection: 'split-withheld', switchExternal: null, uitval: null });
    }
    // The same records always give the same noise.
    expect(await read('supplier')).toEqual(probed);
    await ctx.http.delete(`/v1/batches/${upload.body.batchId}`).set('Authorization', `Bearer ${attacker}`).expect(200);
    await ctx.runJobs();
    expect(await read('supplier')).toEqual(before);
  }, 300_000);

  it('5 in reverse: a school turns its former pupil\'s uitval at another institution into a switch with a record of its own, and reads only noise', async () => {
    const S = await ctx.newInstitution({ sectors: ['mbo'] });
    const B = await ctx.newInstitution({ sectors: ['hbo'] });
    const T = await ctx.newInstitution({ sectors: ['vo'] });
    const region = await ctx.newRegion();
    for (const member of [S, B, T]) await ctx.addMember(region, member);
    await fill([
      { supplier: S, receiver: B, cohort: 2022, n: 14 },
      { supplier: T, receiver: B, cohort: 2022, n: 12 },
    ]);
    // The targets dropped out at B: S's former pupil, and a pupil of another school (for the benchmark).
    const targets = [
      { pseudonym: pseudonymFor(`reverse-s-${region.code}`), supplier: S },
      { pseudonym: pseudonymFor(`reverse-t-${region.code}`), supplier: T },
    ];
    for (const target of targets) await ctx.newEnrolment({ receiver: B, supplier: target.supplier, pseudonym: target.pseudonym, startDate: '2022-09-01', endDate: '2023-01-15', endReason: 'uitgeschreven' });
    await ctx.runJobs();
    const attacker = await ctx.tokenFor({ institution: S, scopes: ['records:write', 'insights:read'] });
    const read = async (): Promise<Record<string, CohortFigures>> => ({
      receiver: await cohortOf(attacker, '/v1/insights/alumni?breakdown=receiver', 2022),
      sector: await cohortOf(attacker, '/v1/insights/alumni?breakdown=sector', 2022),
      programme: await cohortOf(attacker, '/v1/insights/alumni?breakdown=programme', 2022),
      diplomaType: await cohortOf(attacker, '/v1/insights/alumni?breakdown=diplomaType', 2022),
    });
    const before = await read();
    // A start right after theirs at the attacker's own institution: within the switch window after any
    // end, and no first year in the sector, so that it adds no intake of its own.
    const upload = await ctx.http
      .post('/v1/enrolments:batch')
      .set('Authorization', `Bearer ${attacker}`)
      .send({
        records: targets.map((target) => ({ pseudonym: target.pseudonym, programmeCode: '34479', sector: 'hbo', level: 'bachelor', form: 'voltijd', startDate: '2022-09-02', priorBrin: B.brin, priorDiplomaType: 'havo', priorDiplomaYear: 2022 })),
      })
      .expect(200);
    await ctx.runJobs();
    // The attack works on exact figures: both uitval at B turned into switch.
    const [exact] = await ctx.dataSource.query<Array<{ uitval: number; switched: number }>>(
      `SELECT sum(n_uitval)::int AS uitval, sum(n_switch_external)::int AS switched FROM outcome_summaries WHERE region_id = $1 AND cohort = 2022 AND receiver_institution_id = $2`,
      [region.id, B.id],
    );
    expect(exact).toEqual({ uitval: 0, switched: 2 });

    const probed = await read();
    // By receiver: one whole supplier × receiver cell, its split with cell-key noise; the total is the sum of the rows.
    const row = probed.receiver.rows.find((candidate) => candidate.key === B.brin)!;
    expect(row).toMatchObject({ n: 15, protection: 'perturbed', left: Math.round((1 / 15) * 10_000) / 10_000 });
    expect(probed.receiver.total).toMatchObject({ protection: 'perturbed', switchExternal: row.switchExternal, uitval: row.uitval });
    // Every other breakdown would be a second, independent reading: `left` only.
    for (const breakdown of ['sector', 'programme', 'diplomaType']) {
      const published = [probed[breakdown].total, ...probed[breakdown].rows].filter((candidate) => !candidate.suppressed);
      expect(published.length).toBeGreaterThan(0);
      for (const candidate of published) expect(candidate).toMatchObject({ protection: 'split-withheld', switchExternal: null, uitval: null });
    }
    // The benchmark by prior diploma type holds the other school's pupil: its split carries noise too.
    const benchmark = await get(attacker, '/v1/insights/alumni?cohortFrom=2022&cohortTo=2022').expect(200);
    const [withBenchmark] = benchmark.body.cohorts as Array<{ benchmark: Figures[]; benchmarkTotal: Figures }>;
    const shownBenchmark = withBenchmark.benchmark.filter((entry) => !entry.suppressed);
    expect(shownBenchmark.length).toBeGreaterThan(0);
    for (const entry of shownBenchmark) expect(entry).toMatchObject({ protection: 'perturbed' });
    expect(withBenchmark.benchmarkTotal).toMatchObject({ protection: 'perturbed' });
    // The same records give the same noise; erasing the batch brings back the figures of before.
    expect(await read()).toEqual(probed);
    await ctx.http.delete(`/v1/batches/${upload.body.batchId}`).set('Authorization', `Bearer ${attacker}`).expect(200);
    await ctx.runJobs();
    expect(await read()).toEqual(before);
  }, 300_000);
});
