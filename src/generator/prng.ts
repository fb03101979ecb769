/**
 * Deterministic pseudo-random numbers for the synthetic region: sfc32 (Chris Doty-Humphrey's
 * "small fast chaotic" generator, 128-bit state, passes PractRand), seeded through splitmix32
 * so that nearby seeds give unrelated streams. Not for anything secret.
 *
 * Every student gets its own stream, seeded from (seed, cohort, index): a student's records do
 * not depend on how many students come before it or on the order they are read in.
 */

/** splitmix32 finaliser: one 32-bit value to a well-mixed 32-bit value. */
function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A cumulative-weight table for `Random.weighted`. */
export interface WeightedTable<T> {
  readonly items: readonly T[];
  readonly cumulative: Float64Array;
  readonly total: number;
}

export function weightedTable<T>(entries: ReadonlyArray<readonly [T, number]>): WeightedTable<T> {
  const positive = entries.filter(([, weight]) => weight > 0);
  if (positive.length === 0) throw new RangeError('weightedTable: no entry has a positive weight');
  const cumulative = new Float64Array(positive.length);
  let total = 0;
  positive.forEach(([, weight], i) => {
    total += weight;
    cumulative[i] = total;
  });
  return { items: positive.map(([item]) => item), cumulative, total };
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds from any number of 32-bit integers (e.g. run seed, cohort, student index). */
  constructor(...seeds: number[]) {
    let h = 0x6a09e667;
    for (const seed of seeds) h = mix32(h ^ (seed | 0));
    this.a = mix32(h ^ 0x1);
    this.b = mix32(h ^ 0x2);
    this.c = mix32(h ^ 0x3);
    this.d = 1;
    // Discard the first outputs, as the algorithm's author recommends.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max], both inclusive. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Random.pick: empty list');
    return items[this.int(items.length)];
  }

  weighted<T>(table: WeightedTable<T>): T {
    const target = this.next() * table.total;
    const { cumulative } = table;
    // Tables are short (≤ 20 entries): a linear scan beats a binary search.
    for (let i = 0; i < cumulative.length; i++) if (target < cumulative[i]) return table.items[i];
    return table.items[table.items.length - 1];
  }
}
