// Alerts as a table with their evidence: what, where, which cohort, which way, how much, on how
// many students, and how sure (p, q). Each row links to the alert's detail page.

import { h } from './dom';
import { formatNumber, formatP, formatPp, formatRate, hasMessage, t } from './i18n';
import type { Alert, AlertCell } from './types';

const TYPE_ORDER = ['trendbreuk', 'leveringsbreuk', 'methodebreuk', 'aandacht'];

export const alertRoute = (id: string): string => `#/alerts/${encodeURIComponent(id)}`;

export function cellText(cell: AlertCell): string {
  switch (cell.kind) {
    case 'supplier_receiver':
      return `${cell.supplier?.name ?? '?'} (${cell.supplier?.brin ?? '?'}) → ${cell.receiver?.name ?? '?'} (${cell.receiver?.brin ?? '?'})`;
    case 'supplier_sector':
      return t('alerts.cell.sector', { supplier: `${cell.supplier?.name ?? '?'} (${cell.supplier?.brin ?? '?'})`, sector: (cell.sector ?? '?').toUpperCase() });
    case 'receiver':
      return t('alerts.cell.receiver', { receiver: `${cell.receiver?.name ?? '?'} (${cell.receiver?.brin ?? '?'})` });
    case 'region':
      return t('alerts.cell.region');
  }
}

export const metricText = (metric: string): string => {
  const key = `metric.${metric}`;
  return hasMessage(key) ? t(key) : metric;
};

export const typeText = (type: string): string => {
  const key = `alerts.type.${type}`;
  return hasMessage(key) ? t(key) : type;
};

export const stateText = (state: string): string => {
  const key = `alerts.state.${state}`;
  return hasMessage(key) ? t(key) : state;
};

/** The caller's own triage of a signal (absent is new). */
export const triageText = (state: string | undefined): string => {
  const key = `triage.${state ?? 'new'}`;
  return hasMessage(key) ? t(key) : (state ?? 'new');
};

/** The triage, and that the evidence lapsed when a refresh no longer finds it. */
const triageCell = (alert: Alert): string => `${triageText(alert.triage?.state)}${alert.state === 'resolved' ? ` (${t('alerts.evidenceGone')})` : ''}`;

const rateOrDash = (value: number | null, suppressed: boolean): string => (value === null ? (suppressed ? t('alerts.suppressed') : t('value.none')) : formatRate(value));

export function sortAlerts(alerts: Alert[]): Alert[] {
  return [...alerts].sort((a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) || Math.abs(b.effectPp ?? 0) - Math.abs(a.effectPp ?? 0) || b.cohort - a.cohort);
}

export function alertsTable(alerts: Alert[], caption: string): HTMLTableElement {
  const headers = ['alerts.type', 'alerts.cell', 'alerts.metric', 'alerts.cohort', 'alerts.effect', 'alerts.baseline', 'alerts.current', 'alerts.nCurrent', 'alerts.p', 'alerts.q', 'alerts.triage'] as const;
  return h(
    'table',
    { class: 'data alerts' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...headers.map((key) => h('th', { scope: 'col' }, t(key))))),
    h(
      'tbody',
      {},
      ...alerts.map((alert) =>
        h(
          'tr',
          { 'data-alert-id': alert.id, 'data-triage': alert.triage?.state ?? 'new', 'data-type': alert.type, 'data-metric': alert.metric, 'data-cohort': alert.cohort, 'data-supplier': alert.cell.supplier?.brin ?? '', 'data-receiver': alert.cell.receiver?.brin ?? '' },
          h('th', { scope: 'row' }, h('a', { href: alertRoute(alert.id), class: `badge badge-${alert.type}` }, typeText(alert.type))),
          h('td', {}, cellText(alert.cell)),
          h('td', {}, metricText(alert.metric)),
          h('td', {}, String(alert.cohort)),
          h('td', { class: 'numeric' }, alert.effectPp === null ? t('value.none') : `${formatPp(alert.effectPp)}${alert.direction ? ` (${t(alert.direction === 'up' ? 'alerts.up' : 'alerts.down')})` : ''}`),
          h('td', { class: 'numeric' }, alert.metric === 'n' || alert.metric === 'definition' ? t('value.none') : rateOrDash(alert.baselineRate, alert.suppressed)),
          h('td', { class: 'numeric', 'data-value': alert.currentRate ?? '' }, alert.metric === 'n' || alert.metric === 'definition' ? t('value.none') : rateOrDash(alert.currentRate, alert.suppressed)),
          h('td', { class: 'numeric' }, alert.nCurrent === null ? t('value.none') : formatNumber(alert.nCurrent)),
          h('td', { class: 'numeric' }, alert.p === null ? t('value.none') : formatP(alert.p)),
          h('td', { class: 'numeric' }, alert.q === null ? t('value.none') : formatP(alert.q)),
          h('td', {}, triageCell(alert)),
        ),
      ),
    ),
  );
}

/** The aandacht signals: a watch list under the inbox, folded, never open alerts. */
export function watchList(alerts: Alert[]): HTMLElement | null {
  if (alerts.length === 0) return null;
  const block = h(
    'details',
    { class: 'attention' },
    h('summary', {}, t('alerts.watchList', { count: alerts.length })),
    h('p', { class: 'hint' }, t('alerts.watchListHelp')),
    alertsTable(sortAlerts(alerts), t('alerts.watchListTitle')),
  );
  block.dataset.section = 'watch-list';
  return block;
}
