import { AlertParty } from 'src/access/tenancy';
import { AlertEntity, AlertEvent, ResolutionReason, TriageState } from 'src/alerts/alert.entity';
import { AlertSort } from 'src/alerts/dto/alert.dto';
import { AlertValues } from 'src/alerts/detection/reconcile';
import { constant, ident, join, Sql, sql } from 'src/database/sql';

/*
 * The rows the alerts repository reads and writes: the labelled view of an alert, its history,
 * and the columns detection writes. Kept apart from the repository so that its statements read
 * as SQL, not as column bookkeeping.
 */

/** An alert with the labels every output needs, and the triage of the party it is read for. */
export interface AlertView extends Omit<AlertEntity, 'region' | 'supplier' | 'receiver'> {
  regionCode: string;
  supplierBrin: string | null;
  supplierName: string | null;
  receiverBrin: string | null;
  receiverName: string | null;
  definitionSetName: string | null;
  /** `new` when the party has not triaged it, or when read for no party (webhooks of detection). */
  triageState: TriageState;
  triageNote: string | null;
  triageAt: Date | null;
  triageActor: string | null;
}

export interface AlertHistoryRow {
  at: Date;
  event: AlertEvent;
  fromState: string | null;
  toState: string;
  note: string | null;
  reason: ResolutionReason | null;
  actorKind: string;
  actorClientId: string | null;
}

const VIEW_COLUMNS = constant(`
       a.id, a.region_id AS "regionId", r.code AS "regionCode", a.type, a.state, a.cell_kind AS "cellKind", a.cell_key AS "cellKey",
       a.supplier_institution_id AS "supplierInstitutionId", si.brin AS "supplierBrin", si.name AS "supplierName",
       a.receiver_institution_id AS "receiverInstitutionId", ri.brin AS "receiverBrin", ri.name AS "receiverName",
       a.sector, a.metric, a.cohort, a.direction, a.rule, a.effect_pp AS "effectPp", a.baseline_rate AS "baselineRate",
       a.current_rate AS "currentRate", a.n_current AS "nCurrent", a.events_current AS "eventsCurrent", a.n_baseline AS "nBaseline",
       a.events_baseline AS "eventsBaseline", a.baseline_cohorts AS "baselineCohorts", a.baseline_suppressed AS "baselineSuppressed",
       a.p, a.q, a.method_version AS "methodVersion", a.definition_set_id AS "definitionSetId", a.definition_set_version AS "definitionSetVersion",
       d.name AS "definitionSetName", a.parameters, a.details, a.evidence_hash AS "evidenceHash", a.resolution_reason AS "resolutionReason",
       a.resolved_at AS "resolvedAt", a.created_at AS "createdAt", a.updated_at AS "updatedAt",
       coalesce(t.state, 'new') AS "triageState", t.note AS "triageNote", t.updated_at AS "triageAt", t.actor_client_id AS "triageActor"`);

/** The alerts with their labels (`a`, `r`, `si`, `ri`) and the party's triage (`t`), for `WHERE`. */
export const viewFrom = (party: AlertParty | null): Sql => sql`
  FROM alerts a
  JOIN regions r ON r.id = a.region_id
  LEFT JOIN institutions si ON si.id = a.supplier_institution_id
  LEFT JOIN institutions ri ON ri.id = a.receiver_institution_id
  LEFT JOIN alert_triage t ON t.region_id = a.region_id AND t.alert_id = a.id AND ${triageOf(party)}`;

const triageOf = (party: AlertParty | null): Sql => (party ? sql`t.party_kind = ${party.kind} AND t.party_id = ${party.id}` : sql`FALSE`);

/** Every column of an alert's view, read for `party` (null: no triage). */
export const viewSelect = (party: AlertParty | null): Sql => sql`SELECT ${VIEW_COLUMNS} ${viewFrom(party)}
  LEFT JOIN definition_sets d ON d.id = a.definition_set_id`;

const SORT_SQL: Record<AlertSort, string> = {
  // What asks for action first (trendbreuk, then leveringsbreuk, a methodebreuk notice, aandacht), newest cohort first, then latest change.
  severity: `CASE a.type WHEN 'trendbreuk' THEN 0 WHEN 'leveringsbreuk' THEN 1 WHEN 'methodebreuk' THEN 2 ELSE 3 END, a.cohort DESC, a.updated_at DESC`,
  updatedAt: 'a.updated_at ASC',
  '-updatedAt': 'a.updated_at DESC',
  createdAt: 'a.created_at ASC',
  '-createdAt': 'a.created_at DESC',
  cohort: 'a.cohort ASC',
  '-cohort': 'a.cohort DESC',
  p: 'a.p ASC NULLS LAST',
  '-p': 'a.p DESC NULLS LAST',
  q: 'a.q ASC NULLS LAST',
  '-q': 'a.q DESC NULLS LAST',
  absEffect: 'abs(a.effect_pp) ASC NULLS LAST',
  '-absEffect': 'abs(a.effect_pp) DESC NULLS LAST',
};

/** The ORDER BY of a sort key; the key is a validated enum, the text is ours. */
export const sortOf = (sort: AlertSort): Sql => constant(SORT_SQL[sort]);

/** Columns detection writes, with the SQL type of the array they travel in and how they are read. */
const VALUE_COLUMNS: Array<[column: string, arrayType: string, cast: string, get: (values: AlertValues) => unknown]> = [
  ['type', 'text', '', (v) => v.type],
  ['cell_kind', 'text', '', (v) => v.cellKind],
  ['cell_key', 'text', '', (v) => v.cellKey],
  ['supplier_institution_id', 'uuid', '', (v) => v.supplierInstitutionId],
  ['receiver_institution_id', 'uuid', '', (v) => v.receiverInstitutionId],
  ['sector', 'text', '', (v) => v.sector],
  ['metric', 'text', '', (v) => v.metric],
  ['cohort', 'int', '::smallint', (v) => v.cohort],
  ['direction', 'text', '', (v) => v.direction],
  ['rule', 'text', '', (v) => v.rule],
  ['effect_pp', 'float8', '', (v) => v.effectPp],
  ['baseline_rate', 'float8', '', (v) => v.baselineRate],
  ['current_rate', 'float8', '', (v) => v.currentRate],
  ['n_current', 'int', '', (v) => v.nCurrent],
  ['events_current', 'int', '', (v) => v.eventsCurrent],
  ['n_baseline', 'int', '', (v) => v.nBaseline],
  ['events_baseline', 'int', '', (v) => v.eventsBaseline],
  ['baseline_cohorts', 'text', '::smallint[]', (v) => `{${v.baselineCohorts.join(',')}}`],
  ['baseline_suppressed', 'bool', '', (v) => v.baselineSuppressed],
  ['p', 'float8', '', (v) => v.p],
  ['q', 'float8', '', (v) => v.q],
  ['method_version', 'text', '', (v) => v.methodVersion],
  ['definition_set_id', 'uuid', '', (v) => v.definitionSetId],
  ['definition_set_version', 'int', '', (v) => v.definitionSetVersion],
  ['parameters', 'text', '::jsonb', (v) => JSON.stringify(v.parameters)],
  ['details', 'text', '::jsonb', (v) => JSON.stringify(v.details)],
  ['evidence_hash', 'text', '', (v) => v.evidenceHash],
];

/** The columns that name an alert's cell and test: never changed by an update. */
const IDENTITY_COLUMNS = ['type', 'cell_kind', 'cell_key', 'supplier_institution_id', 'receiver_institution_id', 'sector', 'metric', 'cohort'];

/** The written columns' names, their values read from `t.<column>` with casts, and the update assignments. */
export const VALUE_NAMES = constant(VALUE_COLUMNS.map(([column]) => column).join(', '));
export const VALUES_FROM_T = constant(VALUE_COLUMNS.map(([column, , cast]) => `t.${column}${cast}`).join(', '));
export const UPDATE_ASSIGNMENTS = constant(
  VALUE_COLUMNS.filter(([column]) => !IDENTITY_COLUMNS.includes(column))
    .map(([column, , cast]) => `${column} = t.${column}${cast}`)
    .join(', '),
);

const ARRAY_TYPES = ['text', 'uuid', 'int', 'float8', 'bool'];

/** The arrays of `unnest(…)` over the written columns of `rows`: one array parameter per column, in column order. */
export const unnestValues = (rows: readonly AlertValues[]): Sql =>
  join(VALUE_COLUMNS.map(([, arrayType, , get]) => sql`${rows.map(get)}::${ident(arrayType, ARRAY_TYPES)}[]`));

export const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** pg returns numeric-looking columns as numbers already; make sure of arrays and nulls. */
export function normaliseView(row: AlertView): AlertView {
  return {
    ...row,
    cohort: Number(row.cohort),
    baselineCohorts: (row.baselineCohorts ?? []).map(Number),
    effectPp: numberOrNull(row.effectPp),
    baselineRate: numberOrNull(row.baselineRate),
    currentRate: numberOrNull(row.currentRate),
    nCurrent: numberOrNull(row.nCurrent),
    eventsCurrent: numberOrNull(row.eventsCurrent),
    nBaseline: numberOrNull(row.nBaseline),
    eventsBaseline: numberOrNull(row.eventsBaseline),
    p: numberOrNull(row.p),
    q: numberOrNull(row.q),
    definitionSetVersion: Number(row.definitionSetVersion),
    triageState: row.triageState ?? 'new',
    triageNote: row.triageNote ?? null,
    triageAt: row.triageAt ?? null,
    triageActor: row.triageActor ?? null,
  };
}
