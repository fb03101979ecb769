/**
 * A row as published: where masked, every field except the kept (label) fields is null, so a
 * rate or count added to the row later is suppressed too (fail closed).
 */
export type MaskedRow<T, K extends keyof T = never> = { [P in keyof T]: P extends K ? T[P] : T[P] | null } & { suppressed: boolean };

/**
 * Applies a suppression mask to rows of figures `{ n, ...counts, ...rates }`: rows where
 * `mask[index]` is true get `n` and all other fields but `keep` replaced by null and
 * `suppressed: true`; the other rows are returned as they are, with `suppressed: false`.
 */
export function maskRows<T extends { n: number | null }, K extends Exclude<keyof T, 'n' | 'suppressed'> = never>(
  rows: readonly T[],
  mask: readonly boolean[],
  keep: readonly K[] = [],
): Array<MaskedRow<T, K>> {
  if (mask.length !== rows.length) throw new RangeError(`mask must have ${rows.length} entries, got ${mask.length}`);
  const kept = new Set<keyof T>(keep);
  return rows.map((row, index) => {
    // A published row keeps every value: MaskedRow only widens its fields to allow null.
    if (!mask[index]) return { ...row, suppressed: false } as MaskedRow<T, K>;
    const masked: Record<string, unknown> = {};
    for (const key of Object.keys(row)) masked[key] = kept.has(key as keyof T) ? row[key as keyof T] : null;
    return { ...(masked as MaskedRow<T, K>), suppressed: true };
  });
}
