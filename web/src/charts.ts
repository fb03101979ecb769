// Charts with Apache ECharts (only the parts used, bundled at build time), drawn as SVG so that
// they print sharp. Every chart comes as a <figure> with a title, a text summary it is described
// by, the definition set that produced it, and its figures as a table under <details>.
// Suppressed cells are drawn as grey hatching labelled "onderdrukt (n < k)", never as zero.

import { BarChart, LineChart, SankeyChart } from 'echarts/charts';
import type { BarSeriesOption, LineSeriesOption, SankeySeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, MarkPointComponent, TooltipComponent, AriaComponent } from 'echarts/components';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { h, uid } from './dom';
import { formatNumber, formatRate, t } from './i18n';

echarts.use([BarChart, LineChart, SankeyChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, MarkPointComponent, TooltipComponent, AriaComponent, SVGRenderer]);

export type ChartOption = echarts.ComposeOption<BarSeriesOption | LineSeriesOption | SankeySeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

/** Colours with at least 4.5:1 contrast on white; series also differ in line style and symbol. */
export const COLOURS = { mine: '#1f5fa8', region: '#a34a00', baseline: '#4d4d4d', limits: '#9ecae1', current: '#b2182b', suppressed: '#d9d9d9', suppressedInk: '#595959' };

const HATCH = { symbol: 'rect', symbolSize: 1, dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: -Math.PI / 4, color: '#8c8c8c' };

/** The page's own font stack (styles.css), so that ECharts measures text as the browser draws it. */
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif';

const reducedMotion = (): boolean => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

const live = new Set<{ chart: echarts.ECharts; observer: ResizeObserver }>();

/** Disposes the charts of the previous page. */
export function disposeCharts(): void {
  for (const entry of live) {
    entry.observer.disconnect();
    entry.chart.dispose();
  }
  live.clear();
}

export interface ChartFigure {
  /** A stable name for tests and print styles: trend, matrix, breakdown, flows, alert-series. */
  name: string;
  title: string;
  /** A sentence that says what the chart shows; read by screen readers (aria-describedby). */
  summary: string;
  option: ChartOption | null;
  /** The chart's figures as a table: the text alternative. */
  table: HTMLTableElement;
  /** Definition set note, legend, suppression note: shown under the chart. */
  notes?: Array<HTMLElement | null>;
  height?: number;
}

export function chartFigure(figure: ChartFigure): HTMLElement {
  const summaryId = uid('chart-summary');
  const tableId = uid('chart-table');
  figure.table.id = tableId;
  const canvas = h('div', {
    class: 'chart',
    role: 'img',
    'aria-label': figure.title,
    'aria-describedby': `${summaryId} ${tableId}`,
    style: `height:${figure.height ?? 320}px`,
    'data-chart-canvas': figure.name,
  });
  const element = h(
    'figure',
    { class: 'chart-block', 'data-chart': figure.name },
    // The section heading above says the same; the caption names the figure for assistive technology.
    h('figcaption', { class: 'visually-hidden' }, figure.title),
    figure.option ? canvas : h('p', { class: 'empty' }, t('chart.empty')),
    h('p', { id: summaryId, class: 'chart-summary' }, figure.summary),
    ...(figure.notes ?? []),
    h('details', { class: 'chart-table' }, h('summary', {}, t('chart.dataTable')), figure.table),
  );
  if (figure.option) mountWhenSized(canvas, figure.option);
  return element;
}

/** Initialises the chart once its container has a size, and follows later size changes. */
function mountWhenSized(container: HTMLElement, option: ChartOption): void {
  let chart: echarts.ECharts | null = null;
  const observer = new ResizeObserver(() => {
    if (container.clientWidth === 0) return;
    if (!chart) {
      chart = echarts.init(container, null, { renderer: 'svg', locale: 'EN' });
      chart.setOption({ animation: !reducedMotion(), animationDuration: 300, aria: { enabled: false }, textStyle: { fontFamily: FONT }, ...option });
      live.add({ chart, observer });
      container.dataset.rendered = 'true';
    } else chart.resize();
  });
  observer.observe(container);
}

/** A table with a caption, column headers and rows of cells (first cell is a row header). */
export function dataTable(caption: string, headers: string[], rows: Array<Array<string | HTMLElement>>): HTMLTableElement {
  return h(
    'table',
    { class: 'data' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...headers.map((header) => h('th', { scope: 'col' }, header)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((cell, index) => (index === 0 ? h('th', { scope: 'row' }, cell) : h('td', {}, cell)))))),
  );
}

/** A figure in a table: the rate, or the suppression text (never zero), or a dash. */
export function rateText(value: number | null, suppressed: boolean, k: number): HTMLElement {
  if (suppressed) return h('span', { class: 'suppressed-text', 'data-suppressed': 'true' }, t('suppressed.label', { k }));
  if (value === null) return h('span', { 'data-value': '' }, t('value.notApplicable'));
  return h('span', { 'data-value': value }, formatRate(value));
}

export function countText(n: number | null, suppressed: boolean, k: number): HTMLElement {
  if (suppressed || n === null) return h('span', { class: 'suppressed-text', 'data-suppressed': 'true' }, t('suppressed.label', { k }));
  return h('span', { 'data-n': n }, formatNumber(n));
}

/** The legend line every chart with suppressed cells carries. */
export function suppressedLegend(k: number): HTMLElement {
  return h('p', { class: 'suppressed-legend' }, h('span', { class: 'swatch swatch-suppressed', 'aria-hidden': 'true' }), t('suppressed.legend', { k }));
}

/**
 * The legend line for figures with noise or a withheld split: the school sees how each figure
 * was protected (docs/disclosure-control.md).
 */
export function protectionLegend(protections: Array<string | undefined>): HTMLElement | null {
  if (protections.some((protection) => protection === 'split-withheld')) return h('p', { class: 'protection-legend', 'data-protection': 'split-withheld' }, t('protection.splitWithheld'));
  if (protections.some((protection) => protection === 'perturbed')) return h('p', { class: 'protection-legend', 'data-protection': 'perturbed' }, t('protection.perturbed'));
  return null;
}

const percentAxis = { type: 'value' as const, min: 0, axisLabel: { formatter: (value: number) => formatRate(value) } };

export interface LineSeries {
  name: string;
  colour: string;
  dashed?: boolean;
  symbol?: string;
  points: Array<{ cohort: number; value: number | null; suppressed: boolean }>;
}

/** Rates per cohort; gaps and grey hatched bands where a cohort is suppressed; methodebreuk lines. */
export function trendOption(cohorts: number[], series: LineSeries[], options: { k: number; methodebreuken?: number[]; highlight?: number; highlightLabel?: string }): ChartOption {
  const categories = cohorts.map(String);
  return {
    grid: { left: 64, right: 24, top: 48, bottom: 40 },
    legend: { top: 0, data: series.map((line) => line.name) },
    tooltip: { trigger: 'axis', valueFormatter: (value) => (typeof value === 'number' ? formatRate(value) : t('value.none')) },
    xAxis: { type: 'category', data: categories, boundaryGap: false },
    yAxis: percentAxis,
    series: series.map((line, index): LineSeriesOption => {
      const byCohort = new Map(line.points.map((point) => [point.cohort, point]));
      const suppressed = cohorts.filter((cohort) => byCohort.get(cohort)?.suppressed);
      return {
        type: 'line',
        name: line.name,
        data: cohorts.map((cohort) => byCohort.get(cohort)?.value ?? null),
        connectNulls: false,
        symbol: line.symbol ?? 'circle',
        symbolSize: 7,
        lineStyle: { color: line.colour, width: 2.5, type: line.dashed ? 'dashed' : 'solid' },
        itemStyle: { color: line.colour },
        markArea:
          suppressed.length > 0
            ? {
                silent: true,
                itemStyle: { color: COLOURS.suppressed, opacity: 0.6, decal: HATCH },
                label: { show: true, position: 'insideTop', color: COLOURS.suppressedInk, fontSize: 11, formatter: t('suppressed.label', { k: options.k }) },
                data: suppressed.map((cohort) => [{ xAxis: String(cohort) }, { xAxis: String(cohort) }]),
              }
            : undefined,
        markLine:
          index === 0 && ((options.methodebreuken?.length ?? 0) > 0 || options.highlight !== undefined)
            ? {
                silent: true,
                symbol: 'none',
                data: [
                  ...(options.methodebreuken ?? []).map((cohort) => ({ xAxis: String(cohort), lineStyle: { color: '#6a3d9a', type: 'dotted' as const, width: 2 }, label: { formatter: t('chart.methodebreuk'), color: '#6a3d9a' } })),
                  ...(options.highlight !== undefined ? [{ xAxis: String(options.highlight), lineStyle: { color: COLOURS.current, width: 2 }, label: { formatter: options.highlightLabel ?? t('alert.currentCohort'), color: COLOURS.current } }] : []),
                ],
              }
            : undefined,
      };
    }),
  };
}

export interface BarRow {
  label: string;
  value: number | null;
  suppressed: boolean;
}

/** Horizontal bars of one rate; a suppressed row is a full-width hatched bar with the text, not a zero. */
export function barOption(rows: BarRow[], options: { k: number; seriesName: string; benchmark?: { name: string; values: Array<number | null> } }): ChartOption {
  const values = rows.map((row) => row.value).filter((value): value is number => value !== null);
  const benchmarkValues = options.benchmark?.values.filter((value): value is number => value !== null) ?? [];
  const max = Math.max(0.05, ...values, ...benchmarkValues);
  const axisMax = Math.min(1, Math.ceil(max * 11) / 10);
  const labels = rows.map((row) => row.label);
  const series: BarSeriesOption[] = [
    {
      type: 'bar',
      name: options.seriesName,
      data: rows.map((row) => (row.suppressed ? null : row.value)),
      itemStyle: { color: COLOURS.mine },
      label: { show: true, position: 'right', formatter: (params) => (typeof params.value === 'number' ? formatRate(params.value) : '') },
      barGap: '10%',
    },
    {
      type: 'bar',
      name: t('suppressed.label', { k: options.k }),
      data: rows.map((row) => (row.suppressed ? axisMax : null)),
      barGap: '-100%',
      silent: true,
      itemStyle: { color: COLOURS.suppressed, decal: HATCH },
      label: { show: true, position: 'insideLeft', color: '#262626', formatter: t('suppressed.label', { k: options.k }) },
      tooltip: { show: false },
    },
  ];
  // The suppressed marker series only where something is suppressed (it is also a legend entry).
  if (!rows.some((row) => row.suppressed)) series.pop();
  if (options.benchmark) {
    series.push({
      type: 'bar',
      name: options.benchmark.name,
      data: options.benchmark.values,
      itemStyle: { color: COLOURS.region, decal: { symbol: 'circle', symbolSize: 0.4, color: 'rgba(255,255,255,0.5)' } },
      label: { show: true, position: 'right', formatter: (params) => (typeof params.value === 'number' ? formatRate(params.value) : '') },
    });
  }
  return {
    grid: { left: 8, right: 64, top: 32, bottom: 24, containLabel: true },
    legend: { top: 0, data: series.map((item) => item.name as string) },
    tooltip: { trigger: 'item', valueFormatter: (value) => (typeof value === 'number' ? formatRate(value) : '') },
    xAxis: { ...percentAxis, max: axisMax },
    yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { width: 220, overflow: 'truncate' } },
    series,
  };
}

export interface SankeyNode {
  id: string;
  label: string;
  suppressed: boolean;
}

/** Flows as a Sankey diagram; the merged small flows node is grey and says it is suppressed. */
export function sankeyOption(nodes: SankeyNode[], links: Array<{ source: string; target: string; value: number }>, k: number): ChartOption {
  const labelOf = new Map(nodes.map((node) => [node.id, node.suppressed ? t('suppressed.label', { k }) : node.label]));
  return {
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const data = (Array.isArray(params) ? params[0] : params)?.data as { source?: string; target?: string; value?: number; name?: string } | undefined;
        if (!data) return '';
        if (data.source && data.target) return `${labelOf.get(data.source) ?? data.source} → ${labelOf.get(data.target) ?? data.target}: ${formatNumber(data.value ?? 0)}`;
        return labelOf.get(data.name ?? '') ?? '';
      },
    },
    series: [
      {
        type: 'sankey',
        left: 8,
        right: 180,
        top: 8,
        bottom: 8,
        nodeGap: 10,
        draggable: false,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.35 },
        label: { formatter: (params) => labelOf.get(params.name) ?? params.name, color: '#1a1a1a' },
        data: nodes.map((node) => ({
          name: node.id,
          itemStyle: node.suppressed ? { color: COLOURS.suppressed, borderColor: COLOURS.suppressedInk, decal: HATCH } : undefined,
        })),
        links,
      },
    ],
  };
}

export interface BandPoint {
  cohort: number;
  value: number | null;
  suppressed: boolean;
  baseline: number | null;
  lower: number | null;
  upper: number | null;
}

/**
 * An alert's series: the cell's value per cohort, the pooled baseline it was compared with, the
 * 95% limits as a shaded band, and the alert's cohort marked. `kind` says whether the values are
 * rates (0–1) or counts (supply).
 */
export function bandOption(points: BandPoint[], options: { k: number; highlight: number; kind: 'rate' | 'count'; names: { value: string; baseline: string; band: string } }): ChartOption {
  const format = (value: number): string => (options.kind === 'rate' ? formatRate(value) : formatNumber(value, Number.isInteger(value) ? 0 : 1));
  const cohorts = points.map((point) => String(point.cohort));
  const suppressed = points.filter((point) => point.suppressed).map((point) => String(point.cohort));
  const hidden = { opacity: 0 };
  return {
    grid: { left: 64, right: 24, top: 48, bottom: 40 },
    legend: { top: 0, data: [options.names.value, options.names.baseline, options.names.band] },
    tooltip: {
      trigger: 'axis',
      formatter: (params) => {
        const index = (Array.isArray(params) ? params[0] : params)?.dataIndex ?? 0;
        const point = points[index];
        if (!point) return '';
        const show = (value: number | null): string => (value === null ? t('value.none') : format(value));
        return [
          `<strong>${point.cohort}</strong>`,
          `${options.names.value}: ${point.suppressed ? t('suppressed.label', { k: options.k }).replace('<', '&lt;') : show(point.value)}`,
          `${options.names.baseline}: ${show(point.baseline)}`,
          `${options.names.band}: ${show(point.lower)} – ${show(point.upper)}`,
        ].join('<br>');
      },
    },
    xAxis: { type: 'category', data: cohorts, boundaryGap: false },
    yAxis: options.kind === 'rate' ? percentAxis : { type: 'value', min: 0 },
    series: [
      { type: 'line', name: 'lower', stack: 'band', data: points.map((point) => (point.lower !== null && point.upper !== null ? point.lower : null)), lineStyle: hidden, symbol: 'none', silent: true, tooltip: { show: false } },
      {
        type: 'line',
        name: options.names.band,
        stack: 'band',
        data: points.map((point) => (point.lower !== null && point.upper !== null ? point.upper - point.lower : null)),
        lineStyle: hidden,
        symbol: 'none',
        areaStyle: { color: COLOURS.limits, opacity: 0.6 },
        itemStyle: { color: COLOURS.limits },
        silent: true,
      },
      {
        type: 'line',
        name: options.names.baseline,
        data: points.map((point) => point.baseline),
        step: 'middle',
        lineStyle: { color: COLOURS.baseline, type: 'dashed', width: 2 },
        itemStyle: { color: COLOURS.baseline },
        symbol: 'none',
      },
      {
        type: 'line',
        name: options.names.value,
        data: points.map((point) => (point.suppressed ? null : point.value)),
        connectNulls: false,
        lineStyle: { color: COLOURS.mine, width: 2.5 },
        itemStyle: { color: COLOURS.mine },
        symbolSize: 7,
        markPoint: (() => {
          const current = points.find((point) => point.cohort === options.highlight);
          return current && current.value !== null && !current.suppressed
            ? { symbol: 'circle', symbolSize: 16, itemStyle: { color: 'transparent', borderColor: COLOURS.current, borderWidth: 3 }, label: { show: false }, data: [{ name: String(current.cohort), coord: [String(current.cohort), current.value] }] }
            : undefined;
        })(),
        markLine: { silent: true, symbol: 'none', data: [{ xAxis: String(options.highlight), lineStyle: { color: COLOURS.current, width: 2 }, label: { formatter: t('alert.currentCohort'), color: COLOURS.current } }] },
        markArea:
          suppressed.length > 0
            ? {
                silent: true,
                itemStyle: { color: COLOURS.suppressed, opacity: 0.6, decal: HATCH },
                label: { show: true, position: 'insideTop', color: COLOURS.suppressedInk, fontSize: 11, formatter: t('suppressed.label', { k: options.k }) },
                data: suppressed.map((cohort) => [{ xAxis: cohort }, { xAxis: cohort }]),
              }
            : undefined,
      },
    ],
  };
}
