import fc from 'fast-check';
import { pChart, pChartLimits } from './p-chart';

describe('p-chart', () => {
  describe('reference example (Example 16.6, stat-vectors.md)', () => {
    const defectives = [40, 44, 22, 34, 24, 32, 28, 32, 34, 30];
    const result = pChart(defectives.map((events) => ({ events, n: 200 })));

    it('has p̄ = 0.16 and limits 0.0822 – 0.2378', () => {
      expect(result.pBar).toBeCloseTo(0.16, 12);
      for (const point of result.points) {
        expect(point.ucl).toBeCloseTo(0.2378, 4);
        expect(point.lcl).toBeCloseTo(0.0822, 4);
      }
    });

    it('is in control', () => {
      expect(result.outOfControl).toEqual([]);
      expect(result.points.every((point) => !point.outOfControl)).toBe(true);
    });

    it('reports rates in input order', () => {
      expect(result.points.map((point) => point.rate)).toEqual(defectives.map((d) => d / 200));
    });
  });

  it('flags samples outside their limits, on either side', () => {
    const result = pChart([
      { events: 30, n: 200 },
      { events: 70, n: 200 },
      { events: 30, n: 200 },
      { events: 2, n: 200 },
      { events: 30, n: 200 },
    ]);
    expect(result.pBar).toBeCloseTo(162 / 1000, 12);
    expect(result.outOfControl).toEqual([1, 3]);
  });

  it('uses each sample’s own n for its limits', () => {
    const result = pChart([
      { events: 10, n: 50 },
      { events: 80, n: 400 },
    ]);
    expect(result.pBar).toBeCloseTo(0.2, 12);
    expect(result.points[0].ucl - result.points[0].lcl).toBeGreaterThan(result.points[1].ucl - result.points[1].lcl);
    expect(result.points[1].ucl).toBeCloseTo(0.2 + 3 * Math.sqrt(0.16 / 400), 12);
  });

  it('clamps the limits to [0, 1]', () => {
    expect(pChartLimits(0.02, 10)).toEqual({ lcl: 0, ucl: expect.closeTo(0.02 + 3 * Math.sqrt(0.0196 / 10), 12) });
    expect(pChartLimits(0.98, 10).ucl).toBe(1);
    expect(pChartLimits(0, 10)).toEqual({ lcl: 0, ucl: 0 });
  });

  it('does not flag a rate exactly on a limit', () => {
    // p̄ = 0 gives limits 0 – 0; every rate is 0, on the limit.
    expect(pChart([{ events: 0, n: 10 }, { events: 0, n: 20 }]).outOfControl).toEqual([]);
  });

  it.each([
    [[]],
    [[{ events: 5, n: 0 }]],
    [[{ events: 11, n: 10 }]],
    [[{ events: -1, n: 10 }]],
    [[{ events: 1.5, n: 10 }]],
    [[{ events: Number.NaN, n: 10 }]],
  ])('rejects invalid samples %j', (samples) => {
    expect(() => pChart(samples)).toThrow(RangeError);
  });

  it.each([
    [-0.1, 10, 3],
    [1.1, 10, 3],
    [0.5, 0, 3],
    [0.5, 10, 0],
    [0.5, 10, Number.POSITIVE_INFINITY],
  ])('rejects pChartLimits(%p, %p, %p)', (pBar, n, sigmas) => {
    expect(() => pChartLimits(pBar, n, sigmas)).toThrow(RangeError);
  });

  it('property: 0 ≤ LCL ≤ p̄ ≤ UCL ≤ 1, and flags match the limits', () => {
    const sample = fc
      .integer({ min: 1, max: 5_000 })
      .chain((n) => fc.record({ events: fc.integer({ min: 0, max: n }), n: fc.constant(n) }));
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 30 }), (samples) => {
        const result = pChart(samples);
        result.points.forEach((point, i) => {
          expect(0).toBeLessThanOrEqual(point.lcl);
          expect(point.lcl).toBeLessThanOrEqual(result.pBar);
          expect(result.pBar).toBeLessThanOrEqual(point.ucl);
          expect(point.ucl).toBeLessThanOrEqual(1);
          expect(point.outOfControl).toBe(point.rate < point.lcl || point.rate > point.ucl);
          expect(result.outOfControl.includes(i)).toBe(point.outOfControl);
        });
      }),
    );
  });
});
