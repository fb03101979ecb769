import * as statistics from './index';

describe('statistics index', () => {
  it('exports a method version for alerts to record', () => {
    expect(statistics.METHOD_VERSION).toMatch(/^trendbreuk-\d+\.\d+$/);
  });

  it('re-exports the functions', () => {
    for (const name of [
      'fisherExactTwoSided',
      'benjaminiHochberg',
      'binomialControlLimit',
      'binomialFunnelLimits',
      'pChart',
      'pChartLimits',
      'consecutiveBeyondLimit',
    ] as const) {
      expect(typeof statistics[name]).toBe('function');
    }
  });
});
