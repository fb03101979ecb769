// The supplier × receiver matrix as a colour-coded HTML table: exact figures in every cell,
// readable by screen readers, navigable with the arrow keys, and printable. Suppressed cells are
// hatched grey and say "onderdrukt (n < k)"; cells without any intake say "—".

import { h } from './dom';
import { formatNumber, formatRate, t } from './i18n';
import { Metric, metricKey, metricValue } from './metrics';
import type { Figures, RegionReport } from './types';

/** A sequential blue scale (light → dark), with black or white text, whichever contrasts more (WCAG). */
function colourFor(value: number, min: number, max: number): { background: string; text: string } {
  const share = max > min ? (value - min) / (max - min) : 0.5;
  const from = [239, 246, 255];
  const to = [8, 48, 107];
  const rgb = from.map((start, index) => Math.round(start + (to[index]! - start) * share));
  const linear = rgb.map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * linear[0]! + 0.7152 * linear[1]! + 0.0722 * linear[2]!;
  const onWhite = 1.05 / (luminance + 0.05);
  const onBlack = (luminance + 0.05) / 0.05;
  return { background: `rgb(${rgb.join(',')})`, text: onWhite >= onBlack ? '#ffffff' : '#000000' };
}

function cell(figures: Figures | undefined, metric: Metric, k: number, range: { min: number; max: number }, attributes: Record<string, string>, header = false): HTMLTableCellElement {
  const td = h(header ? 'th' : 'td', { ...attributes, class: 'matrix-cell', tabindex: -1 });
  if (!figures) {
    td.classList.add('empty');
    td.dataset.state = 'empty';
    td.append(h('span', { 'aria-hidden': 'true' }, t('value.none')), h('span', { class: 'visually-hidden' }, t('legend.none')));
    return td;
  }
  if (figures.suppressed) {
    td.classList.add('suppressed');
    td.dataset.state = 'suppressed';
    td.append(h('span', { class: 'suppressed-text' }, t('suppressed.label', { k })));
    return td;
  }
  const value = metricValue(figures, metric);
  td.dataset.state = 'value';
  td.dataset.value = value === null ? '' : String(value);
  td.dataset.n = String(figures.n ?? '');
  if (value !== null) {
    const colour = colourFor(value, range.min, range.max);
    td.style.background = colour.background;
    td.style.color = colour.text;
  }
  td.append(h('span', { class: 'rate' }, value === null ? t('value.notApplicable') : formatRate(value)), h('span', { class: 'n' }, `n = ${formatNumber(figures.n ?? 0)}`));
  return td;
}

export function matrixTable(report: RegionReport, metric: Metric, k: number): { table: HTMLElement; legend: HTMLElement } {
  const cells = new Map(report.cells.map((entry) => [`${entry.supplier}|${entry.receiver}`, entry]));
  const values = [...report.cells, ...report.supplierTotals, ...report.receiverTotals].map((figures) => metricValue(figures, metric)).filter((value): value is number => value !== null);
  const range = { min: values.length > 0 ? Math.min(...values) : 0, max: values.length > 0 ? Math.max(...values) : 1 };
  const supplierTotals = new Map(report.supplierTotals.map((total) => [total.key, total]));
  const receiverTotals = new Map(report.receiverTotals.map((total) => [total.key, total]));
  const metricName = t(metricKey(metric));

  const table = h(
    'table',
    { class: 'matrix', 'data-metric': metric, 'data-cohort': report.cohort ?? '' },
    h('caption', {}, t('report.matrixCaption', { cohort: report.cohort ?? '', metric: metricName })),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'corner' }, t('report.supplier')),
        ...report.receivers.map((receiver) => h('th', { scope: 'col', title: receiver.name }, h('abbr', { title: receiver.name }, receiver.brin), h('span', { class: 'institution-name' }, receiver.name))),
        h('th', { scope: 'col', class: 'total' }, t('report.total')),
      ),
    ),
    h(
      'tbody',
      {},
      ...report.suppliers.map((supplier) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row', title: supplier.name }, h('abbr', { title: supplier.name }, supplier.brin), h('span', { class: 'institution-name' }, supplier.name)),
          ...report.receivers.map((receiver) => cell(cells.get(`${supplier.brin}|${receiver.brin}`), metric, k, range, { 'data-supplier': supplier.brin, 'data-receiver': receiver.brin })),
          cell(supplierTotals.get(supplier.brin), metric, k, range, { 'data-supplier': supplier.brin, 'data-receiver': 'total', class: 'total' }),
        ),
      ),
    ),
    h(
      'tfoot',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, t('report.total')),
        ...report.receivers.map((receiver) => cell(receiverTotals.get(receiver.brin), metric, k, range, { 'data-supplier': 'total', 'data-receiver': receiver.brin })),
        cell(report.total, metric, k, range, { 'data-supplier': 'total', 'data-receiver': 'total' }),
      ),
    ),
  );
  enableArrowKeys(table);

  const low = colourFor(range.min, range.min, range.max);
  const high = colourFor(range.max, range.min, range.max);
  const legend = h(
    'div',
    { class: 'matrix-legend' },
    h('span', { class: 'scale', 'aria-hidden': 'true', style: `background: linear-gradient(to right, ${low.background}, ${high.background})` }),
    h('span', {}, t('legend.scale', { metric: metricName, min: formatRate(range.min), max: formatRate(range.max) })),
    h('span', { class: 'swatch swatch-empty', 'aria-hidden': 'true' }, t('value.none')),
    h('span', {}, t('legend.none')),
  );
  return { table: h('div', { class: 'matrix-scroll', role: 'region', 'aria-label': t('report.matrix', { cohort: report.cohort ?? '', metric: metricName }), tabindex: 0 }, table), legend };
}

/** Roving focus: Tab enters the matrix once, the arrow keys (and Home/End) move between cells. */
function enableArrowKeys(table: HTMLTableElement): void {
  const grid = (): HTMLTableCellElement[][] => Array.from(table.rows).map((row) => Array.from(row.cells));
  for (const row of grid()) for (const item of row) item.tabIndex = -1;
  const first = table.tBodies[0]?.rows[0]?.cells[1];
  if (first) first.tabIndex = 0;
  table.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement;
    const current = target.closest<HTMLTableCellElement>('td, th');
    if (!current || !table.contains(current)) return;
    const rows = grid();
    const rowIndex = rows.findIndex((row) => row.includes(current));
    const columnIndex = rows[rowIndex]?.indexOf(current) ?? -1;
    let next: HTMLTableCellElement | undefined;
    switch (event.key) {
      case 'ArrowRight':
        next = rows[rowIndex]?.[columnIndex + 1];
        break;
      case 'ArrowLeft':
        next = rows[rowIndex]?.[columnIndex - 1];
        break;
      case 'ArrowDown':
        next = rows[rowIndex + 1]?.[columnIndex];
        break;
      case 'ArrowUp':
        next = rows[rowIndex - 1]?.[columnIndex];
        break;
      case 'Home':
        next = rows[rowIndex]?.[0];
        break;
      case 'End':
        next = rows[rowIndex]?.at(-1);
        break;
      default:
        return;
    }
    if (!next) return;
    event.preventDefault();
    for (const row of rows) for (const item of row) item.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}
