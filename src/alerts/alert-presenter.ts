import { cellVisibleTo } from 'src/access/cell-parties';
import { AlertScope } from 'src/access/tenancy';
import { AlertVisibility } from 'src/alerts/alert-disclosure';
import { AlertHistoryRow, AlertView } from 'src/alerts/alert-rows';
import { evaluateCell, isSmall, rateMetricEvents, testMetric } from 'src/alerts/detection/detect';
import { CellRef, CohortDefinition, ParametersByDefinitionSet, RATE_METRICS, RateMetric } from 'src/alerts/detection/model';
import { AlertDto, AlertHistoryDto, AlertSeriesPointDto } from 'src/alerts/dto/alert.dto';
import { Counts } from 'src/outcomes/figures';
import { DefinitionReferenceDto } from 'src/outcomes/dto/definition.dto';
import { definitionHref } from 'src/outcomes/definitions.service';

export const alertHref = (id: string): string => `/v1/alerts/${id}`;

/**
 * Whether a party may see an alert: the parties of its cell (`cellVisibleTo`, the sharing rule
 * applied to cells). Region totals and methodebreuk notices are the coordinators'.
 * AlertsRepository.whereOf is the same rule in SQL.
 */
export function alertVisibleTo(scope: AlertScope, alert: Pick<AlertView, 'regionId' | 'cellKind' | 'supplierInstitutionId' | 'receiverInstitutionId'>): boolean {
  return cellVisibleTo(scope, alert);
}

const round = (value: number | null, digits: number): number | null => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

/**
 * An alert as every output shows it (API and webhooks), through the disclosure-control layer
 * (alert-disclosure.ts): the current figures only where the refresh published the alert's cell in
 * that cohort; the baseline only when every cohort it pools is published; what is derived from
 * either (rate, effect, limits, p, q) only when both are; the counts of a switch/uitval metric never
 * to an institution, which could move them with a record of its own. `triage` is the party's own
 * (read for it), left out where the view was read for no party.
 */
export function toAlertDto(view: AlertView, visibility: AlertVisibility, withTriage = true): AlertDto {
  const k = Number(view.parameters.suppressionK ?? 10);
  const currentSmall = !visibility.isPublished(view.cohort) || (view.nCurrent !== null && isSmall(view.nCurrent, k));
  const baselineHidden =
    view.baselineSuppressed || !view.baselineCohorts.every((cohort) => visibility.isPublished(cohort)) || (view.nBaseline !== null && isSmall(view.nBaseline, k));
  const metricHidden = visibility.metricWithheld;
  const hideDerived = currentSmall || baselineHidden || metricHidden;
  const details: Record<string, unknown> = hideDerived
    ? Object.fromEntries(Object.entries(view.details).filter(([key]) => key === 'consecutive' || key === 'previousCohort'))
    : { ...view.details };
  for (const key of ['lower95', 'upper95', 'supplyRatio']) if (typeof details[key] === 'number') details[key] = round(details[key], 4);
  return {
    id: view.id,
    href: alertHref(view.id),
    type: view.type,
    state: view.state,
    ...(withTriage ? { triage: { state: view.triageState, note: view.triageNote, updatedAt: view.triageAt, updatedBy: view.triageActor } } : {}),
    region: view.regionCode,
    cell: {
      kind: view.cellKind,
      supplier: view.supplierBrin ? { brin: view.supplierBrin, name: view.supplierName ?? view.supplierBrin } : null,
      receiver: view.receiverBrin ? { brin: view.receiverBrin, name: view.receiverName ?? view.receiverBrin } : null,
      sector: view.sector,
    },
    metric: view.metric,
    cohort: view.cohort,
    direction: view.direction,
    rule: view.rule,
    effectPp: hideDerived ? null : round(view.effectPp, 2),
    baselineRate: baselineHidden || metricHidden ? null : round(view.baselineRate, 4),
    currentRate: currentSmall || metricHidden ? null : round(view.currentRate, 4),
    nCurrent: currentSmall ? null : view.nCurrent,
    eventsCurrent: currentSmall || metricHidden ? null : view.eventsCurrent,
    nBaseline: baselineHidden ? null : view.nBaseline,
    eventsBaseline: baselineHidden || metricHidden ? null : view.eventsBaseline,
    baselineCohorts: view.baselineCohorts,
    p: hideDerived ? null : view.p,
    q: hideDerived ? null : view.q,
    suppressed: hideDerived,
    details,
    methodVersion: view.methodVersion,
    parameters: view.parameters,
    definitionSet: { id: view.definitionSetId, version: view.definitionSetVersion, name: view.definitionSetName ?? '', href: definitionHref(view.definitionSetId) },
    resolutionReason: view.resolutionReason,
    resolvedAt: view.resolvedAt,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
  };
}

export const toHistoryDto = (row: AlertHistoryRow): AlertHistoryDto => ({
  at: row.at,
  event: row.event,
  fromState: row.fromState,
  toState: row.toState,
  note: row.note,
  reason: row.reason,
  actorKind: row.actorKind,
  actor: row.actorKind === 'system' ? 'system' : (row.actorClientId ?? 'unknown'),
});

/**
 * The series behind an alert: every cohort of the region for the alert's cell, with n, events and
 * rate of its metric, the baseline it was compared with and the 95% limits. A cohort whose cell
 * the refresh withheld is suppressed; a baseline that pools such a cohort is withheld (with its
 * limits); the metric's counts follow `visibility.metricWithheld` as in `toAlertDto`.
 */
export function alertSeries(
  cell: CellRef,
  metric: AlertView['metric'],
  cohorts: CohortDefinition[],
  points: Array<{ cohort: number; counts: Counts }>,
  parameters: ParametersByDefinitionSet,
  definitions: ReadonlyMap<string, DefinitionReferenceDto>,
  visibility: AlertVisibility,
): AlertSeriesPointDto[] {
  const rateMetric = (RATE_METRICS as readonly string[]).includes(metric) ? (metric as RateMetric) : null;
  return evaluateCell({ cell, points }, cohorts, parameters).map((evaluation) => {
    const { counts, baseline, parameters: used } = evaluation;
    const small = !visibility.isPublished(evaluation.cohort) || isSmall(counts.n, used.suppressionK);
    const baselineShown = baseline !== null && baseline.eligible && !baseline.suppressed && baseline.cohorts.every((cohort) => visibility.isPublished(cohort));
    const metricShown = rateMetric !== null && !visibility.metricWithheld;
    const events = metricShown && !small && counts.n > 0 ? rateMetricEvents(counts, rateMetric, used.switchersCountAsUitval) : null;
    const baselineRate = metricShown && baselineShown ? rateMetricEvents(baseline.counts, rateMetric, used.switchersCountAsUitval) / baseline.counts.n : null;
    const test = metricShown && baselineShown && !small ? testMetric(evaluation, rateMetric) : null;
    return {
      cohort: evaluation.cohort,
      definitionSet: definitions.get(evaluation.definitionSetId) ?? null,
      suppressed: small,
      n: small ? null : counts.n,
      events,
      rate: events === null ? null : round(events / counts.n, 4),
      baselineCohorts: baseline?.cohorts ?? [],
      baselineN: baselineShown ? baseline.counts.n : null,
      baselineRate: round(baselineRate, 4),
      baselineMedianN: baselineShown ? baseline.medianN : null,
      lower95: test ? round(test.lower95, 4) : null,
      upper95: test ? round(test.upper95, 4) : null,
      supplyLow: baselineShown ? round(used.supplyLowRatio * baseline.medianN, 2) : null,
      supplyHigh: baselineShown ? round(used.supplyHighRatio * baseline.medianN, 2) : null,
      tested: evaluation.testable,
      supplyBreak: evaluation.supplyBreak,
    };
  });
}
