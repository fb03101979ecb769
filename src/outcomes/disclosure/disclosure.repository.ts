import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Reads the publication decisions the refresh stored (withheld_cells). */
@Injectable()
export class DisclosureRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async withheld(regionId: string, cohortFrom: number, cohortTo: number): Promise<Array<{ cohort: number; cellKey: string }>> {
    const rows: Array<{ cohort: number; cell_key: string }> = await this.dataSource.query(
      `SELECT cohort, cell_key FROM withheld_cells WHERE region_id = $1 AND cohort BETWEEN $2 AND $3`,
      [regionId, cohortFrom, cohortTo],
    );
    return rows.map((row) => ({ cohort: Number(row.cohort), cellKey: row.cell_key }));
  }
}
