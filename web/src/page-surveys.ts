// A supplying school's alumni survey (issue 14): its former pupils' answers, linked to their
// outcomes, as mean scores per item by outcome group and by receiving institution, with response
// rates. Every count carries a small noise and small groups are withheld (docs/surveys.md).

import { api } from './api';
import { countText, dataTable, rateText, suppressedLegend } from './charts';
import { definitionNote } from './definitions';
import { h, select } from './dom';
import { formatNumber, language, t } from './i18n';
import { chosenRegion, PageContext, pageHeading, section } from './page';
import type { Questionnaire, SurveyCell } from './types';

export async function surveysPage(context: PageContext): Promise<HTMLElement> {
  const { region } = await chosenRegion(context);
  const title = t('surveys.title');
  if (!region) return h('div', {}, pageHeading(title), h('p', {}, t('surveys.noData')));
  const requested = Number(context.query.get('surveyYear'));
  const [questionnaires, first] = await Promise.all([api.questionnaires(), api.surveyFigures({ region: region.code })]);
  const figures = first.surveyYears.includes(requested) && requested !== first.surveyYear ? await api.surveyFigures({ region: region.code, surveyYear: requested }) : first;
  const questionnaire = questionnaires.items.find((candidate) => candidate.version === figures.questionnaire);
  const intro = h('p', { class: 'hint' }, t('surveys.intro'));
  const open = h('p', { class: 'hint', 'data-open-survey-year': figures.openSurveyYear }, t('surveys.open', { year: figures.openSurveyYear, next: figures.openSurveyYear + 1 }));
  if (figures.surveyYear === null || !figures.total || !questionnaire) {
    return h('div', { class: 'page page-surveys' }, pageHeading(title), intro, h('p', {}, t('surveys.noData')), open, items(questionnaire));
  }

  const k = figures.suppressionK;
  const filters = h(
    'form',
    { class: 'filters', 'aria-label': t('filters.label'), onsubmit: (event: Event) => event.preventDefault() },
    select(
      t('surveys.year'),
      [...figures.surveyYears].reverse().map((value) => ({ value: String(value), label: t('surveys.yearOption', { year: value, cohort: value - 1 }) })),
      String(figures.surveyYear),
      (value) => context.setQuery({ surveyYear: value }),
      'surveyYear',
    ),
  );
  const table = (caption: string, cells: Array<[SurveyCell, string]>, key: (cell: SurveyCell) => string): HTMLElement => surveyCellsTable(questionnaire, k, caption, cells, key);
  const byOutcome = table(
    t('surveys.byOutcome', { year: figures.surveyYear }),
    [[figures.total, t('surveys.total')], ...figures.byOutcome.map((cell): [SurveyCell, string] => [cell, t(`surveys.group.${cell.group ?? 'stayed'}`)])],
    (cell) => cell.group ?? 'total',
  );
  const byReceiver = table(
    t('surveys.byReceiver', { year: figures.surveyYear }),
    figures.byReceiver.map((cell): [SurveyCell, string] => [cell, cell.receiver ? `${cell.receiver.name} (${cell.receiver.brin})` : cell.label]),
    (cell) => cell.receiver?.brin ?? '',
  );
  const cells = [figures.total, ...figures.byOutcome, ...figures.byReceiver];
  const legends = [
    cells.some((cell) => cell.protection === 'suppressed') ? suppressedLegend(k) : null,
    h('p', { class: 'protection-legend', 'data-protection': 'perturbed' }, t('surveys.perturbed')),
    definitionNote(figures.definitionSet ? [figures.definitionSet] : []),
  ];
  return h(
    'div',
    { class: 'page page-surveys', 'data-region': figures.region, 'data-survey-year': figures.surveyYear },
    pageHeading(title),
    intro,
    filters,
    section(t('surveys.byOutcome', { year: figures.surveyYear }), h('div', { class: 'chart-block', 'data-chart': 'survey-outcome' }, byOutcome, ...legends)),
    section(t('surveys.byReceiver', { year: figures.surveyYear }), h('div', { class: 'chart-block', 'data-chart': 'survey-receiver' }, byReceiver)),
    items(questionnaire),
    open,
  );
}

/** Survey cells as a table: a row per cell (former pupils, respondents, response rate, the mean of each item); also beside an intervention. */
export function surveyCellsTable(questionnaire: Questionnaire, k: number, caption: string, cells: Array<[SurveyCell, string]>, key: (cell: SurveyCell) => string): HTMLTableElement {
  const headers = [t('surveys.group'), t('surveys.formerPupils'), t('surveys.respondents'), t('surveys.responseRate'), ...questionnaire.items.map((_, i) => t('surveys.item', { number: i + 1 }))];
  const row = (cell: SurveyCell, label: string): Array<string | HTMLElement> => {
    const suppressed = cell.protection === 'suppressed';
    return [
      label,
      countText(cell.formerPupils, suppressed, k),
      countText(cell.respondents, suppressed, k),
      rateText(cell.responseRate, suppressed, k),
      ...cell.means.map((mean) => meanText(mean.mean, cell.meanMargin, suppressed, k)),
    ];
  };
  const element = dataTable(caption, headers, cells.map(([cell, label]) => row(cell, label)));
  cells.forEach(([cell], index) => (element.tBodies[0]!.rows[index]!.dataset.cell = key(cell)));
  return element;
}

/** A mean answer (1–5, one decimal) with how far the noise can move it, or the mark of a withheld figure. */
function meanText(mean: number | null, margin: number | null, suppressed: boolean, k: number): HTMLElement {
  if (suppressed) return h('span', { class: 'suppressed-text', 'data-suppressed': 'true' }, t('suppressed.label', { k }));
  if (mean === null) return h('span', { 'data-value': '' }, t('surveys.tooFew'));
  return h('span', {}, h('span', { 'data-value': mean }, formatNumber(mean, 1)), margin === null ? null : h('span', { class: 'margin' }, ` (±${formatNumber(margin, 1)})`));
}

/** The questionnaire's statements, numbered as the table's columns, in the reader's language. */
function items(questionnaire: Questionnaire | undefined): HTMLElement | null {
  if (!questionnaire) return null;
  const lang = language();
  return section(
    t('surveys.items', { version: questionnaire.version }),
    h('p', { class: 'hint' }, questionnaire.timing[lang]),
    h('ol', { class: 'survey-items' }, ...questionnaire.items.map((item) => h('li', { 'data-item': item.id }, item[lang]))),
    h('p', { class: 'hint' }, t('surveys.scale', { scale: questionnaire.scale[lang].map((label, i) => `${i + questionnaire.scale.min} = ${label}`).join(', ') })),
  );
}
