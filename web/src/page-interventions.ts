// Interventions (step 3 of the kwaliteitscyclus): the caller's interventions, a form to register
// one, and per intervention the before/after chart with the 95% interval and the comparison with
// comparable cells it did not reach. The figures come from the API, computed from what this
// reader can read (withheld cells left out, perturbed splits as perturbed); the page says so and
// never says that an intervention caused a change.

import { api } from './api';
import { hasScope } from './auth';
import { chartFigure, COLOURS, dataTable, suppressedLegend, trendOption } from './charts';
import { h, select, status, uid } from './dom';
import { failureText } from './errors';
import { formatNumber, formatP, formatPp, formatRate, t } from './i18n';
import { interventionContext, interventionCsvButton } from './intervention-context';
import { chosenRegion, PageContext, pageHeading, section } from './page';
import type { Difference, Intervention, InterventionEffect } from './types-interventions';

const TYPES = ['lob-programme', 'study-skills', 'keuzedeel-voorbereiding-hbo', 'first-100-days', 'doorlopende-leerroute', 'subject-alignment', 'mentoring', 'other'] as const;
const METRICS = ['uitval', 'switch', 'enrolledYear2', 'diplomaYear1'] as const;

const typeText = (type: string): string => t(`intervention.type.${type}` as Parameters<typeof t>[0]);
const metricText = (metric: string): string => t(`intervention.metric.${metric}` as Parameters<typeof t>[0]);
const cellsText = (intervention: Intervention): string =>
  intervention.target.kind === 'cells'
    ? intervention.target.cells.map((cell) => `${cell.supplier.brin} → ${cell.receiver.brin}`).join(', ')
    : `${intervention.target.suppliers.map((supplier) => supplier.brin).join(', ')} → ${intervention.target.sector ?? intervention.target.programmes.join(', ')}`;
const differenceText = (difference: Difference | null): string =>
  difference ? t('intervention.differenceText', { estimate: formatPp(difference.estimate * 100), lower: formatPp(difference.lower * 100), upper: formatPp(difference.upper * 100) }) : t('value.none');

export async function interventionsPage(context: PageContext): Promise<HTMLElement> {
  if (context.params[0]) return interventionDetailPage(context.params[0]);
  const { region } = await chosenRegion(context);
  const list = await api.interventions({ region: region?.code });
  const table = dataTable(
    t('intervention.listCaption'),
    [t('intervention.title'), t('intervention.typeLabel'), t('intervention.cells'), t('intervention.firstCohort'), t('intervention.metricLabel'), t('intervention.reviewDate'), t('intervention.state')],
    list.items.map((item) => [
      h('a', { href: `#/interventions/${encodeURIComponent(item.id)}` }, item.title),
      typeText(item.type),
      cellsText(item),
      String(item.firstCohort),
      `${metricText(item.metric)} (${t(`intervention.direction.${item.direction}`)})`,
      h('span', { 'data-review-due': item.reviewDue ? 'true' : 'false' }, item.reviewDue ? t('intervention.reviewDue', { date: item.reviewDate }) : item.reviewDate),
      t(`intervention.stateText.${item.state}`),
    ]),
  );
  list.items.forEach((item, index) => (table.tBodies[0]!.rows[index]!.dataset.interventionId = item.id));
  return h(
    'div',
    { class: 'page page-interventions' },
    pageHeading(t('intervention.pageTitle')),
    h('p', { class: 'hint' }, t('intervention.intro')),
    section(t('intervention.listTitle'), list.items.length > 0 ? table : h('p', {}, t('intervention.none'))),
    hasScope('alerts:write') ? registerForm(region?.code) : null,
  );
}

async function interventionDetailPage(id: string): Promise<HTMLElement> {
  const intervention = await api.intervention(id);
  const effect = intervention.effect;
  const context = await interventionContext(intervention);
  return h(
    'div',
    { class: 'page page-intervention', 'data-intervention-id': intervention.id, 'data-effect-status': effect.status, 'data-verdict': effect.verdict ?? '' },
    pageHeading(intervention.title),
    h('p', {}, h('a', { href: '#/interventions' }, t('intervention.back'))),
    h(
      'dl',
      { class: 'facts' },
      ...[
        [t('intervention.typeLabel'), typeText(intervention.type)],
        [t('intervention.parties'), intervention.parties.map((party) => `${party.name} (${party.brin})`).join(', ')],
        [t('intervention.cells'), cellsText(intervention)],
        [t('intervention.firstCohort'), String(intervention.firstCohort)],
        [t('intervention.metricLabel'), `${metricText(intervention.metric)} (${t(`intervention.direction.${intervention.direction}`)})`],
        [t('intervention.reviewDate'), intervention.reviewDate],
        [t('intervention.state'), t(`intervention.stateText.${intervention.state}`)],
      ].flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
    ),
    intervention.description ? h('p', {}, intervention.description) : null,
    section(t('intervention.effectTitle'), h('p', { class: 'effect-statement', 'data-status': effect.status }, effectStatement(intervention, effect)), effectChart(intervention, effect), effectTable(effect), protectionNotes(effect), interventionCsvButton(intervention)),
    ...context,
  );
}

/** What the figures say, in the interface language; never a cause. */
function effectStatement(intervention: Intervention, effect: InterventionEffect): string {
  if (effect.status !== 'estimated') return t(`intervention.status.${effect.status}`, { cohort: intervention.firstCohort });
  const verdict = t(`intervention.verdict.${effect.verdict ?? 'no-clear-change'}`);
  const comparison = effect.differenceInDifferences ? t('intervention.didText', { value: differenceText(effect.differenceInDifferences) }) : t('intervention.noComparison');
  return `${t('intervention.changeText', { metric: metricText(intervention.metric), value: differenceText(effect.targeted.difference) })} ${verdict} ${comparison} ${t('intervention.notCausal')}`;
}

function effectChart(intervention: Intervention, effect: InterventionEffect): HTMLElement {
  const points = effect.series;
  const cohorts = points.map((point) => point.cohort);
  const band = (rate: number | null, value: 'before' | 'after'): Array<{ cohort: number; value: number | null; suppressed: boolean }> =>
    points.map((point) => ({ cohort: point.cohort, value: point.period === value ? rate : null, suppressed: false }));
  const option =
    points.length > 0
      ? trendOption(
          cohorts,
          [
            { name: t('intervention.targeted'), colour: COLOURS.mine, points: points.map((point) => ({ cohort: point.cohort, value: point.targeted.rate, suppressed: point.targeted.n === 0 && point.targeted.cellsWithheld > 0 })) },
            { name: t('intervention.comparison'), colour: COLOURS.region, dashed: true, points: points.map((point) => ({ cohort: point.cohort, value: point.comparison.rate, suppressed: false })) },
            { name: t('intervention.pooledBefore'), colour: COLOURS.baseline, dashed: true, symbol: 'none', points: band(effect.targeted.before.rate, 'before') },
            { name: t('intervention.pooledAfter'), colour: COLOURS.current, dashed: true, symbol: 'none', points: band(effect.targeted.after.rate, 'after') },
          ],
          { k: 10, highlight: intervention.firstCohort, highlightLabel: t('intervention.firstCohortMark') },
        )
      : null;
  const table = dataTable(
    t('intervention.seriesCaption'),
    [t('filters.cohort'), t('intervention.period'), t('intervention.targeted'), t('intervention.comparison'), t('intervention.withheld')],
    points.map((point) => [
      String(point.cohort),
      t(`intervention.periodText.${point.period}`),
      point.targeted.rate === null ? t('value.none') : `${formatRate(point.targeted.rate)} (n = ${formatNumber(point.targeted.n)})`,
      point.comparison.rate === null ? t('value.none') : `${formatRate(point.comparison.rate)} (n = ${formatNumber(point.comparison.n)})`,
      String(point.targeted.cellsWithheld),
    ]),
  );
  return chartFigure({
    name: 'intervention-effect',
    title: t('intervention.chartTitle'),
    summary: t('intervention.chartSummary', { metric: metricText(intervention.metric), cohort: intervention.firstCohort }),
    option,
    table,
    notes: [points.some((point) => point.targeted.cellsWithheld > 0) ? suppressedLegend(10) : null],
  });
}

function effectTable(effect: InterventionEffect): HTMLElement {
  const row = (label: string, group: InterventionEffect['targeted']): Array<string | HTMLElement> => [
    label,
    group.before.rate === null ? t('value.none') : `${formatRate(group.before.rate)} (${group.before.events}/${group.before.n})`,
    group.after.rate === null ? t('value.none') : `${formatRate(group.after.rate)} (${group.after.events}/${group.after.n})`,
    differenceText(group.difference),
    group.p === null ? t('value.none') : formatP(group.p),
  ];
  const table = dataTable(
    t('intervention.summaryCaption', { before: effect.beforeCohorts.join(', ') || '–', after: effect.afterCohorts.join(', ') || '–' }),
    [t('intervention.group'), t('intervention.before'), t('intervention.after'), t('intervention.difference'), 'p (Fisher)'],
    [row(t('intervention.targeted'), effect.targeted), row(t('intervention.comparisonCells', { cells: effect.comparison.cells }), effect.comparison), [t('intervention.did'), '', '', differenceText(effect.differenceInDifferences), '']],
  );
  table.classList.add('effect-summary');
  return table;
}

function protectionNotes(effect: InterventionEffect): HTMLElement {
  return h(
    'div',
    { class: 'effect-notes' },
    h('p', { class: 'hint' }, t('intervention.method')),
    effect.withheldLeftOut > 0 ? h('p', { 'data-withheld': effect.withheldLeftOut }, t('intervention.withheldNote', { count: effect.withheldLeftOut })) : null,
    effect.targetedCellsNotReadable > 0 ? h('p', {}, t('intervention.notReadableNote', { count: effect.targetedCellsNotReadable })) : null,
    effect.protection === 'perturbed' ? h('p', { class: 'protection-legend', 'data-protection': 'perturbed' }, t('protection.perturbed')) : null,
  );
}

function registerForm(region: string | undefined): HTMLElement {
  const field = (label: string, control: HTMLElement, help?: string): HTMLElement => {
    const id = uid('field');
    control.id = id;
    return h('div', { class: 'field' }, h('label', { for: id }, label), control, help ? h('p', { class: 'hint' }, help) : null);
  };
  const title = h('input', { name: 'title', required: true, maxlength: 200 });
  const parties = h('input', { name: 'parties', required: true, placeholder: '90VB, 92HA' });
  const cells = h('input', { name: 'cells', required: true, placeholder: '90VB-92HA, 90VB-92HB' });
  const firstCohort = h('input', { name: 'firstCohort', type: 'number', min: 2000, max: 2100, required: true, value: new Date().getFullYear() });
  const reviewDate = h('input', { name: 'reviewDate', type: 'date', required: true });
  let type: string = TYPES[0];
  let metric: string = METRICS[0];
  let direction = 'decrease';
  const message = h('div', { 'aria-live': 'polite' });
  const list = (value: string): string[] => value.split(/[\s,;]+/).map((part) => part.trim().toUpperCase()).filter(Boolean);
  const submit = async (): Promise<void> => {
    try {
      const created = await api.registerIntervention({
        region,
        type,
        title: title.value,
        parties: list(parties.value),
        target: { cells: list(cells.value).map((pair) => ({ supplier: pair.split('-')[0] ?? '', receiver: pair.split('-')[1] ?? '' })) },
        firstCohort: Number(firstCohort.value),
        metric,
        direction,
        reviewDate: reviewDate.value,
      });
      location.hash = `#/interventions/${encodeURIComponent(created.id)}`;
    } catch (error) {
      message.replaceChildren(status(failureText(error), 'error'));
    }
  };
  const form = h(
    'form',
    {
      class: 'register-intervention',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void submit();
      },
    },
    select(t('intervention.typeLabel'), TYPES.map((value) => ({ value, label: typeText(value) })), type, (value) => (type = value), 'type'),
    field(t('intervention.title'), title),
    field(t('intervention.parties'), parties, t('intervention.partiesHelp')),
    field(t('intervention.cells'), cells, t('intervention.cellsHelp')),
    field(t('intervention.firstCohort'), firstCohort),
    select(t('intervention.metricLabel'), METRICS.map((value) => ({ value, label: metricText(value) })), metric, (value) => (metric = value), 'metric'),
    select(t('intervention.directionLabel'), (['decrease', 'increase'] as const).map((value) => ({ value, label: t(`intervention.direction.${value}`) })), 'decrease', (value) => (direction = value), 'direction'),
    field(t('intervention.reviewDate'), reviewDate),
    h('button', { type: 'submit' }, t('intervention.register')),
    message,
  );
  return section(t('intervention.registerTitle'), form);
}
