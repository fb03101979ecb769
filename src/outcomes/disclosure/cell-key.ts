import { createHash } from 'node:crypto';

/**
 * Cell-key perturbation (the method of ABS TableBuilder and Eurostat's census guidance): every
 * record carries a pseudo-random key, a cell's key is the sum of its records' keys, and the noise
 * added to a count is a fixed function of the cell's key. The same records always give the same
 * figure, however often or through whichever output it is asked for; add or remove one record and
 * the noise is drawn anew, so the difference of two readings no longer says what that record did.
 *
 * Used where a reader could add records of its own and read the change: an institution's reading
 * of the split between switch (external) and uitval, the continuation of its own leavers and the
 * next steps of its own routes, all worked out from other institutions' records
 * (docs/disclosure-control.md).
 */

/** Keys live modulo 2^32; sums of them too. */
export const KEY_MODULUS = 4_294_967_296;

/** Largest noise either way. With D = 3 a single difference reading is right 4 times in 7. */
export const NOISE_BOUND = 3;

/**
 * SQL for the key of one record: the first 32 bits of md5(secret ':' id). md5 rather than
 * PostgreSQL's hashtext because its value never changes between server versions. `secret` is the
 * SQL expression holding the region's secret (see disclosure_secrets).
 */
export const recordKeySql = (secret: string, id: string): string => `('x' || substr(md5(${secret} || ':' || ${id}::text), 1, 8))::bit(32)::bigint`;

/** SQL that sums record-key sums of summary rows into a cell key (modulo 2^32, exact in a JS number). */
export const cellKeySumSql = (column: string): string => `(sum(${column}) % ${KEY_MODULUS})::bigint`;

export const addKeys = (a: number, b: number): number => (a + b) % KEY_MODULUS;

/** How many digests are kept; past it the memo starts again empty. A few MB at most. */
export const DIGEST_MEMO_SIZE = 50_000;
const digestWords = new Map<string, number>();

/**
 * The first 32 bits of sha256(`measure:key`). Every view request asks for the same cells again,
 * and a digest cost more than the rest of a cell's figures, so the words are kept.
 */
function digestWord(measure: string, key: number): number {
  const label = `${measure}:${key}`;
  let word = digestWords.get(label);
  if (word === undefined) {
    if (digestWords.size >= DIGEST_MEMO_SIZE) digestWords.clear();
    word = createHash('sha256').update(label).digest().readUInt32BE(0);
    digestWords.set(label, word);
  }
  return word;
}

/** The noise of a cell for one measure: uniform on −bound…bound (D by default), fixed by the cell's key. */
export function cellNoise(key: number, measure: string, bound: number = NOISE_BOUND): number {
  return (digestWord(measure, key) % (2 * bound + 1)) - bound;
}

/** A count with the cell's noise added, kept within what the cell can hold (0…max). */
export function perturbedCount(count: number, max: number, key: number, measure: string): number {
  return Math.min(max, Math.max(0, count + cellNoise(key, measure)));
}
