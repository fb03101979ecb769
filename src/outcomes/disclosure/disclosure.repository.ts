import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Reads the publication decisions the refresh stored (withheld_cells). */
@Injectable()
export class DisclosureRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `manager` when the caller is inside a transaction (the embedded database has one session). */
  async withheld(regionId: string, cohortFrom: number, cohortTo: number, manager?: EntityManager): Promise<Array<{ cohort: number; cellKey: string }>> {
    const rows: Array<{ cohort: number; cell_key: string }> = await (manager ?? this.dataSource).query(
      `SELECT cohort, cell_key FROM withheld_cells WHERE region_id = $1 AND cohort BETWEEN $2 AND $3`,
      [regionId, cohortFrom, cohortTo],
    );
    return rows.map((row) => ({ cohort: Number(row.cohort), cellKey: row.cell_key }));
  }
}
