import { Finding } from 'src/alerts/detection/model';
import { alertKey, AlertValues, ExistingAlert, planReconciliation, toAlertValues } from 'src/alerts/detection/reconcile';

const PARAMETERS = {
  version: 1,
  baselineCohorts: 3,
  minBaselineCohorts: 2,
  minBaselineN: 30,
  minCurrentN: 10,
  fdrQ: 0.05,
  supplyLowRatio: 0.5,
  supplyHighRatio: 2,
  suppressionK: 10,
  switchersCountAsUitval: false,
};

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  type: 'trendbreuk',
  cell: { kind: 'supplier_receiver', supplierId: 'S', receiverId: 'R', sector: null },
  metric: 'uitval',
  cohort: 2022,
  direction: 'up',
  rule: 'fdr',
  definitionSetId: 'd1',
  nCurrent: 80,
  eventsCurrent: 28,
  currentRate: 0.35,
  nBaseline: 240,
  eventsBaseline: 36,
  baselineRate: 0.15,
  baselineCohorts: [2019, 2020, 2021],
  baselineSuppressed: false,
  effectPp: 20,
  p: 1e-5,
  q: 1e-4,
  details: {},
  ...overrides,
});
const values = (overrides: Partial<Finding> = {}): AlertValues => toAlertValues(finding(overrides), PARAMETERS, 'trendbreuk-1.0');
const stored = (value: AlertValues, overrides: Partial<ExistingAlert> = {}): ExistingAlert => ({
  id: `id-${alertKey(value)}`,
  type: value.type,
  cellKey: value.cellKey,
  metric: value.metric,
  cohort: value.cohort,
  state: 'open',
  resolutionReason: null,
  evidenceHash: value.evidenceHash,
  q: value.q,
  ...overrides,
});

describe('planReconciliation', () => {
  it('creates what is new and plans nothing when the same evidence is found again', () => {
    const found = [values()];
    expect(planReconciliation([], found)).toEqual({ create: found, update: [], resolve: [] });
    expect(planReconciliation([stored(found[0])], found)).toEqual({ create: [], update: [], resolve: [] });
  });

  it('updates changed evidence in place, and only the q-value quietly', () => {
    const old = stored(values());
    const changed = planReconciliation([old], [values({ eventsCurrent: 30, currentRate: 0.375, effectPp: 22.5 })]);
    expect(changed.update).toEqual([expect.objectContaining({ id: old.id, event: 'updated', fromState: 'open', toState: 'open' })]);
    const quiet = planReconciliation([old], [values({ q: 2e-4 })]);
    expect(quiet.update).toEqual([expect.objectContaining({ id: old.id, event: null })]);
  });

  it('resolves open alerts whose evidence is gone, and names the successor type', () => {
    const open = stored(values());
    const other = stored(values({ cohort: 2021 }));
    const resolved = stored(values({ cohort: 2020 }), { state: 'resolved', resolutionReason: 'evidence-gone' });
    const plan = planReconciliation([open, other, resolved], [values({ cohort: 2022, type: 'aandacht', rule: 'unadjusted-p' })]);
    expect(plan.resolve).toEqual([
      { id: open.id, fromState: 'open', note: expect.stringContaining('now reported as aandacht') },
      { id: other.id, fromState: 'open', note: 'The evidence no longer holds after a refresh of the summaries.' },
    ]);
    expect(plan.create).toHaveLength(1);
  });

  it('reopens an alert resolved for lack of evidence when the evidence returns; a resolution by a person from before per-party triage stands', () => {
    const gone = stored(values(), { state: 'resolved', resolutionReason: 'evidence-gone' });
    expect(planReconciliation([gone], [values()]).update).toEqual([expect.objectContaining({ id: gone.id, event: 'reopened', fromState: 'resolved', toState: 'open' })]);
    const manual = stored(values(), { state: 'resolved', resolutionReason: 'manual' });
    expect(planReconciliation([manual], [values()])).toEqual({ create: [], update: [], resolve: [] });
  });

  it('keys alerts by type, cell, metric and cohort', () => {
    expect(values().cellKey).toBe('supplier_receiver|S|R|');
    expect(values({ type: 'aandacht' }).evidenceHash).not.toBe(values().evidenceHash);
    expect(values({ q: 0.3 }).evidenceHash).toBe(values().evidenceHash);
  });
});
