import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { constant, param, query, queryOne, Sql, sql } from 'src/database/sql';
import { KEY_MODULUS, recordKeySql } from 'src/outcomes/disclosure/cell-key';
import { MicroCell } from 'src/outcomes/disclosure/cells';
import { refreshRoutesAndLevels } from 'src/outcomes/routes.repository';

/** The key of one record (cell-key.ts), summed per cell. */
const recordKeySum = (id: string): Sql => constant(`(sum(${recordKeySql('(SELECT secret FROM secret)', id)}) % ${KEY_MODULUS})::bigint`);

/**
 * Derives the outcome of every enrolment of the given cohorts in one region and writes the
 * aggregated cells. The outcome after year 1 is read at the reference date (cohort + 1) of the
 * definition set that applies to the cohort:
 * - diploma: the enrolment ended with a diploma before the reference date;
 * - enrolled: still enrolled in the same programme at the reference date (or re-enrolled in it);
 * - switch_internal / switch_external: it ended before the reference date and a new enrolment of
 *   the same pseudonym started within the switch window, at the same / another member institution;
 * - uitval: it ended before the reference date without a diploma and no such enrolment exists.
 * Only enrolments whose receiving and supplying institutions are both members of the region count.
 *
 * Set-based: one sort of the member institutions' enrolments by student and start date, and
 * window functions over each student's enrolments in that one pass (no probe per enrolment):
 * - the next enrolment is the first one of the student's next start date (`GROUPS BETWEEN 1
 *   FOLLOWING AND 1 FOLLOWING`), and of several starting that day the one at the lowest
 *   institution id, then programme code. Only the next start date can lie in the switch window:
 *   any later one lies further from the end date;
 * - first year in the sector: no enrolment of the student in the same sector started earlier,
 *   i.e. its start date is the student's first in that sector.
 * Only enrolments from the first refreshed cohort on are sorted: an enrolment's next one starts
 * later, so in the same or a later cohort. An enrolment of an earlier cohort started before every
 * refreshed one (a cohort is the academic year of the start date), so for first-year-in-sector it
 * is enough to know which (student, sector) pairs have one (`earlier`; empty in a full refresh).
 * The member institutions come as a parameter, and each cohort's definition set is looked up per
 * cohort (`cohort_segments`): the planner then estimates the rows reaching the aggregation from
 * the tables' statistics instead of from a CTE it knows nothing about.
 */
const refreshOutcomes = (region: string, memberIds: string[], cohorts: number[]): Sql => {
  const regionId = param(region);
  const members = param(memberIds);
  const refreshed = param(cohorts);
  const first = param(Math.min(...cohorts));
  return sql`
WITH secret AS (
  SELECT secret FROM disclosure_secrets WHERE id = 1
), segments AS (
  SELECT d.*, lead(d.effective_from_cohort) OVER (ORDER BY d.effective_from_cohort, d.version) AS next_from
    FROM definition_sets d
   WHERE d.region_id = ${regionId} AND d.effective_from_cohort IS NOT NULL
), cohort_segments AS (
  SELECT c.cohort, s.id AS definition_set_id, s.switch_window_months, s.voltijd_only, s.first_year_in_sector_only,
         make_date(c.cohort + 1, s.reference_month, s.reference_day) AS reference_date, s.reference_month, s.reference_day
    FROM (SELECT DISTINCT unnest(${refreshed}::smallint[])) AS c(cohort)
    JOIN segments s ON c.cohort >= s.effective_from_cohort AND (s.next_from IS NULL OR c.cohort < s.next_from)
), successors AS (
  SELECT DISTINCT ON (old_code) old_code, new_code FROM programme_successors ORDER BY old_code, from_cohort DESC, new_code
), earlier AS (
  SELECT DISTINCT e.pseudonym, e.sector
   FROM enrolments e
   WHERE e.institution_id = ANY(${members}::uuid[]) AND e.cohort < ${first}
), timeline AS (
  SELECT e.id, e.institution_id, e.pseudonym, e.programme_code, e.sector, e.form, e.start_date, e.end_date, e.end_reason, e.cohort,
         e.prior_brin, e.prior_vestiging, e.prior_diploma_type, e.prior_diploma_year,
         CASE e.sector
           WHEN 'mbo' THEN min(e.start_date) FILTER (WHERE e.sector = 'mbo') OVER student
           WHEN 'hbo' THEN min(e.start_date) FILTER (WHERE e.sector = 'hbo') OVER student
           ELSE min(e.start_date) FILTER (WHERE e.sector = 'wo') OVER student
         END AS first_in_sector,
         min(e.start_date) OVER next_day AS next_start,
         min((e.institution_id::text || e.programme_code) COLLATE "C") OVER next_day AS next_place
    FROM enrolments e
   WHERE e.institution_id = ANY(${members}::uuid[]) AND e.cohort >= ${first}
  WINDOW student AS (PARTITION BY e.pseudonym COLLATE "C"),
         next_day AS (student ORDER BY e.start_date GROUPS BETWEEN 1 FOLLOWING AND 1 FOLLOWING)
), base AS (
  SELECT t.*, si.id AS supplier_id, s.definition_set_id, s.switch_window_months, s.reference_month, s.reference_day, s.reference_date
    FROM timeline t
    JOIN institutions si ON si.brin = t.prior_brin AND si.id = ANY(${members}::uuid[])
    JOIN cohort_segments s ON s.cohort = t.cohort
    LEFT JOIN earlier x ON x.pseudonym = t.pseudonym AND x.sector = t.sector
   WHERE (NOT s.voltijd_only OR t.sector = 'mbo' OR t.form = 'voltijd')
     AND (NOT s.first_year_in_sector_only OR (t.start_date = t.first_in_sector AND x.pseudonym IS NULL))
), derived AS (
  SELECT b.*,
         CASE
           WHEN b.end_reason = 'diploma' AND b.end_date < b.reference_date THEN 'diploma'
           WHEN b.end_date IS NULL OR b.end_date >= b.reference_date THEN 'enrolled'
           WHEN b.next_start IS NULL OR b.next_start > b.end_date + make_interval(months => b.switch_window_months) THEN 'uitval'
           WHEN b.next_place = b.institution_id::text || b.programme_code THEN 'enrolled'
           WHEN left(b.next_place, 36) = b.institution_id::text THEN 'switch_internal'
           ELSE 'switch_external'
         END AS outcome,
         COALESCE(succ.new_code, b.programme_code) AS series_code,
         make_date(b.cohort + COALESCE(pg.nominal_duration_years, 4) + 1, b.reference_month, b.reference_day) AS rendement_deadline
    FROM base b
    LEFT JOIN successors succ ON succ.old_code = b.programme_code
    LEFT JOIN programmes pg ON pg.sector = b.sector AND pg.code = b.programme_code
)
INSERT INTO outcome_summaries (
  region_id, cohort, supplier_institution_id, supplier_vestiging, receiver_institution_id, sector, programme_code,
  prior_diploma_type, definition_set_id, n, n_direct, n_enrolled, n_switch_internal, n_switch_external, n_uitval,
  n_diploma, n_rendement_known, n_diploma_in_time, record_key_sum)
SELECT ${regionId}, cohort, supplier_id, COALESCE(prior_vestiging, ''), institution_id, sector, series_code, prior_diploma_type, definition_set_id,
       count(*),
       count(*) FILTER (WHERE prior_diploma_year >= cohort),
       count(*) FILTER (WHERE outcome = 'enrolled'),
       count(*) FILTER (WHERE outcome = 'switch_internal'),
       count(*) FILTER (WHERE outcome = 'switch_external'),
       count(*) FILTER (WHERE outcome = 'uitval'),
       count(*) FILTER (WHERE outcome = 'diploma'),
       count(*) FILTER (WHERE rendement_deadline <= CURRENT_DATE),
       count(*) FILTER (WHERE rendement_deadline <= CURRENT_DATE AND end_reason = 'diploma' AND end_date < rendement_deadline),
       ${recordKeySum('id')}
  FROM derived
 GROUP BY cohort, supplier_id, COALESCE(prior_vestiging, ''), institution_id, sector, series_code, prior_diploma_type, definition_set_id`;
};

/**
 * Leavers of member schools, and whether they started in the region in the next cohort. The
 * next-cohort enrolments are collected once, as distinct (pseudonym, cohort) pairs, and joined:
 * one pass instead of a probe of the enrolments per leaver.
 */
const refreshLeavers = (region: string, cohorts: number[]): Sql => {
  const regionId = param(region);
  const years = param(cohorts);
  return sql`
WITH members AS (
  SELECT institution_id FROM region_memberships WHERE region_id = ${regionId}
), secret AS (
  SELECT secret FROM disclosure_secrets WHERE id = 1
), continued AS (
  SELECT DISTINCT e.pseudonym, e.cohort
    FROM enrolments e JOIN members em ON em.institution_id = e.institution_id
   WHERE e.cohort = ANY(SELECT (year + 1)::smallint FROM unnest(${years}::smallint[]) AS year)
)
INSERT INTO leaver_summaries (region_id, supplier_institution_id, school_year, onderwijssoort, diploma, n_leavers, n_continued, record_key_sum)
SELECT ${regionId}, l.institution_id, l.school_year, l.onderwijssoort, l.diploma, count(*), count(c.pseudonym),
       ${recordKeySum('l.id')}
  FROM leavers l
  JOIN members m ON m.institution_id = l.institution_id
  LEFT JOIN continued c ON c.pseudonym = l.pseudonym AND c.cohort = l.school_year + 1
 WHERE l.school_year = ANY(${years}::smallint[])
 GROUP BY l.institution_id, l.school_year, l.onderwijssoort, l.diploma`;
};

/** The summary rows of one cohort, at the grain the disclosure engine protects, with its k. */
export interface CohortCells {
  cohort: number;
  k: number;
  cells: MicroCell[];
}

/** Decides which cells of a cohort are withheld; called inside the refresh's transaction. */
export type CohortProtector = (cohort: CohortCells) => Promise<Array<{ cellKey: string; reason: 'primary' | 'complementary' }>>;

export interface CohortRange {
  min: number;
  max: number;
}

@Injectable()
export class SummariesRepository {
  private readonly timeoutMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.timeoutMs = config.database.refreshTimeoutMs;
  }

  /** The cohorts and school years with records at the region's member institutions. */
  async recordRange(regionId: string): Promise<CohortRange | null> {
    // Four index probes per member institution instead of a pass over all their records.
    const row = await queryOne<{ min: number | null; max: number | null }>(
      this.dataSource,
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

  /** Cohorts that have summary rows now (they must be cleared even when their records are gone). */
  async summarisedRange(regionId: string): Promise<CohortRange | null> {
    const region = param(regionId);
    const row = await queryOne<{ min: number | null; max: number | null }>(
      this.dataSource,
      sql`SELECT least((SELECT min(cohort) FROM outcome_summaries WHERE region_id = ${region}), (SELECT min(school_year) FROM leaver_summaries WHERE region_id = ${region})) AS min,
                 greatest((SELECT max(cohort) FROM outcome_summaries WHERE region_id = ${region}), (SELECT max(school_year) FROM leaver_summaries WHERE region_id = ${region})) AS max`,
    );
    return row && row.min !== null && row.max !== null ? { min: Number(row.min), max: Number(row.max) } : null;
  }

  /**
   * Replaces the region's summaries of these cohorts and the cells they withhold, in one
   * transaction: no output ever reads summaries without their protection.
   */
  async refresh(regionId: string, cohorts: number[], protect: CohortProtector): Promise<void> {
    await this.dataSource.transaction(async (manager: EntityManager) => {
      // The API's statement timeout is sized for requests; a large region's refresh needs longer.
      await query(manager, sql`SELECT set_config('statement_timeout', ${String(this.timeoutMs)}, true)`);
      // One refresh of a region at a time, also across API replicas.
      await query(manager, sql`SELECT pg_advisory_xact_lock(hashtext('summaries:' || ${regionId}))`);
      await query(manager, sql`DELETE FROM outcome_summaries WHERE region_id = ${regionId} AND cohort = ANY(${cohorts}::smallint[])`);
      await query(manager, sql`DELETE FROM leaver_summaries WHERE region_id = ${regionId} AND school_year = ANY(${cohorts}::smallint[])`);
      // (No cohorts: nothing to derive, and no first cohort to start the enrolments' pass at.)
      if (cohorts.length > 0) await query(manager, refreshOutcomes(regionId, await this.memberIds(manager, regionId), cohorts));
      await query(manager, refreshLeavers(regionId, cohorts));
      await query(manager, sql`DELETE FROM withheld_cells WHERE region_id = ${regionId} AND cohort = ANY(${cohorts}::smallint[])`);
      for (const cohort of await this.cohortCells(manager, regionId, cohorts)) {
        const withheld = await protect(cohort);
        if (withheld.length === 0) continue;
        await query(
          manager,
          sql`INSERT INTO withheld_cells (region_id, cohort, cell_key, reason)
              SELECT ${regionId}, ${cohort.cohort}, cell_key, reason
                FROM unnest(${withheld.map((cell) => cell.cellKey)}::text[], ${withheld.map((cell) => cell.reason)}::text[]) AS w(cell_key, reason)`,
        );
      }
      await refreshRoutesAndLevels(manager, regionId, await this.memberIds(manager, regionId), cohorts);
      await query(
        manager,
        sql`INSERT INTO summary_refreshes (region_id, refreshed_at, cohorts, duration_ms) VALUES (${regionId}, now(), ${cohorts}::smallint[], 0)
            ON CONFLICT (region_id) DO UPDATE SET refreshed_at = now(), cohorts = EXCLUDED.cohorts`,
      );
    });
    // Fresh statistics for the views' planner: the summaries change wholesale with each refresh,
    // and autovacuum may not get to them before the next view is read.
    await query(this.dataSource, sql`ANALYZE outcome_summaries, leaver_summaries`);
  }

  /** The region's member institutions (ended memberships too: the figures use them all). */
  private async memberIds(manager: EntityManager, regionId: string): Promise<string[]> {
    const rows = await query<{ institution_id: string }>(manager, sql`SELECT institution_id FROM region_memberships WHERE region_id = ${regionId} ORDER BY institution_id`);
    return rows.map((row) => row.institution_id);
  }

  private async cohortCells(manager: EntityManager, regionId: string, cohorts: number[]): Promise<CohortCells[]> {
    const rows = await query<MicroCell & { cohort: number; k: number }>(
      manager,
      sql`SELECT s.cohort, s.supplier_institution_id::text AS supplier, s.supplier_vestiging AS vestiging, s.receiver_institution_id::text AS receiver,
                 s.sector, s.programme_code AS programme, s.prior_diploma_type AS prior, s.n, d.suppression_k AS k
            FROM outcome_summaries s JOIN definition_sets d ON d.id = s.definition_set_id
           WHERE s.region_id = ${regionId} AND s.cohort = ANY(${cohorts}::smallint[])
           ORDER BY s.cohort`,
    );
    const byCohort = new Map<number, CohortCells>();
    for (const row of rows) {
      const cohort = Number(row.cohort);
      const entry = byCohort.get(cohort) ?? { cohort, k: Number(row.k), cells: [] };
      entry.cells.push({ supplier: row.supplier, vestiging: row.vestiging, receiver: row.receiver, sector: row.sector, programme: row.programme, prior: row.prior, n: Number(row.n) });
      byCohort.set(cohort, entry);
    }
    return [...byCohort.values()];
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
