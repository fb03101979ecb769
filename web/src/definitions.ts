// Definitions travel with the numbers: every chart names the definition set that produced it,
// links to its description, and takes its suppression threshold k from it.

import { api } from './api';
import { h } from './dom';
import { t } from './i18n';
import type { DefinitionReference, DefinitionSet } from './types';

const cache = new Map<string, Promise<DefinitionSet>>();

export function loadDefinition(id: string): Promise<DefinitionSet> {
  let pending = cache.get(id);
  if (!pending) {
    pending = api.definition(id);
    pending.catch(() => cache.delete(id));
    cache.set(id, pending);
  }
  return pending;
}

/** The suppression threshold of the definition sets behind a chart (the highest, if several). */
export async function suppressionK(references: Array<DefinitionReference | null | undefined>): Promise<number> {
  const ids = [...new Set(references.filter((reference): reference is DefinitionReference => !!reference).map((reference) => reference.id))];
  if (ids.length === 0) return 10;
  const sets = await Promise.all(ids.map(loadDefinition));
  return Math.max(...sets.map((set) => set.suppressionK));
}

export const definitionRoute = (reference: DefinitionReference): string => `#/definitions/${encodeURIComponent(reference.id)}`;

/** "Berekend met definitieset Standaarddefinities (versie 1)", linking to the description. */
export function definitionNote(references: Array<DefinitionReference | null | undefined>, methodebreuken: number[] = []): HTMLElement {
  const unique = new Map<string, DefinitionReference>();
  for (const reference of references) if (reference) unique.set(`${reference.id}:${reference.version}`, reference);
  const links = [...unique.values()].map((reference, index) =>
    h(
      'span',
      {},
      index > 0 ? ', ' : '',
      h('a', { href: definitionRoute(reference), class: 'definition-link', 'data-definition-id': reference.id, 'data-definition-version': reference.version }, `${reference.name} (${t('definition.version', { version: reference.version })})`),
    ),
  );
  return h(
    'p',
    { class: 'definition-note' },
    `${t('definition.producedBy')}: `,
    ...links,
    methodebreuken.length > 0 ? h('span', { class: 'methodebreuk-note' }, ` — ${t('definition.several', { cohorts: methodebreuken.join(', ') })}`) : null,
  );
}

/**
 * The Markdown of a definition description as elements: headings, bullet lists, paragraphs and
 * **bold**. Built from text nodes, so the description cannot inject markup.
 */
export function renderMarkdown(markdown: string): HTMLElement {
  const root = h('div', { class: 'markdown' });
  let list: HTMLUListElement | null = null;
  for (const line of markdown.split('\n')) {
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (item) {
      if (!list) {
        list = h('ul');
        root.appendChild(list);
      }
      list.appendChild(h('li', {}, ...inline(item[1]!)));
      continue;
    }
    list = null;
    if (heading) root.appendChild(h(`h${Math.min(6, heading[1]!.length + 1)}` as 'h2', {}, ...inline(heading[2]!)));
    else if (line.trim().length > 0) root.appendChild(h('p', {}, ...inline(line)));
  }
  return root;
}

function inline(text: string): Node[] {
  return text.split(/(\*\*[^*]+\*\*|`[^`]+`)/).filter(Boolean).map((part) => {
    if (part.startsWith('**') && part.endsWith('**')) return h('strong', {}, part.slice(2, -2));
    if (part.startsWith('`') && part.endsWith('`')) return h('code', {}, part.slice(1, -1));
    return document.createTextNode(part);
  });
}
