// Reasons for leaving (issue 14): beside the views that show the leavers of supplier × receiver
// cells (my alumni by receiver, my intake by supplier, the coordinator's matrix), a table per cell
// of the leavers by the reason from the exit interview, as the disclosure layer published them.

import { api } from './api';
import { countText, dataTable } from './charts';
import { h } from './dom';
import { MessageKey, t } from './i18n';
import { section } from './page';
import type { ReasonCell, Reasons } from './types';

export const REASON_KEYS = ['study_choice', 'study_skills', 'not_landed', 'content_gap', 'personal', 'other', 'unknown'] as const;

const reasonName = (reason: string): string => t(`reason.${reason}` as MessageKey);

/** The reasons of one cohort as a table: a row per cell, a column per reason. */
export function reasonsTable(reasons: Reasons, cohort: number, k: number, perspective: 'alumni' | 'intake' | 'region'): HTMLElement | null {
  const entry = reasons.cohorts.find((item) => item.cohort === cohort);
  if (!entry || entry.cells.length === 0) return null;
  const label = (cell: ReasonCell): string => (perspective === 'alumni' ? cell.receiverName : perspective === 'intake' ? cell.supplierName : `${cell.supplierName} → ${cell.receiverName}`);
  const rows = entry.cells.map((cell) => [
    label(cell),
    countText(cell.leavers, cell.leavers === null, k),
    ...REASON_KEYS.map((reason) => {
      const shown = cell.reasons.find((item) => item.reason === reason);
      return countText(shown?.n ?? null, !shown || shown.n === null, k);
    }),
  ]);
  const headers = [t(perspective === 'alumni' ? 'breakdown.receiver' : perspective === 'intake' ? 'breakdown.supplier' : 'reasons.cell'), t('reasons.leavers'), ...REASON_KEYS.map(reasonName)];
  const perturbed = entry.cells.some((cell) => cell.protection === 'perturbed');
  return h(
    'div',
    { class: 'chart-block', 'data-chart': 'reasons' },
    dataTable(t('reasons.table', { cohort }), headers, rows),
    h('p', { class: 'suppressed-legend' }, t('reasons.suppressed', { k })),
    perturbed ? h('p', { class: 'protection-legend' }, t('reasons.perturbed')) : null,
  );
}

/** The reasons section of a page, or nothing when the cohort has no cells. */
export async function reasonsSection(region: string | undefined, perspective: 'alumni' | 'intake' | 'region', cohort: number, k: number): Promise<HTMLElement | null> {
  const reasons = await api.reasons({ region, perspective: perspective === 'region' ? undefined : perspective, cohortFrom: cohort, cohortTo: cohort }).catch(() => null);
  const table = reasons ? reasonsTable(reasons, cohort, k, perspective) : null;
  if (!table) return null;
  const element = section(t('reasons.title', { cohort }), h('p', {}, t('reasons.intro')), table);
  element.dataset.section = 'reasons';
  return element;
}
