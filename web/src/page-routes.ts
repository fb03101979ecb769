// Routes of pupils (seed 003): per prior diploma type, the level of the first enrolment in the
// region and what came next, for one cohort; a school sees its own pupils, a coordinator the
// region's. A table, indented by step, with withheld cells marked as everywhere else.

import { api } from './api';
import { countText, dataTable, rateText, suppressedLegend } from './charts';
import { definitionNote } from './definitions';
import { h, select } from './dom';
import { t } from './i18n';
import { chosenRegion, PageContext, pageHeading, section } from './page';
import type { RouteCell } from './types';

export async function routesPage(context: PageContext): Promise<HTMLElement> {
  const { region } = await chosenRegion(context);
  const title = context.session.kind === 'region' && region ? t('routes.titleRegion', { region: region.name }) : t('routes.title');
  if (!region) return h('div', {}, pageHeading(title), h('p', {}, t('routes.noData')));
  const routes = await api.routes({ region: region.code });
  const cohorts = routes.cohorts.map((entry) => entry.cohort);
  const requested = Number(context.query.get('cohort'));
  const chosen = routes.cohorts.find((entry) => entry.cohort === requested) ?? routes.cohorts[routes.cohorts.length - 1];
  if (!chosen) return h('div', { class: 'page page-routes' }, pageHeading(title), h('p', { class: 'hint' }, t('routes.intro')), h('p', {}, t('routes.noData')));

  const k = chosen.suppressionK;
  const filters = h(
    'form',
    { class: 'filters', 'aria-label': t('filters.label'), onsubmit: (event: Event) => event.preventDefault() },
    select(t('filters.cohort'), [...cohorts].reverse().map((value) => ({ value: String(value), label: String(value) })), String(chosen.cohort), (value) => context.setQuery({ cohort: value }), 'cohort'),
  );
  const depth = (cell: RouteCell): number => (cell.next !== null ? 2 : cell.first !== null ? 1 : 0);
  const row = (cell: RouteCell, label: string): Array<string | HTMLElement> => [
    h('span', { class: `route-step route-depth-${depth(cell)}` }, label),
    cell.prior ?? t('routes.all'),
    cell.first ?? '',
    cell.next ?? '',
    countText(cell.n, cell.suppressed, k),
    rateText(cell.share, cell.suppressed, k),
  ];
  const table = dataTable(
    t('routes.table', { cohort: chosen.cohort }),
    [t('routes.step'), t('routes.prior'), t('routes.first'), t('routes.next'), t('table.n'), t('routes.share')],
    [row(chosen.total, t('routes.total')), ...chosen.cells.map((cell) => row(cell, cell.label))],
  );
  table.classList.add('routes-table');
  // The machine-readable key of every row, for tests and for whoever copies the table.
  [chosen.total, ...chosen.cells].forEach((cell, index) => {
    const element = table.tBodies[0]!.rows[index]!;
    element.dataset.route = [cell.prior ?? '', cell.first ?? '', cell.next ?? ''].join('/');
  });
  const hasSuppressed = [chosen.total, ...chosen.cells].some((cell) => cell.suppressed);
  const perturbed = chosen.cells.some((cell) => cell.protection === 'perturbed')
    ? h('p', { class: 'protection-legend', 'data-protection': 'perturbed' }, t('routes.perturbed'))
    : null;
  return h(
    'div',
    { class: 'page page-routes', 'data-region': routes.region, 'data-scope': routes.scope },
    pageHeading(title),
    h('p', { class: 'hint' }, t('routes.intro')),
    filters,
    section(t('routes.table', { cohort: chosen.cohort }), h('div', { class: 'chart-block', 'data-chart': 'routes' }, table, hasSuppressed ? suppressedLegend(k) : null, perturbed, definitionNote([chosen.definitionSet]))),
  );
}
