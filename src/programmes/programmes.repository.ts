import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { empty, join, query, Sql, sql } from 'src/database/sql';
import type { ProgrammeLevel, RecordSector } from 'src/programmes/programme-codes';

export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/** A programme as loaded into the catalogue. */
export interface NewProgramme {
  sector: RecordSector;
  code: string;
  name: string;
  level: ProgrammeLevel;
  nominalDurationYears: number;
  validFromCohort: number;
  validToCohort?: number | null;
}

export interface NewSuccessor {
  oldCode: string;
  newCode: string;
  fromCohort: number;
}

export interface ProgrammeRow {
  code: string;
  sector: RecordSector;
  name: string;
  level: ProgrammeLevel;
  nominal_duration_years: number;
  valid_from_cohort: number;
  valid_to_cohort: number | null;
}

export interface SuccessorRow {
  old_code: string;
  new_code: string;
  from_cohort: number;
}

@Injectable()
export class ProgrammesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Upserts programmes on (sector, code); rows sent again unchanged are not touched. */
  async upsertProgrammes(rows: readonly NewProgramme[]): Promise<UpsertCounts> {
    const [counts] = await query<UpsertCounts>(
      this.dataSource,
      sql`WITH upserted AS (
         INSERT INTO programmes AS p (sector, code, name, level, nominal_duration_years, valid_from_cohort, valid_to_cohort)
         SELECT * FROM unnest(${rows.map((row) => row.sector)}::varchar[], ${rows.map((row) => row.code)}::char(5)[], ${rows.map((row) => row.name)}::varchar[],
                              ${rows.map((row) => row.level)}::varchar[], ${rows.map((row) => row.nominalDurationYears)}::int2[],
                              ${rows.map((row) => row.validFromCohort)}::int2[], ${rows.map((row) => row.validToCohort ?? null)}::int2[])
         ON CONFLICT (sector, code) DO UPDATE SET
           name = EXCLUDED.name, level = EXCLUDED.level, nominal_duration_years = EXCLUDED.nominal_duration_years,
           valid_from_cohort = EXCLUDED.valid_from_cohort, valid_to_cohort = EXCLUDED.valid_to_cohort, updated_at = now()
         WHERE (p.name, p.level, p.nominal_duration_years, p.valid_from_cohort, p.valid_to_cohort)
               IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.level, EXCLUDED.nominal_duration_years, EXCLUDED.valid_from_cohort, EXCLUDED.valid_to_cohort)
         RETURNING (p.xmax = 0) AS inserted
       )
       SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM upserted`,
    );
    return counts;
  }

  async upsertSuccessors(rows: readonly NewSuccessor[]): Promise<UpsertCounts> {
    const [counts] = await query<UpsertCounts>(
      this.dataSource,
      sql`WITH upserted AS (
         INSERT INTO programme_successors AS s (old_code, new_code, from_cohort)
         SELECT * FROM unnest(${rows.map((row) => row.oldCode)}::char(5)[], ${rows.map((row) => row.newCode)}::char(5)[], ${rows.map((row) => row.fromCohort)}::int2[])
         ON CONFLICT (old_code, new_code) DO UPDATE SET from_cohort = EXCLUDED.from_cohort
         WHERE s.from_cohort IS DISTINCT FROM EXCLUDED.from_cohort
         RETURNING (s.xmax = 0) AS inserted
       )
       SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM upserted`,
    );
    return counts;
  }

  /** The codes among `codes` that exist as programmes of `sector`. */
  async existingCodes(sector: RecordSector, codes: string[]): Promise<Set<string>> {
    const rows = await query<{ code: string }>(this.dataSource, sql`SELECT code FROM programmes WHERE sector = ${sector} AND code = ANY(${codes}::char(5)[])`);
    return new Set(rows.map((row) => row.code));
  }

  /** Every (sector, code): the catalogue uploads are checked against. */
  allCodes(): Promise<Array<{ sector: RecordSector; code: string }>> {
    return query(this.dataSource, sql`SELECT sector, code FROM programmes`);
  }

  async listProgrammes(filter: { sector?: RecordSector; code?: string }, limit: number, offset: number): Promise<{ items: ProgrammeRow[]; total: number }> {
    const conditions: Sql[] = [];
    if (filter.sector !== undefined) conditions.push(sql`sector = ${filter.sector}`);
    if (filter.code !== undefined) conditions.push(sql`code = ${filter.code}`);
    const where = conditions.length > 0 ? sql`WHERE ${join(conditions, sql` AND `)}` : empty;
    const [{ total }] = await query<{ total: number }>(this.dataSource, sql`SELECT count(*)::int AS total FROM programmes ${where}`);
    const items = await query<ProgrammeRow>(
      this.dataSource,
      sql`SELECT code, sector, name, level, nominal_duration_years, valid_from_cohort, valid_to_cohort
         FROM programmes ${where}
        ORDER BY sector, code
        LIMIT ${limit} OFFSET ${offset}`,
    );
    return { items, total: total ?? 0 };
  }

  listSuccessors(): Promise<SuccessorRow[]> {
    return query(this.dataSource, sql`SELECT old_code, new_code, from_cohort FROM programme_successors ORDER BY old_code, new_code`);
  }
}
