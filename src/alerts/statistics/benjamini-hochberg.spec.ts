import fc from 'fast-check';
import { benjaminiHochberg } from './benjamini-hochberg';

/** Benjamini & Hochberg (1995), section 4: 15 p-values from a multi-end-point trial. */
const PAPER_P_VALUES = [
  0.0201, 0.759, 0.0344, 0.0278, 0.0095, 0.0298, 0.6719, 1.0, 0.0001, 0.4262, 0.0004, 0.6528, 0.324, 0.0459, 0.0019,
];
const PAPER_ADJUSTED_SORTED = [
  0.0015, 0.003, 0.0095, 0.0356, 0.0603, 0.0639, 0.0639, 0.0645, 0.0765, 0.486, 0.5812, 0.7753, 0.7753, 0.8132, 1,
];

/** Textbook step-up rule, written independently of the implementation. */
function stepUpRejections(pValues: number[], q: number): boolean[] {
  const m = pValues.length;
  const sorted = [...pValues].sort((x, y) => x - y);
  let k = 0;
  sorted.forEach((p, i) => {
    if (p <= ((i + 1) / m) * q) k = i + 1;
  });
  const cutoff = k === 0 ? Number.NEGATIVE_INFINITY : sorted[k - 1];
  return pValues.map((p) => p <= cutoff);
}

const probability = fc.double({ min: 0, max: 1, noNaN: true });
const pValueList = fc.array(probability, { minLength: 1, maxLength: 60 });
const level = fc.double({ min: 0.001, max: 1, noNaN: true });

describe('benjaminiHochberg', () => {
  describe('reference vector (Benjamini & Hochberg 1995)', () => {
    const result = benjaminiHochberg(PAPER_P_VALUES, 0.05);

    it('gives the published adjusted p-values', () => {
      const sorted = [...result.adjusted].sort((x, y) => x - y);
      sorted.forEach((value, i) => expect(value).toBeCloseTo(PAPER_ADJUSTED_SORTED[i], 4));
    });

    it('keeps the input order', () => {
      expect(result.adjusted[PAPER_P_VALUES.indexOf(0.0001)]).toBeCloseTo(0.0015, 4);
      expect(result.adjusted[PAPER_P_VALUES.indexOf(0.0019)]).toBeCloseTo(0.0095, 4);
      expect(result.adjusted[PAPER_P_VALUES.indexOf(0.0095)]).toBeCloseTo(0.0356, 4);
      expect(result.adjusted[PAPER_P_VALUES.indexOf(0.0201)]).toBeCloseTo(0.0603, 4);
      expect(result.adjusted[PAPER_P_VALUES.indexOf(1.0)]).toBe(1);
    });

    it('rejects the 4 smallest at q = 0.05', () => {
      const rejectedP = PAPER_P_VALUES.filter((_, i) => result.rejected[i]).sort((x, y) => x - y);
      expect(rejectedP).toEqual([0.0001, 0.0004, 0.0019, 0.0095]);
    });

    it('rejects more than Bonferroni, which rejects 3', () => {
      const bonferroni = PAPER_P_VALUES.filter((p) => p <= 0.05 / PAPER_P_VALUES.length);
      expect(bonferroni).toHaveLength(3);
      expect(result.rejected.filter(Boolean)).toHaveLength(4);
    });
  });

  describe('edge cases', () => {
    it('returns empty arrays for no p-values', () => {
      expect(benjaminiHochberg([], 0.05)).toEqual({ adjusted: [], rejected: [] });
    });

    it('leaves a single p-value unchanged', () => {
      expect(benjaminiHochberg([0.03], 0.05)).toEqual({ adjusted: [0.03], rejected: [true] });
    });

    it('gives tied p-values the same adjusted value', () => {
      const { adjusted } = benjaminiHochberg([0.01, 0.02, 0.01, 0.5], 0.05);
      expect(adjusted[0]).toBe(adjusted[2]);
      expect(adjusted[0]).toBeCloseTo(0.02, 12);
    });

    it('rejects a p-value exactly on the threshold (≤, as in the paper)', () => {
      expect(benjaminiHochberg([0.05], 0.05).rejected).toEqual([true]);
    });

    it.each([
      [[0.1, Number.NaN], 0.05],
      [[0.1, -0.01], 0.05],
      [[1.01], 0.05],
      [[0.1], 0],
      [[0.1], 1.5],
      [[0.1], Number.NaN],
    ])('rejects invalid input %j, q = %p', (pValues, q) => {
      expect(() => benjaminiHochberg(pValues, q)).toThrow(RangeError);
    });
  });

  describe('properties', () => {
    it('adjusted p is ≥ raw p and ≤ 1', () => {
      fc.assert(
        fc.property(pValueList, level, (pValues, q) => {
          const { adjusted } = benjaminiHochberg(pValues, q);
          adjusted.forEach((value, i) => {
            expect(value).toBeGreaterThanOrEqual(pValues[i]);
            expect(value).toBeLessThanOrEqual(1);
          });
        }),
      );
    });

    it('adjusted p is monotone in raw p', () => {
      fc.assert(
        fc.property(pValueList, level, (pValues, q) => {
          const { adjusted } = benjaminiHochberg(pValues, q);
          for (let i = 0; i < pValues.length; i++) {
            for (let j = 0; j < pValues.length; j++) {
              if (pValues[i] <= pValues[j]) expect(adjusted[i]).toBeLessThanOrEqual(adjusted[j]);
            }
          }
        }),
      );
    });

    it('rejected is exactly "adjusted ≤ q" and equals the textbook step-up rule', () => {
      fc.assert(
        fc.property(pValueList, level, (pValues, q) => {
          const { adjusted, rejected } = benjaminiHochberg(pValues, q);
          expect(rejected).toEqual(adjusted.map((value) => value <= q));
          expect(rejected).toEqual(stepUpRejections(pValues, q));
        }),
      );
    });

    it('rejects everything Bonferroni rejects', () => {
      fc.assert(
        fc.property(pValueList, level, (pValues, q) => {
          const { rejected } = benjaminiHochberg(pValues, q);
          pValues.forEach((p, i) => {
            if (p <= q / pValues.length) expect(rejected[i]).toBe(true);
          });
        }),
      );
    });

    it('does not depend on the order of the input', () => {
      fc.assert(
        fc.property(pValueList, level, fc.nat(), (pValues, q, seed) => {
          const shift = seed % pValues.length;
          const rotated = [...pValues.slice(shift), ...pValues.slice(0, shift)];
          const original = benjaminiHochberg(pValues, q);
          const result = benjaminiHochberg(rotated, q);
          rotated.forEach((_, i) => {
            const source = (i + shift) % pValues.length;
            expect(result.adjusted[i]).toBe(original.adjusted[source]);
            expect(result.rejected[i]).toBe(original.rejected[source]);
          });
        }),
      );
    });
  });
});
