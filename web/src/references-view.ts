// Reference series beside the region and the school: published national or sector figures, each
// named with its source, licence and definitions, marked when synthetic, and marked "indicatief"
// when its definitions differ from the region's. They are public figures, not region records, so
// they are shown as published; the region's and the school's figures keep their own protection.

import { dataTable, LineSeries, rateText } from './charts';
import { h } from './dom';
import { formatDayMonth, t } from './i18n';
import type { Metric } from './metrics';
import type { ReferenceComparison, ReferenceDifference } from './types';

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

/**
 * A difference in the page's language, from its code and values; the API's Dutch sentence where
 * the code is one this page does not know (or its values are not as expected).
 */
export function differenceText(difference: ReferenceDifference): string {
  const { reference, region } = difference;
  const set = difference.definitionSet ? `${difference.definitionSet.name} (${t('definition.version', { version: difference.definitionSet.version })})` : '';
  const bothBoolean = typeof reference === 'boolean' && typeof region === 'boolean' && set !== '';
  const bothDates = typeof reference === 'string' && typeof region === 'string' && /^\d\d-\d\d$/.test(reference) && /^\d\d-\d\d$/.test(region) && set !== '';
  switch (difference.code) {
    case 'instroom':
      return reference === 'direct' || reference === 'indirect' ? t('references.difference.instroom', { instroom: t(`references.difference.instroom.${reference}`) }) : difference.text;
    case 'national-scope':
    case 'switchers-unstated':
    case 'first-year-unstated':
    case 'reference-date-unstated':
      return t(`references.difference.${difference.code}`);
    case 'switchers':
      return bothBoolean ? t('references.difference.switchers', { reference: t(`references.difference.switchers.${reference}`), region: t(`references.difference.switchers.${region}`), set }) : difference.text;
    case 'first-year':
      return bothBoolean
        ? t('references.difference.first-year', { reference: t(`references.difference.first-year.reference.${reference}`), region: t(`references.difference.first-year.region.${region}`), set })
        : difference.text;
    case 'reference-date':
      return bothDates ? t('references.difference.reference-date', { reference: formatDayMonth(reference), region: formatDayMonth(region), set }) : difference.text;
    default:
      return difference.text;
  }
}

/** The differences of a series as the page words them; the Dutch sentences from an API without codes. */
const differenceTexts = (reference: ReferenceComparison): string[] => (reference.differenceDetails ? reference.differenceDetails.map(differenceText) : reference.differences);

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
      : h('div', { class: 'reference-indicative' }, h('p', {}, t('references.indicative')), h('ul', {}, ...differenceTexts(reference).map((difference) => h('li', {}, difference)))),
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

/**
 * Beside each row of a view by level, the series of its sector and level in the chosen cohort:
 * one line per row and series (a bachelor row can have an hbo and a wo series), then the notes
 * of each series. `rows` are the view's own level rows, already protected.
 */
export function levelReferencesBlock(
  rows: Array<{ key: string; label: string; cell: () => HTMLElement }>,
  references: ReferenceComparison[],
  cohort: number,
  headers: { level: string; own: string; rate: string },
  caption: string,
): HTMLElement | null {
  const pairs = rows.flatMap((row) => references.filter((reference) => reference.level === row.key).map((reference) => ({ row, reference })));
  if (pairs.length === 0) return null;
  const table = dataTable(
    caption,
    [headers.level, headers.own, t('references.levelColumn'), headers.rate],
    pairs.map(({ row, reference }) => [row.label, row.cell(), reference.label, referenceCell(reference, cohort)]),
  );
  Array.from(table.tBodies[0]!.rows).forEach((tr, index) => {
    tr.dataset.key = pairs[index]!.row.key;
    tr.dataset.referenceId = pairs[index]!.reference.id;
  });
  const shown = [...new Map(pairs.map(({ reference }) => [reference.id, reference])).values()];
  return h(
    'div',
    { class: 'chart-block references level-references', 'data-chart': 'level-references' },
    table,
    h('p', { class: 'hint' }, t('references.public')),
    h('ul', { class: 'reference-list' }, ...shown.map(referenceNote)),
  );
}
