// The outcome rates a user can choose, and how each is read from a cell of the API.

import type { Figures } from './types';
import type { MessageKey } from './i18n';

export const METRICS = ['uitval', 'switch', 'enrolledYear2', 'diplomaYear1', 'direct'] as const;
export type Metric = (typeof METRICS)[number];

export const isMetric = (value: string | null | undefined): value is Metric => (METRICS as readonly string[]).includes(value ?? '');

export const metricKey = (metric: Metric): MessageKey => `metric.${metric}`;

/**
 * The rate of a metric in a cell (0–1), or null when suppressed or not defined. Switch is the sum
 * of internal and external switch (same denominator n), rounded like the API rounds its rates.
 */
export function metricValue(figures: Figures, metric: Metric): number | null {
  if (figures.suppressed) return null;
  switch (metric) {
    case 'switch':
      return figures.switchInternal === null || figures.switchExternal === null ? null : Math.round((figures.switchInternal + figures.switchExternal) * 10_000) / 10_000;
    case 'uitval':
    case 'enrolledYear2':
    case 'diplomaYear1':
    case 'direct':
      return figures[metric];
  }
}
