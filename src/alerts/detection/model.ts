import { Counts } from 'src/outcomes/figures';

/** What an alert says about a cell. */
export const ALERT_TYPES = ['trendbreuk', 'aandacht', 'leveringsbreuk', 'methodebreuk'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/** The cells detection looks at. */
export const CELL_KINDS = ['supplier_receiver', 'supplier_sector', 'receiver', 'region'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

/** Rates that are tested for a trend break. */
export const RATE_METRICS = ['uitval', 'switch', 'enrolledYear2', 'diplomaYear1'] as const;
export type RateMetric = (typeof RATE_METRICS)[number];

/** `n` is the supply (leveringsbreuk), `definition` the definition set (methodebreuk). */
export const ALERT_METRICS = [...RATE_METRICS, 'n', 'definition'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

export type Direction = 'up' | 'down';

/** Why an alert was raised. */
export const ALERT_RULES = ['fdr', 'unadjusted-p', 'consecutive-95', 'supply-low', 'supply-high', 'definition-change'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/** Unadjusted p below this (but not FDR-significant) → aandacht. */
export const AANDACHT_P = 0.05;

/** A cell of the region: who is on either end of the flow. */
export interface CellRef {
  kind: CellKind;
  supplierId: string | null;
  receiverId: string | null;
  sector: string | null;
}

/** A stable text key of a cell, part of the alerts' unique key. */
export const cellKey = (cell: CellRef): string => `${cell.kind}|${cell.supplierId ?? ''}|${cell.receiverId ?? ''}|${cell.sector ?? ''}`;

/** The method parameters of a definition set (the bijsluiter). */
export interface DetectionParameters {
  baselineCohorts: number;
  minBaselineCohorts: number;
  minBaselineN: number;
  minCurrentN: number;
  fdrQ: number;
  supplyLowRatio: number;
  supplyHighRatio: number;
  suppressionK: number;
  switchersCountAsUitval: boolean;
}

/** Parameters of every definition set that appears in the series, by definition set id. */
export type ParametersByDefinitionSet = ReadonlyMap<string, DetectionParameters>;

/** The counts of one cell in one cohort (absent cohorts count as n = 0). */
export interface SeriesPoint {
  cohort: number;
  counts: Counts;
}

export interface CellSeries {
  cell: CellRef;
  /** Any order; at most one point per cohort. */
  points: SeriesPoint[];
  /**
   * The flows (supplier|receiver|sector) with students in the cell, per cohort. Two cells with the
   * same flows in a test's cohorts hold the same students: detection tests them once. Absent: the
   * cell is taken to be distinct from every other.
   */
  flows?: ReadonlyMap<number, readonly string[]>;
}

/**
 * Which of two cells with the same students keeps the test: the one more parties see (a supplier ×
 * receiver cell is seen by both ends and the coordinator, a region total by the coordinator only).
 */
export const CELL_PRIORITY: Record<CellKind, number> = { supplier_receiver: 0, supplier_sector: 1, receiver: 2, region: 3 };

/** One cohort of the region and the definition set its figures were computed with. */
export interface CohortDefinition {
  cohort: number;
  definitionSetId: string;
}

/** Everything detection needs for one region, read from the summaries. */
export interface RegionSeries {
  /** Every cohort with figures in the region. */
  cohorts: CohortDefinition[];
  cells: CellSeries[];
}

/** One alert-worthy observation. Rates are proportions (0–1); the effect is in percentage points. */
export interface Finding {
  type: AlertType;
  cell: CellRef;
  metric: AlertMetric;
  cohort: number;
  direction: Direction | null;
  rule: AlertRule;
  definitionSetId: string;
  nCurrent: number | null;
  eventsCurrent: number | null;
  currentRate: number | null;
  nBaseline: number | null;
  eventsBaseline: number | null;
  baselineRate: number | null;
  /** The cohorts pooled into the baseline (with n > 0 in this cell). */
  baselineCohorts: number[];
  /** True when a baseline cohort has 0 < n < k: the pooled figures would reveal it. */
  baselineSuppressed: boolean;
  effectPp: number | null;
  p: number | null;
  /** Benjamini–Hochberg adjusted p over every test of the run. */
  q: number | null;
  details: Record<string, unknown>;
}

export interface DetectionResult {
  findings: Finding[];
  /** Number of Fisher tests in the BH family: one per distinct hypothesis. */
  tests: number;
  /** Tests left out of the family: a cell with the same students as one already tested, or a metric that is the complement of another in the same cell and cohort. */
  duplicates: { cells: number; complements: number };
  /** Cell × cohort combinations with an eligible baseline. */
  evaluated: number;
}
