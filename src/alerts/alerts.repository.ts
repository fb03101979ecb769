import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlertScope } from 'src/access/tenancy';
import { AlertEntity, AlertEvent, AlertState, ResolutionReason } from 'src/alerts/alert.entity';
import { AlertSort } from 'src/alerts/dto/alert.dto';
import { FlowRow } from 'src/alerts/detection/cells';
import { AlertMetric, AlertType, CellKind, CellRef, CohortDefinition } from 'src/alerts/detection/model';
import { AlertValues, ExistingAlert, planReconciliation, ReconciliationPlan } from 'src/alerts/detection/reconcile';
import { COUNT_COLUMNS, Counts, emptyCounts, SUM_COUNTS_SQL } from 'src/outcomes/figures';

/** An alert with the labels every output needs. */
export interface AlertView extends Omit<AlertEntity, 'region' | 'supplier' | 'receiver'> {
  regionCode: string;
  supplierBrin: string | null;
  supplierName: string | null;
  receiverBrin: string | null;
  receiverName: string | null;
  definitionSetName: string | null;
}

export interface AlertHistoryRow {
  at: Date;
  event: AlertEvent;
  fromState: AlertState | null;
  toState: AlertState;
  note: string | null;
  reason: ResolutionReason | null;
  actorKind: string;
  actorClientId: string | null;
}

export interface AlertFilters {
  type?: AlertType;
  state?: AlertState;
  cohort?: number;
  metric?: AlertMetric;
  cellKind?: CellKind;
  institutionBrin?: string;
  regionCode?: string;
}

/** A change that other parties hear about (webhooks). */
export interface AlertChange {
  alertId: string;
  event: AlertEvent;
}

export interface ReconciliationResult {
  created: number;
  updated: number;
  quiet: number;
  reopened: number;
  resolved: number;
  changes: AlertChange[];
}

export type AfterAlertWrite = (manager: EntityManager, regionId: string, changes: AlertChange[]) => Promise<void>;

const VIEW_SELECT = `
SELECT a.id, a.region_id AS "regionId", r.code AS "regionCode", a.type, a.state, a.cell_kind AS "cellKind", a.cell_key AS "cellKey",
       a.supplier_institution_id AS "supplierInstitutionId", si.brin AS "supplierBrin", si.name AS "supplierName",
       a.receiver_institution_id AS "receiverInstitutionId", ri.brin AS "receiverBrin", ri.name AS "receiverName",
       a.sector, a.metric, a.cohort, a.direction, a.rule, a.effect_pp AS "effectPp", a.baseline_rate AS "baselineRate",
       a.current_rate AS "currentRate", a.n_current AS "nCurrent", a.events_current AS "eventsCurrent", a.n_baseline AS "nBaseline",
       a.events_baseline AS "eventsBaseline", a.baseline_cohorts AS "baselineCohorts", a.baseline_suppressed AS "baselineSuppressed",
       a.p, a.q, a.method_version AS "methodVersion", a.definition_set_id AS "definitionSetId", a.definition_set_version AS "definitionSetVersion",
       d.name AS "definitionSetName", a.parameters, a.details, a.evidence_hash AS "evidenceHash", a.resolution_reason AS "resolutionReason",
       a.acknowledged_at AS "acknowledgedAt", a.resolved_at AS "resolvedAt", a.created_at AS "createdAt", a.updated_at AS "updatedAt"
  FROM alerts a
  JOIN regions r ON r.id = a.region_id
  LEFT JOIN institutions si ON si.id = a.supplier_institution_id
  LEFT JOIN institutions ri ON ri.id = a.receiver_institution_id
  LEFT JOIN definition_sets d ON d.id = a.definition_set_id`;

const SORT_SQL: Record<AlertSort, string> = {
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

const columnArrays = (rows: readonly AlertValues[], offset: number): { params: unknown[]; unnest: string; alias: string } => ({
  params: VALUE_COLUMNS.map(([, , , get]) => rows.map(get)),
  unnest: VALUE_COLUMNS.map(([, arrayType], index) => `$${offset + index}::${arrayType}[]`).join(', '),
  alias: VALUE_COLUMNS.map(([column]) => column).join(', '),
});

const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The region's summaries per cohort × supplier × receiver × sector (never the records). */
  async flowRows(regionId: string): Promise<FlowRow[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT cohort, supplier_institution_id AS "supplierId", receiver_institution_id AS "receiverId", sector, definition_set_id AS "definitionSetId", ${SUM_COUNTS_SQL}
         FROM outcome_summaries WHERE region_id = $1
        GROUP BY cohort, supplier_institution_id, receiver_institution_id, sector, definition_set_id`,
      [regionId],
    );
    return rows.map((row) => ({
      cohort: Number(row.cohort),
      supplierId: String(row.supplierId),
      receiverId: String(row.receiverId),
      sector: String(row.sector),
      definitionSetId: String(row.definitionSetId),
      counts: toCounts(row),
    }));
  }

  /** Every cohort of the region with its definition set, and the counts of one cell per cohort. */
  async cellSeries(regionId: string, cell: CellRef): Promise<{ cohorts: CohortDefinition[]; points: Array<{ cohort: number; counts: Counts }> }> {
    const cohortRows: Array<{ cohort: number; definitionSetId: string }> = await this.dataSource.query(
      `SELECT cohort, definition_set_id AS "definitionSetId", count(*) AS rows FROM outcome_summaries WHERE region_id = $1
        GROUP BY cohort, definition_set_id ORDER BY cohort, count(*) DESC, definition_set_id`,
      [regionId],
    );
    const cohorts = new Map<number, string>();
    for (const row of cohortRows) if (!cohorts.has(Number(row.cohort))) cohorts.set(Number(row.cohort), row.definitionSetId);
    let condition: string;
    let params: unknown[];
    switch (cell.kind) {
      case 'supplier_receiver':
        condition = 'supplier_institution_id = $2 AND receiver_institution_id = $3';
        params = [cell.supplierId, cell.receiverId];
        break;
      case 'supplier_sector':
        condition = 'supplier_institution_id = $2 AND sector = $3';
        params = [cell.supplierId, cell.sector];
        break;
      case 'receiver':
        condition = 'receiver_institution_id = $2';
        params = [cell.receiverId];
        break;
      case 'region':
        condition = 'TRUE';
        params = [];
        break;
    }
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT cohort, ${SUM_COUNTS_SQL} FROM outcome_summaries WHERE region_id = $1 AND ${condition} GROUP BY cohort ORDER BY cohort`,
      [regionId, ...params],
    );
    return {
      cohorts: [...cohorts.entries()].map(([cohort, definitionSetId]) => ({ cohort, definitionSetId })),
      points: rows.map((row) => ({ cohort: Number(row.cohort), counts: toCounts(row) })),
    };
  }

  /**
   * Writes what detection found for a region, in one transaction under the region's alert lock:
   * new alerts, evidence updated in place, alerts reopened or resolved (evidence-gone), with
   * history rows; `afterWrite` runs in the same transaction (webhook deliveries).
   */
  async reconcile(regionId: string, found: readonly AlertValues[], afterWrite: AfterAlertWrite): Promise<ReconciliationResult> {
    return this.dataSource.transaction(async (manager) => {
      await this.lockRegion(manager, regionId);
      const rows: ExistingAlert[] = await manager.query(
        `SELECT id, type, cell_key AS "cellKey", metric, cohort, state, resolution_reason AS "resolutionReason", evidence_hash AS "evidenceHash", q
           FROM alerts WHERE region_id = $1`,
        [regionId],
      );
      const existing = rows.map((row) => ({ ...row, cohort: Number(row.cohort), q: numberOrNull(row.q) }));
      const plan = planReconciliation(existing, found);
      const changes = await this.applyPlan(manager, regionId, plan);
      if (changes.length > 0) await afterWrite(manager, regionId, changes);
      return {
        created: plan.create.length,
        updated: plan.update.filter((item) => item.event === 'updated').length,
        quiet: plan.update.filter((item) => item.event === null).length,
        reopened: plan.update.filter((item) => item.event === 'reopened').length,
        resolved: plan.resolve.length,
        changes,
      };
    });
  }

  private async applyPlan(manager: EntityManager, regionId: string, plan: ReconciliationPlan): Promise<AlertChange[]> {
    const history: Array<{ alertId: string; event: AlertEvent; fromState: AlertState | null; toState: AlertState; note: string | null; reason: ResolutionReason | null }> = [];
    if (plan.create.length > 0) {
      const { params, unnest, alias } = columnArrays(plan.create, 2);
      const inserted: Array<{ id: string }> = await manager.query(
        `INSERT INTO alerts (region_id, state, ${alias})
         SELECT $1, 'open', ${VALUE_COLUMNS.map(([column, , cast]) => `t.${column}${cast}`).join(', ')}
           FROM unnest(${unnest}) AS t(${alias})
         RETURNING id`,
        [regionId, ...params],
      );
      // INSERT … SELECT FROM unnest keeps the order of the arrays.
      inserted.forEach((row) => history.push({ alertId: row.id, event: 'created', fromState: null, toState: 'open', note: null, reason: null }));
    }
    if (plan.update.length > 0) {
      const values = plan.update.map((item) => item.values);
      const { params, unnest, alias } = columnArrays(values, 4);
      const assignments = VALUE_COLUMNS.filter(([column]) => !['type', 'cell_kind', 'cell_key', 'supplier_institution_id', 'receiver_institution_id', 'sector', 'metric', 'cohort'].includes(column))
        .map(([column, , cast]) => `${column} = t.${column}${cast}`)
        .join(', ');
      await manager.query(
        `UPDATE alerts a
            SET ${assignments},
                state = CASE WHEN x.event = 'reopened' THEN 'open' ELSE a.state END,
                resolution_reason = CASE WHEN x.event = 'reopened' THEN NULL ELSE a.resolution_reason END,
                resolved_at = CASE WHEN x.event = 'reopened' THEN NULL ELSE a.resolved_at END,
                acknowledged_at = CASE WHEN x.event = 'reopened' THEN NULL ELSE a.acknowledged_at END,
                updated_at = CASE WHEN x.event IS NULL THEN a.updated_at ELSE now() END
           FROM unnest(${unnest}) WITH ORDINALITY AS t(${alias}, ord)
           JOIN unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS x(id, event, ord) ON x.ord = t.ord
          WHERE a.id = x.id AND a.region_id = $3`,
        [plan.update.map((item) => item.id), plan.update.map((item) => item.event), regionId, ...params],
      );
      for (const item of plan.update) {
        if (item.event) history.push({ alertId: item.id, event: item.event, fromState: item.fromState, toState: item.toState, note: null, reason: null });
      }
    }
    if (plan.resolve.length > 0) {
      await manager.query(
        `UPDATE alerts SET state = 'resolved', resolution_reason = 'evidence-gone', resolved_at = now(), updated_at = now()
          WHERE region_id = $1 AND id = ANY($2::uuid[]) AND state IN ('open', 'acknowledged')`,
        [regionId, plan.resolve.map((item) => item.id)],
      );
      for (const item of plan.resolve) history.push({ alertId: item.id, event: 'resolved', fromState: item.fromState, toState: 'resolved', note: item.note, reason: 'evidence-gone' });
    }
    if (history.length > 0) {
      await manager.query(
        `INSERT INTO alert_history (alert_id, event, from_state, to_state, note, reason, actor_kind, actor_client_id)
         SELECT t.alert_id, t.event, t.from_state, t.to_state, t.note, t.reason, 'system', NULL
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(alert_id, event, from_state, to_state, note, reason)`,
        [
          history.map((item) => item.alertId),
          history.map((item) => item.event),
          history.map((item) => item.fromState),
          history.map((item) => item.toState),
          history.map((item) => item.note),
          history.map((item) => item.reason),
        ],
      );
    }
    return history.map((item) => ({ alertId: item.alertId, event: item.event }));
  }

  /** One region's alerts are written by one transaction at a time (detection or a person). */
  private async lockRegion(manager: EntityManager, regionId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('alerts:' || $1))`, [regionId]);
  }

  async list(scope: AlertScope, filters: AlertFilters, sort: AlertSort, limit: number, offset: number): Promise<{ items: AlertView[]; total: number }> {
    const { where, params } = this.whereOf(scope, filters);
    const [{ total }]: Array<{ total: string }> = await this.dataSource.query(
      `SELECT count(*) AS total FROM alerts a JOIN regions r ON r.id = a.region_id
         LEFT JOIN institutions si ON si.id = a.supplier_institution_id LEFT JOIN institutions ri ON ri.id = a.receiver_institution_id
        WHERE ${where}`,
      params,
    );
    const rows: AlertView[] = await this.dataSource.query(`${VIEW_SELECT} WHERE ${where} ORDER BY ${SORT_SQL[sort]}, a.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [
      ...params,
      limit,
      offset,
    ]);
    return { items: rows.map(normaliseView), total: Number(total) };
  }

  async findView(id: string, manager: EntityManager = this.dataSource.manager): Promise<AlertView | null> {
    const [row]: AlertView[] = await manager.query(`${VIEW_SELECT} WHERE a.id = $1`, [id]);
    return row ? normaliseView(row) : null;
  }

  async viewsByIds(manager: EntityManager, ids: string[]): Promise<AlertView[]> {
    const rows: AlertView[] = await manager.query(`${VIEW_SELECT} WHERE a.id = ANY($1::uuid[])`, [ids]);
    return rows.map(normaliseView);
  }

  async history(alertId: string): Promise<AlertHistoryRow[]> {
    return this.dataSource.query(
      `SELECT at, event, from_state AS "fromState", to_state AS "toState", note, reason, actor_kind AS "actorKind", actor_client_id AS "actorClientId"
         FROM alert_history WHERE alert_id = $1 ORDER BY id`,
      [alertId],
    );
  }

  /**
   * Moves an alert from one of `from` to `to` with a history row, under the region's alert lock;
   * returns the state it was in when that is not allowed (the caller answers 409).
   */
  async transition(
    alert: Pick<AlertView, 'id' | 'regionId'>,
    change: { from: AlertState[]; to: AlertState; event: AlertEvent; note: string; actorKind: string; actorClientId: string },
    afterWrite: AfterAlertWrite,
  ): Promise<{ ok: true } | { ok: false; state: AlertState }> {
    return this.dataSource.transaction(async (manager) => {
      await this.lockRegion(manager, alert.regionId);
      const [current]: Array<{ state: AlertState }> = await manager.query(`SELECT state FROM alerts WHERE id = $1 FOR UPDATE`, [alert.id]);
      if (!current || !change.from.includes(current.state)) return { ok: false, state: current?.state ?? 'resolved' };
      await manager.query(
        `UPDATE alerts
            SET state = $2::varchar,
                resolution_reason = CASE WHEN $2::varchar = 'resolved' THEN 'manual' ELSE NULL END,
                acknowledged_at = CASE WHEN $2::varchar = 'acknowledged' THEN now() ELSE acknowledged_at END,
                resolved_at = CASE WHEN $2::varchar = 'resolved' THEN now() ELSE NULL END,
                updated_at = now()
          WHERE id = $1`,
        [alert.id, change.to],
      );
      await manager.query(
        `INSERT INTO alert_history (alert_id, event, from_state, to_state, note, reason, actor_kind, actor_client_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [alert.id, change.event, current.state, change.to, change.note, change.to === 'resolved' ? 'manual' : null, change.actorKind, change.actorClientId],
      );
      await afterWrite(manager, alert.regionId, [{ alertId: alert.id, event: change.event }]);
      return { ok: true };
    });
  }

  private whereOf(scope: AlertScope, filters: AlertFilters): { where: string; params: unknown[] } {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const bind = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    switch (scope.kind) {
      case 'region':
        conditions.push(`a.region_id = ${bind(scope.regionId)}`);
        break;
      case 'institution': {
        const institution = bind(scope.institutionId);
        conditions.push(`a.region_id = ANY(${bind(scope.regionIds)}::uuid[])`);
        conditions.push(
          `((a.cell_kind IN ('supplier_receiver', 'supplier_sector') AND a.supplier_institution_id = ${institution})
            OR (a.cell_kind IN ('supplier_receiver', 'receiver') AND a.receiver_institution_id = ${institution}))`,
        );
        break;
      }
    }
    if (filters.type !== undefined) conditions.push(`a.type = ${bind(filters.type)}`);
    if (filters.state !== undefined) conditions.push(`a.state = ${bind(filters.state)}`);
    if (filters.cohort !== undefined) conditions.push(`a.cohort = ${bind(filters.cohort)}`);
    if (filters.metric !== undefined) conditions.push(`a.metric = ${bind(filters.metric)}`);
    if (filters.cellKind !== undefined) conditions.push(`a.cell_kind = ${bind(filters.cellKind)}`);
    if (filters.regionCode !== undefined) conditions.push(`r.code = ${bind(filters.regionCode)}`);
    if (filters.institutionBrin !== undefined) {
      const brin = bind(filters.institutionBrin);
      conditions.push(`(si.brin = ${brin} OR ri.brin = ${brin})`);
    }
    return { where: conditions.join(' AND '), params };
  }
}

function toCounts(row: Record<string, unknown>): Counts {
  const counts = emptyCounts();
  for (const [key] of COUNT_COLUMNS) counts[key] = Number(row[key] ?? 0);
  return counts;
}

/** pg returns numeric-looking columns as numbers already; make sure of arrays and nulls. */
function normaliseView(row: AlertView): AlertView {
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
  };
}
