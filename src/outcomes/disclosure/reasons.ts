import { EXIT_REASONS, ExitReason } from 'src/records/codes';
import { perturbedCount } from 'src/outcomes/disclosure/cell-key';

/**
 * Reasons for leaving (issue 14), published per supplier × receiver cell (REASON_CELLS in
 * cells.ts): the cell's leavers by the reason from the exit interview. They are a split of the
 * cell's leavers, whose count is published exactly beside them (switch internal + left), so the
 * protection works inside the cell with that sum known (docs/disclosure-control.md, "Reasons for
 * leaving"):
 * 1. the reasons of a cell are shown only where the plan publishes the cell, and only when it has
 *    at least k leavers (else all of them are withheld, zeros too: a reason of fewer than k
 *    leavers narrows a personal circumstance down to a handful of pupils);
 * 2. primary: every reason with 0 < count < k is withheld;
 * 3. complementary: while the withheld reasons could be narrowed down from the leavers minus the
 *    shown ones (fewer than two, or a range narrower than k, or a primary pinned by an attacker who
 *    knows which withheld reasons are primary), the smallest shown non-zero reason is withheld too;
 *    when none is left, every reason is withheld;
 * 4. an institution reads every count with cell-key noise (at most ±3, kept within 0 … leavers,
 *    drawn from the cell's key and the reason) and the threshold applies to the noisy counts: with a
 *    record of its own an institution can move a pupil into or out of another institution's cell
 *    (a first enrolment in the sector), and the difference of two exact readings would give that
 *    pupil's reason; whether a reason is withheld would too, were it decided on exact counts.
 * The coordinator adds no records and reads the counts exactly.
 */

export const REASON_PROTECTIONS = ['published', 'perturbed', 'suppressed'] as const;
export type ReasonProtection = (typeof REASON_PROTECTIONS)[number];

export interface ShownReason {
  reason: ExitReason;
  n: number | null;
  protection: ReasonProtection;
}

export interface ShownReasons {
  /** The cell's leavers (switch internal, switch external, uitval); null where the cell is withheld. */
  leavers: number | null;
  protection: ReasonProtection;
  reasons: ShownReason[];
}

/** Whether the withheld reasons of a cell (values in W, of which `primary` are primary) can be narrowed down from their known sum. */
function exposed(withheld: number[], primary: boolean[], k: number): boolean {
  if (withheld.length === 0) return false;
  if (withheld.length === 1) return true;
  const pool = withheld.reduce((sum, value) => sum + value, 0);
  // Each withheld reason is at least 1 (zeros are shown): a member's range is [1, pool − (|W| − 1)].
  if (pool - withheld.length < k) return true;
  // The informed attacker: primaries lie in [1, k − 1], complementary ones are at least k.
  for (let i = 0; i < withheld.length; i++) {
    if (!primary[i]) continue;
    let upperOthers = 0;
    let lowerOthers = 0;
    for (let j = 0; j < withheld.length; j++) {
      if (j === i) continue;
      upperOthers += primary[j] ? k - 1 : Number.POSITIVE_INFINITY;
      lowerOthers += primary[j] ? 1 : k;
    }
    const low = Math.max(1, pool - upperOthers);
    const high = Math.min(k - 1, pool - lowerOthers);
    if (high - low < 1) return true;
  }
  return false;
}

/**
 * The reasons of one supplier × receiver cell as a reader sees them. `counts`: the cell's leavers
 * per reason (missing = 0); `key`: the cell's key (sum of its reason rows' record keys);
 * `published`: whether the plan publishes the cell; `perturb`: whether the reader is an institution.
 */
export function protectReasons(counts: ReadonlyMap<string, number>, key: number, k: number, published: boolean, perturb: boolean): ShownReasons {
  const withheldAll = (leavers: number | null): ShownReasons => ({ leavers, protection: 'suppressed', reasons: EXIT_REASONS.map((reason) => ({ reason, n: null, protection: 'suppressed' })) });
  if (!published) return withheldAll(null);
  const leavers = EXIT_REASONS.reduce((sum, reason) => sum + (counts.get(reason) ?? 0), 0);
  if (leavers < k) return withheldAll(leavers);
  const values = EXIT_REASONS.map((reason) => (perturb ? perturbedCount(counts.get(reason) ?? 0, leavers, key, `reason:${reason}`) : (counts.get(reason) ?? 0)));
  const withheld = new Set(values.flatMap((value, index) => (value > 0 && value < k ? [index] : [])));
  const primary = new Set(withheld);
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value || a.index - b.index);
  while (exposed([...withheld].sort((a, b) => a - b).map((index) => values[index]), [...withheld].sort((a, b) => a - b).map((index) => primary.has(index)), k)) {
    const next = order.find(({ value, index }) => value > 0 && !withheld.has(index));
    if (!next) return withheldAll(leavers);
    withheld.add(next.index);
  }
  const shown: ReasonProtection = perturb ? 'perturbed' : 'published';
  return {
    leavers,
    protection: shown,
    reasons: EXIT_REASONS.map((reason, index) => (withheld.has(index) ? { reason, n: null, protection: 'suppressed' } : { reason, n: values[index], protection: shown })),
  };
}
