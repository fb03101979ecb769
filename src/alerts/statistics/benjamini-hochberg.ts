export interface BenjaminiHochbergResult {
  /** Step-up BH adjusted p-values ("q-values"), in input order, capped at 1. */
  adjusted: number[];
  /** Whether each hypothesis is rejected at FDR level q, in input order. */
  rejected: boolean[];
}

/**
 * Benjamini–Hochberg (1995) false discovery rate control.
 *
 * adjusted p of the i-th smallest p-value = min over j ≥ i of (m / j) · p_(j), capped at 1.
 * A hypothesis is rejected when its adjusted p ≤ q, which is the step-up rule "reject the k
 * smallest, k = max{ i : p_(i) ≤ (i / m) · q }". Deciding on the adjusted value (rather than
 * re-deriving the rule) keeps `rejected` consistent with the adjusted p that an alert reports.
 */
export function benjaminiHochberg(pValues: readonly number[], q: number): BenjaminiHochbergResult {
  if (typeof q !== 'number' || !(q > 0 && q <= 1)) {
    throw new RangeError('benjaminiHochberg: q must be in (0, 1]');
  }
  pValues.forEach((p, index) => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`benjaminiHochberg: p-value at index ${index} must be in [0, 1]`);
    }
  });

  const m = pValues.length;
  // Indices by ascending p; ties keep input order (Array.prototype.sort is stable).
  const order = pValues.map((_, index) => index).sort((i, j) => pValues[i] - pValues[j]);
  const adjusted = new Array<number>(m);
  let runningMin = 1;
  for (let rank = m; rank >= 1; rank--) {
    const index = order[rank - 1];
    // p · (m / rank) rather than (m · p) / rank: m / rank ≥ 1 survives rounding, so the
    // adjusted value can never come out below the raw p.
    runningMin = Math.min(runningMin, pValues[index] * (m / rank));
    adjusted[index] = runningMin;
  }
  return { adjusted, rejected: adjusted.map((value) => value <= q) };
}
