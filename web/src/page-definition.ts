// A definition set (the "bijsluiter"): its description, as every chart links to it.

import { loadDefinition, renderMarkdown } from './definitions';
import { h } from './dom';
import { t } from './i18n';
import { PageContext, pageHeading } from './page';

export async function definitionPage(context: PageContext): Promise<HTMLElement> {
  const definition = await loadDefinition(context.params[0] ?? '');
  return h(
    'div',
    { class: 'page page-definition', 'data-definition-id': definition.id },
    pageHeading(t('definition.title', { name: definition.name, version: definition.version })),
    h('p', {}, h('a', { href: '#', onclick: (event: Event) => { event.preventDefault(); history.back(); } }, `← ${t('definition.back')}`)),
    h('article', { class: 'definition-description', lang: 'nl' }, renderMarkdown(definition.description)),
  );
}
