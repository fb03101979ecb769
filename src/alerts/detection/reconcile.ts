import { createHash } from 'node:crypto';
import type { AlertState, ResolutionReason } from 'src/alerts/alert.entity';
import { reportedParameters } from 'src/alerts/detection/detect';
import { AlertType, cellKey, DetectionParameters, Finding } from 'src/alerts/detection/model';

/** The values of an alert row as detection writes them. */
export interface AlertValues extends Omit<Finding, 'cell' | 'details'> {
  cellKind: Finding['cell']['kind'];
  cellKey: string;
  supplierInstitutionId: string | null;
  receiverInstitutionId: string | null;
  sector: string | null;
  methodVersion: string;
  definitionSetVersion: number;
  parameters: Record<string, number | boolean>;
  details: Record<string, unknown>;
  evidenceHash: string;
}

/** (region is implied) type, cell, metric, cohort: the alert's identity. */
export const alertKey = (alert: { type: string; cellKey: string; metric: string; cohort: number }): string => `${alert.type}\u0000${alert.cellKey}\u0000${alert.metric}\u0000${alert.cohort}`;

/** Same cell, metric and cohort, any type: finds the alert that takes over when the type changes. */
const subjectKey = (alert: { cellKey: string; metric: string; cohort: number }): string => `${alert.cellKey}\u0000${alert.metric}\u0000${alert.cohort}`;

/**
 * A stable digest of the evidence that matters to a reader. The q-value is left out on purpose:
 * it moves a little whenever any other cell of the region gets data (the BH family changes),
 * and that must not re-notify every alert; it is still updated in place.
 */
export function evidenceHash(values: Omit<AlertValues, 'evidenceHash' | 'q'>): string {
  const material = {
    type: values.type,
    cellKey: values.cellKey,
    metric: values.metric,
    cohort: values.cohort,
    direction: values.direction,
    rule: values.rule,
    nCurrent: values.nCurrent,
    eventsCurrent: values.eventsCurrent,
    nBaseline: values.nBaseline,
    eventsBaseline: values.eventsBaseline,
    baselineCohorts: values.baselineCohorts,
    baselineSuppressed: values.baselineSuppressed,
    definitionSetId: values.definitionSetId,
    definitionSetVersion: values.definitionSetVersion,
    methodVersion: values.methodVersion,
    parameters: values.parameters,
    consecutive: values.details.consecutive ?? null,
    previousDefinitionSetId: values.details.previousDefinitionSetId ?? null,
  };
  return createHash('sha256').update(JSON.stringify(material)).digest('hex');
}

/** A finding as the values of an alert row. */
export function toAlertValues(finding: Finding, definition: DetectionParameters & { version: number }, methodVersion: string): AlertValues {
  const base = {
    type: finding.type,
    cellKind: finding.cell.kind,
    cellKey: cellKey(finding.cell),
    supplierInstitutionId: finding.cell.supplierId,
    receiverInstitutionId: finding.cell.receiverId,
    sector: finding.cell.sector,
    metric: finding.metric,
    cohort: finding.cohort,
    direction: finding.direction,
    rule: finding.rule,
    definitionSetId: finding.definitionSetId,
    nCurrent: finding.nCurrent,
    eventsCurrent: finding.eventsCurrent,
    currentRate: finding.currentRate,
    nBaseline: finding.nBaseline,
    eventsBaseline: finding.eventsBaseline,
    baselineRate: finding.baselineRate,
    baselineCohorts: finding.baselineCohorts,
    baselineSuppressed: finding.baselineSuppressed,
    effectPp: finding.effectPp,
    p: finding.p,
    q: finding.q,
    methodVersion,
    definitionSetVersion: definition.version,
    parameters: reportedParameters(definition),
    details: finding.details,
  };
  return { ...base, evidenceHash: evidenceHash(base) };
}

/** What the database holds of an alert, as far as reconciliation needs it. */
export interface ExistingAlert {
  id: string;
  type: AlertType;
  cellKey: string;
  metric: string;
  cohort: number;
  state: AlertState;
  resolutionReason: ResolutionReason | null;
  evidenceHash: string;
  q: number | null;
}

export type DetectionEvent = 'created' | 'updated' | 'reopened' | 'resolved';

export interface ReconciliationPlan {
  /** New alerts (state open). */
  create: AlertValues[];
  /**
   * Existing alerts whose evidence is written again: `event` null is a quiet update (only the
   * q-value moved); `reopened` puts an alert that was resolved for lack of evidence back to open.
   */
  update: Array<{ id: string; values: AlertValues; event: 'updated' | 'reopened' | null; fromState: AlertState; toState: AlertState }>;
  /** Open alerts whose evidence is gone: resolved with reason evidence-gone. */
  resolve: Array<{ id: string; fromState: AlertState; note: string }>;
}

const Q_TOLERANCE = 1e-12;

/**
 * Compares what detection finds now with the alerts of the region. Re-running on unchanged data
 * plans nothing. Detection owns the signal's state (open, resolved for lack of evidence, reopened
 * when the evidence returns); each party's triage is kept apart (alert_triage) and never changed
 * here. A manual resolution from before per-party triage stays as it is.
 */
export function planReconciliation(existing: readonly ExistingAlert[], found: readonly AlertValues[]): ReconciliationPlan {
  const byKey = new Map(existing.map((alert) => [alertKey(alert), alert]));
  const foundKeys = new Set<string>();
  const foundSubjects = new Map<string, AlertType>();
  const plan: ReconciliationPlan = { create: [], update: [], resolve: [] };
  for (const values of found) {
    const key = alertKey(values);
    if (foundKeys.has(key)) continue;
    foundKeys.add(key);
    foundSubjects.set(subjectKey(values), values.type);
    const current = byKey.get(key);
    if (!current) {
      plan.create.push(values);
      continue;
    }
    if (current.state === 'resolved' && current.resolutionReason === 'evidence-gone') {
      plan.update.push({ id: current.id, values, event: 'reopened', fromState: 'resolved', toState: 'open' });
    } else if (current.evidenceHash !== values.evidenceHash) {
      plan.update.push({ id: current.id, values, event: 'updated', fromState: current.state, toState: current.state });
    } else if (!sameQ(current.q, values.q)) {
      plan.update.push({ id: current.id, values, event: null, fromState: current.state, toState: current.state });
    }
  }
  for (const alert of existing) {
    if (alert.state === 'resolved' || foundKeys.has(alertKey(alert))) continue;
    const successor = foundSubjects.get(subjectKey(alert));
    const note = successor
      ? `The evidence no longer supports a ${alert.type} after a refresh of the summaries; the same cell, metric and cohort is now reported as ${successor}.`
      : 'The evidence no longer holds after a refresh of the summaries.';
    plan.resolve.push({ id: alert.id, fromState: alert.state, note });
  }
  return plan;
}

const sameQ = (a: number | null, b: number | null): boolean => (a === null || b === null ? a === b : Math.abs(a - b) <= Q_TOLERANCE * Math.max(1, Math.abs(a)));
