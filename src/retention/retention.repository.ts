import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

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
const REGIONS_SQL = `
SELECT id, code, retention_months AS "retentionMonths",
       extract(year FROM CURRENT_DATE - make_interval(months => retention_months) - interval '7 months')::int - 1 AS "lastExpiredCohort"
  FROM regions
 WHERE $1::uuid IS NULL OR id = $1
 ORDER BY code`;

/**
 * Deletes up to $3 records of the region's member institutions (every membership, ended ones
 * too: the region's summaries use them all) whose cohort column is at most $2, and answers what
 * it deleted per institution.
 */
const deleteExpired = (table: 'enrolments' | 'leavers', cohort: 'cohort' | 'school_year'): string => `
WITH doomed AS (
  SELECT r.institution_id, r.id FROM ${table} r
   WHERE r.institution_id IN (SELECT institution_id FROM region_memberships WHERE region_id = $1)
     AND r.${cohort} <= $2
   LIMIT $3
), gone AS (
  DELETE FROM ${table} r USING doomed d WHERE r.institution_id = d.institution_id AND r.id = d.id
  RETURNING r.institution_id, r.${cohort} AS cohort
)
SELECT institution_id AS "institutionId", array_agg(DISTINCT cohort::int) AS cohorts, count(*)::int AS count
  FROM gone GROUP BY institution_id`;

const DELETE_ENROLMENTS = deleteExpired('enrolments', 'cohort');
const DELETE_LEAVERS = deleteExpired('leavers', 'school_year');

@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every region (or one), with its retention and the newest cohort past it today. */
  regions(regionId?: string): Promise<RegionRetention[]> {
    return this.dataSource.query(REGIONS_SQL, [regionId ?? null]);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async deleteExpiredEnrolments(manager: EntityManager, regionId: string, lastExpiredCohort: number, limit: number): Promise<DeletedRecords[]> {
    return this.deleted(await manager.query(DELETE_ENROLMENTS, [regionId, lastExpiredCohort, limit]));
  }

  async deleteExpiredLeavers(manager: EntityManager, regionId: string, lastExpiredCohort: number, limit: number): Promise<DeletedRecords[]> {
    return this.deleted(await manager.query(DELETE_LEAVERS, [regionId, lastExpiredCohort, limit]));
  }

  private deleted(rows: Array<{ institutionId: string; cohorts: number[]; count: number }>): DeletedRecords[] {
    return rows.map((row) => ({ institutionId: row.institutionId, cohorts: row.cohorts.map(Number), count: Number(row.count) }));
  }
}
