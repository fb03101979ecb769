import { createTestContext, TestContext } from 'test/utils/test-context';
import { figure } from 'test/references/reference-fixtures';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

/**
 * A trendbreuk of region R (all sectors), uitval, cohort 2022 against the baseline 2019–2021:
 * 0.12 → 0.20, +8 pp (n 200 and 600, well above k). Reference series of uitval, hand-computed:
 *   hbo  2019 0.10, 2020 0.11, 2021 0.12, 2022 0.115 → baseline 0.11, +0.5 pp: less than half of 8 → region-only
 *   mbo  2019 0.20, 2020 0.22, 2021 0.24, 2022 0.28  → baseline 0.22, +6 pp, the same way, ≥ 4 → reference-too
 *   wo   2021 0.05 only                              → no 2022 figure → unknown
 *   hbo switch, and hbo uitval of havo pupils only   → not shown (another metric; not all prior education)
 */
describe('a region trendbreuk against the national trend of the same cohorts', () => {
  let ctx: TestContext;
  let R: RegionEntity;
  let A: InstitutionEntity, X: InstitutionEntity;
  let coordinator: string;
  const newAlert = async (cell: { kind: 'region' | 'supplier_receiver'; supplier?: InstitutionEntity; receiver?: InstitutionEntity }): Promise<string> => {
    const [definition] = await ctx.dataSource.query<Array<{ id: string; version: number }>>(`SELECT id, version FROM definition_sets WHERE region_id = $1 AND version = 1`, [R.id]);
    const [row] = await ctx.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO alerts (region_id, type, cell_kind, cell_key, supplier_institution_id, receiver_institution_id, metric, cohort, direction, rule,
                           effect_pp, baseline_rate, current_rate, n_current, events_current, n_baseline, events_baseline, baseline_cohorts,
                           method_version, definition_set_id, definition_set_version, parameters, evidence_hash)
       VALUES ($1, 'trendbreuk', $2, $3, $4, $5, 'uitval', 2022, 'up', 'fdr', 8, 0.12, 0.2, 200, 40, 600, 72, '{2019,2020,2021}',
               'trendbreuk-1.0', $6, $7, '{"suppressionK": 10}', repeat('0', 64)) RETURNING id`,
      [R.id, cell.kind, `${cell.kind}|${cell.supplier?.id ?? ''}|${cell.receiver?.id ?? ''}|`, cell.supplier?.id ?? null, cell.receiver?.id ?? null, definition.id, definition.version],
    );
    return row.id;
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    R = await ctx.newRegion();
    A = await ctx.newInstitution({ sectors: ['vo'] });
    X = await ctx.newInstitution({ sectors: ['hbo'] });
    for (const member of [A, X]) await ctx.addMember(R, member);
    coordinator = await ctx.tokenFor({ region: R, scopes: ['alerts:read', 'region:admin'] });
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    const series = (source: string, sector: string, rates: Record<number, number>, extra: Record<string, unknown> = {}) =>
      Object.entries(rates).map(([cohort, rate]) => figure({ source, sector, cohort: Number(cohort), rate, ...extra }));
    await ctx.http
      .post('/v1/reference-series:batch')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        records: [
          ...series('Landelijk hbo', 'hbo', { 2019: 0.1, 2020: 0.11, 2021: 0.12, 2022: 0.115 }),
          ...series('Landelijk mbo', 'mbo', { 2019: 0.2, 2020: 0.22, 2021: 0.24, 2022: 0.28 }),
          ...series('Landelijk wo', 'wo', { 2021: 0.05 }),
          ...series('Landelijk hbo', 'hbo', { 2021: 0.07, 2022: 0.07 }, { metric: 'switch' }),
          ...series('Landelijk hbo', 'hbo', { 2021: 0.1, 2022: 0.1 }, { priorEducation: 'havo' }),
        ],
      })
      .expect(200);
  });
  afterAll(() => ctx.close());

  it('says per reference series whether it moved over the same cohorts as the region', async () => {
    const id = await newAlert({ kind: 'region' });
    const response = await ctx.http.get(`/v1/alerts/${id}`).set('Authorization', `Bearer ${coordinator}`).expect(200);
    expect(response.body.effectPp).toBe(8);
    const bySource = Object.fromEntries(response.body.references.map((reference: { source: string; sector: string }) => [`${reference.source}`, reference]));
    expect(Object.keys(bySource).sort()).toEqual(['Landelijk hbo', 'Landelijk mbo', 'Landelijk wo']);
    expect(response.body.references).toHaveLength(3);
    expect(bySource['Landelijk hbo']).toMatchObject({ metric: 'uitval', priorEducation: null, baselineRate: 0.11, currentRate: 0.115, changePp: 0.5, verdict: 'region-only', synthetic: true });
    expect(bySource['Landelijk hbo'].points.map((point: { cohort: number }) => point.cohort)).toEqual([2019, 2020, 2021, 2022]);
    expect(bySource['Landelijk mbo']).toMatchObject({ baselineRate: 0.22, currentRate: 0.28, changePp: 6, verdict: 'reference-too' });
    expect(bySource['Landelijk wo']).toMatchObject({ baselineRate: 0.05, currentRate: null, changePp: null, verdict: 'unknown' });
    expect(bySource['Landelijk hbo'].differences).toEqual([expect.stringContaining('buiten de regio')]);
  });

  it('shows no reference for a cell between two schools', async () => {
    const id = await newAlert({ kind: 'supplier_receiver', supplier: A, receiver: X });
    const response = await ctx.http.get(`/v1/alerts/${id}`).set('Authorization', `Bearer ${coordinator}`).expect(200);
    expect(response.body.references).toEqual([]);
  });
});
