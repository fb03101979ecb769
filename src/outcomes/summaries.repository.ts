import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { constant, ident, param, query, queryOne, Queryable, sql } from 'src/database/sql';
import { cellKeySumSql } from 'src/outcomes/disclosure/cell-key';
import { PublicationPlanner } from 'src/outcomes/disclosure/publication-planner';
import { COUNT_COLUMNS } from 'src/outcomes/figures';
import { addEnrolmentOutcomes, addLeaverOutcomes, removeEnrolmentOutcomes, removeLeaverOutcomes, Students } from 'src/outcomes/derivation';
import { beginKeptPartitions, KEPT_TABLES, swapKeptPartitions } from 'src/outcomes/kept-partitions';
import { planRoutesAndLevels } from 'src/outcomes/routes.repository';

export interface CohortRange {
  min: number;
  max: number;
}

/** What a refresh did: in full or for changed students, and which cohorts' cells it touched. */
export interface RefreshOutcome {
  full: boolean;
  /** Whether any summary row changed. */
  changed: boolean;
  cohorts: number[];
  /** Changed students applied (null for a full refresh). */
  students: number | null;
}

/**
 * Beyond this many changed students at once a full refresh is cheaper than their difference
 * (and their pseudonyms would make one very large parameter).
 */
export const MAX_CHANGED_STUDENTS = 100_000;

const REFRESH_WORK_MEM = '64MB';

/** The region's rows a full refresh deletes and writes again (its kept rows it replaces whole: kept-partitions.ts). */
const REGION_TABLES = ['refresh_pending_students', 'outcome_summaries', 'leaver_summaries', 'route_summaries', 'reason_summaries', 'flow_summaries', 'withheld_cells'];

const ALL_STUDENTS: Students = { all: true };
/** Where a refresh of changed students writes their kept rows: the tables, which route them to the region's partition. */
const KEPT = { enrolments: ident('enrolment_outcomes', KEPT_TABLES), leavers: ident('leaver_outcomes', KEPT_TABLES) };

const FLOW_MEASURES = constant(COUNT_COLUMNS.map(([, column]) => column).join(', '));
const FLOW_SUMS = constant(COUNT_COLUMNS.map(([, column]) => `sum(${column})`).join(', '));
const FLOW_KEY_SUM = constant(cellKeySumSql('record_key_sum'));

/** Every cohort of a range (none without records). */
const cohortsBetween = (range: CohortRange | null): number[] => (range ? Array.from({ length: range.max - range.min + 1 }, (_, index) => range.min + index) : []);

@Injectable()
export class SummariesRepository {
  private readonly timeoutMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly planner: PublicationPlanner,
  ) {
    this.timeoutMs = config.database.refreshTimeoutMs;
  }

  /** The cohorts and school years with records at the region's member institutions. */
  async recordRange(regionId: string, executor: Queryable = this.dataSource): Promise<CohortRange | null> {
    // Four index probes per member institution instead of a pass over all their records.
    const row = await queryOne<{ min: number | null; max: number | null }>(
      executor,
      sql`SELECT min(least(ends.first_cohort, ends.first_year)) AS min, max(greatest(ends.last_cohort, ends.last_year)) AS max
            FROM region_memberships m
           CROSS JOIN LATERAL (
             SELECT (SELECT min(cohort) FROM enrolments WHERE institution_id = m.institution_id) AS first_cohort,
                    (SELECT max(cohort) FROM enrolments WHERE institution_id = m.institution_id) AS last_cohort,
                    (SELECT min(school_year) FROM leavers WHERE institution_id = m.institution_id) AS first_year,
                    (SELECT max(school_year) FROM leavers WHERE institution_id = m.institution_id) AS last_year
           ) ends
           WHERE m.region_id = ${regionId}`,
    );
    return row && row.min !== null && row.max !== null ? { min: Number(row.min), max: Number(row.max) } : null;
  }

  /**
   * Brings the region's summaries, and the cells they withhold, up to date in one transaction (no
   * output ever reads summaries without their protection). `changed`: only the students whose
   * records changed since the last refresh (`refresh_pending_students`), as a difference; it is
   * full instead when the region has never been refreshed in full, when a reference date has
   * passed since (the rendement counts move with the calendar), or when too many students changed.
   */
  async refresh(regionId: string, scope: 'all' | 'changed'): Promise<RefreshOutcome> {
    // The publication plans come last; their thread starts meanwhile.
    this.planner.prepare();
    const outcome = await this.dataSource.transaction(async (manager: EntityManager) => {
      // The API's statement timeout is sized for requests; a large region's refresh needs longer.
      await query(manager, sql`SELECT set_config('statement_timeout', ${String(this.timeoutMs)}, true)`);
      // One refresh of a region at a time, also across API replicas.
      await query(manager, sql`SELECT pg_advisory_xact_lock(hashtext('summaries:' || ${regionId}))`);
      if (scope === 'changed' && (await this.canApplyChanges(manager, regionId))) {
        const students = await this.takePendingStudents(manager, regionId);
        if (students.length <= MAX_CHANGED_STUDENTS) return this.applyChangedStudents(manager, regionId, students);
      }
      return this.refreshWholeRegion(manager, regionId);
    });
    if (outcome.full) {
      // Fresh statistics for the views' planner after the summaries changed wholesale, and the
      // region's changed-student list cleared away: autovacuum may not get to them before the
      // next view or the next refresh of a few students. (The new kept rows were analyzed at their swap.)
      await query(this.dataSource, sql`ANALYZE outcome_summaries, flow_summaries, leaver_summaries`);
      await query(this.dataSource, sql`VACUUM (ANALYZE) refresh_pending_students`);
    }
    return outcome;
  }

  /** Derives every record of the region again. */
  private async refreshWholeRegion(manager: EntityManager, regionId: string): Promise<RefreshOutcome> {
    // One sort of the region's enrolments by student: kept in memory where it fits (one refresh per region at a time).
    await query(manager, sql`SELECT set_config('work_mem', ${REFRESH_WORK_MEM}, true)`);
    for (const table of REGION_TABLES) {
      await query(manager, sql`DELETE FROM ${ident(table, REGION_TABLES)} WHERE region_id = ${regionId}`);
    }
    const region = param(regionId);
    const memberIds = await this.memberIds(manager, regionId);
    const members = param(memberIds);
    const cohorts = param(cohortsBetween(await this.recordRange(regionId, manager)));
    const kept = await beginKeptPartitions(manager, regionId);
    const rows = await query<{ cohort: number }>(manager, addEnrolmentOutcomes(region, members, cohorts, ALL_STUDENTS, sql`CURRENT_DATE`, kept.enrolments));
    const refreshed = rows.map((row) => Number(row.cohort)).sort((a, b) => a - b);
    await this.withMergedLeavers(manager, () => query(manager, addLeaverOutcomes(region, members, ALL_STUDENTS, kept.leavers)));
    await this.summariseFlows(manager, regionId, refreshed);
    await this.protectCohorts(manager, regionId, refreshed);
    // Last, so that the exclusive lock of the swap is held only until the commit that follows.
    await swapKeptPartitions(manager, regionId, kept);
    await this.recordRefresh(manager, regionId, refreshed, true);
    return { full: true, changed: true, cohorts: refreshed, students: null };
  }

  /**
   * Runs the leaver statement of a full refresh with hash joins off: the region's leavers then meet
   * the students' next cohorts as two sorted inputs in one merge. Hashed, millions of students
   * spill to disk in batches (5M enrolments, 4.5M leavers: 15 s hashed, 9 s merged, on one core).
   * Only for that statement, and only in the refresh's transaction.
   */
  private async withMergedLeavers<T>(manager: EntityManager, run: () => Promise<T>): Promise<T> {
    const [before] = await query<{ setting: string }>(manager, sql`SELECT current_setting('enable_hashjoin') AS setting`);
    await query(manager, sql`SELECT set_config('enable_hashjoin', 'off', true)`);
    const result = await run();
    await query(manager, sql`SELECT set_config('enable_hashjoin', ${before?.setting ?? 'on'}, true)`);
    return result;
  }

  /** Takes the students' kept rows out of the summaries and adds their records derived again. */
  private async applyChangedStudents(manager: EntityManager, regionId: string, pseudonyms: string[]): Promise<RefreshOutcome> {
    if (pseudonyms.length === 0) return { full: false, changed: false, cohorts: [], students: 0 };
    const region = param(regionId);
    const students = param(pseudonyms);
    // The day of the last full refresh: every summary row counts rendement as of that day.
    const asOf = sql`(SELECT rendement_as_of FROM summary_refreshes WHERE region_id = ${region})`;
    const memberIds = await this.memberIds(manager, regionId);
    const members = param(memberIds);
    const cohortList = param(cohortsBetween(await this.recordRange(regionId, manager)));
    const some: Students = { all: false, pseudonyms: students };
    const cohorts = new Set<number>();
    const years = new Set<number>();
    for (const row of await query<{ cohort: number }>(manager, removeEnrolmentOutcomes(region, students, asOf))) cohorts.add(Number(row.cohort));
    for (const row of await query<{ school_year: number }>(manager, removeLeaverOutcomes(region, students))) years.add(Number(row.school_year));
    for (const row of await query<{ cohort: number }>(manager, addEnrolmentOutcomes(region, members, cohortList, some, asOf, KEPT.enrolments))) cohorts.add(Number(row.cohort));
    for (const row of await query<{ school_year: number }>(manager, addLeaverOutcomes(region, members, some, KEPT.leavers))) years.add(Number(row.school_year));
    const touched = [...cohorts].sort((a, b) => a - b);
    // A cell whose last record left is gone, as a full refresh would not write it.
    await query(manager, sql`DELETE FROM outcome_summaries WHERE region_id = ${region} AND cohort = ANY(${touched}::smallint[]) AND n = 0`);
    await query(manager, sql`DELETE FROM route_summaries WHERE region_id = ${region} AND cohort = ANY(${touched}::smallint[]) AND n = 0`);
    await query(manager, sql`DELETE FROM reason_summaries WHERE region_id = ${region} AND cohort = ANY(${touched}::smallint[]) AND n = 0`);
    await query(manager, sql`DELETE FROM leaver_summaries WHERE region_id = ${region} AND school_year = ANY(${[...years]}::smallint[]) AND n_leavers = 0`);
    await this.summariseFlows(manager, regionId, touched);
    await this.protectCohorts(manager, regionId, touched);
    await this.recordRefresh(manager, regionId, touched, false);
    return { full: false, changed: touched.length + years.size > 0, cohorts: touched, students: pseudonyms.length };
  }

  /**
   * The students changed since the last refresh, taken off the list in the refresh's transaction,
   * and those with an enrolment whose end date has come since it was derived (its next step in
   * the route summaries may differ from today's: routes.repository.ts, ROUTE_UNTIL).
   */
  private async takePendingStudents(manager: EntityManager, regionId: string): Promise<string[]> {
    const rows = await query<{ pseudonym: string }>(
      manager,
      sql`WITH taken AS (DELETE FROM refresh_pending_students WHERE region_id = ${regionId} RETURNING pseudonym)
          SELECT pseudonym FROM (
            SELECT pseudonym FROM taken
             UNION
            SELECT pseudonym FROM enrolment_outcomes WHERE region_id = ${regionId} AND route_until <= CURRENT_DATE
          ) AS changed LIMIT ${MAX_CHANGED_STUDENTS + 1}`,
    );
    return rows.map((row) => row.pseudonym);
  }

  /**
   * Whether the region's summaries can take a difference: they were refreshed in full before, and
   * no reference date has passed since (from then on more rendement counts are known).
   */
  private async canApplyChanges(manager: EntityManager, regionId: string): Promise<boolean> {
    const row = await queryOne<{ current: boolean }>(
      manager,
      sql`SELECT r.rendement_as_of IS NOT NULL AND NOT EXISTS (
                   SELECT 1 FROM definition_sets d
                    CROSS JOIN generate_series(extract(year FROM r.rendement_as_of)::int, extract(year FROM CURRENT_DATE)::int) AS y(year)
                    WHERE d.region_id = r.region_id
                      AND make_date(y.year, d.reference_month, d.reference_day) > r.rendement_as_of
                      AND make_date(y.year, d.reference_month, d.reference_day) <= CURRENT_DATE) AS current
            FROM summary_refreshes r WHERE r.region_id = ${regionId}`,
    );
    return row?.current === true;
  }

  /**
   * Writes the flow rows of these cohorts again from their outcome rows (flow_summaries: the
   * same sums without programme and vestiging), after those are final, in the same transaction.
   */
  private async summariseFlows(manager: EntityManager, regionId: string, cohorts: number[]): Promise<void> {
    const region = param(regionId);
    const touched = param(cohorts);
    await query(manager, sql`DELETE FROM flow_summaries WHERE region_id = ${region} AND cohort = ANY(${touched}::smallint[])`);
    await query(
      manager,
      sql`INSERT INTO flow_summaries (region_id, cohort, supplier_institution_id, receiver_institution_id, sector, prior_diploma_type, definition_set_id, ${FLOW_MEASURES}, record_key_sum)
          SELECT region_id, cohort, supplier_institution_id, receiver_institution_id, sector, prior_diploma_type, definition_set_id, ${FLOW_SUMS}, ${FLOW_KEY_SUM}
            FROM outcome_summaries WHERE region_id = ${region} AND cohort = ANY(${touched}::smallint[])
           GROUP BY region_id, cohort, supplier_institution_id, receiver_institution_id, sector, prior_diploma_type, definition_set_id`,
    );
  }

  /**
   * Decides again which cells of these cohorts are withheld, after their outcome, route and reason
   * rows were written: one publication plan per cohort over the outcome rows with their levels and
   * route parts (`outcomes/routes.repository.ts`), so that every linked table is protected together.
   */
  private async protectCohorts(manager: EntityManager, regionId: string, cohorts: number[]): Promise<void> {
    // Also for a cohort whose last cell left (the plan below covers the cohorts that have cells).
    await query(manager, sql`DELETE FROM withheld_cells WHERE region_id = ${regionId} AND cohort = ANY(${cohorts}::smallint[])`);
    await planRoutesAndLevels(manager, this.planner, regionId, cohorts);
  }

  private async recordRefresh(manager: EntityManager, regionId: string, cohorts: number[], full: boolean): Promise<void> {
    await query(
      manager,
      sql`INSERT INTO summary_refreshes (region_id, refreshed_at, cohorts, duration_ms, rendement_as_of)
          VALUES (${regionId}, now(), ${cohorts}::smallint[], 0, ${full ? sql`CURRENT_DATE` : sql`NULL`})
          ON CONFLICT (region_id) DO UPDATE SET refreshed_at = now(), cohorts = EXCLUDED.cohorts,
                                                rendement_as_of = COALESCE(EXCLUDED.rendement_as_of, summary_refreshes.rendement_as_of)`,
    );
  }

  /** The region's member institutions (ended memberships too: the figures use them all). */
  private async memberIds(manager: EntityManager, regionId: string): Promise<string[]> {
    const rows = await query<{ institution_id: string }>(manager, sql`SELECT institution_id FROM region_memberships WHERE region_id = ${regionId} ORDER BY institution_id`);
    return rows.map((row) => row.institution_id);
  }

  async recordDuration(regionId: string, durationMs: number): Promise<void> {
    await query(this.dataSource, sql`UPDATE summary_refreshes SET duration_ms = ${durationMs} WHERE region_id = ${regionId}`);
  }

  /**
   * Every region the institution has a membership of, ended ones included: a change to its
   * records can touch the summaries of each. (Who may see a region asks for current memberships.)
   */
  async regionIdsEverJoinedBy(institutionId: string): Promise<string[]> {
    const rows = await query<{ region_id: string }>(this.dataSource, sql`SELECT region_id FROM region_memberships WHERE institution_id = ${institutionId}`);
    return rows.map((row) => row.region_id);
  }

  async allRegionIds(): Promise<string[]> {
    const rows = await query<{ id: string }>(this.dataSource, sql`SELECT id FROM regions ORDER BY code`);
    return rows.map((row) => row.id);
  }
}
