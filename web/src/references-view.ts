// Reference series beside the region and the school: published national or sector figures, each
// named with its source, licence and definitions, marked when synthetic, and marked "indicatief"
// when its definitions differ from the region's. They are public figures, not region records, so
// they are shown as published; the region's and the school's figures keep their own protection.

import { dataTable, LineSeries, rateText } from './charts';
import { h } from './dom';
import { t } from './i18n';
import type { Metric } from './metrics';
import type { ReferenceComparison } from './types';

const REFERENCE_COLOURS = ['#4d4d4d', '#7b3294', '#008837', '#a6611a'];

/** The series of the chosen metric (web and API name the metrics alike; `switch` is both switches together). */
export const referencesFor = (references: ReferenceComparison[] | undefined, metric: Metric): ReferenceComparison[] =>
  (references ?? []).filter((reference) => reference.metric === metric);

/** Dotted grey lines for the trend chart, one per series. */
export function referenceLines(references: ReferenceComparison[]): LineSeries[] {
  return references.map((reference, index) => ({
    name: reference.label,
    colour: REFERENCE_COLOURS[index % REFERENCE_COLOURS.length]!,
    dashed: true,
    symbol: 'triangle',
    points: reference.points.map((point) => ({ cohort: point.cohort, value: point.rate, suppressed: false })),
  }));
}

/** The reference's rate of a cohort for a table cell, or a dash where the source publishes none. */
export function referenceCell(reference: ReferenceComparison, cohort: number): HTMLElement {
  const point = reference.points.find((candidate) => candidate.cohort === cohort);
  return point ? rateText(point.rate, false, 0) : h('span', { class: 'no-value' }, t('value.none'));
}

/** One series: its label, source link, licence, definitions and whether the comparison is indicative. */
function referenceNote(reference: ReferenceComparison): HTMLElement {
  return h(
    'li',
    { class: 'reference', 'data-reference-id': reference.id, 'data-comparable': String(reference.comparable), 'data-synthetic': String(reference.synthetic) },
    h('strong', { class: 'reference-label' }, reference.label),
    reference.synthetic ? h('span', { class: 'badge badge-synthetic' }, ` ${t('references.synthetic')}`) : null,
    ' — ',
    h('a', { href: reference.sourceUrl, rel: 'noopener noreferrer', target: '_blank', class: 'reference-source' }, t('references.source')),
    `, ${t('references.licence')}: ${reference.licence}`,
    h('p', { class: 'reference-definitions' }, `${t('references.definitions')}: ${reference.definitions}`),
    reference.comparable
      ? h('p', { class: 'reference-comparable' }, t('references.comparable'))
      : h('div', { class: 'reference-indicative' }, h('p', {}, t('references.indicative')), h('ul', {}, ...reference.differences.map((difference) => h('li', {}, difference)))),
  );
}

/**
 * The reference figures of a view next to the region and the school, per cohort: `columns` are
 * the view's own figures (already protected), the references follow.
 */
export function referencesBlock(references: ReferenceComparison[], cohorts: number[], columns: Array<{ name: string; cell: (cohort: number) => HTMLElement }>, caption: string): HTMLElement | null {
  if (references.length === 0) return null;
  const table = dataTable(
    caption,
    [t('table.cohort'), ...columns.map((column) => column.name), ...references.map((reference) => reference.label)],
    cohorts.map((cohort) => [String(cohort), ...columns.map((column) => column.cell(cohort)), ...references.map((reference) => referenceCell(reference, cohort))]),
  );
  return h(
    'div',
    { class: 'chart-block references', 'data-chart': 'references' },
    table,
    h('p', { class: 'hint' }, t('references.public')),
    h('ul', { class: 'reference-list' }, ...references.map(referenceNote)),
  );
}
