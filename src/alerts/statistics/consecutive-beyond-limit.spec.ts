import fc from 'fast-check';
import { consecutiveBeyondLimit, RateWithLimits } from './consecutive-beyond-limit';

const point = (rate: number, lower95 = 0.1, upper95 = 0.3): RateWithLimits => ({ rate, lower95, upper95 });

describe('consecutiveBeyondLimit ("aandacht" rule)', () => {
  it('signals three consecutive cohorts above the upper limit', () => {
    expect(consecutiveBeyondLimit([point(0.2), point(0.31), point(0.4), point(0.35)])).toBe('above');
  });

  it('signals three consecutive cohorts below the lower limit', () => {
    expect(consecutiveBeyondLimit([point(0.05), point(0.0), point(0.09)])).toBe('below');
  });

  it('does not signal when the run switches side', () => {
    expect(consecutiveBeyondLimit([point(0.4), point(0.05), point(0.4)])).toBeNull();
  });

  it('only looks at the last three cohorts', () => {
    expect(consecutiveBeyondLimit([point(0.4), point(0.4), point(0.4), point(0.2)])).toBeNull();
    expect(consecutiveBeyondLimit([point(0.2), point(0.4), point(0.4)])).toBeNull();
  });

  it('treats a rate exactly on the limit as inside', () => {
    expect(consecutiveBeyondLimit([point(0.3), point(0.4), point(0.4)])).toBeNull();
    expect(consecutiveBeyondLimit([point(0.1), point(0.05), point(0.05)])).toBeNull();
  });

  it('uses each cohort’s own limits', () => {
    expect(
      consecutiveBeyondLimit([point(0.25, 0.1, 0.2), point(0.25, 0.15, 0.22), point(0.25, 0.18, 0.24)]),
    ).toBe('above');
  });

  it('needs at least three cohorts', () => {
    expect(consecutiveBeyondLimit([])).toBeNull();
    expect(consecutiveBeyondLimit([point(0.4), point(0.4)])).toBeNull();
  });

  it('accepts another run length', () => {
    expect(consecutiveBeyondLimit([point(0.2), point(0.4), point(0.4)], 2)).toBe('above');
    expect(() => consecutiveBeyondLimit([point(0.4)], 0)).toThrow(RangeError);
  });

  it.each([
    [[point(Number.NaN)]],
    [[point(0.2, Number.NaN)]],
    [[point(0.2, 0.1, Number.POSITIVE_INFINITY)]],
    [[point(0.2, 0.3, 0.1)]],
  ])('rejects invalid points %j', (series) => {
    expect(() => consecutiveBeyondLimit(series)).toThrow(RangeError);
  });

  it('property: a signal means the last three are strictly beyond on the signalled side', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const arbitraryPoint = fc
      .tuple(unit, unit, unit)
      .map(([rate, x, y]) => point(rate, Math.min(x, y), Math.max(x, y)));
    fc.assert(
      fc.property(fc.array(arbitraryPoint, { maxLength: 8 }), (series) => {
        const side = consecutiveBeyondLimit(series);
        const last = series.slice(-3);
        const allAbove = series.length >= 3 && last.every((p) => p.rate > p.upper95);
        const allBelow = series.length >= 3 && last.every((p) => p.rate < p.lower95);
        expect(side).toBe(allAbove ? 'above' : allBelow ? 'below' : null);
      }),
    );
  });
});
