// "My alumni" (supplier) and "my intake" (receiver): the chosen rate per cohort against the
// region, a breakdown of one cohort, and that cohort's flows as a Sankey diagram.

import { api } from './api';
import { barOption, chartFigure, countText, dataTable, LineSeries, protectionLegend, rateText, suppressedLegend, trendOption, COLOURS } from './charts';
import { definitionNote, suppressionK } from './definitions';
import { h, select } from './dom';
import { flowsFigure } from './flows-view';
import { hasMessage, MessageKey, t } from './i18n';
import { isMetric, Metric, METRICS, metricKey, metricValue } from './metrics';
import { chosenRegion, numberParam, PageContext, pageHeading, section } from './page';
import { reasonsSection } from './reasons-view';
import { levelReferencesBlock, referenceLines, referencesBlock, referencesFor } from './references-view';
import type { CohortFigures, Figures, InsightsView, ReferenceComparison } from './types';

type Perspective = 'alumni' | 'intake';
const BREAKDOWNS: Record<Perspective, string[]> = {
  alumni: ['receiver', 'sector', 'programme', 'level', 'vestiging', 'diplomaType'],
  intake: ['supplier', 'diplomaType', 'programme', 'level'],
};

export const alumniPage = (context: PageContext): Promise<HTMLElement> => insightsPage(context, 'alumni');
export const intakePage = (context: PageContext): Promise<HTMLElement> => insightsPage(context, 'intake');

const breakdownName = (breakdown: string): string => {
  const key = `breakdown.${breakdown}`;
  return hasMessage(key) ? t(key) : breakdown;
};

async function insightsPage(context: PageContext, perspective: Perspective): Promise<HTMLElement> {
  const { region, all } = await chosenRegion(context);
  const regionCode = all.length > 1 ? region?.code : undefined;
  const metric: Metric = isMetric(context.query.get('metric')) ? (context.query.get('metric') as Metric) : 'uitval';
  const breakdownParam = context.query.get('breakdown') ?? '';
  const breakdown = BREAKDOWNS[perspective].includes(breakdownParam) ? breakdownParam : BREAKDOWNS[perspective][0]!;
  const via = context.query.get('via') === 'sector' ? 'sector' : 'receiver';

  const view = perspective === 'alumni' ? await api.alumni({ region: regionCode, breakdown }) : await api.intake({ region: regionCode, breakdown });
  const titleKey: MessageKey = perspective === 'alumni' ? 'insights.alumniTitle' : 'insights.intakeTitle';
  const title = t(titleKey, { name: view.institution.name || view.institution.brin });
  const cohorts = view.cohorts.map((entry) => entry.cohort);
  if (cohorts.length === 0) return h('div', {}, pageHeading(title), h('p', {}, t('insights.noData')));
  const cohort = numberParam(context.query, 'cohort', cohorts) ?? cohorts[cohorts.length - 1]!;
  const chosen = view.cohorts.find((entry) => entry.cohort === cohort)!;

  // The regional benchmark: the alumni view carries it; the intake view does not, so it is taken
  // from the same institution's alumni view when that has the same cohorts.
  const benchmarkView: InsightsView | null = perspective === 'alumni' ? view : await api.alumni({ region: regionCode }).catch(() => null);
  const benchmarkByCohort = new Map((benchmarkView?.cohorts ?? []).filter((entry) => entry.benchmarkTotal).map((entry) => [entry.cohort, entry.benchmarkTotal!]));

  const [k, flows] = await Promise.all([
    suppressionK(view.cohorts.map((entry) => entry.definitionSet)),
    api.flows({ region: regionCode, cohort, perspective, via: perspective === 'alumni' ? via : undefined }),
  ]);
  const metricName = t(metricKey(metric));

  const filters = h(
    'form',
    { class: 'filters', 'aria-label': t('filters.label'), onsubmit: (event: Event) => event.preventDefault() },
    all.length > 1 ? select(t('filters.region'), all.map((item) => ({ value: item.code, label: item.name })), region?.code ?? '', (value) => context.setQuery({ region: value, cohort: undefined }), 'region') : null,
    select(t('filters.metric'), METRICS.map((value) => ({ value, label: t(metricKey(value)) })), metric, (value) => context.setQuery({ metric: value }), 'metric'),
    select(t('filters.cohort'), [...cohorts].reverse().map((value) => ({ value: String(value), label: String(value) })), String(cohort), (value) => context.setQuery({ cohort: value }), 'cohort'),
    select(t('filters.breakdown'), BREAKDOWNS[perspective].map((value) => ({ value, label: breakdownName(value) })), breakdown, (value) => context.setQuery({ breakdown: value }), 'breakdown'),
    perspective === 'alumni' ? select(t('filters.via'), (['receiver', 'sector'] as const).map((value) => ({ value, label: t(`via.${value}`) })), via, (value) => context.setQuery({ via: value }), 'via') : null,
  );

  const references = referencesFor(view.references, metric);
  const trend = section(t('insights.trend', { metric: metricName }), trendFigure(view, metric, k, benchmarkByCohort, referenceLines(references)));
  const schoolName = view.institution.name || view.institution.brin;
  const totals = new Map(view.cohorts.map((entry) => [entry.cohort, entry.total]));
  const referencesContent = referencesBlock(
    references,
    cohorts,
    [
      { name: schoolName, cell: (year) => { const figures = totals.get(year); return figures ? rateText(metricValue(figures, metric), figures.suppressed, k) : h('span', {}, t('value.none')); } },
      { name: t('insights.benchmark'), cell: (year) => { const figures = benchmarkByCohort.get(year); return figures ? rateText(metricValue(figures, metric), figures.suppressed, k) : h('span', {}, t('value.none')); } },
    ],
    t('references.title', { metric: metricName }),
  );
  const referencesSection = referencesContent ? section(t('references.title', { metric: metricName }), referencesContent) : null;
  if (referencesSection) referencesSection.dataset.section = 'references';
  const breakdownSection = section(t('insights.breakdown', { metric: metricName, breakdown: breakdownName(breakdown).toLowerCase(), cohort }), breakdownFigure(chosen, breakdown, metric, k, perspective === 'alumni' && breakdown === 'diplomaType'));
  const levelReferencesSection = breakdown === 'level' ? levelSection(chosen, referencesFor(view.levelReferences, metric), metric, k, schoolName) : null;
  const flowsSection = section(t('insights.flows', { cohort }), flowsFigure(flows, k, t('insights.flows', { cohort }), perspective === 'alumni' ? via : 'receiver'));
  const doorstroom = perspective === 'alumni' && view.doorstroom && view.doorstroom.length > 0 ? doorstroomSection(view, k) : null;
  // Beside the breakdown by receiver (alumni) or supplier (intake): why the leavers of those cells left.
  const reasons = await reasonsSection(regionCode, perspective, cohort, k);

  return h('div', { class: `page page-${perspective}`, 'data-institution': view.institution.brin }, pageHeading(title), filters, trend, referencesSection, breakdownSection, reasons, levelReferencesSection, flowsSection, doorstroom);
}

function trendFigure(view: InsightsView, metric: Metric, k: number, benchmark: Map<number, Figures>, referenceSeries: LineSeries[]): HTMLElement {
  const metricName = t(metricKey(metric));
  const cohorts = view.cohorts.map((entry) => entry.cohort);
  const mine: LineSeries = {
    name: view.institution.name || view.institution.brin,
    colour: COLOURS.mine,
    points: view.cohorts.map((entry) => ({ cohort: entry.cohort, value: metricValue(entry.total, metric), suppressed: entry.total.suppressed })),
  };
  const series: LineSeries[] = [mine];
  if (benchmark.size > 0) {
    series.push({
      name: t('insights.benchmark'),
      colour: COLOURS.region,
      dashed: true,
      symbol: 'diamond',
      points: cohorts.map((cohort) => {
        const figures = benchmark.get(cohort);
        return { cohort, value: figures ? metricValue(figures, metric) : null, suppressed: figures?.suppressed ?? false };
      }),
    });
  }
  series.push(...referenceSeries);
  const headers = [t('table.cohort'), `${mine.name}: ${metricName}`, `${mine.name}: n`];
  if (benchmark.size > 0) headers.push(`${t('insights.benchmark')}: ${metricName}`, `${t('insights.benchmark')}: n`);
  headers.push(t('table.definition'));
  const rows = view.cohorts.map((entry) => {
    const row: Array<string | HTMLElement> = [String(entry.cohort), rateText(metricValue(entry.total, metric), entry.total.suppressed, k), countText(entry.total.n, entry.total.suppressed, k)];
    if (benchmark.size > 0) {
      const figures = benchmark.get(entry.cohort);
      row.push(figures ? rateText(metricValue(figures, metric), figures.suppressed, k) : t('value.none'), figures ? countText(figures.n, figures.suppressed, k) : t('value.none'));
    }
    row.push(`${entry.definitionSet.name} (${t('definition.version', { version: entry.definitionSet.version })})`);
    return row;
  });
  const anySuppressed = view.cohorts.some((entry) => entry.total.suppressed) || [...benchmark.values()].some((figures) => figures.suppressed);
  return chartFigure({
    name: 'trend',
    title: t('insights.trend', { metric: metricName }),
    summary: t('chart.summaryLine', { metric: metricName, from: cohorts[0] ?? '', to: cohorts[cohorts.length - 1] ?? '' }),
    option: trendOption(cohorts, series, { k, methodebreuken: view.methodebreuken }),
    table: dataTable(t('insights.trend', { metric: metricName }), headers, rows),
    notes: [definitionNote(view.definitionSets, view.methodebreuken), benchmark.size === 0 ? h('p', { class: 'hint' }, t('insights.noBenchmark')) : null, anySuppressed ? suppressedLegend(k) : null],
  });
}

function breakdownFigure(entry: CohortFigures, breakdown: string, metric: Metric, k: number, withBenchmark: boolean): HTMLElement {
  const metricName = t(metricKey(metric));
  const rows = entry.rows.map((row) => ({ label: row.key && row.label !== row.key ? `${row.label} (${row.key})` : row.label, value: metricValue(row, metric), suppressed: row.suppressed, row }));
  const benchmark = withBenchmark && entry.benchmark ? new Map(entry.benchmark.map((row) => [row.key, row])) : null;
  const table = dataTable(
    t('insights.breakdown', { metric: metricName, breakdown: breakdownName(breakdown).toLowerCase(), cohort: entry.cohort }),
    [breakdownName(breakdown), metricName, t('table.n'), ...(benchmark ? [`${t('insights.benchmark')}: ${metricName}`] : [])],
    [
      ...rows.map((row) => {
        const bench = benchmark?.get(row.row.key);
        return [row.label, rateText(row.value, row.suppressed, k), countText(row.row.n, row.suppressed, k), ...(benchmark ? [bench ? rateText(metricValue(bench, metric), bench.suppressed, k) : t('value.none')] : [])];
      }),
      [t('report.total'), rateText(metricValue(entry.total, metric), entry.total.suppressed, k), countText(entry.total.n, entry.total.suppressed, k), ...(benchmark && entry.benchmarkTotal ? [rateText(metricValue(entry.benchmarkTotal, metric), entry.benchmarkTotal.suppressed, k)] : benchmark ? [t('value.none')] : [])],
    ],
  );
  Array.from(table.tBodies[0]!.rows).forEach((tr, index) => {
    const row = entry.rows[index];
    tr.dataset.key = row ? row.key : 'total';
  });
  return chartFigure({
    name: 'breakdown',
    title: t('insights.breakdown', { metric: metricName, breakdown: breakdownName(breakdown).toLowerCase(), cohort: entry.cohort }),
    summary: t('chart.summaryBar', { metric: metricName, breakdown: breakdownName(breakdown).toLowerCase() }),
    option:
      rows.length > 0
        ? barOption(rows, {
            k,
            seriesName: metricName,
            benchmark: benchmark ? { name: t('insights.benchmark'), values: entry.rows.map((row) => { const bench = benchmark.get(row.key); return bench ? metricValue(bench, metric) : null; }) } : undefined,
          })
        : null,
    table,
    notes: [definitionNote([entry.definitionSet]), rows.some((row) => row.suppressed) ? suppressedLegend(k) : null, protectionLegend([entry.total.protection, ...entry.rows.map((row) => row.protection)])],
    height: Math.max(220, 60 + rows.length * (benchmark ? 44 : 30)),
  });
}

/** A view by level: each level row beside the published series of its sector and level. */
function levelSection(entry: CohortFigures, references: ReferenceComparison[], metric: Metric, k: number, own: string): HTMLElement | null {
  const metricName = t(metricKey(metric));
  const title = t('references.levelTitle', { metric: metricName, cohort: entry.cohort });
  const content = levelReferencesBlock(
    entry.rows.map((row) => ({ key: row.key, label: row.label, cell: () => rateText(metricValue(row, metric), row.suppressed, k) })),
    references,
    entry.cohort,
    { level: breakdownName('level'), own: `${own}: ${metricName}`, rate: t('references.levelRate', { metric: metricName }) },
    title,
  );
  if (!content) return null;
  const block = section(title, content);
  block.dataset.section = 'level-references';
  return block;
}

function doorstroomSection(view: InsightsView, k: number): HTMLElement {
  const rows = (view.doorstroom ?? []).map((entry) => [
    String(entry.schoolYear),
    countText(entry.leavers, entry.suppressed, k),
    countText(entry.continued, entry.suppressed, k),
    rateText(entry.rate, entry.suppressed, k),
  ]);
  return section(
    t('insights.doorstroom'),
    h(
      'div',
      { class: 'chart-block', 'data-chart': 'doorstroom' },
      dataTable(t('insights.doorstroom'), [t('insights.schoolYear'), t('insights.leavers'), t('insights.continued'), t('insights.doorstroomRate')], rows),
      definitionNote(view.definitionSets),
      (view.doorstroom ?? []).some((entry) => entry.suppressed) ? suppressedLegend(k) : null,
      (view.doorstroom ?? []).some((entry) => entry.protection === 'perturbed') ? h('p', { class: 'protection-legend', 'data-protection': 'perturbed' }, t('protection.continued')) : null,
    ),
  );
}
