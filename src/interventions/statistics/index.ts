/**
 * Statistics for an intervention's effect. Fisher's exact test is the trendbreuk detection's own
 * (src/alerts/statistics). Bump EFFECT_METHOD_VERSION whenever a change here can change a
 * reported effect; every effect says the version it was computed with.
 */
export const EFFECT_METHOD_VERSION = 'effect-1.0';

export { differenceOfDifferences, newcombeDifference, wilsonInterval, Z95 } from './risk-difference';
export type { Difference, Interval, Proportion } from './risk-difference';
