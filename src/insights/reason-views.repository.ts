import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { viewReads } from 'src/database/read-replica';
import { empty, query, sql } from 'src/database/sql';

export interface ReasonRow {
  cohort: number;
  supplierId: string;
  receiverId: string;
  definitionSetId: string;
  /** null for a cell without leavers. */
  reason: string | null;
  n: number;
  /** Sum of the row's record keys (mod 2^32). */
  key: number;
}

/** Whose cells: the region's, a supplier's alumni, or a receiver's intake. */
export type ReasonScope = { regionId: string; supplierId?: string; receiverId?: string };

/**
 * Reads reason_summaries beside the supplier × receiver cells of outcome_summaries (every cell with
 * students, also one without leavers: which withheld cells had leavers would otherwise show); on
 * the replica's snapshot while a view is computed there. What is withheld: DisclosureService and
 * outcomes/disclosure/reasons.ts.
 */
@Injectable()
export class ReasonViewsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async reasons(scope: ReasonScope, cohortFrom: number, cohortTo: number): Promise<ReasonRow[]> {
    const supplier = scope.supplierId === undefined ? empty : sql` AND s.supplier_institution_id = ${scope.supplierId}::uuid`;
    const receiver = scope.receiverId === undefined ? empty : sql` AND s.receiver_institution_id = ${scope.receiverId}::uuid`;
    const rows = await query<Omit<ReasonRow, 'key'> & { key: string }>(
      viewReads(this.dataSource),
      sql`WITH cells AS (
            SELECT s.cohort, s.supplier_institution_id, s.receiver_institution_id, s.definition_set_id
              FROM outcome_summaries s
             WHERE s.region_id = ${scope.regionId}${supplier}${receiver} AND s.cohort BETWEEN ${cohortFrom} AND ${cohortTo} AND s.n > 0
             GROUP BY 1, 2, 3, 4
          )
          SELECT c.cohort, c.supplier_institution_id::text AS "supplierId", c.receiver_institution_id::text AS "receiverId", c.definition_set_id::text AS "definitionSetId",
                 r.reason, COALESCE(r.n, 0)::int AS n, COALESCE(r.record_key_sum, 0)::bigint AS key
            FROM cells c
            LEFT JOIN reason_summaries r ON r.region_id = ${scope.regionId} AND r.cohort = c.cohort
                  AND r.supplier_institution_id = c.supplier_institution_id AND r.receiver_institution_id = c.receiver_institution_id
           ORDER BY 1, 2, 3, 5`,
    );
    return rows.map((row) => ({ ...row, cohort: Number(row.cohort), n: Number(row.n), key: Number(row.key) }));
  }
}
