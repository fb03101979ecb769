import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { viewReads } from 'src/database/read-replica';
import { constant, empty, ident, Identifier, query, queryOne, Sql, sql } from 'src/database/sql';
import { VIEW_COUNTER_COLUMNS, ViewCounterColumns, ViewCounters, viewCountersOf } from 'src/database/view-counters';
import { cellKeySumSql, KEY_MODULUS } from 'src/outcomes/disclosure/cell-key';
import { OwnPart } from 'src/outcomes/disclosure/pooled-split';
import { Counts, SUM_COUNTS_SQL } from 'src/outcomes/figures';

/** Which column of outcome_summaries a breakdown groups by. */
export const BREAKDOWN_COLUMNS = {
  receiver: 'receiver_institution_id',
  supplier: 'supplier_institution_id',
  sector: 'sector',
  programme: 'programme_code',
  vestiging: 'supplier_vestiging',
  diplomaType: 'prior_diploma_type',
} as const;
/** A breakdown: a column of outcome_summaries, or the level of the programme (from the catalogue). */
export type BreakdownColumn = keyof typeof BREAKDOWN_COLUMNS | 'level';

/** Whose flows a view covers; every query names the region and, for institutions, the side. */
export type ViewScope =
  | { side: 'supplier'; regionId: string; institutionId: string }
  | { side: 'receiver'; regionId: string; institutionId: string }
  | { side: 'region'; regionId: string };

export interface CellRow extends Counts {
  cohort: number;
  key: string;
  definitionSetId: string;
  /** The part of the cell that `own` received (all zero without `own`). */
  own: OwnPart;
}

/**
 * Options of a cell query: which part of each row the reader could move with records of its own
 * (`all`: the whole row, as for every institution reader), and whose intake to leave out.
 */
export interface CellOptions {
  own?: OwnScope;
  excludeReceiver?: string;
  priorDiplomaTypes?: string[];
}

/** The part of a row a reader could move: none (a coordinator), or the whole row. */
export type OwnScope = 'none' | 'all';


/**
 * The own-part columns of a grouped summary query. An institution can add an enrolment for any
 * pseudonym, and that record changes the outcome of other institutions' enrolments of the same
 * student (uitval becomes switch), so for an institution reader every row is its own part.
 */
const ownColumns = (own: OwnScope): Sql =>
  own === 'all'
    ? sql`sum(n)::int AS "ownN", sum(n_switch_external)::int AS "ownSwitchExternal", sum(n_uitval)::int AS "ownUitval",
  (sum(record_key_sum) % ${constant(String(KEY_MODULUS))})::bigint AS "ownKey"`
    : sql`0 AS "ownN", 0 AS "ownSwitchExternal", 0 AS "ownUitval", 0 AS "ownKey"`;

type OwnColumns = { ownN: number | null; ownSwitchExternal: number | null; ownUitval: number | null; ownKey: string | null };
const toOwnPart = (row: OwnColumns): OwnPart => ({ n: Number(row.ownN ?? 0), nSwitchExternal: Number(row.ownSwitchExternal ?? 0), nUitval: Number(row.ownUitval ?? 0), key: Number(row.ownKey ?? 0) });

export interface MatrixRow extends Counts {
  supplierId: string;
  receiverId: string;
}

export interface FlowRow extends Counts {
  sourceKey: string;
  targetKey: string;
  own: OwnPart;
}

export interface LeaverRow {
  schoolYear: number;
  nLeavers: number;
  nContinued: number;
  key: number;
}

const scopeFilter = (scope: ViewScope): Sql => {
  switch (scope.side) {
    case 'supplier':
      return sql`region_id = ${scope.regionId} AND supplier_institution_id = ${scope.institutionId}`;
    case 'receiver':
      return sql`region_id = ${scope.regionId} AND receiver_institution_id = ${scope.institutionId}`;
    case 'region':
      return sql`region_id = ${scope.regionId}`;
  }
};

const SUM_COUNTS = constant(SUM_COUNTS_SQL);
const KEY_SUM = constant(cellKeySumSql('record_key_sum'));
const columnOf = (breakdown: keyof typeof BREAKDOWN_COLUMNS): Identifier => ident(BREAKDOWN_COLUMNS[breakdown], Object.values(BREAKDOWN_COLUMNS));
/** The key of a breakdown and the join it needs: the level comes from the programme catalogue ('' when unknown). */
const breakdownOf = (breakdown: BreakdownColumn): { key: Sql | Identifier; join: Sql } =>
  breakdown === 'level'
    ? { key: sql`COALESCE(p.level, '')`, join: sql` LEFT JOIN programmes p ON p.sector = outcome_summaries.sector AND p.code = outcome_summaries.programme_code` }
    : { key: columnOf(breakdown), join: empty };

/**
 * Reads the pre-aggregated summaries only; never the student-level records. The view reads go
 * through `viewReads`: the read replica's snapshot while a view is computed there, else the
 * primary. The data versions are always read on the primary: they say what the replica must have.
 */
@Injectable()
export class InsightsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The view counters and the database's date, read on the primary (src/database/view-counters.ts). */
  async viewVersions(): Promise<ViewCounters> {
    const row = await queryOne<ViewCounterColumns>(this.dataSource, sql`SELECT ${VIEW_COUNTER_COLUMNS}`);
    return viewCountersOf(row!);
  }

  /**
   * Whether the database behind `manager` (the replica's snapshot) has at least these versions of
   * the global scope and of the region: then it holds every change the primary had made to what a
   * view of the region is computed from (the counters commit with the data, and a standby replays
   * transactions in commit order).
   */
  async hasVersions(manager: EntityManager, versions: Map<string, string>, regionId: string): Promise<boolean> {
    const scopes = ['global', regionId];
    const rows = await query<{ scope: string; version: string }>(manager, sql`SELECT scope, version::text AS version FROM view_versions WHERE scope = ANY(${scopes}::text[])`);
    const held = new Map(rows.map((row) => [row.scope, BigInt(row.version)]));
    return scopes.every((scope) => (held.get(scope) ?? 0n) >= BigInt(versions.get(scope) ?? '0'));
  }

  /** Counts per cohort and breakdown key within the scope. */
  async cells(scope: ViewScope, breakdown: BreakdownColumn, cohortFrom: number, cohortTo: number, options: CellOptions = {}): Promise<CellRow[]> {
    const { key: column, join } = breakdownOf(breakdown);
    const prior = options.priorDiplomaTypes ? sql` AND prior_diploma_type = ANY(${options.priorDiplomaTypes}::text[])` : empty;
    const excluded = options.excludeReceiver ? sql` AND receiver_institution_id <> ${options.excludeReceiver}::uuid` : empty;
    const rows = await query<CellRow & OwnColumns>(
      viewReads(this.dataSource),
      sql`SELECT cohort, ${column}::text AS key, definition_set_id AS "definitionSetId", ${SUM_COUNTS}, ${ownColumns(options.own ?? 'none')}
            FROM outcome_summaries${join}
           WHERE ${scopeFilter(scope)} AND cohort BETWEEN ${cohortFrom} AND ${cohortTo}${prior}${excluded}
           GROUP BY cohort, ${column}, definition_set_id ORDER BY cohort, key`,
    );
    return rows.map(({ ownN, ownSwitchExternal, ownUitval, ownKey, ...row }) => ({ ...row, cohort: Number(row.cohort), own: toOwnPart({ ownN, ownSwitchExternal, ownUitval, ownKey }) }));
  }

  /**
   * The sector × level pairs of the scope's summaries over the cohorts (levels from the catalogue;
   * programmes not in it left out): which level reference series a view by level can show. A
   * bachelor row may hold hbo and wo students; this says which of the two are there.
   */
  sectorLevels(scope: ViewScope, cohortFrom: number, cohortTo: number): Promise<Array<{ sector: string; level: string }>> {
    return query<{ sector: string; level: string }>(
      viewReads(this.dataSource),
      sql`SELECT DISTINCT outcome_summaries.sector, p.level
            FROM outcome_summaries JOIN programmes p ON p.sector = outcome_summaries.sector AND p.code = outcome_summaries.programme_code
           WHERE ${scopeFilter(scope)} AND cohort BETWEEN ${cohortFrom} AND ${cohortTo}
           ORDER BY 1, 2`,
    );
  }

  /** The supplier × receiver matrix of one cohort of a region. */
  matrix(regionId: string, cohort: number): Promise<MatrixRow[]> {
    return query<MatrixRow>(
      viewReads(this.dataSource),
      sql`SELECT supplier_institution_id::text AS "supplierId", receiver_institution_id::text AS "receiverId", ${SUM_COUNTS}
            FROM outcome_summaries WHERE region_id = ${regionId} AND cohort = ${cohort}
           GROUP BY supplier_institution_id, receiver_institution_id`,
    );
  }

  /** Counts per (source, target) of one cohort: for flows, with the part `own` received. */
  async flows(scope: ViewScope, sourceColumn: keyof typeof BREAKDOWN_COLUMNS, targetColumn: keyof typeof BREAKDOWN_COLUMNS, cohort: number, own: OwnScope): Promise<FlowRow[]> {
    const rows = await query<FlowRow & OwnColumns>(
      viewReads(this.dataSource),
      sql`SELECT ${columnOf(sourceColumn)}::text AS "sourceKey", ${columnOf(targetColumn)}::text AS "targetKey", ${SUM_COUNTS}, ${ownColumns(own)}
            FROM outcome_summaries WHERE ${scopeFilter(scope)} AND cohort = ${cohort}
           GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    return rows.map(({ ownN, ownSwitchExternal, ownUitval, ownKey, ...row }) => ({ ...row, own: toOwnPart({ ownN, ownSwitchExternal, ownUitval, ownKey }) }));
  }

  /** Cohorts with summaries in the scope. */
  async cohortRange(scope: ViewScope): Promise<{ min: number; max: number } | null> {
    const row = await queryOne<{ min: number | null; max: number | null }>(viewReads(this.dataSource), sql`SELECT min(cohort) AS min, max(cohort) AS max FROM outcome_summaries WHERE ${scopeFilter(scope)}`);
    return row && row.min !== null && row.max !== null ? { min: Number(row.min), max: Number(row.max) } : null;
  }

  async leavers(regionId: string, institutionId: string, fromYear: number, toYear: number): Promise<LeaverRow[]> {
    const rows = await query<Omit<LeaverRow, 'key'> & { key: string }>(
      viewReads(this.dataSource),
      sql`SELECT school_year AS "schoolYear", sum(n_leavers)::int AS "nLeavers", sum(n_continued)::int AS "nContinued", ${KEY_SUM} AS key
            FROM leaver_summaries WHERE region_id = ${regionId} AND supplier_institution_id = ${institutionId} AND school_year BETWEEN ${fromYear} AND ${toYear}
           GROUP BY school_year ORDER BY school_year`,
    );
    return rows.map((row) => ({ ...row, key: Number(row.key) }));
  }

  /** Names for the keys that are institution ids. */
  async institutionLabels(ids: string[]): Promise<Map<string, { brin: string; name: string }>> {
    if (ids.length === 0) return new Map();
    const rows = await query<{ id: string; brin: string; name: string }>(viewReads(this.dataSource), sql`SELECT id::text AS id, brin, name FROM institutions WHERE id = ANY(${ids}::uuid[])`);
    return new Map(rows.map((row) => [row.id, { brin: row.brin, name: row.name }]));
  }

  async programmeLabels(codes: string[]): Promise<Map<string, string>> {
    if (codes.length === 0) return new Map();
    const rows = await query<{ code: string; name: string }>(viewReads(this.dataSource), sql`SELECT DISTINCT ON (code) code, name FROM programmes WHERE code = ANY(${codes}::text[]) ORDER BY code, sector`);
    return new Map(rows.map((row) => [row.code, row.name]));
  }
}
