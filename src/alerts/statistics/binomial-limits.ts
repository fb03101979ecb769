import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';

/** Exact binomial control limits for a proportion, as used in a funnel plot. */
export interface FunnelLimits {
  /** Lower 99.8% limit (p = 0.001). */
  lower998: number;
  /** Lower 95% limit (p = 0.025). */
  lower95: number;
  /** Upper 95% limit (p = 0.975). */
  upper95: number;
  /** Upper 99.8% limit (p = 0.999). */
  upper998: number;
}

/**
 * The p-quantile of the number of events in n trials at target proportion θ0, divided by n,
 * with the interpolation of Spiegelhalter (2005), "Funnel plots for comparing institutional
 * performance", Stat Med 24:1185–1202:
 *   r_p = smallest r with F(r) ≥ p,  α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)),
 *   limit = (r_p − α) / n, clamped to [0, 1].
 * The interpolation turns the step function of the discrete quantile into a smooth curve
 * in n, so the funnel does not zig-zag.
 *
 * Known behaviour of the method (kept, because the limits must match the published ones):
 * - the interpolated limit lies up to one event below the discrete quantile r_p / n, so a
 *   cohort with exactly r_p events is "beyond" the upper limit although P(X ≥ r_p) > 1 − p.
 *   This matters only for small expected counts; e.g. θ0 = 0.95, n = 20 gives U95 ≈ 0.9965,
 *   so a cohort at 100% (probability 0.36) lies above U95;
 * - when nθ0 or n(1 − θ0) is tiny (well below 1) the 95% limits need not enclose θ0;
 * - from n to n + 1 the limits may widen slightly (discreteness, < 0.01 for n ≥ 10); from n
 *   to 2n they narrow once nθ0(1 − θ0) ≥ 1.
 */
export function binomialControlLimit(n: number, theta0: number, p: number): number {
  validate(n, theta0);
  if (typeof p !== 'number' || !(p > 0 && p < 1)) {
    throw new RangeError('binomialControlLimit: p must be in (0, 1)');
  }
  // A degenerate target has no variation: every cohort has rate θ0. The interpolation would
  // put the limits at 1 − (1 − p)/n for θ0 = 1 (and flag a rate of exactly 1 as "above"), so
  // answer exactly; θ0 = 0 already yields 0 through the clamp and is handled the same way.
  if (theta0 === 0 || theta0 === 1) return theta0;
  const cdf = (r: number): number => (r < 0 ? 0 : binomialCdf(r, n, theta0));

  // Binary search for r_p: F is non-decreasing in r and F(n) = 1 ≥ p.
  let low = 0;
  let high = n;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (cdf(middle) >= p) high = middle;
    else low = middle + 1;
  }
  const rP = low;
  const atRp = cdf(rP);
  const belowRp = cdf(rP - 1);
  // F(r_p) > p ≥ F(r_p − 1) by the definition of r_p, except when F(r_p) = p exactly
  // (α = 0); the denominator is then still positive because F(r_p − 1) < p.
  const alpha = (atRp - p) / (atRp - belowRp);
  return clamp01((rP - alpha) / n);
}

/** The 95% and 99.8% exact binomial limits for a cell of size n around target θ0. */
export function binomialFunnelLimits(n: number, theta0: number): FunnelLimits {
  return {
    lower998: binomialControlLimit(n, theta0, 0.001),
    lower95: binomialControlLimit(n, theta0, 0.025),
    upper95: binomialControlLimit(n, theta0, 0.975),
    upper998: binomialControlLimit(n, theta0, 0.999),
  };
}

function validate(n: number, theta0: number): void {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw new RangeError('binomial limits: n must be a positive integer');
  }
  if (typeof theta0 !== 'number' || !(theta0 >= 0 && theta0 <= 1)) {
    throw new RangeError('binomial limits: theta0 must be in [0, 1]');
  }
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
