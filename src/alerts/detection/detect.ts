import {
  AANDACHT_RUN_LENGTH,
  benjaminiHochberg,
  binomialControlLimit,
  consecutiveBeyondLimit,
  fisherExactTwoSided,
  RateWithLimits,
} from 'src/alerts/statistics';
import {
  AANDACHT_P,
  CELL_PRIORITY,
  CellRef,
  cellKey,
  CellSeries,
  CohortDefinition,
  DetectionParameters,
  DetectionResult,
  Direction,
  Finding,
  ParametersByDefinitionSet,
  RATE_METRICS,
  RateMetric,
  RegionSeries,
} from 'src/alerts/detection/model';
import { addCounts, Counts, emptyCounts, metricEvents } from 'src/outcomes/figures';

/** Events of a tested metric; `switch` is internal + external. */
export function rateMetricEvents(counts: Counts, metric: RateMetric, switchersCountAsUitval: boolean): number {
  switch (metric) {
    case 'uitval':
      return metricEvents(counts, 'uitval', switchersCountAsUitval).events;
    case 'switch':
      return counts.nSwitchInternal + counts.nSwitchExternal;
    case 'enrolledYear2':
      return metricEvents(counts, 'enrolledYear2', switchersCountAsUitval).events;
    case 'diplomaYear1':
      return metricEvents(counts, 'diplomaYear1', switchersCountAsUitval).events;
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** 0 < n < k: a figure that may not be published. */
export const isSmall = (n: number, k: number): boolean => n > 0 && n < k;

/** The pooled baseline of one cohort of one cell. */
export interface Baseline {
  /** The previous cohorts of the same definition set in which the cell has n > 0. */
  cohorts: number[];
  /** n per baseline cohort, in the order of `cohorts`. */
  ns: number[];
  counts: Counts;
  medianN: number;
  /** At least minBaselineCohorts cohorts and Σn ≥ minBaselineN. */
  eligible: boolean;
  /** A baseline cohort has 0 < n < k: the pooled figures would reveal it. */
  suppressed: boolean;
}

/** One cohort of one cell, evaluated against its baseline. */
export interface CohortEvaluation {
  cohort: number;
  definitionSetId: string;
  parameters: DetectionParameters;
  counts: Counts;
  baseline: Baseline | null;
  /** Set when the baseline is eligible and n is outside [low × median, high × median]. */
  supplyBreak: Direction | null;
  /** Eligible baseline, no supply break, n ≥ max(minCurrentN, k): the trend is tested. */
  testable: boolean;
}

/**
 * Evaluates every cohort of a cell: its baseline (the previous `baselineCohorts` cohorts of the
 * region, only those computed with the same definition set, pooled), the supply check and
 * whether the trend can be tested. Shared by detection and by the series shown with an alert.
 */
export function evaluateCell(series: CellSeries, cohorts: readonly CohortDefinition[], parameters: ParametersByDefinitionSet): CohortEvaluation[] {
  const countsByCohort = new Map<number, Counts>();
  for (const point of series.points) countsByCohort.set(point.cohort, addCounts(countsByCohort.get(point.cohort) ?? emptyCounts(), point.counts));
  const sorted = [...cohorts].sort((a, b) => a.cohort - b.cohort);
  const evaluations: CohortEvaluation[] = [];
  for (const { cohort, definitionSetId } of sorted) {
    const params = parameters.get(definitionSetId);
    if (!params) throw new RangeError(`detect: no parameters for definition set ${definitionSetId}`);
    const counts = countsByCohort.get(cohort) ?? emptyCounts();
    const window = sorted.filter((other) => other.cohort >= cohort - params.baselineCohorts && other.cohort < cohort && other.definitionSetId === definitionSetId);
    const inBaseline = window.map((other) => ({ cohort: other.cohort, counts: countsByCohort.get(other.cohort) ?? emptyCounts() })).filter((item) => item.counts.n > 0);
    let baseline: Baseline | null = null;
    let supplyBreak: Direction | null = null;
    if (inBaseline.length > 0) {
      const ns = inBaseline.map((item) => item.counts.n);
      const pooled = inBaseline.reduce((sum, item) => addCounts(sum, item.counts), emptyCounts());
      baseline = {
        cohorts: inBaseline.map((item) => item.cohort),
        ns,
        counts: pooled,
        medianN: median(ns),
        eligible: inBaseline.length >= params.minBaselineCohorts && pooled.n >= params.minBaselineN,
        suppressed: ns.some((n) => isSmall(n, params.suppressionK)),
      };
      if (baseline.eligible) {
        if (counts.n < params.supplyLowRatio * baseline.medianN) supplyBreak = 'down';
        else if (counts.n > params.supplyHighRatio * baseline.medianN) supplyBreak = 'up';
      }
    }
    const testable = baseline !== null && baseline.eligible && supplyBreak === null && counts.n >= Math.max(params.minCurrentN, params.suppressionK);
    evaluations.push({ cohort, definitionSetId, parameters: params, counts, baseline, supplyBreak, testable });
  }
  return evaluations;
}

/** A tested cohort of a cell for one metric. */
export interface MetricTest {
  events: number;
  n: number;
  rate: number;
  baselineEvents: number;
  baselineN: number;
  baselineRate: number;
  p: number;
  lower95: number;
  upper95: number;
}

/** Fisher's exact test of the cohort against its pooled baseline, and the 95% funnel limits around the baseline rate. */
export function testMetric(evaluation: CohortEvaluation, metric: RateMetric): MetricTest | null {
  const { baseline, counts, parameters } = evaluation;
  if (!evaluation.testable || !baseline) return null;
  const events = rateMetricEvents(counts, metric, parameters.switchersCountAsUitval);
  const baselineEvents = rateMetricEvents(baseline.counts, metric, parameters.switchersCountAsUitval);
  const baselineRate = baselineEvents / baseline.counts.n;
  const p = fisherExactTwoSided([
    [events, counts.n - events],
    [baselineEvents, baseline.counts.n - baselineEvents],
  ]);
  return {
    events,
    n: counts.n,
    rate: events / counts.n,
    baselineEvents,
    baselineN: baseline.counts.n,
    baselineRate,
    p,
    lower95: binomialControlLimit(counts.n, baselineRate, 0.025),
    upper95: binomialControlLimit(counts.n, baselineRate, 0.975),
  };
}

/** The method parameters as reported with every alert. */
export const reportedParameters = (parameters: DetectionParameters): Record<string, number | boolean> => ({
  baselineCohorts: parameters.baselineCohorts,
  minBaselineCohorts: parameters.minBaselineCohorts,
  minBaselineN: parameters.minBaselineN,
  minCurrentN: parameters.minCurrentN,
  fdrQ: parameters.fdrQ,
  supplyLowRatio: parameters.supplyLowRatio,
  supplyHighRatio: parameters.supplyHighRatio,
  suppressionK: parameters.suppressionK,
  switchersCountAsUitval: parameters.switchersCountAsUitval,
  aandachtP: AANDACHT_P,
  aandachtRunLength: AANDACHT_RUN_LENGTH,
  limitLevel: 0.95,
});

interface PendingTest {
  cell: CellRef;
  metric: RateMetric;
  evaluation: CohortEvaluation;
  test: MetricTest;
  /** Earlier tested cohorts of the same cell and metric, by cohort. */
  history: Map<number, MetricTest>;
}

const REGION_CELL: CellRef = { kind: 'region', supplierId: null, receiverId: null, sector: null };

/**
 * Trendbreuk detection for one region (the method of "Trendbreuk alerts"):
 * 1. supply check first: n outside [supplyLowRatio, supplyHighRatio] × the baseline median →
 *    `leveringsbreuk` (metric `n`), and that cell/cohort is not tested;
 * 2. baseline: the previous `baselineCohorts` cohorts pooled, only those with the cohort's own
 *    definition set; at least `minBaselineCohorts` cohorts and Σn ≥ `minBaselineN`; the cohort
 *    is tested when n ≥ max(minCurrentN, k);
 * 3. Fisher's exact test, two-sided, cohort vs pooled baseline, per rate metric;
 * 4. Benjamini–Hochberg over every distinct test of the run (a cell with the same students as
 *    one already tested, or a metric that is the complement of another in the same cell and
 *    cohort, is left out: docs/alerts.md, "The test family"): adjusted p ≤ fdrQ → `trendbreuk`;
 *    otherwise p < 0.05, or three consecutive tested cohorts beyond the 95% limit on the same
 *    side → `aandacht`;
 * 5. a cohort whose definition set differs from the previous cohort's → `methodebreuk`.
 * Pure: the same series and parameters always give the same findings, in a stable order.
 */
export function detect(series: RegionSeries, parameters: ParametersByDefinitionSet): DetectionResult {
  const steps = detectSteps(series, parameters);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same as `detect`, but gives the event loop a turn every `sliceMs` of work, so that the API
 * served by the same process stays responsive while a large region is analysed.
 */
export async function detectAsync(series: RegionSeries, parameters: ParametersByDefinitionSet, sliceMs = 20): Promise<DetectionResult> {
  const steps = detectSteps(series, parameters);
  let sliceStarted = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStarted >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
}

/** detect() as a generator that pauses after every test and every cell. */
function* detectSteps(series: RegionSeries, parameters: ParametersByDefinitionSet): Generator<void, DetectionResult, void> {
  const cohorts = [...new Map(series.cohorts.map((item) => [item.cohort, item])).values()].sort((a, b) => a.cohort - b.cohort);
  const findings: Finding[] = [];

  cohorts.forEach((current, index) => {
    const previous = cohorts[index - 1];
    if (!previous || previous.definitionSetId === current.definitionSetId) return;
    findings.push({
      type: 'methodebreuk',
      cell: REGION_CELL,
      metric: 'definition',
      cohort: current.cohort,
      direction: null,
      rule: 'definition-change',
      definitionSetId: current.definitionSetId,
      nCurrent: null,
      eventsCurrent: null,
      currentRate: null,
      nBaseline: null,
      eventsBaseline: null,
      baselineRate: null,
      baselineCohorts: [],
      baselineSuppressed: false,
      effectPp: null,
      p: null,
      q: null,
      details: { previousCohort: previous.cohort, previousDefinitionSetId: previous.definitionSetId },
    });
  });

  const tests: PendingTest[] = [];
  const duplicates = { cells: 0, complements: 0 };
  // Cohort and students of every cell-cohort already evaluated: a cell with the same students is the same hypothesis.
  const seen = new Set<string>();
  let evaluated = 0;
  for (const cellSeries of byPriority(series.cells)) {
    const histories = new Map<RateMetric, Map<number, MetricTest>>(RATE_METRICS.map((metric) => [metric, new Map()]));
    for (const evaluation of evaluateCell(cellSeries, cohorts, parameters)) {
      const { baseline } = evaluation;
      if (!baseline?.eligible) continue;
      const students = studentsOf(cellSeries, evaluation.cohort, baseline.cohorts);
      const duplicate = seen.has(students);
      seen.add(students);
      if (duplicate) {
        // Its figures equal those of a cell already evaluated: no alert, no test in the family; its
        // history still counts for the consecutive rule of the cohorts where it is distinct.
        duplicates.cells++;
        if (evaluation.testable) for (const metric of RATE_METRICS) histories.get(metric)!.set(evaluation.cohort, testMetric(evaluation, metric)!);
        continue;
      }
      evaluated++;
      if (evaluation.supplyBreak) {
        findings.push({
          type: 'leveringsbreuk',
          cell: cellSeries.cell,
          metric: 'n',
          cohort: evaluation.cohort,
          direction: evaluation.supplyBreak,
          rule: evaluation.supplyBreak === 'down' ? 'supply-low' : 'supply-high',
          definitionSetId: evaluation.definitionSetId,
          nCurrent: evaluation.counts.n,
          eventsCurrent: null,
          currentRate: null,
          nBaseline: baseline.counts.n,
          eventsBaseline: null,
          baselineRate: null,
          baselineCohorts: baseline.cohorts,
          baselineSuppressed: baseline.suppressed,
          effectPp: null,
          p: null,
          q: null,
          details: { baselineMedianN: baseline.medianN, supplyRatio: baseline.medianN > 0 ? evaluation.counts.n / baseline.medianN : null },
        });
        continue;
      }
      if (!evaluation.testable) continue;
      const kept: MetricTest[] = [];
      for (const metric of RATE_METRICS) {
        const test = testMetric(evaluation, metric)!;
        const history = histories.get(metric)!;
        history.set(evaluation.cohort, test);
        // The complement of a metric already tested here (e.g. still enrolled = 1 − uitval when
        // nobody switched or graduated) is the same table with its columns swapped: the same p.
        if (kept.some((other) => isComplement(test, other))) {
          duplicates.complements++;
          continue;
        }
        kept.push(test);
        tests.push({ cell: cellSeries.cell, metric, evaluation, test, history });
        // A test of a large cell (a region total) alone can take 0.1 s: pause after each.
        yield;
      }
    }
    yield;
  }

  const { adjusted } = benjaminiHochberg(
    tests.map((item) => item.test.p),
    1,
  );
  tests.forEach((item, index) => {
    const { evaluation, test } = item;
    const q = adjusted[index];
    const run = consecutiveRun(item);
    const significant = q <= evaluation.parameters.fdrQ;
    let type: Finding['type'] | null = null;
    let rule: Finding['rule'] | null = null;
    let direction: Direction = test.rate >= test.baselineRate ? 'up' : 'down';
    if (significant) {
      type = 'trendbreuk';
      rule = 'fdr';
    } else if (test.p < AANDACHT_P) {
      type = 'aandacht';
      rule = 'unadjusted-p';
    } else if (run) {
      type = 'aandacht';
      rule = 'consecutive-95';
      direction = run.side === 'above' ? 'up' : 'down';
    }
    if (!type || !rule) return;
    findings.push({
      type,
      cell: item.cell,
      metric: item.metric,
      cohort: evaluation.cohort,
      direction,
      rule,
      definitionSetId: evaluation.definitionSetId,
      nCurrent: test.n,
      eventsCurrent: test.events,
      currentRate: test.rate,
      nBaseline: test.baselineN,
      eventsBaseline: test.baselineEvents,
      baselineRate: test.baselineRate,
      baselineCohorts: evaluation.baseline!.cohorts,
      baselineSuppressed: evaluation.baseline!.suppressed,
      effectPp: (test.rate - test.baselineRate) * 100,
      p: test.p,
      q,
      details: {
        lower95: test.lower95,
        upper95: test.upper95,
        ...(run ? { consecutive: { side: run.side, cohorts: run.cohorts } } : {}),
      },
    });
  });

  return { findings, tests: tests.length, duplicates, evaluated };
}

/** The cells in the order that decides which of two equal cells is kept (CELL_PRIORITY), then by key. */
const byPriority = (cells: readonly CellSeries[]): CellSeries[] =>
  [...cells].sort((a, b) => CELL_PRIORITY[a.cell.kind] - CELL_PRIORITY[b.cell.kind] || cellKey(a.cell).localeCompare(cellKey(b.cell)));

/**
 * Who is in a test of a cell: the cohort and, for it and each baseline cohort, the flows with
 * students in the cell. Equal for two cells exactly when their counts in every cohort of the test
 * are sums of the same flows, i.e. the same students. A cell without flow information is unique.
 */
function studentsOf(series: CellSeries, cohort: number, baselineCohorts: readonly number[]): string {
  if (!series.flows) return `${cohort}\u0000${cellKey(series.cell)}`;
  const flows = series.flows;
  return JSON.stringify([cohort, ...[cohort, ...baselineCohorts].map((item) => [item, flows.get(item) ?? []])]);
}

/** The same 2 × 2 table with the event and non-event columns swapped, in the cohort and in the baseline. */
const isComplement = (a: MetricTest, b: MetricTest): boolean =>
  a.n === b.n && a.baselineN === b.baselineN && a.events === b.n - b.events && a.baselineEvents === b.baselineN - b.baselineEvents;

/** Three consecutive tested cohorts (this one and the two before) beyond the 95% limit on one side. */
function consecutiveRun(item: PendingTest): { side: 'above' | 'below'; cohorts: number[] } | null {
  const cohorts: number[] = [];
  const points: RateWithLimits[] = [];
  for (let offset = AANDACHT_RUN_LENGTH - 1; offset >= 0; offset--) {
    const cohort = item.evaluation.cohort - offset;
    const test = item.history.get(cohort);
    if (!test) return null;
    cohorts.push(cohort);
    points.push({ rate: test.rate, lower95: test.lower95, upper95: test.upper95 });
  }
  const side = consecutiveBeyondLimit(points);
  return side ? { side, cohorts } : null;
}
