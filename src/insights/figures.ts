/** Summed counts of a cell, straight from the summaries. */
export interface Counts {
  n: number;
  nDirect: number;
  nEnrolled: number;
  nSwitchInternal: number;
  nSwitchExternal: number;
  nUitval: number;
  nDiploma: number;
  nRendementKnown: number;
  nDiplomaInTime: number;
}

export const COUNT_COLUMNS: Array<[keyof Counts, string]> = [
  ['n', 'n'],
  ['nDirect', 'n_direct'],
  ['nEnrolled', 'n_enrolled'],
  ['nSwitchInternal', 'n_switch_internal'],
  ['nSwitchExternal', 'n_switch_external'],
  ['nUitval', 'n_uitval'],
  ['nDiploma', 'n_diploma'],
  ['nRendementKnown', 'n_rendement_known'],
  ['nDiplomaInTime', 'n_diploma_in_time'],
];

/** `sum(n)::int AS "n", …` for a GROUP BY over outcome_summaries. */
export const SUM_COUNTS_SQL = COUNT_COLUMNS.map(([key, column]) => `sum(${column})::int AS "${key}"`).join(', ');

export const emptyCounts = (): Counts => ({ n: 0, nDirect: 0, nEnrolled: 0, nSwitchInternal: 0, nSwitchExternal: 0, nUitval: 0, nDiploma: 0, nRendementKnown: 0, nDiplomaInTime: 0 });

export const addCounts = (a: Counts, b: Counts): Counts => {
  const sum = emptyCounts();
  for (const [key] of COUNT_COLUMNS) sum[key] = a[key] + b[key];
  return sum;
};

/** The published figures of a cell: n and rates (0–1), or nulls where suppressed. */
export interface Figures {
  n: number | null;
  suppressed: boolean;
  direct: number | null;
  uitval: number | null;
  switchInternal: number | null;
  switchExternal: number | null;
  enrolledYear2: number | null;
  diplomaYear1: number | null;
  /** Diploma within nominal duration + 1 year; null until that term has passed for the cell. */
  rendement: number | null;
}

export const METRICS = ['direct', 'uitval', 'switchInternal', 'switchExternal', 'enrolledYear2', 'diplomaYear1', 'rendement'] as const;
export type Metric = (typeof METRICS)[number];

const rate = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** The numerator of each metric, given the definition set's choice about switchers. */
export function metricEvents(counts: Counts, metric: Metric, switchersCountAsUitval: boolean): { events: number; n: number } {
  switch (metric) {
    case 'direct':
      return { events: counts.nDirect, n: counts.n };
    case 'uitval':
      return { events: counts.nUitval + (switchersCountAsUitval ? counts.nSwitchInternal + counts.nSwitchExternal : 0), n: counts.n };
    case 'switchInternal':
      return { events: counts.nSwitchInternal, n: counts.n };
    case 'switchExternal':
      return { events: counts.nSwitchExternal, n: counts.n };
    case 'enrolledYear2':
      return { events: counts.nEnrolled, n: counts.n };
    case 'diplomaYear1':
      return { events: counts.nDiploma, n: counts.n };
    case 'rendement':
      return { events: counts.nDiplomaInTime, n: counts.nRendementKnown };
  }
}

export function toFigures(counts: Counts, suppressed: boolean, switchersCountAsUitval: boolean, k: number): Figures {
  if (suppressed) {
    return { n: null, suppressed: true, direct: null, uitval: null, switchInternal: null, switchExternal: null, enrolledYear2: null, diplomaYear1: null, rendement: null };
  }
  const figure = (metric: Metric): number | null => {
    const { events, n } = metricEvents(counts, metric, switchersCountAsUitval);
    return rate(events, n);
  };
  return {
    n: counts.n,
    suppressed: false,
    direct: figure('direct'),
    uitval: figure('uitval'),
    switchInternal: figure('switchInternal'),
    switchExternal: figure('switchExternal'),
    enrolledYear2: figure('enrolledYear2'),
    diplomaYear1: figure('diplomaYear1'),
    // Rendement has its own denominator; below k it would expose a small group.
    rendement: counts.nRendementKnown >= k ? figure('rendement') : null,
  };
}
