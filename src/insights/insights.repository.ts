import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
export type BreakdownColumn = keyof typeof BREAKDOWN_COLUMNS;

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

/** Options of a cell query: whose own part to split out, and whose intake to leave out. */
export interface CellOptions {
  own?: string;
  excludeReceiver?: string;
  priorDiplomaTypes?: string[];
}

/** SQL for the own-part columns of a grouped summary query; `$n` holds the institution id. */
const ownColumnsSql = (parameter: string): string => `
  (sum(n) FILTER (WHERE receiver_institution_id = ${parameter}))::int AS "ownN",
  (sum(n_switch_external) FILTER (WHERE receiver_institution_id = ${parameter}))::int AS "ownSwitchExternal",
  (sum(n_uitval) FILTER (WHERE receiver_institution_id = ${parameter}))::int AS "ownUitval",
  (sum(record_key_sum) FILTER (WHERE receiver_institution_id = ${parameter}) % ${KEY_MODULUS})::bigint AS "ownKey"`;

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

const scopeFilter = (scope: ViewScope, offset: number): { sql: string; params: string[] } => {
  switch (scope.side) {
    case 'supplier':
      return { sql: `region_id = $${offset} AND supplier_institution_id = $${offset + 1}`, params: [scope.regionId, scope.institutionId] };
    case 'receiver':
      return { sql: `region_id = $${offset} AND receiver_institution_id = $${offset + 1}`, params: [scope.regionId, scope.institutionId] };
    case 'region':
      return { sql: `region_id = $${offset}`, params: [scope.regionId] };
  }
};

/** Reads the pre-aggregated summaries only; never the student-level records. */
@Injectable()
export class InsightsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The counters that triggers raise when what views are computed from changes (see
   * ViewVersionEntity), and the database's date, which decides current memberships.
   */
  async viewVersions(): Promise<{ today: string; versions: Map<string, string> }> {
    const rows: Array<{ scope: string; version: string }> = await this.dataSource.query(
      `SELECT '' AS scope, CURRENT_DATE::text AS version UNION ALL SELECT scope, version::text FROM view_versions`,
    );
    return { today: rows.find((row) => row.scope === '')?.version ?? '', versions: new Map(rows.filter((row) => row.scope !== '').map((row) => [row.scope, row.version])) };
  }

  /** Counts per cohort and breakdown key within the scope. */
  async cells(scope: ViewScope, breakdown: BreakdownColumn, cohortFrom: number, cohortTo: number, options: CellOptions = {}): Promise<CellRow[]> {
    const filter = scopeFilter(scope, 1);
    const column = BREAKDOWN_COLUMNS[breakdown];
    const params: unknown[] = [...filter.params, cohortFrom, cohortTo, options.own ?? null];
    const own = `$${params.length}::uuid`;
    let sql = `SELECT cohort, ${column}::text AS key, definition_set_id AS "definitionSetId", ${SUM_COUNTS_SQL}, ${ownColumnsSql(own)}
                 FROM outcome_summaries
                WHERE ${filter.sql} AND cohort BETWEEN $${filter.params.length + 1} AND $${filter.params.length + 2}`;
    if (options.priorDiplomaTypes) {
      params.push(options.priorDiplomaTypes);
      sql += ` AND prior_diploma_type = ANY($${params.length}::text[])`;
    }
    if (options.excludeReceiver) {
      params.push(options.excludeReceiver);
      sql += ` AND receiver_institution_id <> $${params.length}::uuid`;
    }
    sql += ` GROUP BY cohort, ${column}, definition_set_id ORDER BY cohort, key`;
    const rows: Array<CellRow & OwnColumns> = await this.dataSource.query(sql, params);
    return rows.map(({ ownN, ownSwitchExternal, ownUitval, ownKey, ...row }) => ({ ...row, cohort: Number(row.cohort), own: toOwnPart({ ownN, ownSwitchExternal, ownUitval, ownKey }) }));
  }

  /** The supplier × receiver matrix of one cohort of a region. */
  matrix(regionId: string, cohort: number): Promise<MatrixRow[]> {
    return this.dataSource.query(
      `SELECT supplier_institution_id::text AS "supplierId", receiver_institution_id::text AS "receiverId", ${SUM_COUNTS_SQL}
         FROM outcome_summaries WHERE region_id = $1 AND cohort = $2
        GROUP BY supplier_institution_id, receiver_institution_id`,
      [regionId, cohort],
    );
  }

  /** Counts per (source, target) of one cohort: for flows, with the part `own` received. */
  async flows(scope: ViewScope, sourceColumn: BreakdownColumn, targetColumn: BreakdownColumn, cohort: number, own: string | null): Promise<FlowRow[]> {
    const filter = scopeFilter(scope, 1);
    const rows: Array<FlowRow & OwnColumns> = await this.dataSource.query(
      `SELECT ${BREAKDOWN_COLUMNS[sourceColumn]}::text AS "sourceKey", ${BREAKDOWN_COLUMNS[targetColumn]}::text AS "targetKey", ${SUM_COUNTS_SQL},
              ${ownColumnsSql(`$${filter.params.length + 2}::uuid`)}
         FROM outcome_summaries WHERE ${filter.sql} AND cohort = $${filter.params.length + 1}
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [...filter.params, cohort, own],
    );
    return rows.map(({ ownN, ownSwitchExternal, ownUitval, ownKey, ...row }) => ({ ...row, own: toOwnPart({ ownN, ownSwitchExternal, ownUitval, ownKey }) }));
  }

  /** Cohorts with summaries in the scope. */
  async cohortRange(scope: ViewScope): Promise<{ min: number; max: number } | null> {
    const filter = scopeFilter(scope, 1);
    const [row]: Array<{ min: number | null; max: number | null }> = await this.dataSource.query(
      `SELECT min(cohort) AS min, max(cohort) AS max FROM outcome_summaries WHERE ${filter.sql}`,
      filter.params,
    );
    return row && row.min !== null && row.max !== null ? { min: Number(row.min), max: Number(row.max) } : null;
  }

  async leavers(regionId: string, institutionId: string, fromYear: number, toYear: number): Promise<LeaverRow[]> {
    const rows: Array<Omit<LeaverRow, 'key'> & { key: string }> = await this.dataSource.query(
      `SELECT school_year AS "schoolYear", sum(n_leavers)::int AS "nLeavers", sum(n_continued)::int AS "nContinued", ${cellKeySumSql('record_key_sum')} AS key
         FROM leaver_summaries WHERE region_id = $1 AND supplier_institution_id = $2 AND school_year BETWEEN $3 AND $4
        GROUP BY school_year ORDER BY school_year`,
      [regionId, institutionId, fromYear, toYear],
    );
    return rows.map((row) => ({ ...row, key: Number(row.key) }));
  }

  /** Names for the keys that are institution ids. */
  async institutionLabels(ids: string[]): Promise<Map<string, { brin: string; name: string }>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; brin: string; name: string }> = await this.dataSource.query(`SELECT id::text AS id, brin, name FROM institutions WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((row) => [row.id, { brin: row.brin, name: row.name }]));
  }

  async programmeLabels(codes: string[]): Promise<Map<string, string>> {
    if (codes.length === 0) return new Map();
    const rows: Array<{ code: string; name: string }> = await this.dataSource.query(`SELECT DISTINCT ON (code) code, name FROM programmes WHERE code = ANY($1::text[]) ORDER BY code, sector`, [codes]);
    return new Map(rows.map((row) => [row.code, row.name]));
  }
}
