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

/**
 * The counts of a row read with SUM_COUNTS_SQL (the driver may hand them over as strings). Written
 * out as one literal, as `addCounts` is: the views call both for every row of every request, and a
 * literal gives every Counts one shape, where keyed stores in a loop cost several times as much.
 */
export const countsFromRow = (row: Partial<Record<keyof Counts, unknown>>): Counts => ({
  n: Number(row.n ?? 0),
  nDirect: Number(row.nDirect ?? 0),
  nEnrolled: Number(row.nEnrolled ?? 0),
  nSwitchInternal: Number(row.nSwitchInternal ?? 0),
  nSwitchExternal: Number(row.nSwitchExternal ?? 0),
  nUitval: Number(row.nUitval ?? 0),
  nDiploma: Number(row.nDiploma ?? 0),
  nRendementKnown: Number(row.nRendementKnown ?? 0),
  nDiplomaInTime: Number(row.nDiplomaInTime ?? 0),
});

export const addCounts = (a: Counts, b: Counts): Counts => ({
  n: a.n + b.n,
  nDirect: a.nDirect + b.nDirect,
  nEnrolled: a.nEnrolled + b.nEnrolled,
  nSwitchInternal: a.nSwitchInternal + b.nSwitchInternal,
  nSwitchExternal: a.nSwitchExternal + b.nSwitchExternal,
  nUitval: a.nUitval + b.nUitval,
  nDiploma: a.nDiploma + b.nDiploma,
  nRendementKnown: a.nRendementKnown + b.nRendementKnown,
  nDiplomaInTime: a.nDiplomaInTime + b.nDiplomaInTime,
});

/**
 * How a cell's figures were protected (docs/disclosure-control.md):
 * - published: exact;
 * - suppressed: withheld (0 < n < k, or to protect another cell): every figure is null;
 * - perturbed: n and the other rates exact; switch (external) and uitval carry cell-key noise
 *   because the reader (an institution) could add records of its own and read the change;
 * - split-withheld: as perturbed, but where noise could not be kept consistent with the other
 *   outputs, switch (external) and uitval are withheld and only their sum (`left`) is given.
 */
export const PROTECTIONS = ['published', 'suppressed', 'perturbed', 'split-withheld'] as const;
export type Protection = (typeof PROTECTIONS)[number];

/** The published figures of a cell: n and rates (0–1), or nulls where suppressed. */
export interface Figures {
  n: number | null;
  suppressed: boolean;
  protection: Protection;
  direct: number | null;
  uitval: number | null;
  switchInternal: number | null;
  switchExternal: number | null;
  enrolledYear2: number | null;
  diplomaYear1: number | null;
  /** Diploma within nominal duration + 1 year; null until that term has passed for the cell. */
  rendement: number | null;
  /** Left without a diploma for another institution or for nothing: switch (external) + uitval. */
  left: number | null;
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

export function toFigures(counts: Counts, protection: Protection, switchersCountAsUitval: boolean, k: number): Figures {
  if (protection === 'suppressed') {
    return { n: null, suppressed: true, protection, direct: null, uitval: null, switchInternal: null, switchExternal: null, enrolledYear2: null, diplomaYear1: null, rendement: null, left: null };
  }
  const figure = (metric: Metric): number | null => {
    const { events, n } = metricEvents(counts, metric, switchersCountAsUitval);
    return rate(events, n);
  };
  // With switchers counted as uitval, uitval holds the whole of `left` and gives nothing of the split away.
  const splitWithheld = protection === 'split-withheld';
  return {
    n: counts.n,
    suppressed: false,
    protection,
    direct: figure('direct'),
    uitval: splitWithheld && !switchersCountAsUitval ? null : figure('uitval'),
    switchInternal: figure('switchInternal'),
    switchExternal: splitWithheld ? null : figure('switchExternal'),
    enrolledYear2: figure('enrolledYear2'),
    diplomaYear1: figure('diplomaYear1'),
    // Rendement has its own denominator; below k it would expose a small group.
    rendement: counts.nRendementKnown >= k ? figure('rendement') : null,
    left: rate(counts.nSwitchExternal + counts.nUitval, counts.n),
  };
}
