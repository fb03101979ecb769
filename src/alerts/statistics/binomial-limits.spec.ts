import fc from 'fast-check';
import { binomialControlLimit, binomialFunnelLimits, FunnelLimits } from './binomial-limits';

/** Binomial cdf by direct summation in log space: independent of @stdlib. */
function directCdf(r: number, n: number, theta: number): number {
  if (r < 0) return 0;
  let logCoefficient = 0; // log C(n, 0)
  let sum = 0;
  for (let k = 0; k <= Math.min(r, n); k++) {
    if (k > 0) logCoefficient += Math.log((n - k + 1) / k);
    sum += Math.exp(logCoefficient + k * Math.log(theta) + (n - k) * Math.log1p(-theta));
  }
  return Math.min(1, sum);
}

/** Spiegelhalter's interpolated limit, by linear search over a directly summed cdf. */
function directLimit(n: number, theta: number, p: number): number {
  let r = 0;
  while (directCdf(r, n, theta) < p) r++;
  const alpha = (directCdf(r, n, theta) - p) / (directCdf(r, n, theta) - directCdf(r - 1, n, theta));
  return Math.min(1, Math.max(0, (r - alpha) / n));
}

const inside = (outer: FunnelLimits, inner: FunnelLimits): boolean =>
  outer.lower998 <= inner.lower998 &&
  outer.lower95 <= inner.lower95 &&
  inner.upper95 <= outer.upper95 &&
  inner.upper998 <= outer.upper998;

const target = fc.double({ min: 0.01, max: 0.99, noNaN: true });

describe('binomial funnel limits', () => {
  describe('reference table, θ0 = 0.20 (stat-vectors.md)', () => {
    const table: Array<[number, FunnelLimits]> = [
      [10, { lower998: 0.0, lower95: 0.0, upper95: 0.4295, upper998: 0.5975 }],
      [20, { lower998: 0.0, lower95: 0.0117, upper95: 0.3661, upper998: 0.4893 }],
      [50, { lower998: 0.0348, lower95: 0.0844, upper95: 0.3071, upper998: 0.3791 }],
      [100, { lower998: 0.081, lower95: 0.1197, upper95: 0.2765, upper998: 0.3268 }],
      [200, { lower998: 0.1148, lower95: 0.1434, upper95: 0.2543, upper998: 0.289 }],
    ];
    it.each(table)('n = %i', (n, expected) => {
      const limits = binomialFunnelLimits(n, 0.2);
      expect(limits.lower998).toBeCloseTo(expected.lower998, 4);
      expect(limits.lower95).toBeCloseTo(expected.lower95, 4);
      expect(limits.upper95).toBeCloseTo(expected.upper95, 4);
      expect(limits.upper998).toBeCloseTo(expected.upper998, 4);
    });
  });

  describe('edge cases', () => {
    it('clamps a negative interpolated lower limit to 0', () => {
      // n = 10: r_p = 0 and α ≈ 0.77 → −0.077 before clamping.
      expect(binomialControlLimit(10, 0.2, 0.025)).toBe(0);
    });

    it('has no width for a degenerate target', () => {
      expect(binomialFunnelLimits(25, 0)).toEqual({ lower998: 0, lower95: 0, upper95: 0, upper998: 0 });
      expect(binomialFunnelLimits(25, 1)).toEqual({ lower998: 1, lower95: 1, upper95: 1, upper998: 1 });
    });

    it('approaches the normal approximation for large n', () => {
      const n = 100_000;
      const sd = Math.sqrt((0.2 * 0.8) / n);
      const limits = binomialFunnelLimits(n, 0.2);
      // The interpolation sits about half an event below the continuous quantile.
      expect(limits.upper95).toBeCloseTo(0.2 + 1.959964 * sd, 4);
      expect(limits.lower95).toBeCloseTo(0.2 - 1.959964 * sd, 4);
      expect(limits.upper998).toBeCloseTo(0.2 + 3.090232 * sd, 4);
      expect(limits.lower998).toBeCloseTo(0.2 - 3.090232 * sd, 4);
    });

    it('documents the method: near θ0 = 1 with small n, a 100% cohort lies above U95', () => {
      // P(20 of 20 | θ0 = 0.95) ≈ 0.36, yet the interpolated U95 is below 1.
      const upper95 = binomialControlLimit(20, 0.95, 0.975);
      expect(upper95).toBeGreaterThan(0.99);
      expect(upper95).toBeLessThan(1);
    });

    it.each([
      [0, 0.2, 0.5],
      [-5, 0.2, 0.5],
      [10.5, 0.2, 0.5],
      [Number.NaN, 0.2, 0.5],
      [10, -0.1, 0.5],
      [10, 1.1, 0.5],
      [10, Number.NaN, 0.5],
      [10, 0.2, 0],
      [10, 0.2, 1],
      [10, 0.2, Number.NaN],
    ])('rejects n = %p, θ0 = %p, p = %p', (n, theta0, p) => {
      expect(() => binomialControlLimit(n, theta0, p)).toThrow(RangeError);
    });
  });

  describe('properties', () => {
    it('agrees with a directly summed binomial cdf', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 300 }),
          target,
          fc.constantFrom(0.001, 0.025, 0.5, 0.975, 0.999),
          (n, theta0, p) => {
            expect(binomialControlLimit(n, theta0, p)).toBeCloseTo(directLimit(n, theta0, p), 8);
          },
        ),
      );
    });

    it('limits lie in [0, 1] and the 99.8% limits enclose the 95% limits', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, theta0) => {
          const limits = binomialFunnelLimits(n, theta0);
          expect(0).toBeLessThanOrEqual(limits.lower998);
          expect(limits.lower998).toBeLessThanOrEqual(limits.lower95);
          expect(limits.lower95).toBeLessThanOrEqual(limits.upper95);
          expect(limits.upper95).toBeLessThanOrEqual(limits.upper998);
          expect(limits.upper998).toBeLessThanOrEqual(1);
        }),
      );
    });

    it('L99.8 ≤ L95 ≤ θ0 ≤ U95 ≤ U99.8 once nθ0(1 − θ0) ≥ 1', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 100_000 }), target, (n, theta0) => {
          fc.pre(n * theta0 * (1 - theta0) >= 1);
          const limits = binomialFunnelLimits(n, theta0);
          expect(limits.lower998).toBeLessThanOrEqual(limits.lower95);
          expect(limits.lower95).toBeLessThanOrEqual(theta0);
          expect(theta0).toBeLessThanOrEqual(limits.upper95);
          expect(limits.upper95).toBeLessThanOrEqual(limits.upper998);
        }),
      );
    });

    it('narrows as n doubles (n ≥ 10, nθ0(1 − θ0) ≥ 1)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 10, max: 20_000 }), target, (n, theta0) => {
          fc.pre(n * theta0 * (1 - theta0) >= 1);
          expect(inside(binomialFunnelLimits(n, theta0), binomialFunnelLimits(2 * n, theta0))).toBe(true);
        }),
      );
    });

    it('narrows along a funnel in steps of 10% (θ0 = 0.2)', () => {
      let previous = binomialFunnelLimits(20, 0.2);
      for (let n = 22; n <= 20_000; n = Math.ceil(n * 1.1)) {
        const current = binomialFunnelLimits(n, 0.2);
        expect(inside(previous, current)).toBe(true);
        previous = current;
      }
    });
  });
});
