import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RecordSector } from 'src/programmes/programme-codes';
import type { ProgrammeDto, ProgrammeRecordDto, ProgrammeSuccessorDto, ProgrammeSuccessorRecordDto } from 'src/programmes/dto/programme.dto';

export interface UpsertCounts {
  inserted: number;
  updated: number;
}

@Injectable()
export class ProgrammesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Upserts programmes on (sector, code); rows sent again unchanged are not touched. */
  async upsertProgrammes(rows: ProgrammeRecordDto[]): Promise<UpsertCounts> {
    const [counts]: UpsertCounts[] = await this.dataSource.query(
      `WITH upserted AS (
         INSERT INTO programmes AS p (sector, code, name, level, nominal_duration_years, valid_from_cohort, valid_to_cohort)
         SELECT * FROM unnest($1::varchar[], $2::char(5)[], $3::varchar[], $4::varchar[], $5::int2[], $6::int2[], $7::int2[])
         ON CONFLICT (sector, code) DO UPDATE SET
           name = EXCLUDED.name, level = EXCLUDED.level, nominal_duration_years = EXCLUDED.nominal_duration_years,
           valid_from_cohort = EXCLUDED.valid_from_cohort, valid_to_cohort = EXCLUDED.valid_to_cohort, updated_at = now()
         WHERE (p.name, p.level, p.nominal_duration_years, p.valid_from_cohort, p.valid_to_cohort)
               IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.level, EXCLUDED.nominal_duration_years, EXCLUDED.valid_from_cohort, EXCLUDED.valid_to_cohort)
         RETURNING (p.xmax = 0) AS inserted
       )
       SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM upserted`,
      [
        rows.map((row) => row.sector),
        rows.map((row) => row.code),
        rows.map((row) => row.name),
        rows.map((row) => row.level),
        rows.map((row) => row.nominalDurationYears),
        rows.map((row) => row.validFromCohort),
        rows.map((row) => row.validToCohort ?? null),
      ],
    );
    return counts;
  }

  async upsertSuccessors(rows: ProgrammeSuccessorRecordDto[]): Promise<UpsertCounts> {
    const [counts]: UpsertCounts[] = await this.dataSource.query(
      `WITH upserted AS (
         INSERT INTO programme_successors AS s (old_code, new_code, from_cohort)
         SELECT * FROM unnest($1::char(5)[], $2::char(5)[], $3::int2[])
         ON CONFLICT (old_code, new_code) DO UPDATE SET from_cohort = EXCLUDED.from_cohort
         WHERE s.from_cohort IS DISTINCT FROM EXCLUDED.from_cohort
         RETURNING (s.xmax = 0) AS inserted
       )
       SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM upserted`,
      [rows.map((row) => row.oldCode), rows.map((row) => row.newCode), rows.map((row) => row.fromCohort)],
    );
    return counts;
  }

  /** The codes among `codes` that exist as programmes of `sector`. */
  async existingCodes(sector: RecordSector, codes: string[]): Promise<Set<string>> {
    const rows: Array<{ code: string }> = await this.dataSource.query(`SELECT code FROM programmes WHERE sector = $1 AND code = ANY($2::char(5)[])`, [sector, codes]);
    return new Set(rows.map((row) => row.code));
  }

  /** Every (sector, code): the catalogue uploads are checked against. */
  allCodes(): Promise<Array<{ sector: RecordSector; code: string }>> {
    return this.dataSource.query(`SELECT sector, code FROM programmes`);
  }

  async listProgrammes(filter: { sector?: RecordSector; code?: string }, limit: number, offset: number): Promise<{ items: ProgrammeDto[]; total: number }> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (filter.sector !== undefined) conditions.push(`sector = $${params.push(filter.sector)}`);
    if (filter.code !== undefined) conditions.push(`code = $${params.push(filter.code)}`);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const [{ total }]: Array<{ total: number }> = await this.dataSource.query(`SELECT count(*)::int AS total FROM programmes ${where}`, params);
    const items: ProgrammeDto[] = await this.dataSource.query(
      `SELECT code, sector, name, level, nominal_duration_years AS "nominalDurationYears", valid_from_cohort AS "validFromCohort", valid_to_cohort AS "validToCohort"
         FROM programmes ${where}
        ORDER BY sector, code
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    return { items, total: total ?? 0 };
  }

  listSuccessors(): Promise<ProgrammeSuccessorDto[]> {
    return this.dataSource.query(
      `SELECT old_code AS "oldCode", new_code AS "newCode", from_cohort AS "fromCohort" FROM programme_successors ORDER BY old_code, new_code`,
    );
  }
}
