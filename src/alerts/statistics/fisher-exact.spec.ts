import fc from 'fast-check';
import { fisherExactTwoSided, TwoByTwoTable } from './fisher-exact';

/** n choose k as an exact integer. */
function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  const kk = BigInt(Math.min(k, n - k));
  let result = 1n;
  for (let i = 1n; i <= kk; i++) result = (result * (BigInt(n) - kk + i)) / i;
  return result;
}

/**
 * Independent oracle for small tables: exact integer hypergeometric weights, the same
 * 1 + 1e-7 tolerance applied in exact arithmetic.
 */
function exactFisher(table: TwoByTwoTable): number {
  const [[a, b], [c, d]] = table;
  const total = a + b + c + d;
  const row = a + b;
  const column = a + c;
  const weight = (x: number): bigint => choose(row, x) * choose(total - row, column - x);
  const observed = weight(a);
  let sum = 0n;
  let all = 0n;
  for (let x = Math.max(0, row + column - total); x <= Math.min(row, column); x++) {
    const w = weight(x);
    all += w;
    if (w * 10_000_000n <= observed * 10_000_001n) sum += w;
  }
  return Number(sum) / Number(all);
}

const relativeDifference = (x: number, y: number): number => Math.abs(x - y) / Math.max(Math.abs(y), 1e-300);

const smallTable = fc
  .tuple(fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(50))
  .map(([a, b, c, d]): TwoByTwoTable => [[a, b], [c, d]]);
const largeTable = fc
  .tuple(fc.nat(25_000), fc.nat(25_000), fc.nat(25_000), fc.nat(25_000))
  .map(([a, b, c, d]): TwoByTwoTable => [[a, b], [c, d]]);

describe('fisherExactTwoSided', () => {
  describe('reference vectors (stat-vectors.md)', () => {
    it("Fisher's tea-tasting table [[3, 1], [1, 3]]", () => {
      expect(fisherExactTwoSided([[3, 1], [1, 3]])).toBeCloseTo(0.4857142857, 9);
    });

    it('the dieting example [[1, 9], [11, 3]]', () => {
      expect(fisherExactTwoSided([[1, 9], [11, 3]])).toBeCloseTo(0.0027594562, 9);
    });
  });

  describe('larger tables (computed: mpmath 40 digits and scipy.stats.fisher_exact agree)', () => {
    const cases: Array<[TwoByTwoTable, number]> = [
      [[[10, 20], [30, 40]], 0.504475769851628],
      [[[7, 3], [2, 8]], 0.0697785186949274],
      [[[0, 10], [10, 0]], 1.0825088224469e-5],
      [[[120, 380], [60, 440]], 9.96846912565666e-7],
      [[[15, 85], [480, 1520]], 0.0398900429846323],
      [[[300, 700], [2400, 6600]], 0.0267085095203722],
      [[[1000, 49000], [1100, 48900]], 0.0289830086033522],
      [[[5000, 45000], [5300, 44700]], 0.00186541271621934],
    ];
    it.each(cases)('%j', (table, expected) => {
      // log-gamma cancellation at n = 100,000 costs a few digits; 1e-8 relative is ample.
      expect(relativeDifference(fisherExactTwoSided(table), expected)).toBeLessThan(1e-8);
    });
  });

  describe('edge cases', () => {
    it('an all-zero table has p = 1', () => {
      expect(fisherExactTwoSided([[0, 0], [0, 0]])).toBe(1);
    });

    it('a table with an empty row or column has p = 1 (only one table has those margins)', () => {
      expect(fisherExactTwoSided([[0, 0], [3, 4]])).toBe(1);
      expect(fisherExactTwoSided([[0, 5], [0, 4]])).toBe(1);
    });

    it('counts the mirror-image table despite rounding (tolerance)', () => {
      // [[3,1],[1,3]] and [[1,3],[3,1]] are equally likely; both extremes too.
      expect(fisherExactTwoSided([[1, 3], [3, 1]])).toBeCloseTo(0.4857142857, 9);
      expect(fisherExactTwoSided([[0, 4], [4, 0]])).toBeCloseTo(2 / 70, 12);
    });

    it('stays finite and positive where single probabilities underflow a double', () => {
      const p = fisherExactTwoSided([[0, 50_000], [50_000, 0]]);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(p)).toBe(true);
      expect(fisherExactTwoSided([[50_000, 50_000], [50_000, 50_000]])).toBe(1);
    });

    it('handles n = 100,000 quickly', () => {
      const started = Date.now();
      fisherExactTwoSided([[25_000, 25_000], [24_000, 26_000]]);
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  describe('input validation', () => {
    const invalid: unknown[] = [
      [[-1, 2], [3, 4]],
      [[1.5, 2], [3, 4]],
      [[Number.NaN, 2], [3, 4]],
      [[Number.POSITIVE_INFINITY, 2], [3, 4]],
      [[1, 2], [3, '4']],
      [[1, 2, 3], [3, 4]],
      [[1, 2]],
      [[Number.MAX_SAFE_INTEGER, 2], [3, 4]],
      null,
    ];
    it.each(invalid)('rejects %j with a RangeError', (table) => {
      expect(() => fisherExactTwoSided(table as TwoByTwoTable)).toThrow(RangeError);
    });
  });

  describe('properties', () => {
    it('agrees with an exact integer computation on small tables', () => {
      fc.assert(
        fc.property(smallTable, (table) => {
          expect(relativeDifference(fisherExactTwoSided(table), exactFisher(table))).toBeLessThan(1e-9);
        }),
        { numRuns: 300 },
      );
    });

    it('is a probability', () => {
      fc.assert(
        fc.property(fc.oneof(smallTable, largeTable), (table) => {
          const p = fisherExactTwoSided(table);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }),
        { numRuns: 200 },
      );
    });

    it('is invariant under transposing, swapping rows and swapping columns', () => {
      fc.assert(
        fc.property(fc.oneof(smallTable, largeTable), (table) => {
          const [[a, b], [c, d]] = table;
          const p = fisherExactTwoSided(table);
          const variants: TwoByTwoTable[] = [
            [[a, c], [b, d]],
            [[c, d], [a, b]],
            [[b, a], [d, c]],
            [[d, c], [b, a]],
          ];
          for (const variant of variants) {
            expect(relativeDifference(fisherExactTwoSided(variant), p)).toBeLessThan(1e-9);
          }
        }),
        { numRuns: 100 },
      );
    });

    it('is 1 for a balanced table [[k, k], [k, k]]', () => {
      fc.assert(
        fc.property(fc.nat(30_000), (k) => {
          expect(fisherExactTwoSided([[k, k], [k, k]])).toBe(1);
        }),
      );
    });

    it('is 1 when the observed table is the most likely one (rows in equal proportion)', () => {
      fc.assert(
        fc.property(fc.nat(500), fc.nat(500), fc.integer({ min: 1, max: 20 }), (x, y, multiple) => {
          expect(fisherExactTwoSided([[x, y], [multiple * x, multiple * y]])).toBe(1);
        }),
      );
    });
  });
});
