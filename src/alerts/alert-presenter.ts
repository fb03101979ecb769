import { AlertScope } from 'src/access/tenancy';
import { AlertHistoryRow, AlertView } from 'src/alerts/alerts.repository';
import { evaluateCell, isSmall, rateMetricEvents, testMetric } from 'src/alerts/detection/detect';
import { CellRef, CohortDefinition, ParametersByDefinitionSet, RATE_METRICS, RateMetric } from 'src/alerts/detection/model';
import { AlertDto, AlertHistoryDto, AlertSeriesPointDto } from 'src/alerts/dto/alert.dto';
import { Counts } from 'src/outcomes/figures';
import { DefinitionReferenceDto } from 'src/outcomes/dto/definition.dto';
import { definitionHref } from 'src/outcomes/definitions.service';

export const alertHref = (id: string): string => `/v1/alerts/${id}`;

/**
 * Whether a party may see an alert (the sharing rule applied to cells): a region's coordinators
 * every alert of their region; an institution, in a region it belongs to, the cells where it is
 * the supplier (supplier × receiver, supplier × sector) or the receiver (supplier × receiver,
 * receiver total). Region totals and methodebreuk notices are the coordinators'.
 * AlertsRepository.whereOf is the same rule in SQL.
 */
export function alertVisibleTo(scope: AlertScope, alert: Pick<AlertView, 'regionId' | 'cellKind' | 'supplierInstitutionId' | 'receiverInstitutionId'>): boolean {
  switch (scope.kind) {
    case 'region':
      return alert.regionId === scope.regionId;
    case 'institution': {
      if (!scope.regionIds.includes(alert.regionId)) return false;
      const asSupplier = (alert.cellKind === 'supplier_receiver' || alert.cellKind === 'supplier_sector') && alert.supplierInstitutionId === scope.institutionId;
      const asReceiver = (alert.cellKind === 'supplier_receiver' || alert.cellKind === 'receiver') && alert.receiverInstitutionId === scope.institutionId;
      return asSupplier || asReceiver;
    }
  }
}

const round = (value: number | null, digits: number): number | null => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

/**
 * An alert as every output shows it (API and webhooks). Privacy: a current n with 0 < n < k is
 * withheld; when a baseline cohort has 0 < n < k, every pooled figure (and what is derived from
 * it: rate, effect, limits, p, q) is withheld, because it would reveal that cohort next to the
 * published ones.
 */
export function toAlertDto(view: AlertView): AlertDto {
  const k = Number(view.parameters.suppressionK ?? 10);
  const currentSmall = view.nCurrent !== null && isSmall(view.nCurrent, k);
  const baselineHidden = view.baselineSuppressed || (view.nBaseline !== null && isSmall(view.nBaseline, k));
  const hideDerived = currentSmall || baselineHidden;
  const details: Record<string, unknown> = hideDerived
    ? Object.fromEntries(Object.entries(view.details).filter(([key]) => key === 'consecutive' || key === 'previousCohort'))
    : { ...view.details };
  for (const key of ['lower95', 'upper95', 'supplyRatio']) if (typeof details[key] === 'number') details[key] = round(details[key], 4);
  return {
    id: view.id,
    href: alertHref(view.id),
    type: view.type,
    state: view.state,
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
    baselineRate: baselineHidden ? null : round(view.baselineRate, 4),
    currentRate: currentSmall ? null : round(view.currentRate, 4),
    nCurrent: currentSmall ? null : view.nCurrent,
    eventsCurrent: currentSmall ? null : view.eventsCurrent,
    nBaseline: baselineHidden ? null : view.nBaseline,
    eventsBaseline: baselineHidden ? null : view.eventsBaseline,
    baselineCohorts: view.baselineCohorts,
    p: hideDerived ? null : view.p,
    q: hideDerived ? null : view.q,
    suppressed: hideDerived,
    details,
    methodVersion: view.methodVersion,
    parameters: view.parameters,
    definitionSet: { id: view.definitionSetId, version: view.definitionSetVersion, name: view.definitionSetName ?? '', href: definitionHref(view.definitionSetId) },
    resolutionReason: view.resolutionReason,
    acknowledgedAt: view.acknowledgedAt,
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
 * rate of its metric, the baseline it was compared with and the 95% limits. Cohorts with
 * 0 < n < k are suppressed; a baseline that pools such a cohort is withheld (with its limits).
 */
export function alertSeries(
  cell: CellRef,
  metric: AlertView['metric'],
  cohorts: CohortDefinition[],
  points: Array<{ cohort: number; counts: Counts }>,
  parameters: ParametersByDefinitionSet,
  definitions: ReadonlyMap<string, DefinitionReferenceDto>,
): AlertSeriesPointDto[] {
  const rateMetric = (RATE_METRICS as readonly string[]).includes(metric) ? (metric as RateMetric) : null;
  return evaluateCell({ cell, points }, cohorts, parameters).map((evaluation) => {
    const { counts, baseline, parameters: used } = evaluation;
    const small = isSmall(counts.n, used.suppressionK);
    const baselineShown = baseline !== null && baseline.eligible && !baseline.suppressed;
    const events = rateMetric && !small && counts.n > 0 ? rateMetricEvents(counts, rateMetric, used.switchersCountAsUitval) : null;
    const baselineRate = rateMetric && baselineShown ? rateMetricEvents(baseline.counts, rateMetric, used.switchersCountAsUitval) / baseline.counts.n : null;
    const test = rateMetric && baselineShown ? testMetric(evaluation, rateMetric) : null;
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
