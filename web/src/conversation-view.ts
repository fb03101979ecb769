// A conversation on a signal or a cell: its notes and agreed actions (who, when, status), a form
// to add a note or an action, the status of each action, and its CSV. Shared by the alert page
// (the conversation about the signal) and the conversation page.

import { api, downloadCsv } from './api';
import { cellText, metricText, typeText } from './alerts-view';
import { hasScope } from './auth';
import { h, status, uid } from './dom';
import { failureText } from './errors';
import { formatDateTime, t } from './i18n';
import { section } from './page';
import type { ActionStatus, AlertDetail, AlertType, ConversationCell, ConversationAuthor, ConversationDetail, ConversationEntry, ConversationParty, OwnerRole } from './types';

const MAX_TEXT = 4000;
const ROLES_OF_CELL: Record<string, OwnerRole[]> = {
  supplier_receiver: ['supplier', 'receiver', 'coordinator'],
  supplier_sector: ['supplier', 'coordinator'],
  receiver: ['receiver', 'coordinator'],
  region: ['coordinator'],
};

/** "Coördinator R1" or "Aanbieder Rijnstad College (21AA)". */
export function partyText(party: ConversationParty): string {
  const where = party.institution ? `${party.institution.name} (${party.institution.brin})` : (party.region ?? '');
  return `${t(`conversation.role.${party.role}`)} ${where}`.trim();
}

export function authorText(author: ConversationAuthor): string {
  return `${author.person ?? author.client} · ${partyText(author)}`;
}

/** What a conversation is called: its title, else the signal it is about ("Trendbreuk · Uitval jaar 1 · 2024"), else "Gesprek". */
export function conversationTitle(conversation: { title: string | null; signalType: AlertType | null; cell: ConversationCell }): string {
  if (conversation.title) return conversation.title;
  const parts = [conversation.signalType ? typeText(conversation.signalType) : t('conversation.title'), conversation.cell.metric ? metricText(conversation.cell.metric) : null, conversation.cell.cohort];
  return parts.filter((part) => part !== null && part !== undefined).join(' · ');
}

export const actionStatusText = (value: ActionStatus): string => t(`conversation.status.${value}`);

/** The conversation about a signal on its alert page: the entries, or a form to start it. */
export async function signalConversation(alert: AlertDetail, redraw: (message: HTMLElement) => Promise<void>): Promise<HTMLElement> {
  const found = await api.conversations({ alert: alert.id });
  const first = found.items[0];
  if (first) return conversationBlock(await api.conversation(first.id), async (message) => redraw(message));
  const writable = hasScope('alerts:write');
  const message = h('div', { 'aria-live': 'polite' });
  const noteId = uid('conversation-note');
  const note = h('textarea', { id: noteId, name: 'conversation-note', rows: 3, maxlength: MAX_TEXT });
  const start = async (): Promise<void> => {
    try {
      await api.startConversation(note.value.trim().length > 0 ? { alertId: alert.id, note: note.value } : { alertId: alert.id });
      await redraw(status(t('conversation.started'), 'success'));
    } catch (error) {
      message.replaceChildren(status(failureText(error), 'error'));
    }
  };
  const result = section(
    t('conversation.title'),
    h('p', {}, t('conversation.none')),
    writable
      ? h(
          'form',
          { class: 'conversation-form', onsubmit: (event: Event) => event.preventDefault() },
          h('div', { class: 'field' }, h('label', { for: noteId }, t('conversation.firstNote')), note, h('p', { class: 'hint' }, t('conversation.startHelp'))),
          h('div', { class: 'buttons' }, h('button', { type: 'button', 'data-action': 'start-conversation', onclick: () => void start() }, t('conversation.start'))),
          message,
        )
      : null,
  );
  result.dataset.section = 'conversation';
  return result;
}

/** One conversation: its entries oldest first, the status of each action, and (with alerts:write) the forms. */
export function conversationBlock(conversation: ConversationDetail, redraw: (message: HTMLElement) => Promise<void>): HTMLElement {
  const writable = hasScope('alerts:write');
  const message = h('div', { 'aria-live': 'polite' });
  const run = (work: () => Promise<unknown>, done: string) => async (): Promise<void> => {
    try {
      await work();
      await redraw(status(done, 'success'));
    } catch (error) {
      message.replaceChildren(status(failureText(error), 'error'));
    }
  };
  const entries = h(
    'ol',
    { class: 'conversation-entries' },
    ...conversation.entries.map((entry) => entryItem(entry, writable, (to) => run(() => api.setActionStatus(conversation.id, entry.id, to), t('conversation.statusSet', { status: actionStatusText(to) })))),
  );
  const csv = h(
    'button',
    { type: 'button', class: 'secondary', 'data-action': 'conversation-csv', onclick: () => void downloadCsv(conversation.href, {}, `gesprek-${conversation.id}.csv`).catch((error: unknown) => message.replaceChildren(status(failureText(error), 'error'))) },
    t('conversation.csv'),
  );
  const block = section(
    conversationTitle({ title: conversation.title, signalType: conversation.signal?.type ?? null, cell: conversation.cell }),
    h('p', { class: 'conversation-cell' }, `${conversation.region} · ${cellText(conversation.cell)}`),
    conversation.entries.length === 0 ? h('p', {}, t('conversation.empty')) : entries,
    writable ? entryForm(conversation, (body) => run(() => api.addEntry(conversation.id, body), t('conversation.added'))()) : null,
    h('div', { class: 'buttons' }, csv),
    message,
  );
  block.dataset.section = 'conversation';
  block.dataset.conversationId = conversation.id;
  return block;
}

function entryItem(entry: ConversationEntry, writable: boolean, setStatus: (to: ActionStatus) => () => Promise<void>): HTMLElement {
  const action = entry.kind === 'action';
  const meta = h('p', { class: 'entry-meta' }, `${formatDateTime(entry.createdAt)} · ${authorText(entry.author)} · ${t(`conversation.kind.${entry.kind}`)}`);
  const details = action
    ? h(
        'p',
        { class: 'entry-action' },
        h('span', { class: `action-status action-${entry.status}`, 'data-status': entry.status }, actionStatusText(entry.status!)),
        entry.owner ? ` · ${t('conversation.owner')}: ${partyText(entry.owner)}` : '',
        entry.dueDate ? ` · ${t('conversation.due')}: ${entry.dueDate}` : '',
      )
    : null;
  const buttons =
    action && writable
      ? h(
          'div',
          { class: 'buttons' },
          ...(['done', 'dropped', 'open'] as ActionStatus[])
            .filter((to) => to !== entry.status)
            .map((to) => h('button', { type: 'button', class: 'secondary', 'data-action': `status-${to}`, onclick: () => void setStatus(to)() }, t(`conversation.set.${to}`))),
        )
      : null;
  const history = entry.statusHistory.map((change) =>
    h('li', {}, `${formatDateTime(change.at)} · ${actionStatusText(change.from)} → ${actionStatusText(change.to)} · ${authorText(change.by)}${change.note ? ` · ${change.note}` : ''}`),
  );
  return h(
    'li',
    { class: `conversation-entry entry-${entry.kind}`, 'data-entry-id': entry.id, 'data-kind': entry.kind },
    meta,
    h('p', { class: 'entry-text' }, entry.text),
    details,
    history.length > 0 ? h('ul', { class: 'entry-history' }, ...history) : null,
    buttons,
  );
}

function entryForm(conversation: ConversationDetail, submit: (body: { kind: 'note' | 'action'; text: string; owner?: string; dueDate?: string }) => Promise<void>): HTMLElement {
  const ids = { kind: uid('entry-kind'), text: uid('entry-text'), owner: uid('entry-owner'), due: uid('entry-due') };
  const kind = h('select', { id: ids.kind, name: 'kind' }, h('option', { value: 'note' }, t('conversation.kind.note')), h('option', { value: 'action' }, t('conversation.kind.action')));
  const text = h('textarea', { id: ids.text, name: 'text', rows: 3, maxlength: MAX_TEXT, required: true });
  const owner = h(
    'select',
    { id: ids.owner, name: 'owner' },
    h('option', { value: '' }, t('value.none')),
    ...(ROLES_OF_CELL[conversation.cell.kind] ?? []).map((role) => h('option', { value: role }, t(`conversation.role.${role}`))),
  );
  const due = h('input', { id: ids.due, name: 'dueDate', type: 'date' });
  const actionFields = h('div', { class: 'action-fields', hidden: true }, h('div', { class: 'field' }, h('label', { for: ids.owner }, t('conversation.owner')), owner), h('div', { class: 'field' }, h('label', { for: ids.due }, t('conversation.due')), due));
  kind.addEventListener('change', () => (actionFields.hidden = kind.value !== 'action'));
  const send = (): void => {
    const isAction = kind.value === 'action';
    void submit({
      kind: isAction ? 'action' : 'note',
      text: text.value,
      ...(isAction && owner.value ? { owner: owner.value } : {}),
      ...(isAction && due.value ? { dueDate: due.value } : {}),
    });
  };
  return h(
    'form',
    { class: 'conversation-form', onsubmit: (event: Event) => event.preventDefault() },
    h('div', { class: 'field' }, h('label', { for: ids.kind }, t('conversation.kind')), kind),
    h('div', { class: 'field' }, h('label', { for: ids.text }, t('conversation.text')), text, h('p', { class: 'hint' }, t('conversation.textHelp', { max: MAX_TEXT }))),
    actionFields,
    h('div', { class: 'buttons' }, h('button', { type: 'button', 'data-action': 'add-entry', onclick: send }, t('conversation.add'))),
  );
}
