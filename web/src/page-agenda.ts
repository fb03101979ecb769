// The agenda of the next network meeting, per party: its open inbox signals and its conversations
// with open actions (actions due by the meeting marked), printable and as CSV. Also the page of one
// conversation (#/conversations/<id>).

import { api, downloadCsv } from './api';
import { cellText, metricText, triageText, typeText } from './alerts-view';
import { dataTable } from './charts';
import { actionStatusText, conversationBlock, conversationTitle, partyText } from './conversation-view';
import { h, status, uid } from './dom';
import { failureText } from './errors';
import { formatDateTime, t } from './i18n';
import { PageContext, pageHeading, section } from './page';
import type { AgendaItem } from './types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function agendaPage(context: PageContext): Promise<HTMLElement> {
  const wanted = context.query.get('dueBy');
  const dueBy = wanted && DATE.test(wanted) ? wanted : undefined;
  const agenda = await api.agenda({ dueBy });
  const signals = agenda.items.filter((item) => item.kind === 'signal');
  const conversations = agenda.items.filter((item) => item.kind === 'conversation');
  const interventions = agenda.items.filter((item) => item.kind === 'intervention');
  const dateId = uid('due-by');
  const message = h('div', { 'aria-live': 'polite' });
  const date = h('input', { id: dateId, name: 'dueBy', type: 'date', value: agenda.dueBy, onchange: (event: Event) => context.setQuery({ dueBy: (event.target as HTMLInputElement).value }) });
  const csv = h(
    'button',
    { type: 'button', class: 'secondary', 'data-action': 'agenda-csv', onclick: () => void downloadCsv('/v1/agenda', { dueBy: agenda.dueBy }, `agenda-${agenda.dueBy}.csv`).catch((error: unknown) => message.replaceChildren(status(failureText(error), 'error'))) },
    t('agenda.csv'),
  );
  return h(
    'div',
    { class: 'page page-agenda' },
    pageHeading(t('agenda.title')),
    h('p', { class: 'agenda-meta' }, t('agenda.meta', { date: agenda.dueBy, generated: formatDateTime(agenda.generatedAt), due: agenda.dueActions })),
    h('form', { class: 'filters', 'aria-label': t('filters.label'), onsubmit: (event: Event) => event.preventDefault() }, h('div', { class: 'field' }, h('label', { for: dateId }, t('agenda.meeting')), date), h('div', { class: 'buttons' }, csv)),
    message,
    section(t('agenda.signals', { count: signals.length }), signals.length === 0 ? h('p', {}, t('agenda.noSignals')) : signalTable(signals)),
    section(t('agenda.conversations', { count: conversations.length }), conversations.length === 0 ? h('p', {}, t('agenda.noConversations')) : h('div', {}, ...conversations.map(conversationItem))),
    section(t('agenda.interventions', { count: interventions.length }), interventions.length === 0 ? h('p', {}, t('agenda.noInterventions')) : interventionTable(interventions)),
  );
}

function signalTable(items: AgendaItem[]): HTMLElement {
  const table = dataTable(
    t('agenda.signalsCaption'),
    [t('alerts.type'), t('alerts.cell'), t('alerts.metric'), t('alerts.cohort'), t('alerts.triage'), t('conversation.title')],
    items.map((item) => [
      h('a', { href: `#/alerts/${encodeURIComponent(item.signal!.id)}` }, typeText(item.signal!.type)),
      cellText(item.cell),
      metricText(item.signal!.metric),
      String(item.signal!.cohort),
      triageText(item.signal!.triage?.state),
      item.signalConversation ? h('a', { href: `#/conversations/${encodeURIComponent(item.signalConversation.id)}` }, t('agenda.openConversation')) : t('value.none'),
    ]),
  );
  Array.from(table.tBodies[0]!.rows).forEach((row, index) => (row.dataset.alertId = items[index]!.signal!.id));
  return table;
}

/** Interventions whose review date has come: what they are, whom they reach, and a link to their measured effect. */
function interventionTable(items: AgendaItem[]): HTMLElement {
  const table = dataTable(
    t('agenda.interventionsCaption'),
    [t('intervention.title'), t('alerts.cell'), t('intervention.firstCohort'), t('intervention.reviewDate')],
    items.map((item) => [h('a', { href: `#/interventions/${encodeURIComponent(item.intervention!.id)}` }, item.title), cellText(item.cell), String(item.intervention!.firstCohort), item.intervention!.reviewDate]),
  );
  Array.from(table.tBodies[0]!.rows).forEach((row, index) => (row.dataset.interventionId = items[index]!.intervention!.id));
  return table;
}

function conversationItem(item: AgendaItem): HTMLElement {
  const conversation = item.conversation!;
  return h(
    'article',
    { class: 'agenda-conversation', 'data-conversation-id': conversation.id },
    h('h3', {}, h('a', { href: `#/conversations/${encodeURIComponent(conversation.id)}` }, conversationTitle({ title: conversation.title, signalType: conversation.signalType, cell: item.cell }))),
    h('p', { class: 'conversation-cell' }, `${item.region} · ${cellText(item.cell)} · ${t('agenda.lastEntry', { at: formatDateTime(item.at) })}`),
    dataTable(
      t('agenda.actionsCaption'),
      [t('conversation.kind.action'), t('conversation.owner'), t('conversation.due'), t('conversation.statusLabel'), t('conversation.author')],
      conversation.openActions.map((action) => [
        action.text,
        action.owner ? partyText(action.owner) : t('value.none'),
        h('span', { class: action.due ? 'due' : '', 'data-due': action.due ? 'true' : 'false' }, action.dueDate ? `${action.dueDate}${action.due ? ` (${t('agenda.dueMark')})` : ''}` : t('value.none')),
        actionStatusText(action.status),
        `${action.author.person ?? action.author.client} · ${partyText(action.author)}`,
      ]),
    ),
  );
}

/** One conversation on its own page. */
export async function conversationPage(context: PageContext, notice?: HTMLElement): Promise<HTMLElement> {
  const conversation = await api.conversation(context.params[0]!);
  const root = h('div', { class: 'page page-conversation', 'data-conversation-id': conversation.id });
  const redraw = async (message: HTMLElement): Promise<void> => {
    root.replaceWith(await conversationPage(context, message));
  };
  root.append(
    pageHeading(t('conversation.title')),
    ...(notice ? [notice] : []),
    ...(conversation.signal ? [h('p', {}, h('a', { href: `#/alerts/${encodeURIComponent(conversation.signal.id)}` }, t('conversation.toSignal')))] : []),
    conversationBlock(conversation, redraw),
  );
  return root;
}
