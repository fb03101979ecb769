import { fisherExactTwoSided } from 'src/alerts/statistics';
import { differenceOfDifferences, newcombeDifference, wilsonInterval } from 'src/interventions/statistics';

const round4 = (value: number): number => Math.round(value * 10_000) / 10_000;

describe('the risk difference with Newcombe\'s hybrid score interval', () => {
  it('reproduces the published example (stat-vectors: 56/70 vs 48/80 → 0.2000, 0.0524 to 0.3339)', () => {
    const difference = newcombeDifference({ events: 56, n: 70 }, { events: 48, n: 80 });
    expect(round4(difference.estimate)).toBe(0.2);
    expect(round4(difference.lower)).toBe(0.0524);
    expect(round4(difference.upper)).toBe(0.3339);
  });

  it('uses Wilson limits without continuity correction (56/70 → 0.6918 to 0.8770, by hand)', () => {
    // p = 0.8, z² = 3.841459; centre = 0.8 + z²/140 = 0.827439; spread = z·√(0.16/70 + z²/19600) = 0.097640;
    // denominator = 1 + z²/70 = 1.054878 → 0.729799 / 1.054878 = 0.6918 and 0.925079 / 1.054878 = 0.8770.
    const interval = wilsonInterval({ events: 56, n: 70 });
    expect(round4(interval.lower)).toBe(0.6918);
    expect(round4(interval.upper)).toBe(0.877);
  });

  it('stays within [−1, 1] at the edges (0/20 vs 20/20)', () => {
    const difference = newcombeDifference({ events: 0, n: 20 }, { events: 20, n: 20 });
    expect(difference.estimate).toBe(-1);
    expect(difference.lower).toBeGreaterThanOrEqual(-1);
    expect(difference.upper).toBeLessThan(-0.7);
  });

  it('refuses impossible counts', () => {
    expect(() => newcombeDifference({ events: 5, n: 0 }, { events: 1, n: 10 })).toThrow(RangeError);
    expect(() => newcombeDifference({ events: 11, n: 10 }, { events: 1, n: 10 })).toThrow(RangeError);
  });
});

describe('the difference-in-differences (MOVER on two Newcombe intervals)', () => {
  it('combines the two intervals by hand', () => {
    // targeted: 56/70 vs 48/80 → d = 0.2000, (0.0524, 0.3339); comparison: 30/100 vs 30/100 → d = 0, its own limits.
    const targeted = newcombeDifference({ events: 56, n: 70 }, { events: 48, n: 80 });
    const comparison = newcombeDifference({ events: 30, n: 100 }, { events: 30, n: 100 });
    // Wilson 30/100: 0.2189 to 0.3958; so the comparison's limits are ±√(0.0811² + 0.0958²) = ±0.1255.
    expect(round4(comparison.lower)).toBe(-0.1255);
    expect(round4(comparison.upper)).toBe(0.1255);
    const did = differenceOfDifferences(targeted, comparison);
    expect(round4(did.estimate)).toBe(0.2);
    // lower = 0.2 − √(0.1476² + 0.1255²) = 0.2 − 0.1937 = 0.0063; upper = 0.2 + √(0.1339² + 0.1255²) = 0.2 + 0.1835 = 0.3835.
    expect(round4(did.lower)).toBeCloseTo(0.0063, 3);
    expect(round4(did.upper)).toBeCloseTo(0.3835, 3);
  });

  it('is the targeted difference when the comparison did not move and is certain', () => {
    const targeted = { estimate: -0.1, lower: -0.2, upper: 0.05 };
    const did = differenceOfDifferences(targeted, { estimate: 0, lower: 0, upper: 0 });
    expect(did.estimate).toBeCloseTo(-0.1, 12);
    expect(did.lower).toBeCloseTo(-0.2, 12);
    expect(did.upper).toBeCloseTo(0.05, 12);
  });
});

describe('Fisher\'s exact test as the effect uses it (after vs before)', () => {
  it('gives the textbook values', () => {
    expect(fisherExactTwoSided([[3, 1], [1, 3]])).toBeCloseTo(0.4857142857, 9);
    expect(fisherExactTwoSided([[1, 9], [11, 3]])).toBeCloseTo(0.0027594562, 9);
  });

  it('gives p for the stat-vectors example table [[56, 14], [48, 32]] below 0.05 (interval excludes 0)', () => {
    const p = fisherExactTwoSided([[56, 14], [48, 32]]);
    expect(p).toBeLessThan(0.05);
    expect(p).toBeGreaterThan(0.005);
  });
});
