import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlertParty, AlertScope } from 'src/access/tenancy';
import { AlertEvent, AlertState, ResolutionReason, TriageState } from 'src/alerts/alert.entity';
import {
  AlertHistoryRow,
  AlertView,
  normaliseView,
  numberOrNull,
  sortOf,
  unnestValues,
  UPDATE_ASSIGNMENTS,
  VALUE_NAMES,
  VALUES_FROM_T,
  viewFrom,
  viewSelect,
} from 'src/alerts/alert-rows';
import { AlertSort, TriageFilter } from 'src/alerts/dto/alert.dto';
import { FlowRow } from 'src/alerts/detection/cells';
import { AlertMetric, AlertType, CellKind, CellRef, CohortDefinition } from 'src/alerts/detection/model';
import { AlertValues, ExistingAlert, planReconciliation, ReconciliationPlan } from 'src/alerts/detection/reconcile';
import { constant, execute, join, param, query, queryOne, Sql, sql } from 'src/database/sql';
import { Counts, countsFromRow, SUM_COUNTS_SQL } from 'src/outcomes/figures';

export interface AlertFilters {
  /** One type; without it, the inbox: every type but `aandacht` (the watch list). */
  type?: AlertType;
  state?: AlertState;
  triage?: TriageFilter;
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

const SUM_COUNTS = constant(SUM_COUNTS_SQL);

@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The region's summaries per cohort × supplier × receiver × sector (never the records). */
  async flowRows(regionId: string): Promise<FlowRow[]> {
    const rows = await query<Record<string, unknown>>(
      this.dataSource,
      sql`SELECT cohort, supplier_institution_id AS "supplierId", receiver_institution_id AS "receiverId", sector, definition_set_id AS "definitionSetId", ${SUM_COUNTS}
            FROM outcome_summaries WHERE region_id = ${regionId}
           GROUP BY cohort, supplier_institution_id, receiver_institution_id, sector, definition_set_id`,
    );
    return rows.map((row) => ({
      cohort: Number(row.cohort),
      supplierId: String(row.supplierId),
      receiverId: String(row.receiverId),
      sector: String(row.sector),
      definitionSetId: String(row.definitionSetId),
      counts: countsFromRow(row),
    }));
  }

  /** Every cohort of the region with its definition set, and the counts of one cell per cohort. */
  async cellSeries(regionId: string, cell: CellRef): Promise<{ cohorts: CohortDefinition[]; points: Array<{ cohort: number; counts: Counts }> }> {
    const cohortRows = await query<{ cohort: number; definitionSetId: string }>(
      this.dataSource,
      sql`SELECT cohort, definition_set_id AS "definitionSetId", count(*) AS rows FROM outcome_summaries WHERE region_id = ${regionId}
           GROUP BY cohort, definition_set_id ORDER BY cohort, count(*) DESC, definition_set_id`,
    );
    const cohorts = new Map<number, string>();
    for (const row of cohortRows) if (!cohorts.has(Number(row.cohort))) cohorts.set(Number(row.cohort), row.definitionSetId);
    const rows = await query<Record<string, unknown>>(
      this.dataSource,
      sql`SELECT cohort, ${SUM_COUNTS} FROM outcome_summaries WHERE region_id = ${regionId} AND ${cellCondition(cell)} GROUP BY cohort ORDER BY cohort`,
    );
    return {
      cohorts: [...cohorts.entries()].map(([cohort, definitionSetId]) => ({ cohort, definitionSetId })),
      points: rows.map((row) => ({ cohort: Number(row.cohort), counts: countsFromRow(row) })),
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
      const rows = await query<ExistingAlert>(
        manager,
        sql`SELECT id, type, cell_key AS "cellKey", metric, cohort, state, resolution_reason AS "resolutionReason", evidence_hash AS "evidenceHash", q
              FROM alerts WHERE region_id = ${regionId}`,
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
    const history: HistoryEntry[] = [];
    if (plan.create.length > 0) {
      // INSERT … SELECT FROM unnest keeps the order of the arrays.
      const inserted = await query<{ id: string }>(
        manager,
        sql`INSERT INTO alerts (region_id, state, ${VALUE_NAMES})
            SELECT ${regionId}, 'open', ${VALUES_FROM_T}
              FROM unnest(${unnestValues(plan.create)}) AS t(${VALUE_NAMES})
            RETURNING id`,
      );
      inserted.forEach((row) => history.push({ alertId: row.id, event: 'created', fromState: null, toState: 'open', note: null, reason: null }));
    }
    if (plan.update.length > 0) {
      const reopened = sql`x.event = 'reopened'`;
      await execute(
        manager,
        sql`UPDATE alerts a
               SET ${UPDATE_ASSIGNMENTS},
                   state = CASE WHEN ${reopened} THEN 'open' ELSE a.state END,
                   resolution_reason = CASE WHEN ${reopened} THEN NULL ELSE a.resolution_reason END,
                   resolved_at = CASE WHEN ${reopened} THEN NULL ELSE a.resolved_at END,
                   updated_at = CASE WHEN x.event IS NULL THEN a.updated_at ELSE now() END
              FROM unnest(${unnestValues(plan.update.map((item) => item.values))}) WITH ORDINALITY AS t(${VALUE_NAMES}, ord)
              JOIN unnest(${plan.update.map((item) => item.id)}::uuid[], ${plan.update.map((item) => item.event)}::text[]) WITH ORDINALITY AS x(id, event, ord) ON x.ord = t.ord
             WHERE a.id = x.id AND a.region_id = ${regionId}`,
      );
      for (const item of plan.update) {
        if (item.event) history.push({ alertId: item.id, event: item.event, fromState: item.fromState, toState: item.toState, note: null, reason: null });
      }
    }
    if (plan.resolve.length > 0) {
      await execute(
        manager,
        sql`UPDATE alerts SET state = 'resolved', resolution_reason = 'evidence-gone', resolved_at = now(), updated_at = now()
             WHERE region_id = ${regionId} AND id = ANY(${plan.resolve.map((item) => item.id)}::uuid[]) AND state = 'open'`,
      );
      for (const item of plan.resolve) history.push({ alertId: item.id, event: 'resolved', fromState: item.fromState, toState: 'resolved', note: item.note, reason: 'evidence-gone' });
    }
    if (history.length > 0) {
      const column = <K extends keyof HistoryEntry>(key: K): Array<HistoryEntry[K]> => history.map((item) => item[key]);
      await execute(
        manager,
        sql`INSERT INTO alert_history (alert_id, event, from_state, to_state, note, reason, actor_kind, actor_client_id)
            SELECT t.alert_id, t.event, t.from_state, t.to_state, t.note, t.reason, 'system', NULL
              FROM unnest(${column('alertId')}::uuid[], ${column('event')}::text[], ${column('fromState')}::text[], ${column('toState')}::text[],
                          ${column('note')}::text[], ${column('reason')}::text[]) AS t(alert_id, event, from_state, to_state, note, reason)`,
      );
    }
    return history.map((item) => ({ alertId: item.alertId, event: item.event }));
  }

  /** One region's alerts are written by one transaction at a time (detection or a person). */
  private async lockRegion(manager: EntityManager, regionId: string): Promise<void> {
    await query(manager, sql`SELECT pg_advisory_xact_lock(hashtext('alerts:' || ${regionId}))`);
  }

  /** The caller's alerts with its party's triage, filtered, sorted and paged. */
  async list(scope: AlertScope, party: AlertParty, filters: AlertFilters, sort: AlertSort, limit: number, offset: number): Promise<{ items: AlertView[]; total: number }> {
    const where = whereOf(scope, filters);
    const counted = await queryOne<{ total: string }>(this.dataSource, sql`SELECT count(*) AS total ${viewFrom(party)} WHERE ${where}`);
    const rows = await query<AlertView>(this.dataSource, sql`${viewSelect(party)} WHERE ${where} ORDER BY ${sortOf(sort)}, a.id LIMIT ${limit} OFFSET ${offset}`);
    return { items: rows.map(normaliseView), total: Number(counted?.total ?? 0) };
  }

  /** One alert, with the triage of `party` (none: `new`). */
  async findView(id: string, party: AlertParty | null = null, manager: EntityManager = this.dataSource.manager): Promise<AlertView | null> {
    const row = await queryOne<AlertView>(manager, sql`${viewSelect(party)} WHERE a.id = ${id}`);
    return row ? normaliseView(row) : null;
  }

  async viewsByIds(manager: EntityManager, ids: string[], party: AlertParty | null = null): Promise<AlertView[]> {
    const rows = await query<AlertView>(manager, sql`${viewSelect(party)} WHERE a.id = ANY(${ids}::uuid[])`);
    return rows.map(normaliseView);
  }

  /** Detection's history of an alert, which every party sees, and the triage history of `party`. */
  async history(alertId: string, party: AlertParty): Promise<AlertHistoryRow[]> {
    return query<AlertHistoryRow>(
      this.dataSource,
      sql`SELECT at, event, from_state AS "fromState", to_state AS "toState", note, reason, actor_kind AS "actorKind", actor_client_id AS "actorClientId"
            FROM alert_history
           WHERE alert_id = ${alertId} AND (party_kind IS NULL OR (party_kind = ${party.kind} AND party_id = ${party.id}))
           ORDER BY id`,
    );
  }

  /**
   * Sets one party's triage of an alert, with a history row for that party, when its current
   * triage is one of `from` (all states when absent); otherwise returns the current state (the
   * caller answers 409). `afterWrite` runs in the same transaction (the party's webhooks).
   */
  async setTriage(
    alert: Pick<AlertView, 'id' | 'regionId'>,
    party: AlertParty,
    change: { from?: TriageState[]; to: TriageState; note: string | null; actorKind: string; actorClientId: string },
    afterWrite: AfterAlertWrite,
  ): Promise<{ ok: true } | { ok: false; state: TriageState }> {
    return this.dataSource.transaction(async (manager) => {
      await this.lockRegion(manager, alert.regionId);
      const current = await queryOne<{ state: TriageState }>(
        manager,
        sql`SELECT state FROM alert_triage WHERE region_id = ${alert.regionId} AND alert_id = ${alert.id} AND party_kind = ${party.kind} AND party_id = ${party.id}`,
      );
      const from = current?.state ?? 'new';
      if (change.from && !change.from.includes(from)) return { ok: false, state: from };
      await execute(
        manager,
        sql`INSERT INTO alert_triage (region_id, alert_id, party_kind, party_id, state, note, actor_kind, actor_client_id, updated_at)
            VALUES (${alert.regionId}, ${alert.id}, ${party.kind}, ${party.id}, ${change.to}, ${change.note}, ${change.actorKind}, ${change.actorClientId}, now())
            ON CONFLICT (region_id, alert_id, party_kind, party_id)
            DO UPDATE SET state = excluded.state, note = excluded.note, actor_kind = excluded.actor_kind, actor_client_id = excluded.actor_client_id, updated_at = excluded.updated_at`,
      );
      await execute(
        manager,
        sql`INSERT INTO alert_history (alert_id, event, from_state, to_state, note, reason, actor_kind, actor_client_id, party_kind, party_id)
            VALUES (${alert.id}, 'triaged', ${from}, ${change.to}, ${change.note}, NULL, ${change.actorKind}, ${change.actorClientId}, ${party.kind}, ${party.id})`,
      );
      await afterWrite(manager, alert.regionId, [{ alertId: alert.id, event: 'triaged' }]);
      return { ok: true };
    });
  }
}

interface HistoryEntry {
  alertId: string;
  event: AlertEvent;
  fromState: AlertState | null;
  toState: AlertState;
  note: string | null;
  reason: ResolutionReason | null;
}

/** The summaries of one cell kind: which supplier, receiver or sector the cell is. */
function cellCondition(cell: CellRef): Sql {
  switch (cell.kind) {
    case 'supplier_receiver':
      return sql`supplier_institution_id = ${cell.supplierId} AND receiver_institution_id = ${cell.receiverId}`;
    case 'supplier_sector':
      return sql`supplier_institution_id = ${cell.supplierId} AND sector = ${cell.sector}`;
    case 'receiver':
      return sql`receiver_institution_id = ${cell.receiverId}`;
    case 'region':
      return sql`TRUE`;
  }
}

/** The caller's alerts (its scope) that pass the filters; filters left undefined are not applied, except that no type is the inbox. */
function whereOf(scope: AlertScope, filters: AlertFilters): Sql {
  const conditions: Sql[] = [];
  switch (scope.kind) {
    case 'region':
      conditions.push(sql`a.region_id = ${scope.regionId}`);
      break;
    case 'institution': {
      const institution = param(scope.institutionId);
      conditions.push(sql`a.region_id = ANY(${scope.regionIds}::uuid[])`);
      conditions.push(
        sql`((a.cell_kind IN ('supplier_receiver', 'supplier_sector') AND a.supplier_institution_id = ${institution})
            OR (a.cell_kind IN ('supplier_receiver', 'receiver') AND a.receiver_institution_id = ${institution}))`,
      );
      break;
    }
  }
  conditions.push(filters.type !== undefined ? sql`a.type = ${filters.type}` : sql`a.type <> 'aandacht'`);
  if (filters.state !== undefined) conditions.push(sql`a.state = ${filters.state}`);
  if (filters.triage === 'unresolved') conditions.push(sql`coalesce(t.state, 'new') <> 'resolved'`);
  else if (filters.triage !== undefined) conditions.push(sql`coalesce(t.state, 'new') = ${filters.triage}`);
  if (filters.cohort !== undefined) conditions.push(sql`a.cohort = ${filters.cohort}`);
  if (filters.metric !== undefined) conditions.push(sql`a.metric = ${filters.metric}`);
  if (filters.cellKind !== undefined) conditions.push(sql`a.cell_kind = ${filters.cellKind}`);
  if (filters.regionCode !== undefined) conditions.push(sql`r.code = ${filters.regionCode}`);
  if (filters.institutionBrin !== undefined) {
    const brin = param(filters.institutionBrin);
    conditions.push(sql`(si.brin = ${brin} OR ri.brin = ${brin})`);
  }
  return join(conditions, sql` AND `);
}
