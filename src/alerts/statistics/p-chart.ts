/** One subgroup of a p-chart: `events` (e.g. dropouts) out of `n`. */
export interface PChartSample {
  events: number;
  n: number;
}

export interface PChartLimits {
  /** Lower control limit, p̄ − k·σ, clamped to [0, 1]. */
  lcl: number;
  /** Upper control limit, p̄ + k·σ, clamped to [0, 1]. */
  ucl: number;
}

export interface PChartPoint extends PChartLimits {
  rate: number;
  n: number;
  outOfControl: boolean;
}

export interface PChartResult {
  /** Centre line: pooled proportion Σevents / Σn. */
  pBar: number;
  /** Per sample, in input order; limits depend on each sample's own n. */
  points: PChartPoint[];
  /** Indices of the samples outside their limits. */
  outOfControl: number[];
}

/** Shewhart's three-sigma limits. */
export const P_CHART_SIGMAS = 3;

/**
 * Shewhart limits for a proportion: p̄ ± k·√(p̄(1 − p̄)/n), clamped to [0, 1] because a
 * proportion cannot leave that range (the normal approximation can).
 */
export function pChartLimits(pBar: number, n: number, sigmas: number = P_CHART_SIGMAS): PChartLimits {
  if (typeof pBar !== 'number' || !(pBar >= 0 && pBar <= 1)) {
    throw new RangeError('pChartLimits: pBar must be in [0, 1]');
  }
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw new RangeError('pChartLimits: n must be a positive integer');
  }
  if (typeof sigmas !== 'number' || !(sigmas > 0 && Number.isFinite(sigmas))) {
    throw new RangeError('pChartLimits: sigmas must be a positive number');
  }
  const halfWidth = sigmas * Math.sqrt((pBar * (1 - pBar)) / n);
  return { lcl: Math.max(0, pBar - halfWidth), ucl: Math.min(1, pBar + halfWidth) };
}

/**
 * A p-chart over the given samples. A sample is out of control when its rate lies strictly
 * outside its limits; a rate exactly on a limit is in control (the textbook convention).
 */
export function pChart(samples: readonly PChartSample[], sigmas: number = P_CHART_SIGMAS): PChartResult {
  if (samples.length === 0) {
    throw new RangeError('pChart: at least one sample is required');
  }
  let totalEvents = 0;
  let totalN = 0;
  samples.forEach((sample, index) => {
    const { events, n } = sample;
    if (!Number.isSafeInteger(n) || n < 1 || !Number.isSafeInteger(events) || events < 0 || events > n) {
      throw new RangeError(`pChart: sample ${index} must have integers 0 ≤ events ≤ n and n ≥ 1`);
    }
    totalEvents += events;
    totalN += n;
  });
  const pBar = totalEvents / totalN;
  const points = samples.map(({ events, n }): PChartPoint => {
    const rate = events / n;
    const { lcl, ucl } = pChartLimits(pBar, n, sigmas);
    return { rate, n, lcl, ucl, outOfControl: rate < lcl || rate > ucl };
  });
  const outOfControl = points.flatMap((point, index) => (point.outOfControl ? [index] : []));
  return { pBar, points, outOfControl };
}
