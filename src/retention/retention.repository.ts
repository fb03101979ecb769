import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ident, param, query, Sql, sql } from 'src/database/sql';

export interface RegionRetention {
  id: string;
  code: string;
  retentionMonths: number;
  /** The newest cohort (and school year) whose records are past retention today. */
  lastExpiredCohort: number;
}

/** What one delete removed, per uploading institution. */
export interface DeletedRecords {
  institutionId: string;
  cohorts: number[];
  count: number;
}

/**
 * A record of cohort (or school year) c is past retention once `retention_months` months have
 * passed since the end of its academic year, 31 July of c + 1: from 1 August of c + 1 plus
 * retention_months on. So the newest expired cohort is the year of (today − retention_months −
 * 7 months), minus one: 7 months take 1 August back to 1 January of the same year.
 */
const regionsStatement = (regionId: string | null): Sql => {
  const region = param(regionId);
  return sql`
SELECT id, code, retention_months AS "retentionMonths",
       extract(year FROM CURRENT_DATE - make_interval(months => retention_months) - interval '7 months')::int - 1 AS "lastExpiredCohort"
  FROM regions
 WHERE ${region}::uuid IS NULL OR id = ${region}
 ORDER BY code`;
};

/**
 * Deletes up to `limit` records of the region's member institutions (every membership, ended
 * ones too: the region's summaries use them all) whose cohort column is at most
 * `lastExpiredCohort`, and answers what it deleted per institution.
 */
const deleteExpired = (kind: 'enrolments' | 'leavers' | 'survey_answers', regionId: string, lastExpiredCohort: number, limit: number): Sql => {
  const table = ident(kind, ['enrolments', 'leavers', 'survey_answers']);
  // Survey year Y asks about cohort Y − 1: its answers go with that cohort.
  const cohort = kind === 'enrolments' ? sql`r.cohort` : kind === 'leavers' ? sql`r.school_year` : sql`(r.survey_year - 1)`;
  return sql`
WITH doomed AS (
  SELECT r.institution_id, r.id FROM ${table} r
   WHERE r.institution_id IN (SELECT institution_id FROM region_memberships WHERE region_id = ${regionId})
     AND ${cohort} <= ${lastExpiredCohort}
   LIMIT ${limit}
), gone AS (
  DELETE FROM ${table} r USING doomed d WHERE r.institution_id = d.institution_id AND r.id = d.id
  RETURNING r.institution_id, ${cohort} AS cohort
)
SELECT institution_id AS "institutionId", array_agg(DISTINCT cohort::int) AS cohorts, count(*)::int AS count
  FROM gone GROUP BY institution_id`;
};

type DeletedRow = { institutionId: string; cohorts: number[]; count: number };

@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every region (or one), with its retention and the newest cohort past it today. */
  regions(regionId?: string): Promise<RegionRetention[]> {
    return query(this.dataSource, regionsStatement(regionId ?? null));
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async deleteExpiredEnrolments(manager: EntityManager, regionId: string, lastExpiredCohort: number, limit: number): Promise<DeletedRecords[]> {
    return this.deleted(await query<DeletedRow>(manager, deleteExpired('enrolments', regionId, lastExpiredCohort, limit)));
  }

  async deleteExpiredLeavers(manager: EntityManager, regionId: string, lastExpiredCohort: number, limit: number): Promise<DeletedRecords[]> {
    return this.deleted(await query<DeletedRow>(manager, deleteExpired('leavers', regionId, lastExpiredCohort, limit)));
  }

  /** Survey answers whose cohort (survey year − 1) is past retention; they feed no summary. */
  async deleteExpiredSurveyAnswers(manager: EntityManager, regionId: string, lastExpiredCohort: number, limit: number): Promise<DeletedRecords[]> {
    return this.deleted(await query<DeletedRow>(manager, deleteExpired('survey_answers', regionId, lastExpiredCohort, limit)));
  }

  private deleted(rows: DeletedRow[]): DeletedRecords[] {
    return rows.map((row) => ({ institutionId: row.institutionId, cohorts: row.cohorts.map(Number), count: Number(row.count) }));
  }
}
