// The JSON the front end reads, as the API sends it (src/insights/dto, src/outcomes/dto,
// src/alerts/dto): dates are ISO strings, rates are proportions 0–1, null when suppressed.
// test/web/contract.spec.ts checks at compile time that these stay in step with the DTOs.

import type { Intervention } from './types-interventions';

export interface DefinitionReference {
  id: string;
  version: number;
  name: string;
  href: string;
}

export type Protection = 'published' | 'suppressed' | 'perturbed' | 'split-withheld';

export interface Figures {
  n: number | null;
  suppressed: boolean;
  protection: Protection;
  left: number | null;
  direct: number | null;
  uitval: number | null;
  switchInternal: number | null;
  switchExternal: number | null;
  enrolledYear2: number | null;
  diplomaYear1: number | null;
  rendement: number | null;
}

export interface BreakdownRow extends Figures {
  key: string;
  label: string;
}

export interface CohortFigures {
  cohort: number;
  definitionSet: DefinitionReference;
  total: Figures;
  rows: BreakdownRow[];
  benchmarkTotal?: Figures;
  benchmark?: BreakdownRow[];
}

export interface InstitutionRef {
  brin: string;
  name: string;
}

export interface Doorstroom {
  schoolYear: number;
  leavers: number | null;
  continued: number | null;
  rate: number | null;
  suppressed: boolean;
  protection: 'suppressed' | 'perturbed';
}

export interface ReferencePoint {
  cohort: number;
  rate: number;
  n: number | null;
}

/** A published figure from outside the region, beside a view, with how its definitions compare. */
export interface ReferenceComparison {
  id: string;
  source: string;
  sourceUrl: string;
  licence: string;
  definitions: string;
  synthetic: boolean;
  label: string;
  sector: 'mbo' | 'hbo' | 'wo';
  level: string | null;
  programmeGroup: string | null;
  priorEducation: string | null;
  instroom: 'all' | 'direct' | 'indirect';
  metric: 'direct' | 'uitval' | 'switchInternal' | 'switchExternal' | 'enrolledYear2' | 'diplomaYear1' | 'rendement' | 'switch';
  switchersCountAsUitval: boolean | null;
  firstYearInSectorOnly: boolean | null;
  referenceDate: string | null;
  points: ReferencePoint[];
  comparable: boolean;
  differences: string[];
  differenceDetails?: ReferenceDifference[];
}

/** One way a reference's definitions differ from the region's; `code` may be one the web does not know (then `text`). */
export interface ReferenceDifference {
  code: string;
  text: string;
  reference: string | boolean | null;
  region: string | boolean | null;
  definitionSet: { name: string; version: number } | null;
}

export interface AlertReference extends ReferenceComparison {
  baselineRate: number | null;
  currentRate: number | null;
  changePp: number | null;
  verdict: 'region-only' | 'reference-too' | 'unknown';
}

export interface InsightsView {
  region: string;
  institution: InstitutionRef;
  breakdown: string;
  definitionSets: DefinitionReference[];
  methodebreuken: number[];
  cohorts: CohortFigures[];
  doorstroom?: Doorstroom[];
  references: ReferenceComparison[];
  levelReferences?: ReferenceComparison[];
}

export interface MatrixCell extends Figures {
  supplier: string;
  receiver: string;
}

export interface MatrixTotal extends Figures {
  key: string;
  label: string;
}

export interface TrendPoint extends Figures {
  cohort: number;
  definitionSet: DefinitionReference;
}

export interface RegionReport {
  region: string;
  name: string;
  cohort: number | null;
  definitionSet: DefinitionReference | null;
  suppliers: InstitutionRef[];
  receivers: InstitutionRef[];
  cells: MatrixCell[];
  supplierTotals: MatrixTotal[];
  receiverTotals: MatrixTotal[];
  total: Figures;
  trend: TrendPoint[];
  methodebreuken: number[];
  definitionSets: DefinitionReference[];
  references: ReferenceComparison[];
}

export interface FlowNode {
  id: string;
  label: string;
  kind: string;
}

export interface FlowLink {
  source: string;
  target: string;
  value: number;
}

export interface Flows {
  region: string;
  cohort: number | null;
  definitionSet: DefinitionReference | null;
  nodes: FlowNode[];
  links: FlowLink[];
}

export interface DefinitionSet {
  id: string;
  regionCode: string;
  version: number;
  name: string;
  notes: string;
  description: string;
  referenceDate: string;
  switchWindowMonths: number;
  switchersCountAsUitval: boolean;
  firstYearInSectorOnly: boolean;
  voltijdOnly: boolean;
  suppressionK: number;
  effectiveFromCohort: number | null;
  effectiveToCohort: number | null;
  status: 'draft' | 'active' | 'superseded';
}

export interface Region {
  id: string;
  code: string;
  name: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export type AlertType = 'trendbreuk' | 'aandacht' | 'leveringsbreuk' | 'methodebreuk';
/** The signal's own state (open, or resolved when its evidence is gone); the caller's triage is `AlertTriage`. */
export type AlertState = 'open' | 'resolved';
export type TriageState = 'new' | 'seen' | 'in-conversation' | 'resolved';

export interface AlertTriage {
  state: TriageState;
  note: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
}
export type AlertMetric = 'uitval' | 'switch' | 'enrolledYear2' | 'diplomaYear1' | 'n' | 'definition';
export type CellKind = 'supplier_receiver' | 'supplier_sector' | 'receiver' | 'region';

export interface AlertCell {
  kind: CellKind;
  supplier: InstitutionRef | null;
  receiver: InstitutionRef | null;
  sector: string | null;
}

export interface Alert {
  id: string;
  href: string;
  type: AlertType;
  state: AlertState;
  /** The caller's party's own triage; always present in the API's answers. */
  triage?: AlertTriage;
  region: string;
  cell: AlertCell;
  metric: AlertMetric;
  cohort: number;
  direction: 'up' | 'down' | null;
  rule: string;
  effectPp: number | null;
  baselineRate: number | null;
  currentRate: number | null;
  nCurrent: number | null;
  eventsCurrent: number | null;
  nBaseline: number | null;
  eventsBaseline: number | null;
  baselineCohorts: number[];
  p: number | null;
  q: number | null;
  suppressed: boolean;
  details: Record<string, unknown>;
  methodVersion: string;
  parameters: Record<string, number | boolean>;
  definitionSet: DefinitionReference;
  resolutionReason: string | null;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AlertSeriesPoint {
  cohort: number;
  definitionSet: DefinitionReference | null;
  suppressed: boolean;
  n: number | null;
  events: number | null;
  rate: number | null;
  baselineCohorts: number[];
  baselineN: number | null;
  baselineRate: number | null;
  baselineMedianN: number | null;
  lower95: number | null;
  upper95: number | null;
  supplyLow: number | null;
  supplyHigh: number | null;
  tested: boolean;
  supplyBreak: 'up' | 'down' | null;
}

export interface AlertHistory {
  at: string;
  event: string;
  fromState: string | null;
  toState: string;
  note: string | null;
  reason: string | null;
  actorKind: string;
  actor: string;
}

export interface AlertDetail extends Alert {
  series: AlertSeriesPoint[];
  history: AlertHistory[];
  references: AlertReference[];
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** RFC 9457 problem+json, as every error of the API. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ pointer?: string; parameter?: string; detail?: string; code?: string }>;
  /** Names the request in the service's logs (on every problem the service writes). */
  requestId?: string;
}

/** GET /v1/insights/routes: routes of pupils through the region (a margin has null for what it sums over). */
export interface RouteCell {
  prior: string | null;
  first: string | null;
  next: string | null;
  label: string;
  n: number | null;
  share: number | null;
  suppressed: boolean;
  protection: 'published' | 'perturbed' | 'suppressed';
}

export interface Routes {
  region: string;
  scope: 'supplier' | 'region';
  institution: string | null;
  cohorts: Array<{ cohort: number; definitionSet: DefinitionReference; suppressionK: number; total: RouteCell; cells: RouteCell[] }>;
}

export interface ReasonCell {
  supplier: string;
  supplierName: string;
  receiver: string;
  receiverName: string;
  leavers: number | null;
  protection: 'published' | 'perturbed' | 'suppressed';
  reasons: Array<{ reason: string; label: string; n: number | null; protection: 'published' | 'perturbed' | 'suppressed' }>;
}

export interface Reasons {
  region: string;
  scope: 'region' | 'supplier' | 'receiver';
  institution: string | null;
  cohorts: Array<{ cohort: number; definitionSet: DefinitionReference; suppressionK: number; cells: ReasonCell[] }>;
}

// Conversations on a signal or a cell, and the agenda of the next network meeting.

export type ActionStatus = 'open' | 'done' | 'dropped';
export type OwnerRole = 'supplier' | 'receiver' | 'coordinator';

export interface ConversationAuthor {
  client: string;
  person: string | null;
  role: OwnerRole;
  institution: InstitutionRef | null;
  region: string | null;
}

export interface ConversationParty {
  role: OwnerRole;
  institution: InstitutionRef | null;
  region: string | null;
}

export interface ConversationCell extends AlertCell {
  programme: string | null;
  cohort: number | null;
  metric: string | null;
}

export interface ConversationEntry {
  id: string;
  kind: 'note' | 'action';
  text: string;
  author: ConversationAuthor;
  createdAt: string;
  status: ActionStatus | null;
  owner: ConversationParty | null;
  dueDate: string | null;
  statusChangedAt: string | null;
  statusHistory: Array<{ from: ActionStatus; to: ActionStatus; note: string | null; by: ConversationAuthor; at: string }>;
}

export interface Conversation {
  id: string;
  href: string;
  subject: 'signal' | 'cell';
  region: string;
  signal: { id: string; href: string; type: AlertType | null } | null;
  cell: ConversationCell;
  title: string | null;
  startedBy: ConversationAuthor;
  createdAt: string;
  lastEntryAt: string;
  openActions: number;
}

export interface ConversationDetail extends Conversation {
  entries: ConversationEntry[];
}

export interface AgendaAction {
  id: string;
  text: string;
  status: ActionStatus;
  owner: ConversationParty | null;
  dueDate: string | null;
  due: boolean;
  author: ConversationAuthor;
  createdAt: string;
}

export interface AgendaItem {
  kind: 'signal' | 'conversation' | 'intervention';
  at: string;
  region: string;
  title: string;
  href: string;
  cell: ConversationCell;
  status: string;
  signal?: Alert;
  signalConversation?: { id: string; href: string } | null;
  conversation?: { id: string; href: string; subject: 'signal' | 'cell'; signalHref: string | null; signalType: AlertType | null; title: string | null; openActions: AgendaAction[] };
  intervention?: Intervention;
}

export interface Agenda {
  dueBy: string;
  generatedAt: string;
  items: AgendaItem[];
  dueActions: number;
}

/** GET /v1/surveys/questionnaires: the alumni questionnaires, in Dutch and English. */
export interface Questionnaire {
  version: string;
  title: { nl: string; en: string };
  timing: { nl: string; en: string };
  scale: { min: number; max: number; nl: string[]; en: string[] };
  items: Array<{ id: string; csv: string; nl: string; en: string }>;
}

/** One cell of a school's survey figures: every count with noise, null when suppressed. */
export interface SurveyCell {
  group: 'stayed' | 'switched' | 'left' | null;
  receiver: { brin: string; name: string } | null;
  label: string;
  protection: 'perturbed' | 'suppressed';
  formerPupils: number | null;
  respondents: number | null;
  responseRate: number | null;
  means: Array<{ item: string; mean: number | null }>;
  meanMargin: number | null;
}

/** GET /v1/surveys/figures: a supplying school's alumni survey, by outcome group and by receiver. */
export interface SurveyFigures {
  region: string;
  institution: string;
  questionnaire: string;
  surveyYears: number[];
  openSurveyYear: number;
  surveyYear: number | null;
  cohort: number | null;
  definitionSet: DefinitionReference | null;
  suppressionK: number;
  total: SurveyCell | null;
  byOutcome: SurveyCell[];
  byReceiver: SurveyCell[];
}
