/** One cohort of a cell: its rate and the 95% limits around the baseline. */
export interface RateWithLimits {
  rate: number;
  lower95: number;
  upper95: number;
}

export type LimitSide = 'above' | 'below';

/** Number of consecutive cohorts beyond the 95% limit that make an "aandacht" signal. */
export const AANDACHT_RUN_LENGTH = 3;

/**
 * The "aandacht" rule: the last `runLength` cohorts (oldest first in `series`) are all beyond
 * the 95% limit on the same side. Returns that side, or null when there is no such run (also
 * when the series is shorter than the run). "Beyond" is strict: a rate on the limit is inside.
 * A run that switches side is no signal: it shows variation, not a shift.
 */
export function consecutiveBeyondLimit(
  series: readonly RateWithLimits[],
  runLength: number = AANDACHT_RUN_LENGTH,
): LimitSide | null {
  if (!Number.isSafeInteger(runLength) || runLength < 1) {
    throw new RangeError('consecutiveBeyondLimit: runLength must be a positive integer');
  }
  series.forEach(({ rate, lower95, upper95 }, index) => {
    if (![rate, lower95, upper95].every(Number.isFinite) || lower95 > upper95) {
      throw new RangeError(
        `consecutiveBeyondLimit: point ${index} must have finite rate and limits with lower95 ≤ upper95`,
      );
    }
  });
  if (series.length < runLength) return null;
  const run = series.slice(series.length - runLength);
  if (run.every((point) => point.rate > point.upper95)) return 'above';
  if (run.every((point) => point.rate < point.lower95)) return 'below';
  return null;
}
