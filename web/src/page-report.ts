// The coordinator's region report: supplier × receiver matrix coloured by the chosen rate, the
// region's trend per cohort, the flows of the cohort, the coordinator's open signals with their
// evidence, and the watch list (aandacht).

import { allAlerts, api } from './api';
import { alertsTable, sortAlerts, watchList } from './alerts-view';
import { chartFigure, countText, dataTable, rateText, suppressedLegend, trendOption } from './charts';
import { definitionNote, suppressionK } from './definitions';
import { h, select } from './dom';
import { filterSector, flowsFigure } from './flows-view';
import { t } from './i18n';
import { matrixTable } from './matrix';
import { isMetric, Metric, METRICS, metricKey, metricValue } from './metrics';
import { chosenRegion, PageContext, pageHeading, section } from './page';
import { reasonsSection } from './reasons-view';
import { referenceLines, referencesBlock, referencesFor } from './references-view';
import type { RegionReport } from './types';

const SECTORS = ['mbo', 'hbo', 'wo'] as const;

export async function reportPage(context: PageContext): Promise<HTMLElement> {
  const { region } = await chosenRegion(context);
  if (!region) return h('div', {}, pageHeading(t('nav.report')), h('p', {}, t('report.noData')));
  const metric: Metric = isMetric(context.query.get('metric')) ? (context.query.get('metric') as Metric) : 'uitval';
  const sectorParam = context.query.get('sector') ?? '';
  const sector = (SECTORS as readonly string[]).includes(sectorParam) ? sectorParam : '';

  const requested = Number(context.query.get('cohort')) || undefined;
  const report = await api.regionReport(region.code, { cohort: requested });
  const cohorts = report.trend.map((point) => point.cohort);
  const cohort = report.cohort ?? undefined;
  const title = t('report.title', { region: report.name });
  if (cohort === undefined || cohorts.length === 0) return h('div', {}, pageHeading(title), h('p', {}, t('report.noData')));

  const via = sector ? 'sector' : 'receiver';
  const [k, flows, alerts] = await Promise.all([
    suppressionK([report.definitionSet, ...report.trend.map((point) => point.definitionSet)]),
    api.flows({ cohort, via }),
    context.session.scopes.includes('alerts:read')
      ? Promise.all([allAlerts({ state: 'open', triage: 'unresolved', region: region.code }), allAlerts({ state: 'open', type: 'aandacht', region: region.code })])
      : Promise.resolve(null),
  ]);
  const metricName = t(metricKey(metric));

  const filters = h(
    'form',
    { class: 'filters', 'aria-label': t('filters.label'), onsubmit: (event: Event) => event.preventDefault() },
    select(t('filters.cohort'), [...cohorts].reverse().map((value) => ({ value: String(value), label: String(value) })), String(cohort), (value) => context.setQuery({ cohort: value }), 'cohort'),
    select(t('filters.metric'), METRICS.map((value) => ({ value, label: t(metricKey(value)) })), metric, (value) => context.setQuery({ metric: value }), 'metric'),
    select(t('filters.sector'), [{ value: '', label: t('filters.allSectors') }, ...SECTORS.map((value) => ({ value, label: value.toUpperCase() }))], sector, (value) => context.setQuery({ sector: value || undefined }), 'sector'),
  );

  const { table, legend } = matrixTable(report, metric, k);
  const matrixSection = section(
    t('report.matrix', { cohort, metric: metricName }),
    h('div', { class: 'chart-block', 'data-chart': 'matrix' }, table, legend, suppressedLegend(k), definitionNote([report.definitionSet])),
  );

  const references = referencesFor(report.references, metric);
  const trendSection = section(t('report.trend', { metric: metricName }), trendFigure(report, metric, k, references));
  const trendByCohort = new Map(report.trend.map((point) => [point.cohort, point]));
  const referencesContent = referencesBlock(
    references,
    cohorts,
    [{ name: t('report.regionTotal'), cell: (year) => { const point = trendByCohort.get(year); return point ? rateText(metricValue(point, metric), point.suppressed, k) : h('span', {}, t('value.none')); } }],
    t('references.title', { metric: metricName }),
  );
  const referencesSection = referencesContent ? section(t('references.title', { metric: metricName }), referencesContent) : null;
  if (referencesSection) referencesSection.dataset.section = 'references';
  const flowsSection = section(
    t('report.flows', { cohort }),
    sector ? h('p', { class: 'hint' }, t('report.sectorNote')) : null,
    flowsFigure(sector ? filterSector(flows, sector) : flows, k, `${t('report.flows', { cohort })}${sector ? ` — ${sector.toUpperCase()}` : ''}`, via),
  );

  let alertsSection: HTMLElement | null = null;
  if (alerts) {
    const [inbox, watch] = alerts;
    const main = sortAlerts(inbox);
    alertsSection = section(
      t('report.alerts'),
      main.length === 0 ? h('p', {}, t('alerts.none')) : alertsTable(main, t('report.alerts')),
      watchList(watch),
    );
    alertsSection.dataset.section = 'alerts';
  }

  const reasons = await reasonsSection(report.region, 'region', cohort, k);
  return h('div', { class: 'page page-report', 'data-region': report.region }, pageHeading(title), filters, matrixSection, reasons, trendSection, referencesSection, flowsSection, alertsSection);
}

function trendFigure(report: RegionReport, metric: Metric, k: number, references: RegionReport['references']): HTMLElement {
  const metricName = t(metricKey(metric));
  const cohorts = report.trend.map((point) => point.cohort);
  const table = dataTable(
    t('report.trend', { metric: metricName }),
    [t('table.cohort'), metricName, t('table.n'), t('table.definition')],
    report.trend.map((point) => [String(point.cohort), rateText(metricValue(point, metric), point.suppressed, k), countText(point.n, point.suppressed, k), `${point.definitionSet.name} (${t('definition.version', { version: point.definitionSet.version })})`]),
  );
  return chartFigure({
    name: 'trend',
    title: t('report.trend', { metric: metricName }),
    summary: t('chart.summaryLine', { metric: metricName, from: cohorts[0] ?? '', to: cohorts[cohorts.length - 1] ?? '' }),
    option: trendOption(
      cohorts,
      [{ name: t('report.regionTotal'), colour: '#1f5fa8', points: report.trend.map((point) => ({ cohort: point.cohort, value: metricValue(point, metric), suppressed: point.suppressed })) }, ...referenceLines(references)],
      { k, methodebreuken: report.methodebreuken },
    ),
    table,
    notes: [definitionNote(report.definitionSets, report.methodebreuken), report.trend.some((point) => point.suppressed) ? suppressedLegend(k) : null],
  });
}
