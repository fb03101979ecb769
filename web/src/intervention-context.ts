// Beside an intervention's effect: the story behind its figures. The reasons for leaving of the
// cells it targets (the last cohort before it and the latest after it) and, for a supplying
// school that is a party, its alumni survey for the targeted receivers. Both come from the same
// endpoints as their own pages, so the disclosure layer decided every figure shown here.

import { api, downloadCsv } from './api';
import { currentSession } from './auth';
import { h, status } from './dom';
import { failureText } from './errors';
import { t } from './i18n';
import { section } from './page';
import { surveyCellsTable } from './page-surveys';
import { reasonsTable } from './reasons-view';
import type { Reasons, SurveyCell } from './types';
import type { InterventionDetail } from './types-interventions';

/** Whether a supplier × receiver cell is one the intervention targets. */
function targets(intervention: InterventionDetail): (supplier: string, receiver: string) => boolean {
  const { target } = intervention;
  if (target.kind === 'cells') return (supplier, receiver) => target.cells.some((cell) => cell.supplier.brin === supplier && cell.receiver.brin === receiver);
  const suppliers = new Set(target.suppliers.map((supplier) => supplier.brin));
  return (supplier) => suppliers.has(supplier);
}

/** Whether the institution supplies any of the targeted cells. */
function suppliedBy(intervention: InterventionDetail, brin: string): boolean {
  const { target } = intervention;
  return target.kind === 'cells' ? target.cells.some((cell) => cell.supplier.brin === brin) : target.suppliers.some((supplier) => supplier.brin === brin);
}

/** The reasons for leaving of the targeted cells, the last cohort before the intervention and the latest after it. */
async function reasonsBeside(intervention: InterventionDetail): Promise<HTMLElement | null> {
  const session = currentSession();
  const { effect } = intervention;
  // The last cohort before it (pooled or not: an intervention without after cohorts pools nothing yet) and the latest after it.
  const before = effect.series.map((point) => point.cohort).filter((cohort) => cohort < intervention.firstCohort);
  const cohorts = [before.length > 0 ? Math.max(...before) : undefined, effect.afterCohorts.at(-1)].filter((cohort): cohort is number => cohort !== undefined);
  if (!session || cohorts.length === 0) return null;
  const range = { region: intervention.region, cohortFrom: Math.min(...cohorts), cohortTo: Math.max(...cohorts) };
  const read = (perspective: 'alumni' | 'intake' | undefined) => api.reasons({ ...range, perspective }).catch(() => null);
  // An institution reads its cells as a supplier (alumni) or as a receiver (intake): the side it is on in the target.
  let perspective: 'alumni' | 'intake' | 'region' = session.kind === 'region' ? 'region' : 'alumni';
  let reasons = await read(perspective === 'region' ? undefined : 'alumni');
  const own = reasons?.institution ?? null;
  if (perspective === 'alumni' && own !== null && !suppliedBy(intervention, own)) {
    perspective = 'intake';
    reasons = await read('intake');
  }
  if (!reasons) return null;
  const targeted = targets(intervention);
  const only: Reasons = { ...reasons, cohorts: reasons.cohorts.map((entry) => ({ ...entry, cells: entry.cells.filter((cell) => targeted(cell.supplier, cell.receiver)) })) };
  const tables = cohorts.map((cohort) => reasonsTable(only, cohort, only.cohorts.find((entry) => entry.cohort === cohort)?.suppressionK ?? 10, perspective)).filter((table): table is HTMLElement => table !== null);
  const element = section(t('intervention.reasonsTitle'), h('p', { class: 'hint' }, t('intervention.reasonsIntro')), ...(tables.length > 0 ? tables : [h('p', {}, t('intervention.reasonsNone'))]));
  element.dataset.section = 'intervention-reasons';
  return element;
}

/** A supplying school's alumni survey for the receivers the intervention targets (its own survey only). */
async function surveyBeside(intervention: InterventionDetail): Promise<HTMLElement | null> {
  if (currentSession()?.kind !== 'institution') return null;
  const [questionnaires, figures] = await Promise.all([api.questionnaires(), api.surveyFigures({ region: intervention.region })]).catch(() => [null, null] as const);
  const questionnaire = questionnaires?.items.find((candidate) => candidate.version === figures?.questionnaire);
  // The survey is the school's own: beside an intervention only where the school supplies the targeted cells.
  if (!figures || !questionnaire || figures.surveyYear === null || !figures.total || !suppliedBy(intervention, figures.institution)) return null;
  const { target } = intervention;
  const receivers = new Set(target.kind === 'cells' ? target.cells.filter((cell) => cell.supplier.brin === figures.institution).map((cell) => cell.receiver.brin) : []);
  const rows: Array<[SurveyCell, string]> = [
    [figures.total, t('surveys.total')],
    ...figures.byReceiver.filter((cell) => cell.receiver && (target.kind !== 'cells' || receivers.has(cell.receiver.brin))).map((cell): [SurveyCell, string] => [cell, cell.receiver ? `${cell.receiver.name} (${cell.receiver.brin})` : cell.label]),
  ];
  const table = surveyCellsTable(questionnaire, figures.suppressionK, t('surveys.byReceiver', { year: figures.surveyYear }), rows, (cell) => cell.receiver?.brin ?? 'total');
  const element = section(t('intervention.surveyTitle'), h('p', { class: 'hint' }, t('intervention.surveyIntro', { year: figures.surveyYear, cohort: figures.cohort ?? figures.surveyYear - 1 })), table, h('p', { class: 'protection-legend' }, t('surveys.perturbed')), h('p', {}, h('a', { href: '#/surveys' }, t('intervention.surveyLink'))));
  element.dataset.section = 'intervention-survey';
  return element;
}

/** The CSV of the intervention (a row per cohort with its effect). */
export function interventionCsvButton(intervention: InterventionDetail): HTMLElement {
  const message = h('span', { role: 'status' });
  return h(
    'p',
    {},
    h(
      'button',
      { type: 'button', class: 'secondary', 'data-action': 'intervention-csv', onclick: () => void downloadCsv(`/v1/interventions/${encodeURIComponent(intervention.id)}`, {}, `interventie-${intervention.id}.csv`).catch((error: unknown) => message.replaceChildren(status(failureText(error), 'error'))) },
      t('intervention.csv'),
    ),
    message,
  );
}

/** The sections beside an intervention's effect; those without figures are left out. */
export async function interventionContext(intervention: InterventionDetail): Promise<HTMLElement[]> {
  const sections = await Promise.all([reasonsBeside(intervention), surveyBeside(intervention)]);
  return sections.filter((element): element is HTMLElement => element !== null);
}
