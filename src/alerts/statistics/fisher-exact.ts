import hypergeometricLogPmf from '@stdlib/stats-base-dists-hypergeometric-logpmf';

/** A 2×2 contingency table `[[a, b], [c, d]]` of non-negative integer counts. */
export type TwoByTwoTable = readonly [readonly [number, number], readonly [number, number]];

/**
 * Relative tolerance when deciding whether a table is "as or less likely" than the observed
 * one. Tables that are mathematically equally likely (e.g. mirror images) can differ in the
 * last bits of floating point; without a tolerance they would be dropped at random. Same
 * value as R's `fisher.test`.
 */
const RELATIVE_TOLERANCE = 1e-7;

/** A tail term this small relative to the observed table's probability cannot change p. */
const NEGLIGIBLE = 1e-17;

/**
 * Fisher's exact test, two-sided: the sum of the hypergeometric probabilities of all tables
 * with the observed margins whose probability is ≤ that of the observed table (×(1 + 1e-7)).
 *
 * The tables are indexed by their top-left cell x. Their probabilities rise to the mode and fall
 * after it, so the sum walks out from the mode on both sides, relative to the mode's probability
 * (stays accurate for totals of 100,000 and more, where single probabilities underflow a double).
 * Neighbours follow from the ratio P(x + 1) / P(x), so only two log-pmf evaluations are needed, and
 * each walk stops once the terms left, all smaller than the current one, add less than 1e-17 of
 * the observed table's probability: the cost grows with the spread of the distribution, not
 * with the size of the table.
 */
export function fisherExactTwoSided(table: TwoByTwoTable): number {
  const [a, b, c, d] = validateTable(table);
  const total = a + b + c + d;
  const firstRow = a + b;
  const firstColumn = a + c;
  const otherCells = total - firstRow - firstColumn; // d - a
  const lowest = Math.max(0, firstRow + firstColumn - total);
  const highest = Math.min(firstRow, firstColumn);
  if (lowest === highest) return 1;
  const mode = Math.min(highest, Math.max(lowest, Math.floor(((firstRow + 1) * (firstColumn + 1)) / (total + 2))));
  const logMode = hypergeometricLogPmf(mode, total, firstColumn, firstRow);
  const observed = Math.exp(hypergeometricLogPmf(a, total, firstColumn, firstRow) - logMode);
  if (!Number.isFinite(logMode) || !Number.isFinite(observed)) {
    // Cannot happen for valid input; fail loudly rather than report a meaningless p.
    throw new RangeError('fisherExactTwoSided: hypergeometric log-pmf is not finite');
  }
  // Less likely than the mode by more than a double can hold: p is 0 to double precision.
  if (observed === 0) return 0;

  const threshold = observed * (1 + RELATIVE_TOLERANCE);
  const negligible = observed * NEGLIGIBLE;
  let all = 1;
  let asOrLessLikely = 1 <= threshold ? 1 : 0;
  let relative = 1;
  for (let x = mode; x < highest; x++) {
    relative *= ((firstColumn - x) * (firstRow - x)) / ((x + 1) * (otherCells + x + 1));
    all += relative;
    if (relative <= threshold) {
      asOrLessLikely += relative;
      if (relative * (highest - x - 1) <= negligible) break;
    }
  }
  relative = 1;
  for (let x = mode; x > lowest; x--) {
    relative *= (x * (otherCells + x)) / ((firstColumn - x + 1) * (firstRow - x + 1));
    all += relative;
    if (relative <= threshold) {
      asOrLessLikely += relative;
      if (relative * (x - 1 - lowest) <= negligible) break;
    }
  }
  // Normalise by the computed total instead of assuming the pmf sums to exactly 1, so that
  // rounding cancels out and p never exceeds 1.
  return Math.min(1, asOrLessLikely / all);
}

function validateTable(table: TwoByTwoTable): [number, number, number, number] {
  if (
    !Array.isArray(table) ||
    table.length !== 2 ||
    !table.every((row) => Array.isArray(row) && row.length === 2)
  ) {
    throw new RangeError('fisherExactTwoSided: expected a 2×2 table [[a, b], [c, d]]');
  }
  const cells: [number, number, number, number] = [table[0][0], table[0][1], table[1][0], table[1][1]];
  for (const cell of cells) {
    if (typeof cell !== 'number' || !Number.isSafeInteger(cell) || cell < 0) {
      throw new RangeError('fisherExactTwoSided: every cell must be a non-negative integer');
    }
  }
  if (!Number.isSafeInteger(cells[0] + cells[1] + cells[2] + cells[3])) {
    throw new RangeError('fisherExactTwoSided: table total is too large');
  }
  return cells;
}
