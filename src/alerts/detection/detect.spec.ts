import { detect, detectAsync, evaluateCell } from 'src/alerts/detection/detect';
import { buildRegionSeries } from 'src/alerts/detection/cells';
import { CellRef, CellSeries, CohortDefinition, DetectionParameters, Finding, RegionSeries } from 'src/alerts/detection/model';
import { fisherExactTwoSided } from 'src/alerts/statistics';
import { Counts, emptyCounts } from 'src/outcomes/figures';

const DEFAULTS: DetectionParameters = {
  baselineCohorts: 3,
  minBaselineCohorts: 2,
  minBaselineN: 30,
  minCurrentN: 10,
  fdrQ: 0.05,
  supplyLowRatio: 0.5,
  supplyHighRatio: 2,
  suppressionK: 10,
  switchersCountAsUitval: false,
};
const params = (overrides: Record<string, Partial<DetectionParameters>> = {}, ids: string[] = ['d1']): Map<string, DetectionParameters> =>
  new Map(ids.map((id) => [id, { ...DEFAULTS, ...(overrides[id] ?? {}) }]));

/** n students, `uitval` of whom dropped out, the rest still enrolled. */
const counts = (n: number, uitval: number): Counts => ({ ...emptyCounts(), n, nUitval: uitval, nEnrolled: n - uitval });
const cell = (name: string): CellRef => ({ kind: 'supplier_receiver', supplierId: `S-${name}`, receiverId: 'R', sector: null });
const seriesOf = (name: string, from: number, points: Array<[n: number, uitval: number]>): CellSeries => ({
  cell: cell(name),
  points: points.map(([n, uitval], index) => ({ cohort: from + index, counts: counts(n, uitval) })),
});
const cohortsOf = (from: number, to: number, definition: (cohort: number) => string = () => 'd1'): CohortDefinition[] =>
  Array.from({ length: to - from + 1 }, (_, index) => ({ cohort: from + index, definitionSetId: definition(from + index) }));
const of = (findings: Finding[], filter: Partial<Pick<Finding, 'type' | 'metric' | 'cohort'>> & { cell?: string }): Finding[] =>
  findings.filter(
    (finding) =>
      (filter.type === undefined || finding.type === filter.type) &&
      (filter.metric === undefined || finding.metric === filter.metric) &&
      (filter.cohort === undefined || finding.cohort === filter.cohort) &&
      (filter.cell === undefined || finding.cell.supplierId === `S-${filter.cell}`),
  );

describe('detect()', () => {
  it('finds a clear break as a trendbreuk with direction, effect in percentage points, p and q', () => {
    const series: RegionSeries = { cohorts: cohortsOf(2018, 2022), cells: [seriesOf('A', 2018, [[100, 15], [100, 14], [100, 16], [100, 15], [100, 40]])] };
    const result = detect(series, params());
    const [finding, ...more] = of(result.findings, { type: 'trendbreuk', metric: 'uitval' });
    expect(more).toHaveLength(0);
    expect(finding).toMatchObject({ cohort: 2022, direction: 'up', rule: 'fdr', nCurrent: 100, eventsCurrent: 40, nBaseline: 300, eventsBaseline: 45, baselineCohorts: [2019, 2020, 2021] });
    expect(finding.currentRate).toBeCloseTo(0.4, 12);
    expect(finding.baselineRate).toBeCloseTo(0.15, 12);
    expect(finding.effectPp).toBeCloseTo(25, 10);
    expect(finding.p).toBeCloseTo(fisherExactTwoSided([[40, 60], [45, 255]]), 14);
    expect(finding.q).toBeGreaterThanOrEqual(finding.p!);
    expect(finding.q).toBeLessThanOrEqual(0.05);
    // Here everyone who did not drop out is still enrolled: that metric is the complement of uitval,
    // the same hypothesis, and is neither tested again nor reported.
    expect(of(result.findings, { metric: 'enrolledYear2' })).toEqual([]);
    expect(result.duplicates).toEqual({ cells: 0, complements: 3 });
    // Nothing else in this stable cell.
    expect(result.findings.filter((item) => item.cohort !== 2022)).toEqual([]);
  });

  it('raises a leveringsbreuk on a supply drop and does not test the trend of that cohort', () => {
    // 70% fewer students, and (to prove it is not tested) a rate that would be a break.
    const series: RegionSeries = { cohorts: cohortsOf(2018, 2022), cells: [seriesOf('A', 2018, [[100, 15], [100, 15], [100, 15], [100, 15], [30, 25]])] };
    const { findings } = detect(series, params());
    expect(findings).toEqual([
      expect.objectContaining({ type: 'leveringsbreuk', metric: 'n', cohort: 2022, direction: 'down', rule: 'supply-low', nCurrent: 30, nBaseline: 300, baselineCohorts: [2019, 2020, 2021] }),
    ]);
    expect(findings[0].details).toMatchObject({ baselineMedianN: 100, supplyRatio: 0.3 });
  });

  it('raises a leveringsbreuk on a supply jump above supplyHighRatio × the median, and on a cell that vanished', () => {
    const jump = detect({ cohorts: cohortsOf(2018, 2021), cells: [seriesOf('A', 2018, [[40, 6], [50, 7], [45, 7], [101, 15]])] }, params());
    expect(jump.findings).toEqual([expect.objectContaining({ type: 'leveringsbreuk', cohort: 2021, direction: 'up', rule: 'supply-high' })]);
    const vanished = detect({ cohorts: cohortsOf(2018, 2021), cells: [seriesOf('A', 2018, [[40, 6], [50, 7], [45, 7]])] }, params());
    expect(vanished.findings).toEqual([expect.objectContaining({ type: 'leveringsbreuk', cohort: 2021, direction: 'down', nCurrent: 0 })]);
    // Exactly on the ratios is no break.
    const edges = detect({ cohorts: cohortsOf(2018, 2021), cells: [seriesOf('A', 2018, [[40, 6], [40, 6], [40, 6], [20, 3]]), seriesOf('B', 2018, [[40, 6], [40, 6], [40, 6], [80, 12]])] }, params());
    expect(edges.findings.filter((item) => item.type === 'leveringsbreuk')).toEqual([]);
  });

  it('raises a methodebreuk on a definition change and never pools the baseline across it', () => {
    const definition = (cohort: number): string => (cohort >= 2020 ? 'd2' : 'd1');
    // Under d2 the uitval figure is twice as high (a wider definition), stable within each segment.
    const series: RegionSeries = {
      cohorts: cohortsOf(2016, 2022, definition),
      cells: [seriesOf('A', 2016, [[100, 10], [100, 10], [100, 10], [100, 10], [100, 30], [100, 30], [100, 30]])],
    };
    const parameters = params({}, ['d1', 'd2']);
    const { findings } = detect(series, parameters);
    expect(of(findings, { type: 'methodebreuk' })).toEqual([
      expect.objectContaining({ cohort: 2020, metric: 'definition', definitionSetId: 'd2', cell: { kind: 'region', supplierId: null, receiverId: null, sector: null }, details: { previousCohort: 2019, previousDefinitionSetId: 'd1' } }),
    ]);
    expect(findings.filter((item) => item.type !== 'methodebreuk')).toEqual([]);
    const evaluations = evaluateCell(series.cells[0], series.cohorts, parameters);
    const baselineOf = (cohort: number) => evaluations.find((item) => item.cohort === cohort)!.baseline;
    expect(baselineOf(2020)).toBeNull();
    expect(baselineOf(2021)).toMatchObject({ cohorts: [2020], eligible: false });
    expect(baselineOf(2022)).toMatchObject({ cohorts: [2020, 2021], eligible: true });
    expect(baselineOf(2019)).toMatchObject({ cohorts: [2016, 2017, 2018], eligible: true });
  });

  it('does not test without an eligible baseline or current cohort', () => {
    // Only one baseline cohort.
    const one = detect({ cohorts: cohortsOf(2018, 2019), cells: [seriesOf('A', 2018, [[100, 10], [100, 60]])] }, params());
    expect(one).toMatchObject({ findings: [], tests: 0, evaluated: 0 });
    // Σn = 28 < 30 in the baseline.
    const smallBaseline = detect({ cohorts: cohortsOf(2018, 2020), cells: [seriesOf('A', 2018, [[14, 1], [14, 1], [14, 12]])] }, params());
    expect(smallBaseline).toMatchObject({ findings: [], tests: 0, evaluated: 0 });
    // n_t = 9 < 10 (and not a supply break: 9 ≥ 0.5 × 12).
    const smallCurrent = detect({ cohorts: cohortsOf(2018, 2021), cells: [seriesOf('A', 2018, [[12, 1], [12, 1], [12, 1], [9, 9]])] }, params());
    expect(smallCurrent).toMatchObject({ findings: [], tests: 0, evaluated: 1 });
    // n_t = 10 is tested.
    const justEnough = detect({ cohorts: cohortsOf(2018, 2021), cells: [seriesOf('A', 2018, [[12, 1], [12, 1], [12, 1], [10, 10]])] }, params());
    // uitval, switch and diplomaYear1; enrolledYear2 is the complement of uitval here.
    expect(justEnough.tests).toBe(3);
    expect(of(justEnough.findings, { type: 'trendbreuk', metric: 'uitval', cohort: 2021 })).toHaveLength(1);
    // A region with k = 15 needs n_t ≥ 15 even when minCurrentN is 10.
    const higherK = detect({ cohorts: cohortsOf(2019, 2021), cells: [seriesOf('A', 2019, [[20, 1], [20, 1], [14, 14]])] }, params({ d1: { suppressionK: 15 } }));
    expect(higherK.tests).toBe(0);
  });

  it('uses the parameters of the definition set: a longer baseline and a larger minimum', () => {
    const series: RegionSeries = { cohorts: cohortsOf(2016, 2021), cells: [seriesOf('A', 2016, [[20, 2], [20, 2], [20, 2], [20, 2], [20, 2], [20, 12]])] };
    const five = evaluateCell(series.cells[0], series.cohorts, params({ d1: { baselineCohorts: 5 } })).at(-1)!;
    expect(five.baseline).toMatchObject({ cohorts: [2016, 2017, 2018, 2019, 2020], eligible: true });
    const strict = detect(series, params({ d1: { minBaselineN: 100 } }));
    expect(strict).toMatchObject({ findings: [], tests: 0 });
  });

  it('raises aandacht for three consecutive cohorts above the 95% limit that are not significant one by one', () => {
    // Each of 2018–2020 is just above the upper 95% funnel limit around its own baseline, with p > 0.05.
    const series: RegionSeries = { cohorts: cohortsOf(2015, 2020), cells: [seriesOf('A', 2015, [[20, 2], [20, 2], [20, 2], [20, 5], [20, 6], [20, 8]])] };
    const { findings } = detect(series, params());
    const uitval = of(findings, { metric: 'uitval' });
    expect(uitval).toEqual([expect.objectContaining({ type: 'aandacht', rule: 'consecutive-95', cohort: 2020, direction: 'up' })]);
    expect(uitval[0].p).toBeGreaterThan(0.05);
    expect(uitval[0].details).toMatchObject({ consecutive: { side: 'above', cohorts: [2018, 2019, 2020] } });
    expect(of(findings, { type: 'trendbreuk' })).toEqual([]);
    // Two cohorts beyond the limit are not a run.
    const two = detect({ cohorts: cohortsOf(2015, 2019), cells: [seriesOf('A', 2015, [[20, 2], [20, 2], [20, 2], [20, 5], [20, 6]])] }, params());
    expect(two.findings.filter((item) => item.rule === 'consecutive-95')).toEqual([]);
  });

  it('raises aandacht for p < 0.05 that does not survive Benjamini–Hochberg across all cells', () => {
    // One cell with p ≈ 0.01, one with a p far below anything, and 60 cells without change.
    const stable = Array.from({ length: 60 }, (_, index) => seriesOf(`N${index}`, 2018, [[100, 15], [100, 15], [100, 15], [100, 15]]));
    const moderate = seriesOf('M', 2018, [[100, 15], [100, 15], [100, 15], [100, 28]]);
    const strong = seriesOf('X', 2018, [[100, 15], [100, 15], [100, 15], [100, 50]]);
    const series: RegionSeries = { cohorts: cohortsOf(2018, 2021), cells: [...stable, moderate, strong] };
    const result = detect(series, params());
    const moderateP = fisherExactTwoSided([[28, 72], [45, 255]]);
    expect(moderateP).toBeLessThan(0.05);
    expect(moderateP).toBeGreaterThan(0.001);
    // Cohorts 2020 and 2021 are tested, three distinct metrics each (enrolledYear2 = 1 − uitval here).
    expect(result.tests).toBe(62 * 3 * 2);
    // Alone, the moderate cell would be a trendbreuk …
    const alone = detect({ cohorts: series.cohorts, cells: [moderate] }, params());
    expect(of(alone.findings, { metric: 'uitval' })).toEqual([expect.objectContaining({ type: 'trendbreuk' })]);
    // … among 372 tests it is only worth attention, with q = p × m / rank.
    const [moderateFinding] = of(result.findings, { cell: 'M', metric: 'uitval' });
    expect(moderateFinding).toMatchObject({ type: 'aandacht', rule: 'unadjusted-p' });
    expect(moderateFinding.q).toBeGreaterThan(0.05);
    const [strongFinding] = of(result.findings, { cell: 'X', metric: 'uitval' });
    expect(strongFinding).toMatchObject({ type: 'trendbreuk' });
    // The smallest p of the family (its complement, enrolledYear2, is not a second test): q = p × m / 1.
    expect(strongFinding.q).toBeCloseTo(strongFinding.p! * result.tests, 15);
    expect(result.findings.filter((item) => item.cell.supplierId?.startsWith('S-N'))).toEqual([]);
  });

  it('marks pooled figures as suppressed when a baseline cohort has 0 < n < k', () => {
    const { findings } = detect({ cohorts: cohortsOf(2018, 2021), cells: [seriesOf('A', 2018, [[8, 1], [30, 3], [30, 3], [30, 20]])] }, params());
    expect(of(findings, { type: 'trendbreuk', metric: 'uitval' })).toEqual([expect.objectContaining({ baselineCohorts: [2018, 2019, 2020], baselineSuppressed: true })]);
  });

  it('builds supplier × receiver, supplier × sector, receiver and region cells from summary rows', () => {
    const row = (supplierId: string, receiverId: string, sector: string, n: number) => ({ cohort: 2020, supplierId, receiverId, sector, definitionSetId: 'd1', counts: counts(n, 1) });
    const { cells, cohorts } = buildRegionSeries([row('S1', 'R1', 'hbo', 10), row('S1', 'R2', 'hbo', 20), row('S2', 'R1', 'mbo', 5), row('S1', 'R1', 'mbo', 7)]);
    expect(cohorts).toEqual([{ cohort: 2020, definitionSetId: 'd1' }]);
    const n = (kind: string, supplierId: string | null, receiverId: string | null, sector: string | null) =>
      cells.find((item) => item.cell.kind === kind && item.cell.supplierId === supplierId && item.cell.receiverId === receiverId && item.cell.sector === sector)?.points[0]?.counts.n;
    expect(n('supplier_receiver', 'S1', 'R1', null)).toBe(17);
    expect(n('supplier_sector', 'S1', null, 'hbo')).toBe(30);
    expect(n('receiver', null, 'R1', null)).toBe(22);
    expect(n('region', null, null, null)).toBe(42);
    expect(cells).toHaveLength(3 + 3 + 2 + 1);
  });

  it('tests a supplier × sector cell once when its only supplier × receiver cell holds the same students', () => {
    const row = (cohort: number, supplierId: string, receiverId: string, sector: string, n: number, uitval: number) => ({ cohort, supplierId, receiverId, sector, definitionSetId: 'd1', counts: counts(n, uitval) });
    const rows = [2018, 2019, 2020, 2021].flatMap((cohort) => [
      // S1 sends to hbo only through R1: S1 × hbo is the same cell as S1 → R1.
      row(cohort, 'S1', 'R1', 'hbo', 100, cohort === 2021 ? 45 : 15),
      // S2 sends to two hbo receivers: S2 × hbo is a cell of its own.
      row(cohort, 'S2', 'R1', 'hbo', 60, 9),
      row(cohort, 'S2', 'R2', 'hbo', 60, 9),
    ]);
    const result = detect(buildRegionSeries(rows), params());
    // Cells: S1→R1, S2→R1, S2→R2, S1×hbo (= S1→R1), S2×hbo, R1, R2 (= S2→R2), region; cohorts 2020 and 2021.
    expect(result.duplicates.cells).toBe(2 * 2);
    expect(result.tests).toBe((8 - 2) * 2 * 3);
    const breaks = of(result.findings, { type: 'trendbreuk', metric: 'uitval', cohort: 2021 });
    // The jump at S1 is reported on S1 → R1 (seen by both ends), not again on S1 × hbo.
    expect(breaks.map((item) => item.cell.kind).sort()).toEqual(['receiver', 'region', 'supplier_receiver']);
    expect(breaks.find((item) => item.cell.kind === 'supplier_receiver')?.cell).toMatchObject({ supplierId: 'S1', receiverId: 'R1' });
    // Without the duplicates the family is what it was before: each distinct cell once.
    const distinct = new Set(result.findings.map((item) => `${item.cell.kind}|${item.cell.supplierId}|${item.cell.receiverId}|${item.cell.sector}|${item.metric}|${item.cohort}`));
    expect(distinct.size).toBe(result.findings.length);
  });

  it('keeps the cells apart once another flow joins the sector in a cohort of the test', () => {
    const row = (cohort: number, receiverId: string, n: number) => ({ cohort, supplierId: 'S1', receiverId, sector: 'hbo', definitionSetId: 'd1', counts: counts(n, 10) });
    // A second hbo receiver in 2019 (a baseline cohort of 2020 and 2021): S1 × hbo differs from S1 → R1 in both tests.
    const rows = [row(2018, 'R1', 100), row(2019, 'R1', 100), row(2019, 'R2', 20), row(2020, 'R1', 100), row(2021, 'R1', 100)];
    const result = detect(buildRegionSeries(rows), params());
    // In 2020 and 2021: S1 × hbo ≠ S1 → R1 (its 2019 baseline has R2), R1 = S1 → R1, region = S1 × hbo.
    expect(result.duplicates.cells).toBe(2 * 2);
    expect(result.tests).toBe(2 * 2 * 3);
  });

  it('is deterministic, and the asynchronous variant finds the same', async () => {
    const series: RegionSeries = { cohorts: cohortsOf(2018, 2022), cells: [seriesOf('A', 2018, [[100, 15], [100, 14], [100, 16], [100, 15], [100, 40]]), seriesOf('B', 2018, [[90, 9], [80, 8], [85, 20], [30, 3], [88, 8]])] };
    expect(detect(series, params())).toEqual(detect(series, params()));
    expect(await detectAsync(series, params(), 0)).toEqual(detect(series, params()));
  });
});
