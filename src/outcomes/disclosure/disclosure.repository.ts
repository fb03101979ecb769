import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { viewReads } from 'src/database/read-replica';
import { query, sql } from 'src/database/sql';

/** Reads the publication decisions the refresh stored (withheld_cells). */
@Injectable()
export class DisclosureRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `manager` when the caller is inside a transaction (the embedded database has one session); else the view's read source. */
  async withheld(regionId: string, cohortFrom: number, cohortTo: number, manager?: EntityManager): Promise<Array<{ cohort: number; cellKey: string }>> {
    const rows = await query<{ cohort: number; cell_key: string }>(
      manager ?? viewReads(this.dataSource),
      sql`SELECT cohort, cell_key FROM withheld_cells WHERE region_id = ${regionId} AND cohort BETWEEN ${cohortFrom} AND ${cohortTo}`,
    );
    return rows.map((row) => ({ cohort: Number(row.cohort), cellKey: row.cell_key }));
  }

  /**
   * Which of these cells (cohort and key, pairwise) are withheld: one primary-key lookup each (the
   * LIMIT keeps it so whatever the planner's statistics of withheld_cells say; without them it
   * compared every pair with every withheld cell of the region).
   */
  async withheldAmong(regionId: string, cohorts: number[], cellKeys: string[]): Promise<Array<{ cohort: number; cellKey: string }>> {
    if (cohorts.length === 0) return [];
    const rows = await query<{ cohort: number; cell_key: string }>(
      viewReads(this.dataSource),
      sql`SELECT c.cohort, c.cell_key FROM unnest(${cohorts}::smallint[], ${cellKeys}::text[]) AS c(cohort, cell_key)
           CROSS JOIN LATERAL (SELECT FROM withheld_cells w WHERE w.region_id = ${regionId} AND w.cohort = c.cohort AND w.cell_key = c.cell_key LIMIT 1) AS withheld`,
    );
    return rows.map((row) => ({ cohort: Number(row.cohort), cellKey: row.cell_key }));
  }
}
