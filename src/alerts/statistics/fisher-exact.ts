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
const LOG_TOLERANCE = Math.log1p(RELATIVE_TOLERANCE);

/**
 * Fisher's exact test, two-sided: the sum of the hypergeometric probabilities of all tables
 * with the observed margins whose probability is ≤ that of the observed table (×(1 + 1e-7)).
 *
 * Works in log space and sums relative to the most likely table, so it stays accurate for
 * totals of 100,000 and more, where the individual probabilities underflow a double.
 */
export function fisherExactTwoSided(table: TwoByTwoTable): number {
  const [a, b, c, d] = validateTable(table);
  const total = a + b + c + d;
  const firstRow = a + b;
  const firstColumn = a + c;
  // The table is fixed by its top-left cell once the margins are fixed.
  const lowest = Math.max(0, firstRow + firstColumn - total);
  const highest = Math.min(firstRow, firstColumn);

  const logPmf = new Float64Array(highest - lowest + 1);
  let maxLogPmf = Number.NEGATIVE_INFINITY;
  for (let x = lowest; x <= highest; x++) {
    const value = hypergeometricLogPmf(x, total, firstColumn, firstRow);
    logPmf[x - lowest] = value;
    if (value > maxLogPmf) maxLogPmf = value;
  }
  if (!Number.isFinite(maxLogPmf)) {
    // Cannot happen for valid input; fail loudly rather than report a meaningless p.
    throw new RangeError('fisherExactTwoSided: hypergeometric log-pmf is not finite');
  }

  const threshold = logPmf[a - lowest] + LOG_TOLERANCE;
  // Normalise by the computed total instead of assuming the pmf sums to exactly 1, so that
  // rounding in the log-pmf cancels out and p never exceeds 1 by more than an ulp.
  let all = 0;
  let asOrLessLikely = 0;
  for (const value of logPmf) {
    const relative = Math.exp(value - maxLogPmf);
    all += relative;
    if (value <= threshold) asOrLessLikely += relative;
  }
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
