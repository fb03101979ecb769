/**
 * Statistics for trendbreuk detection. Pure functions: no I/O, no framework.
 * Bump METHOD_VERSION whenever a change here can change which alerts are raised or the
 * numbers they report; every alert records the version it was computed with.
 */
export const METHOD_VERSION = 'trendbreuk-1.1';

export { benjaminiHochberg } from './benjamini-hochberg';
export type { BenjaminiHochbergResult } from './benjamini-hochberg';
export { binomialControlLimit, binomialFunnelLimits } from './binomial-limits';
export type { FunnelLimits } from './binomial-limits';
export { AANDACHT_RUN_LENGTH, consecutiveBeyondLimit } from './consecutive-beyond-limit';
export type { LimitSide, RateWithLimits } from './consecutive-beyond-limit';
export { fisherExactTwoSided } from './fisher-exact';
export type { TwoByTwoTable } from './fisher-exact';
export { P_CHART_SIGMAS, pChart, pChartLimits } from './p-chart';
export type { PChartLimits, PChartPoint, PChartResult, PChartSample } from './p-chart';
