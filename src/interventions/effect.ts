import { fisherExactTwoSided } from 'src/alerts/statistics';
import type { InterventionDirection, InterventionMetric } from 'src/interventions/model';
import { Difference, differenceOfDifferences, EFFECT_METHOD_VERSION, newcombeDifference } from 'src/interventions/statistics';
import { Counts, metricEvents } from 'src/outcomes/figures';

/*
 * An intervention's effect, from figures its reader can already read: pure computation, no SQL
 * and no access decisions (docs/interventions.md).
 */

/** When the data cannot tell yet. */
export const EFFECT_THRESHOLDS = {
  /** Cohorts before the first one reached, pooled (the latest of them, within its definition segment). */
  maxBeforeCohorts: 3,
  minBeforeCohorts: 2,
  minBeforeN: 30,
  minAfterN: 20,
} as const;

export type EffectStatus = 'no-after-cohorts' | 'too-few-cohorts' | 'too-few-students' | 'estimated';
export type EffectVerdict = 'intended-direction' | 'opposite-direction' | 'no-clear-change';

/** One supplier × receiver cell in one cohort as the reader reads it: published (exact or perturbed) or withheld. */
export interface ReadableCell {
  cohort: number;
  pair: string;
  definitionSetId: string;
  /** null: the disclosure layer withholds the cell in this cohort for this reader. */
  counts: Counts | null;
}

export interface Pooled {
  n: number;
  events: number;
  rate: number | null;
}

export interface SeriesPoint {
  cohort: number;
  period: 'before' | 'after' | 'outside';
  definitionSetId: string;
  targeted: Pooled & { cellsWithheld: number };
  comparison: Pooled & { cellsWithheld: number };
}

export interface GroupEffect {
  status: EffectStatus;
  before: Pooled;
  after: Pooled;
  difference: Difference | null;
  p: number | null;
}

export interface EffectResult {
  methodVersion: string;
  status: EffectStatus;
  verdict: EffectVerdict | null;
  definitionSetId: string | null;
  beforeCohorts: number[];
  afterCohorts: number[];
  targeted: GroupEffect;
  comparison: GroupEffect & { cells: number };
  differenceInDifferences: Difference | null;
  /** Cell-cohorts of the targeted cells that the disclosure layer withholds from this reader, left out. */
  withheldLeftOut: number;
  series: SeriesPoint[];
  statement: string;
}

export interface EffectInput {
  cells: ReadableCell[];
  targeted: Set<string>;
  comparison: Set<string>;
  firstCohort: number;
  metric: InterventionMetric;
  direction: InterventionDirection;
  switchersCountAsUitval: (definitionSetId: string) => boolean;
}

const eventsOf = (counts: Counts, metric: InterventionMetric, switchers: boolean): number => {
  switch (metric) {
    case 'uitval':
      return metricEvents(counts, 'uitval', switchers).events;
    case 'switch':
      return counts.nSwitchInternal + counts.nSwitchExternal;
    case 'enrolledYear2':
      return counts.nEnrolled;
    case 'diplomaYear1':
      return counts.nDiploma;
  }
};

const pooled = (n: number, events: number): Pooled => ({ n, events, rate: n > 0 ? Math.round((events / n) * 10_000) / 10_000 : null });
const sum = (points: Pooled[]): Pooled => pooled(points.reduce((total, point) => total + point.n, 0), points.reduce((total, point) => total + point.events, 0));

/** After vs before for one group of cells: the difference with Newcombe's interval and Fisher's p, when the data can tell. */
function groupEffect(before: Pooled[], after: Pooled[]): GroupEffect {
  const b = sum(before);
  const a = sum(after);
  const beforeCohorts = before.filter((point) => point.n > 0).length;
  const status: EffectStatus =
    after.every((point) => point.n === 0) ? 'no-after-cohorts'
    : beforeCohorts < EFFECT_THRESHOLDS.minBeforeCohorts ? 'too-few-cohorts'
    : b.n < EFFECT_THRESHOLDS.minBeforeN || a.n < EFFECT_THRESHOLDS.minAfterN ? 'too-few-students'
    : 'estimated';
  if (status !== 'estimated') return { status, before: b, after: a, difference: null, p: null };
  return {
    status,
    before: b,
    after: a,
    difference: newcombeDifference({ events: a.events, n: a.n }, { events: b.events, n: b.n }),
    p: fisherExactTwoSided([[a.events, a.n - a.events], [b.events, b.n - b.events]]),
  };
}

export function computeEffect(input: EffectInput): EffectResult {
  const cohorts = [...new Set(input.cells.map((cell) => cell.cohort))].sort((x, y) => x - y);
  const definitionOf = new Map<number, string>();
  for (const cell of input.cells) if (!definitionOf.has(cell.cohort)) definitionOf.set(cell.cohort, cell.definitionSetId);
  const point = (cohort: number, pairs: Set<string>): Pooled & { cellsWithheld: number } => {
    let n = 0;
    let events = 0;
    let cellsWithheld = 0;
    for (const cell of input.cells) {
      if (cell.cohort !== cohort || !pairs.has(cell.pair)) continue;
      if (!cell.counts) {
        cellsWithheld++;
        continue;
      }
      n += cell.counts.n;
      events += eventsOf(cell.counts, input.metric, input.switchersCountAsUitval(cell.definitionSetId));
    }
    return { ...pooled(n, events), cellsWithheld };
  };

  // The definition segment: that of the first cohort reached; the cohorts before it pooled only within it.
  const firstAfter = cohorts.find((cohort) => cohort >= input.firstCohort);
  const segment = firstAfter !== undefined ? definitionOf.get(firstAfter)! : null;
  const inSegment = (cohort: number): boolean => segment !== null && definitionOf.get(cohort) === segment;
  const afterCohorts = cohorts.filter((cohort) => cohort >= input.firstCohort && inSegment(cohort));
  // A cohort whose targeted cells are all withheld still takes its place (and is said to be left out).
  const hasData = (cohort: number): boolean => {
    const entry = point(cohort, input.targeted);
    return entry.n > 0 || entry.cellsWithheld > 0;
  };
  const beforeCohorts = cohorts.filter((cohort) => cohort < input.firstCohort && inSegment(cohort) && hasData(cohort)).slice(-EFFECT_THRESHOLDS.maxBeforeCohorts);

  const series: SeriesPoint[] = cohorts.map((cohort) => ({
    cohort,
    period: afterCohorts.includes(cohort) ? 'after' : beforeCohorts.includes(cohort) ? 'before' : 'outside',
    definitionSetId: definitionOf.get(cohort)!,
    targeted: point(cohort, input.targeted),
    comparison: point(cohort, input.comparison),
  }));
  const pick = (period: 'before' | 'after', group: 'targeted' | 'comparison'): Pooled[] => series.filter((entry) => entry.period === period).map((entry) => entry[group]);
  const targeted = groupEffect(pick('before', 'targeted'), pick('after', 'targeted'));
  const comparison = { ...groupEffect(pick('before', 'comparison'), pick('after', 'comparison')), cells: input.comparison.size };
  const differenceInDifferences = targeted.difference && comparison.difference ? differenceOfDifferences(targeted.difference, comparison.difference) : null;
  const verdict = targeted.difference ? verdictOf(targeted.difference, input.direction) : null;
  const withheldLeftOut = series.filter((entry) => entry.period !== 'outside').reduce((total, entry) => total + entry.targeted.cellsWithheld, 0);
  return {
    methodVersion: EFFECT_METHOD_VERSION,
    status: targeted.status,
    verdict,
    definitionSetId: segment,
    beforeCohorts,
    afterCohorts,
    targeted,
    comparison,
    differenceInDifferences,
    withheldLeftOut,
    series,
    statement: statementOf(targeted, verdict, differenceInDifferences, input),
  };
}

/** Whether the interval lies wholly on the intended side of zero, wholly on the other, or includes it. */
export function verdictOf(difference: Difference, direction: InterventionDirection): EffectVerdict {
  const intendedSign = direction === 'decrease' ? -1 : 1;
  if (difference.lower > 0 || difference.upper < 0) return Math.sign(difference.estimate) === intendedSign ? 'intended-direction' : 'opposite-direction';
  return 'no-clear-change';
}

const pp = (value: number): string => `${(value * 100).toFixed(1)} percentage points`;

/** What the figures say, in plain words; never that the intervention caused the change. */
function statementOf(targeted: GroupEffect, verdict: EffectVerdict | null, did: Difference | null, input: EffectInput): string {
  const caveat = 'This is a change observed alongside the intervention, not proof that the intervention caused it.';
  switch (targeted.status) {
    case 'no-after-cohorts':
      return `The data cannot tell yet: no figures of cohort ${input.firstCohort} or later, the first the intervention reaches.`;
    case 'too-few-cohorts':
      return `The data cannot tell yet: fewer than ${EFFECT_THRESHOLDS.minBeforeCohorts} earlier cohorts with figures in the same definition segment to compare with.`;
    case 'too-few-students':
      return `The data cannot tell yet: too few students (at least ${EFFECT_THRESHOLDS.minBeforeN} before and ${EFFECT_THRESHOLDS.minAfterN} after are needed).`;
    case 'estimated': {
      const d = targeted.difference!;
      const change = `${input.metric} changed by ${pp(d.estimate)} (95% interval ${pp(d.lower)} to ${pp(d.upper)})`;
      const reading =
        verdict === 'intended-direction' ? 'moved in the intended direction'
        : verdict === 'opposite-direction' ? 'moved against the intended direction'
        : 'shows no clear change: the interval includes no change';
      const comparison = did ? ` Against comparable cells the intervention did not reach, the difference-in-differences is ${pp(did.estimate)} (95% interval ${pp(did.lower)} to ${pp(did.upper)}).` : ' There is too little data in comparable cells for a comparison.';
      return `In the targeted cells ${change}: it ${reading}.${comparison} ${caveat}`;
    }
  }
}
