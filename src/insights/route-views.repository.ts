import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { viewReads } from 'src/database/read-replica';
import { constant, empty, query, queryOne, sql } from 'src/database/sql';
import { cellKeySumSql } from 'src/outcomes/disclosure/cell-key';

const KEY_SUM = constant(cellKeySumSql('record_key_sum'));

export interface RouteRow {
  cohort: number;
  prior: string;
  first: string;
  next: string;
  n: number;
  definitionSetId: string;
  /** Sum of the rows' record keys (mod 2^32): the cell key of the next-step noise. */
  key: number;
}

/** Reads route_summaries: students' routes through the region (what is withheld: DisclosureService, route cells); on the replica's snapshot while a view is computed there. */
@Injectable()
export class RouteViewsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A supplier's routes (or the region's, summed over the suppliers, when supplierId is null). */
  async routes(regionId: string, supplierId: string | null, cohortFrom: number, cohortTo: number): Promise<RouteRow[]> {
    const supplier = supplierId === null ? empty : sql` AND supplier_institution_id = ${supplierId}::uuid`;
    const rows = await query<RouteRow>(
      viewReads(this.dataSource),
      sql`SELECT cohort, prior_diploma_type AS prior, first_stage AS first, next_step AS next, sum(n)::int AS n, definition_set_id AS "definitionSetId",
                 ${KEY_SUM} AS key
            FROM route_summaries
           WHERE region_id = ${regionId}${supplier} AND cohort BETWEEN ${cohortFrom} AND ${cohortTo}
           GROUP BY cohort, prior_diploma_type, first_stage, next_step, definition_set_id
           ORDER BY cohort, prior, first, next`,
    );
    return rows.map((row) => ({ ...row, cohort: Number(row.cohort), n: Number(row.n), key: Number(row.key) }));
  }

  async cohortRange(regionId: string, supplierId: string | null): Promise<{ min: number; max: number } | null> {
    const supplier = supplierId === null ? empty : sql` AND supplier_institution_id = ${supplierId}::uuid`;
    const row = await queryOne<{ min: number | null; max: number | null }>(viewReads(this.dataSource), sql`SELECT min(cohort) AS min, max(cohort) AS max FROM route_summaries WHERE region_id = ${regionId}${supplier}`);
    return row && row.min !== null && row.max !== null ? { min: Number(row.min), max: Number(row.max) } : null;
  }
}
