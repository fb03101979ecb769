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
      const alerts = (await get(token, '/v1/alerts?limit=500').expect(200)).body.items as Array<{ id: string; type: string; cohort: number; nCurrent: number | null; cell: { kind: string; receiver: { brin: string } | null } }>;
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
      for (const alert of onTwelve) expect(alert.nCurrent).toBeNull();
      // 85 − 40 − 30 − 12 = 3 no longer works: the 3 lies in a range at least k wide.
      const range = await expectRangeAtLeast(variables, equalities, withheld, ['R2'], 5);
      expect(range.min).toBeLessThanOrEqual(3);
      expect(range.max).toBeGreaterThanOrEqual(3);
    }
  }, 300_000);

  it.todo('2: flows and the report share their margins (41 − 20 − 18 = 3)');
});
