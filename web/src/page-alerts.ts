// Alerts: the caller's inbox (trendbreuk, leveringsbreuk, methodebreuk) with its own triage and
// the watch list (aandacht) apart, and one alert with its evidence, its series (baseline, 95%
// limits, the current cohort) and the caller's triage: seen, in conversation, resolved with a note.

import { allAlerts, api } from './api';
import { alertsTable, cellText, metricText, sortAlerts, stateText, triageText, typeText, watchList } from './alerts-view';
import { hasScope } from './auth';
import { bandOption, chartFigure, countText, dataTable, rateText, suppressedLegend } from './charts';
import { definitionNote, suppressionK } from './definitions';
import { append, h, select, status, uid } from './dom';
import { failureText } from './errors';
import { formatDateTime, formatNumber, formatP, formatPp, formatRate, hasMessage, t } from './i18n';
import { PageContext, pageHeading, section } from './page';
import { signalConversation } from './conversation-view';
import { referencesBlock } from './references-view';
import type { AlertDetail, TriageState } from './types';

const TRIAGE: TriageState[] = ['new', 'seen', 'in-conversation', 'resolved'];

export async function alertsPage(context: PageContext): Promise<HTMLElement> {
  const triageParam = context.query.get('triage');
  const triage = triageParam === 'all' ? undefined : (TRIAGE.find((value) => value === triageParam) ?? 'unresolved');
  const [inbox, watch] = await Promise.all([allAlerts({ state: 'open', triage }), allAlerts({ state: 'open', type: 'aandacht' })]);
  const alerts = sortAlerts(inbox);
  const options = [{ value: 'unresolved', label: t('alerts.unresolved') }, ...TRIAGE.map((value) => ({ value, label: triageText(value) })), { value: 'all', label: t('alerts.allStates') }];
  return h(
    'div',
    { class: 'page page-alerts' },
    pageHeading(t('alerts.title')),
    h(
      'form',
      { class: 'filters', 'aria-label': t('filters.label'), onsubmit: (event: Event) => event.preventDefault() },
      select<string>(t('alerts.triageFilter'), options, triage ?? 'all', (value) => context.setQuery({ triage: value }), 'triage'),
    ),
    alerts.length === 0 ? h('p', {}, t('alerts.none')) : alertsTable(alerts, t('alerts.showing', { shown: alerts.length, total: alerts.length })),
    watchList(watch),
  );
}

export async function alertDetailPage(context: PageContext, notice?: HTMLElement): Promise<HTMLElement> {
  const alert = await api.alert(context.params[0]!);
  const k = await suppressionK([alert.definitionSet, ...alert.series.map((point) => point.definitionSet)]);
  const root = h('div', { class: 'page page-alert', 'data-alert-id': alert.id, 'data-state': alert.state, 'data-triage': alert.triage?.state ?? 'new' });
  const redraw = async (message: HTMLElement): Promise<void> => {
    root.replaceWith(await alertDetailPage(context, message));
  };
  append(root, [
    pageHeading(t('alert.title', { type: typeText(alert.type), metric: metricText(alert.metric), cohort: alert.cohort })),
    h('p', { class: 'alert-cell' }, cellText(alert.cell)),
    notice ?? null,
    evidence(alert),
    section(t('alert.series'), seriesFigure(alert, k)),
    nationalTrend(alert),
    actions(alert, redraw),
    await signalConversation(alert, redraw),
    history(alert),
  ]);
  return root;
}

function evidence(alert: AlertDetail): HTMLElement {
  const ruleKey = `rule.${alert.rule}`;
  const rate = (value: number | null): string => (value === null ? (alert.suppressed ? t('alerts.suppressed') : t('value.none')) : formatRate(value));
  const items: Array<[string, string | HTMLElement]> = [
    [t('alerts.type'), typeText(alert.type)],
    [t('alerts.triage'), triageText(alert.triage?.state)],
    [t('alerts.state'), stateText(alert.state)],
    [t('alerts.cell'), cellText(alert.cell)],
    [t('alerts.metric'), metricText(alert.metric)],
    [t('alerts.cohort'), String(alert.cohort)],
    [t('alerts.direction'), alert.direction ? t(alert.direction === 'up' ? 'alerts.up' : 'alerts.down') : t('value.none')],
    [t('alerts.effect'), alert.effectPp === null ? t('value.none') : formatPp(alert.effectPp)],
    [t('alerts.baseline'), `${rate(alert.baselineRate)}${alert.nBaseline !== null ? ` (n = ${formatNumber(alert.nBaseline)})` : ''}`],
    [t('alert.baselineCohorts'), alert.baselineCohorts.join(', ') || t('value.none')],
    [t('alerts.current'), `${rate(alert.currentRate)}${alert.nCurrent !== null ? ` (n = ${formatNumber(alert.nCurrent)})` : ''}`],
    [t('alerts.p'), alert.p === null ? t('value.none') : formatP(alert.p)],
    [t('alerts.q'), alert.q === null ? t('value.none') : formatP(alert.q)],
    [t('alert.rule'), hasMessage(ruleKey) ? t(ruleKey) : alert.rule],
    [t('alert.method'), alert.methodVersion],
  ];
  for (const key of ['lower95', 'upper95'] as const) {
    const value = alert.details[key];
    if (typeof value === 'number') items.push([t(key === 'lower95' ? 'alert.lower95' : 'alert.upper95'), formatRate(value)]);
  }
  return section(
    t('alert.evidence'),
    h('dl', { class: 'evidence' }, ...items.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
    definitionNote([alert.definitionSet]),
  );
}

function seriesFigure(alert: AlertDetail, k: number): HTMLElement {
  const supply = alert.metric === 'n' || alert.metric === 'definition';
  const names = supply
    ? { value: t('metric.n'), baseline: t('alert.baselineRate'), band: `${t('alert.supplyLow')} – ${t('alert.supplyHigh')}` }
    : { value: metricText(alert.metric), baseline: t('alert.baselineRate'), band: `${t('alert.lower95')} – ${t('alert.upper95')}` };
  const points = alert.series.map((point) => ({
    cohort: point.cohort,
    value: supply ? point.n : point.rate,
    suppressed: point.suppressed,
    baseline: supply ? point.baselineMedianN : point.baselineRate,
    lower: supply ? point.supplyLow : point.lower95,
    upper: supply ? point.supplyHigh : point.upper95,
  }));
  const format = (value: number | null): string => (value === null ? t('value.none') : supply ? formatNumber(value, Number.isInteger(value) ? 0 : 1) : formatRate(value));
  const table = dataTable(
    t('alert.series'),
    [t('table.cohort'), t('table.n'), names.value, names.baseline, supply ? t('alert.supplyLow') : t('alert.lower95'), supply ? t('alert.supplyHigh') : t('alert.upper95'), t('alert.tested'), t('table.definition')],
    alert.series.map((point, index) => [
      `${point.cohort}${point.cohort === alert.cohort ? ` (${t('alert.currentCohort')})` : ''}`,
      countText(point.n, point.suppressed, k),
      supply ? countText(point.n, point.suppressed, k) : rateText(point.rate, point.suppressed, k),
      format(points[index]!.baseline),
      format(points[index]!.lower),
      format(points[index]!.upper),
      point.tested ? t('alert.yes') : t('alert.no'),
      point.definitionSet ? `${point.definitionSet.name} (${t('definition.version', { version: point.definitionSet.version })})` : t('value.none'),
    ]),
  );
  Array.from(table.tBodies[0]!.rows).forEach((row, index) => (row.dataset.cohort = String(alert.series[index]!.cohort)));
  return chartFigure({
    name: 'alert-series',
    title: t('alert.series'),
    summary: t('chart.summaryAlert', { metric: names.value, cohort: alert.cohort }),
    option: points.length > 0 ? bandOption(points, { k, highlight: alert.cohort, kind: supply ? 'count' : 'rate', names }) : null,
    table,
    notes: [definitionNote(alert.series.map((point) => point.definitionSet)), alert.series.some((point) => point.suppressed) ? suppressedLegend(k) : null],
  });
}

function actions(alert: AlertDetail, redraw: (message: HTMLElement) => Promise<void>): HTMLElement {
  const triage = alert.triage?.state ?? 'new';
  const lapsed = alert.state === 'resolved' ? h('p', {}, t('alert.evidenceGone')) : null;
  if (!hasScope('alerts:write')) return section(t('alert.actions'), lapsed, h('p', {}, t('alert.readOnly')));
  const noteId = uid('note');
  const helpId = uid('note-help');
  const message = h('div', { 'aria-live': 'polite' });
  const note = h('textarea', { id: noteId, name: 'note', rows: 3, maxlength: 2000, 'aria-describedby': helpId });
  const act = (to: TriageState) => async (): Promise<void> => {
    const text = note.value.trim();
    if (to === 'resolved' && text.length === 0) {
      message.replaceChildren(status(t('alert.noteRequired'), 'error'));
      note.focus();
      return;
    }
    try {
      const updated = await api.triageAlert(alert.id, to, text.length > 0 ? text : null);
      await redraw(status(t('alert.done', { state: triageText(updated.triage?.state) }), 'success'));
    } catch (error) {
      message.replaceChildren(status(failureText(error), 'error'));
    }
  };
  const button = (to: TriageState, action: string, label: string): HTMLElement => h('button', { type: 'button', 'data-action': action, onclick: () => void act(to)() }, label);
  const buttons =
    triage === 'resolved'
      ? [button('seen', 'reopen', t('alert.reopen'))]
      : [
          triage === 'new' ? button('seen', 'seen', t('alert.markSeen')) : null,
          triage !== 'in-conversation' ? button('in-conversation', 'in-conversation', t('alert.markInConversation')) : null,
          button('resolved', 'resolve', t('alert.resolve')),
        ];
  const form = h(
    'form',
    { class: 'alert-actions', onsubmit: (event: Event) => event.preventDefault() },
    triage === 'resolved' ? h('p', {}, t('alert.closed')) : null,
    h('div', { class: 'field' }, h('label', { for: noteId }, t('alert.note')), note, h('p', { id: helpId, class: 'hint' }, `${t('alert.noteHelp')} ${t('alert.triageHelp')}`)),
    h('div', { class: 'buttons' }, ...buttons),
    message,
  );
  return section(t('alert.actions'), lapsed, form);
}

function history(alert: AlertDetail): HTMLElement {
  return section(
    t('alert.history'),
    dataTable(
      t('alert.history'),
      [t('alert.at'), t('alert.event'), t('alerts.state'), t('alert.actor'), t('alert.historyNote')],
      alert.history.map((entry) => {
        const text = entry.event === 'triaged' ? triageText : stateText;
        return [formatDateTime(entry.at), eventText(entry.event), `${entry.fromState ? `${text(entry.fromState)} → ` : ''}${text(entry.toState)}`, entry.actor, entry.note ?? ''];
      }),
    ),
  );
}

const eventText = (event: string): string => {
  const key = `alert.event.${event}`;
  return hasMessage(key) ? t(key) : event;
};

/** The reference series over the alert's cohorts: did the region move while the country did not? */
function nationalTrend(alert: AlertDetail): HTMLElement | null {
  if (alert.references.length === 0) return null;
  const cohorts = [...alert.baselineCohorts, alert.cohort];
  const block = referencesBlock(alert.references, cohorts, [], t('references.alertTitle'));
  const verdicts = dataTable(
    t('references.alertTitle'),
    ['', t('references.baseline'), t('references.current', { cohort: alert.cohort }), t('references.change'), t('references.verdict')],
    [
      [t('report.regionTotal'), alert.baselineRate === null ? t('value.none') : formatRate(alert.baselineRate), alert.currentRate === null ? t('value.none') : formatRate(alert.currentRate), alert.effectPp === null ? t('value.none') : formatPp(alert.effectPp), ''],
      ...alert.references.map((reference) => [
        reference.label,
        reference.baselineRate === null ? t('value.none') : formatRate(reference.baselineRate),
        reference.currentRate === null ? t('value.none') : formatRate(reference.currentRate),
        reference.changePp === null ? t('value.none') : formatPp(reference.changePp),
        h('span', { 'data-verdict': reference.verdict }, t(`references.verdict.${reference.verdict}`)),
      ]),
    ],
  );
  const result = section(t('references.alertTitle'), verdicts, block);
  result.dataset.section = 'references';
  return result;
}
