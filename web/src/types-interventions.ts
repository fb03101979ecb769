// The interventions API as this front end reads it (openapi/openapi.json: InterventionDetailDto).

export interface InstitutionLabel {
  brin: string;
  name: string;
}

export interface Intervention {
  id: string;
  region: string;
  type: string;
  title: string;
  description: string;
  parties: InstitutionLabel[];
  target: { kind: 'cells' | 'sector' | 'programmes'; cells: Array<{ supplier: InstitutionLabel; receiver: InstitutionLabel }>; sector: string | null; programmes: string[]; suppliers: InstitutionLabel[] };
  firstCohort: number;
  metric: string;
  direction: 'decrease' | 'increase';
  reviewDate: string;
  reviewDue: boolean;
  state: 'active' | 'withdrawn';
}

export interface Pooled {
  n: number;
  events: number;
  rate: number | null;
}

export interface Difference {
  estimate: number;
  lower: number;
  upper: number;
}

export interface GroupEffect {
  status: string;
  before: Pooled;
  after: Pooled;
  difference: Difference | null;
  p: number | null;
}

export interface InterventionEffect {
  status: 'no-after-cohorts' | 'too-few-cohorts' | 'too-few-students' | 'estimated';
  verdict: 'intended-direction' | 'opposite-direction' | 'no-clear-change' | null;
  statement: string;
  protection: string;
  beforeCohorts: number[];
  afterCohorts: number[];
  targetedCells: number;
  targetedCellsNotReadable: number;
  withheldLeftOut: number;
  targeted: GroupEffect;
  comparison: GroupEffect & { cells: number };
  differenceInDifferences: Difference | null;
  series: Array<{ cohort: number; period: 'before' | 'after' | 'outside'; targeted: Pooled & { cellsWithheld: number }; comparison: Pooled & { cellsWithheld: number } }>;
}

export interface InterventionDetail extends Intervention {
  effect: InterventionEffect;
}
