import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { viewReads } from 'src/database/read-replica';
import { constant, empty, ident, Identifier, param, query, queryOne, Sql, sql } from 'src/database/sql';
import { VIEW_COUNTER_COLUMNS, ViewCounterColumns, ViewCounters, viewCountersOf } from 'src/database/view-counters';
import { cellKeySumSql } from 'src/outcomes/disclosure/cell-key';
import { OwnPart } from 'src/outcomes/disclosure/pooled-split';
import { COUNT_COLUMNS, Counts, countsFromRow, SUM_COUNTS_SQL } from 'src/outcomes/figures';

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

/** The part of a row a reader could move: none (a coordinator), or the whole row. */
export type OwnScope = 'none' | 'all';


/**
 * The own-part column of a grouped summary query: the record-key sum of the part a reader could
 * move. An institution can add an enrolment for any pseudonym, and that record changes the outcome
 * of other institutions' enrolments of the same student (uitval becomes switch), so for an
 * institution reader every row is its own part: its counts are the row's, read once (`ownPartOf`).
 */
const ownKeyColumn = (own: OwnScope): Sql => (own === 'all' ? sql`${KEY_SUM} AS "ownKey"` : sql`NULL::bigint AS "ownKey"`);

type OwnColumns = { ownKey: string | null };
const ownPartOf = (own: OwnScope, counts: Counts, ownKey: string | null): OwnPart =>
  own === 'all' ? { n: counts.n, nSwitchExternal: counts.nSwitchExternal, nUitval: counts.nUitval, key: Number(ownKey ?? 0) } : NO_OWN_PART;

export interface MatrixRow extends Counts {
  supplierId: string;
  receiverId: string;
}

export interface FlowRow extends Counts {
  sourceKey: string;
  targetKey: string;
  own: OwnPart;
}

/** What `scopeRows` reads: rows by cohort and key, the keys of the reference series, the benchmark, leavers and labels. */
export interface ScopeRows {
  cells: CellRow[];
  sectors: Array<{ cohort: number; key: string }>;
  priorTypes: Array<{ cohort: number; key: string }>;
  benchmark: CellRow[];
  /** The supplier's leavers per school year (every year; the view picks its window). */
  leavers: LeaverRow[];
  /** Brin and name by institution id: the reader's, and in a breakdown by institution every key's. */
  labels: Map<string, InstitutionLabel>;
}

/** A view of one institution (not the coordinator's). */
export type InstitutionScope = Exclude<ViewScope, { side: 'region' }>;

/** What a view shows for an institution: its brin and name. */
export interface InstitutionLabel {
  brin: string;
  name: string;
}

type ScopeRow = CellRow &
  OwnColumns & {
    part: number;
    sector: string | null;
    prior: string | null;
    labelBrin: string | null;
    labelName: string | null;
    nLeavers: number | null;
    nContinued: number | null;
    leaverKey: string | null;
  };

const NO_OWN_PART: OwnPart = { n: 0, nSwitchExternal: 0, nUitval: 0, key: 0 };

/**
 * A row of a view read as a CellRow. Its fields are named, not spread from the driver's row with a
 * rest pattern: a view maps a few hundred rows per request, and the spread copies cost several
 * times the rest of the mapping.
 */
const cellRowOf = (row: Partial<Record<keyof Counts, unknown>> & Partial<OwnColumns> & { cohort: number; key: string; definitionSetId: string }, own: OwnScope): CellRow => {
  const counts = countsFromRow(row);
  return { cohort: Number(row.cohort), key: row.key, definitionSetId: row.definitionSetId, ...counts, own: ownPartOf(own, counts, row.ownKey ?? null) };
};

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
/** SUM_COUNTS for the rows set of `scopeRows` only: its sector and prior-type sets need no counts. */
const SUM_COUNTS_OF_ROWS = constant(COUNT_COLUMNS.map(([key, column]) => `CASE WHEN GROUPING(definition_set_id) = 0 THEN sum(${column})::int END AS "${key}"`).join(', '));
/** The count columns of a CTE that summed them with SUM_COUNTS. */
const COUNT_NAMES = constant(COUNT_COLUMNS.map(([key]) => `"${key}"`).join(', '));
/** The count columns of a part of a UNION that has no counts. */
const NO_COUNTS = constant(COUNT_COLUMNS.map(() => 'NULL::int').join(', '));
const NO_LABELS = constant('NULL::text AS "labelBrin", NULL::text AS "labelName"');
const NO_LEAVERS = constant('NULL::int AS "nLeavers", NULL::int AS "nContinued", NULL::bigint AS "leaverKey"');
const SUMMARY_TABLES = ['outcome_summaries', 'flow_summaries'];
const OUTCOMES = ident('outcome_summaries', SUMMARY_TABLES);
/** flow_summaries: the outcome rows summed over programme and vestiging, written by the refresh. */
const FLOWS = ident('flow_summaries', SUMMARY_TABLES);
const KEY_SUM = constant(cellKeySumSql('record_key_sum'));
const columnOf = (breakdown: keyof typeof BREAKDOWN_COLUMNS): Identifier => ident(BREAKDOWN_COLUMNS[breakdown], Object.values(BREAKDOWN_COLUMNS));
/**
 * The key of a breakdown, the join it needs (the level comes from the programme catalogue, ''
 * when unknown), and the table it reads as `s`: the flow rows, unless it needs the programme or
 * the vestiging.
 */
const breakdownOf = (breakdown: BreakdownColumn): { key: Sql | Identifier; join: Sql; table: Identifier } => {
  if (breakdown === 'level') return { key: sql`COALESCE(p.level, '')`, join: sql` LEFT JOIN programmes p ON p.sector = s.sector AND p.code = s.programme_code`, table: OUTCOMES };
  return { key: columnOf(breakdown), join: empty, table: breakdown === 'programme' || breakdown === 'vestiging' ? OUTCOMES : FLOWS };
};

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

  /**
   * Everything an institution's view by a breakdown reads, in one statement over every cohort of
   * the scope (the window is chosen from them): the rows per cohort and key (as `cells`), the
   * sectors and prior diploma types per cohort (which reference series apply), with
   * `benchmarkWithout` the region by prior diploma type without that receiver's intake, with
   * `withLeavers` the supplier's leavers per school year, and the labels: the reader's own brin and
   * name and, in a breakdown by institution, those of every key. One statement rather than three
   * because each round trip to the database costs a view request more than the rows it returns.
   * `part` tells the sets apart: below 4 the rows (GROUPING), 5 a sector, 6 a prior diploma type,
   * 7 the benchmark, 8 leavers, 9 an institution's label.
   */
  async scopeRows(scope: InstitutionScope, breakdown: BreakdownColumn, own: OwnScope, options: { benchmarkWithout?: string; withLeavers?: boolean } = {}): Promise<ScopeRows> {
    const { key: column, join, table } = breakdownOf(breakdown);
    // The reader's label, and in a breakdown by institution those of the institutions it shows.
    const labelled =
      breakdown === 'receiver' || breakdown === 'supplier'
        ? sql`id = ${scope.institutionId} OR id IN (SELECT ${column} FROM ${table} s WHERE ${scopeFilter(scope)})`
        : sql`id = ${scope.institutionId}`;
    const benchmark =
      options.benchmarkWithout === undefined
        ? empty
        : sql`
          UNION ALL
          SELECT 7, cohort, prior_diploma_type::text, definition_set_id, NULL, NULL, ${SUM_COUNTS}, ${ownKeyColumn('all')}, ${NO_LABELS}, ${NO_LEAVERS}
            FROM flow_summaries
           WHERE region_id = ${scope.regionId} AND receiver_institution_id <> ${options.benchmarkWithout}::uuid
           GROUP BY cohort, prior_diploma_type, definition_set_id`;
    const leavers = options.withLeavers
      ? sql`
          UNION ALL
          SELECT 8, school_year, NULL, NULL, NULL, NULL, ${NO_COUNTS}, NULL, ${NO_LABELS},
                 sum(n_leavers)::int, sum(n_continued)::int, ${KEY_SUM}
            FROM leaver_summaries
           WHERE region_id = ${scope.regionId} AND supplier_institution_id = ${scope.institutionId}
           GROUP BY school_year`
      : empty;
    const rows = await query<ScopeRow>(
      viewReads(this.dataSource),
      sql`SELECT GROUPING(definition_set_id, s.sector, prior_diploma_type) AS part, cohort, ${column}::text AS key,
                 definition_set_id AS "definitionSetId", s.sector::text AS sector, prior_diploma_type::text AS prior,
                 ${SUM_COUNTS_OF_ROWS}, ${ownKeyColumn(own)}, ${NO_LABELS}, ${NO_LEAVERS}
            FROM ${table} s${join}
           WHERE ${scopeFilter(scope)}
           GROUP BY GROUPING SETS ((cohort, ${column}, definition_set_id), (cohort, s.sector), (cohort, prior_diploma_type))${benchmark}${leavers}
          UNION ALL
          SELECT 9, NULL, id::text, NULL, NULL, NULL, ${NO_COUNTS}, NULL, brin, name, ${NO_LEAVERS}
            FROM institutions WHERE ${labelled}
           ORDER BY part, cohort, key`,
    );
    const result: ScopeRows = { cells: [], sectors: [], priorTypes: [], benchmark: [], leavers: [], labels: new Map() };
    for (const row of rows) {
      const cohort = Number(row.cohort);
      if (row.part === 9) result.labels.set(row.key, { brin: row.labelBrin ?? '', name: row.labelName ?? '' });
      else if (row.part === 8) result.leavers.push({ schoolYear: cohort, nLeavers: Number(row.nLeavers), nContinued: Number(row.nContinued), key: Number(row.leaverKey) });
      else if (row.part === 5) result.sectors.push({ cohort, key: row.sector ?? '' });
      else if (row.part === 6) result.priorTypes.push({ cohort, key: row.prior ?? '' });
      else if (row.part === 7) result.benchmark.push(cellRowOf(row, 'all'));
      else result.cells.push(cellRowOf(row, own));
    }
    return result;
  }

  /**
   * The region report's reads in one statement: the region per cohort and sector over every
   * cohort (the range and the trend, as `cells` by sector), the supplier × receiver matrix of one
   * cohort (the region's last when `cohort` is null), and the brin and name of every institution
   * in that matrix (`labels`).
   */
  async regionRows(
    regionId: string,
    cohort: number | null,
  ): Promise<{ sectors: CellRow[]; matrix: Array<MatrixRow & { cohort: number }>; labels: Map<string, InstitutionLabel> }> {
    const region = param(regionId);
    // The matrix once (a CTE used twice is computed once): its rows, and the ids its labels are for.
    const rows = await query<CellRow & MatrixRow & { part: number; labelBrin: string | null; labelName: string | null }>(
      viewReads(this.dataSource),
      sql`WITH matrix AS (
            SELECT cohort, supplier_institution_id, receiver_institution_id, ${SUM_COUNTS}
              FROM flow_summaries
             WHERE region_id = ${region} AND cohort = COALESCE(${cohort}::smallint, (SELECT max(cohort) FROM flow_summaries WHERE region_id = ${region}))
             GROUP BY cohort, supplier_institution_id, receiver_institution_id)
          SELECT 0 AS part, cohort, sector::text AS key, definition_set_id AS "definitionSetId", NULL AS "supplierId", NULL AS "receiverId", ${SUM_COUNTS}, ${NO_LABELS}
            FROM flow_summaries WHERE region_id = ${region}
           GROUP BY cohort, sector, definition_set_id
          UNION ALL
          SELECT 1, cohort, NULL, NULL, supplier_institution_id::text, receiver_institution_id::text, ${COUNT_NAMES}, ${NO_LABELS}
            FROM matrix
          UNION ALL
          SELECT 2, NULL, id::text, NULL, NULL, NULL, ${NO_COUNTS}, brin, name
            FROM institutions
           WHERE id IN (SELECT supplier_institution_id FROM matrix) OR id IN (SELECT receiver_institution_id FROM matrix)
          ORDER BY part, cohort, key`,
    );
    const sectors: CellRow[] = [];
    const matrix: Array<MatrixRow & { cohort: number }> = [];
    const labels = new Map<string, InstitutionLabel>();
    for (const row of rows) {
      const cohort = Number(row.cohort);
      if (row.part === 0) sectors.push(cellRowOf(row, 'none'));
      else if (row.part === 1) matrix.push({ cohort, supplierId: row.supplierId, receiverId: row.receiverId, ...countsFromRow(row) });
      else labels.set(row.key, { brin: row.labelBrin ?? '', name: row.labelName ?? '' });
    }
    return { sectors, matrix, labels };
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

  /**
   * Counts per (source, target) of one cohort (the scope's last when `cohort` is null): for flows,
   * with the part `own` received; and the cohort's definition sets by sector (as `cells` by sector
   * reads them), in the same statement.
   */
  async flows(
    scope: ViewScope,
    sourceColumn: 'supplier',
    targetColumn: 'receiver' | 'sector',
    cohort: number | null,
    own: OwnScope,
  ): Promise<{ cohort: number | null; rows: FlowRow[]; definitionRows: Array<{ definitionSetId: string }> }> {
    const source = columnOf(sourceColumn);
    const target = columnOf(targetColumn);
    const filter = scopeFilter(scope);
    const rows = await query<FlowRow & OwnColumns & { part: number; cohort: number; definitionSetId: string | null }>(
      viewReads(this.dataSource),
      sql`SELECT GROUPING(definition_set_id) AS part, cohort, ${source}::text AS "sourceKey", ${target}::text AS "targetKey", sector::text AS sector,
                 definition_set_id AS "definitionSetId", ${SUM_COUNTS}, ${ownKeyColumn(own)}
            FROM flow_summaries
           WHERE ${filter} AND cohort = COALESCE(${cohort}::smallint, (SELECT max(cohort) FROM flow_summaries WHERE ${filter}))
           GROUP BY GROUPING SETS ((cohort, ${source}, ${target}), (cohort, sector, definition_set_id))
           ORDER BY part DESC, "sourceKey", "targetKey", sector`,
    );
    const flowRows: FlowRow[] = [];
    const definitionRows: Array<{ definitionSetId: string }> = [];
    for (const row of rows) {
      if (row.part === 0) definitionRows.push({ definitionSetId: row.definitionSetId ?? '' });
      else {
        const counts = countsFromRow(row);
        flowRows.push({ sourceKey: row.sourceKey, targetKey: row.targetKey, ...counts, own: ownPartOf(own, counts, row.ownKey) });
      }
    }
    return { cohort: cohort ?? (rows.length > 0 ? Number(rows[0].cohort) : null), rows: flowRows, definitionRows };
  }

  /** Cohorts with summaries in the scope. */
  async cohortRange(scope: ViewScope): Promise<{ min: number; max: number } | null> {
    const row = await queryOne<{ min: number | null; max: number | null }>(viewReads(this.dataSource), sql`SELECT min(cohort) AS min, max(cohort) AS max FROM outcome_summaries WHERE ${scopeFilter(scope)}`);
    return row && row.min !== null && row.max !== null ? { min: Number(row.min), max: Number(row.max) } : null;
  }

  /** Names for the keys that are institution ids. */
  async institutionLabels(ids: string[]): Promise<Map<string, InstitutionLabel>> {
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
