/**
 * The difference of two independent proportions with a 95% interval, and the difference of two
 * such differences (difference-in-differences). Pure functions: no I/O, no framework.
 */

/** The normal quantile of a two-sided 95% interval, as in Newcombe (1998). */
export const Z95 = 1.959964;

export interface Proportion {
  events: number;
  n: number;
}

export interface Interval {
  lower: number;
  upper: number;
}

export interface Difference extends Interval {
  /** p1 − p2. */
  estimate: number;
}

/** Wilson's score interval of one proportion, without continuity correction. */
export function wilsonInterval({ events, n }: Proportion, z = Z95): Interval {
  if (!Number.isInteger(events) || !Number.isInteger(n) || n <= 0 || events < 0 || events > n) {
    throw new RangeError('wilsonInterval: need 0 ≤ events ≤ n and n > 0, whole numbers');
  }
  const p = events / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denominator = 1 + z2 / n;
  return { lower: Math.max(0, (centre - spread) / denominator), upper: Math.min(1, (centre + spread) / denominator) };
}

/**
 * p1 − p2 with Newcombe's hybrid score interval (Newcombe 1998, method 10): the Wilson limits
 * (l1, u1) and (l2, u2) of each proportion combined as
 *   lower = d − √((p1 − l1)² + (u2 − p2)²),  upper = d + √((u1 − p1)² + (p2 − l2)²).
 * 56/70 vs 48/80 → 0.2000, 0.0524 to 0.3339.
 */
export function newcombeDifference(first: Proportion, second: Proportion, z = Z95): Difference {
  const p1 = first.events / first.n;
  const p2 = second.events / second.n;
  const w1 = wilsonInterval(first, z);
  const w2 = wilsonInterval(second, z);
  const estimate = p1 - p2;
  return {
    estimate,
    lower: estimate - Math.sqrt((p1 - w1.lower) ** 2 + (w2.upper - p2) ** 2),
    upper: estimate + Math.sqrt((w1.upper - p1) ** 2 + (p2 - w2.lower) ** 2),
  };
}

/**
 * The difference of two independent differences, D = d_t − d_c, with its interval by the same
 * construction one level up (MOVER, the "method of variance estimates recovery" of Zou & Donner
 * 2008, of which Newcombe's method 10 is the case of two proportions): each difference's own
 * interval stands in for its variance on either side,
 *   lower = D − √((d_t − l_t)² + (u_c − d_c)²),  upper = D + √((u_t − d_t)² + (d_c − l_c)²).
 * The two differences must come from disjoint students (targeted and comparison cells).
 */
export function differenceOfDifferences(targeted: Difference, comparison: Difference): Difference {
  const estimate = targeted.estimate - comparison.estimate;
  return {
    estimate,
    lower: estimate - Math.sqrt((targeted.estimate - targeted.lower) ** 2 + (comparison.upper - comparison.estimate) ** 2),
    upper: estimate + Math.sqrt((targeted.upper - targeted.estimate) ** 2 + (comparison.estimate - comparison.lower) ** 2),
  };
}
