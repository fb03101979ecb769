import { AlertVisibility } from 'src/alerts/alert-disclosure';
import { alertVisibleTo, toAlertDto } from 'src/alerts/alert-presenter';
import { AlertView } from 'src/alerts/alert-rows';

const view = (overrides: Partial<AlertView> = {}): AlertView => ({
  id: 'a1',
  regionId: 'R',
  regionCode: 'RX',
  type: 'trendbreuk',
  state: 'open',
  cellKind: 'supplier_receiver',
  cellKey: 'supplier_receiver|S|X|',
  supplierInstitutionId: 'S',
  supplierBrin: '01AA',
  supplierName: 'S',
  receiverInstitutionId: 'X',
  receiverBrin: '02BB',
  receiverName: 'X',
  sector: null,
  metric: 'uitval',
  cohort: 2022,
  direction: 'up',
  rule: 'fdr',
  effectPp: 20.00000001,
  baselineRate: 0.15,
  currentRate: 0.35,
  nCurrent: 80,
  eventsCurrent: 28,
  nBaseline: 240,
  eventsBaseline: 36,
  baselineCohorts: [2019, 2020, 2021],
  baselineSuppressed: false,
  p: 1e-5,
  q: 1e-4,
  methodVersion: 'trendbreuk-1.0',
  definitionSetId: 'd1',
  definitionSetVersion: 1,
  definitionSetName: 'Standaard',
  parameters: { suppressionK: 10 },
  details: { lower95: 0.0812345, upper95: 0.2298765 },
  evidenceHash: 'x',
  resolutionReason: null,
  triageState: 'new',
  triageNote: null,
  triageAt: null,
  triageActor: null,
  resolvedAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...overrides,
});

describe('alert visibility', () => {
  const region = { kind: 'region' as const, regionId: 'R' };
  const supplier = { kind: 'institution' as const, institutionId: 'S', regionIds: ['R'] };
  const receiver = { kind: 'institution' as const, institutionId: 'X', regionIds: ['R'] };
  const other = { kind: 'institution' as const, institutionId: 'T', regionIds: ['R'] };

  it.each([
    ['supplier_receiver', { region: true, supplier: true, receiver: true, other: false }],
    ['supplier_sector', { region: true, supplier: true, receiver: false, other: false }],
    ['receiver', { region: true, supplier: false, receiver: true, other: false }],
    ['region', { region: true, supplier: false, receiver: false, other: false }],
  ] as const)('%s cells', (cellKind, expected) => {
    const alert = view({
      cellKind,
      supplierInstitutionId: cellKind === 'supplier_receiver' || cellKind === 'supplier_sector' ? 'S' : null,
      receiverInstitutionId: cellKind === 'supplier_receiver' || cellKind === 'receiver' ? 'X' : null,
    });
    expect({ region: alertVisibleTo(region, alert), supplier: alertVisibleTo(supplier, alert), receiver: alertVisibleTo(receiver, alert), other: alertVisibleTo(other, alert) }).toEqual(expected);
  });

  it('needs membership of the alert’s region and the right region for coordinators', () => {
    expect(alertVisibleTo({ ...supplier, regionIds: ['Q'] }, view())).toBe(false);
    expect(alertVisibleTo({ kind: 'region', regionId: 'Q' }, view())).toBe(false);
  });
});

describe('toAlertDto', () => {
  const everything: AlertVisibility = { isPublished: () => true, metricWithheld: false };
  it('rounds rates and effects for output', () => {
    expect(toAlertDto(view(), everything)).toMatchObject({ effectPp: 20, details: { lower95: 0.0812, upper95: 0.2299 }, suppressed: false, href: '/v1/alerts/a1' });
  });

  it('withholds pooled figures and what derives from them when a baseline cohort is below k', () => {
    expect(toAlertDto(view({ baselineSuppressed: true }), everything)).toMatchObject({
      nBaseline: null,
      eventsBaseline: null,
      baselineRate: null,
      effectPp: null,
      p: null,
      q: null,
      details: {},
      suppressed: true,
      nCurrent: 80,
      currentRate: 0.35,
    });
  });

  it('withholds a current n below k (a supply break to a handful of students)', () => {
    expect(toAlertDto(view({ type: 'leveringsbreuk', metric: 'n', nCurrent: 4, eventsCurrent: null, currentRate: null, details: { baselineMedianN: 80, supplyRatio: 0.05 } }), everything)).toMatchObject({
      nCurrent: null,
      nBaseline: 240,
      suppressed: true,
      details: {},
    });
  });

  it('publishes the current figures only where the refresh published the cell, and a baseline only when all its cohorts are', () => {
    const current = view({ cohort: 2022, baselineCohorts: [2019, 2020, 2021] });
    const withheld2022: AlertVisibility = { isPublished: (cohort) => cohort !== 2022, metricWithheld: false };
    expect(toAlertDto(current, withheld2022)).toMatchObject({ nCurrent: null, eventsCurrent: null, currentRate: null, effectPp: null, p: null, nBaseline: 240, suppressed: true });
    const withheld2020: AlertVisibility = { isPublished: (cohort) => cohort !== 2020, metricWithheld: false };
    expect(toAlertDto(current, withheld2020)).toMatchObject({ nCurrent: 80, nBaseline: null, eventsBaseline: null, baselineRate: null, effectPp: null, suppressed: true });
  });

  it('gives a receiver no counts of a switch or uitval metric of its own intake', () => {
    expect(toAlertDto(view(), { isPublished: () => true, metricWithheld: true })).toMatchObject({
      nCurrent: 80,
      eventsCurrent: null,
      currentRate: null,
      eventsBaseline: null,
      baselineRate: null,
      effectPp: null,
      p: null,
      q: null,
    });
  });
});
