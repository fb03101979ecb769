/**
 * Small-cell suppression of published aggregates. Pure functions: no I/O, no framework.
 * Every count with 0 < n < k is suppressed, and complementary cells until no suppressed value
 * can be pinned down from the totals, rows or columns published next to it.
 */
export { DEFAULT_K, MIN_K, suppressList, suppressTable } from './suppress';
export type { ListOptions, ListSuppression, TableOptions, TableSuppression } from './suppress';
export { maskRows } from './mask-rows';
export type { MaskedRow } from './mask-rows';
