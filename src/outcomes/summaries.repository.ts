import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { KEY_MODULUS, recordKeySql } from 'src/outcomes/disclosure/cell-key';
import { MicroCell } from 'src/outcomes/disclosure/cells';

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
 */
const REFRESH_OUTCOMES_SQL = `
WITH members AS (
  SELECT institution_id FROM region_memberships WHERE region_id = $1
), secret AS (
  SELECT secret FROM disclosure_secrets WHERE id = 1
), segments AS (
  SELECT d.*, lead(d.effective_from_cohort) OVER (ORDER BY d.effective_from_cohort, d.version) AS next_from
    FROM definition_sets d
   WHERE d.region_id = $1 AND d.effective_from_cohort IS NOT NULL
), base AS (
  SELECT e.id, e.institution_id, e.pseudonym, e.programme_code, e.sector, e.start_date, e.end_date, e.end_reason, e.cohort,
         e.prior_vestiging, e.prior_diploma_type, e.prior_diploma_year, si.id AS supplier_id,
         s.id AS definition_set_id, s.switch_window_months, s.reference_month, s.reference_day,
         make_date(e.cohort + 1, s.reference_month, s.reference_day) AS reference_date
    FROM enrolments e
    JOIN members rm ON rm.institution_id = e.institution_id
    JOIN institutions si ON si.brin = e.prior_brin
    JOIN members sm ON sm.institution_id = si.id
    JOIN segments s ON e.cohort >= s.effective_from_cohort AND (s.next_from IS NULL OR e.cohort < s.next_from)
   WHERE e.cohort = ANY($2::smallint[])
     AND (NOT s.voltijd_only OR e.sector = 'mbo' OR e.form = 'voltijd')
     AND (NOT s.first_year_in_sector_only OR NOT EXISTS (
           SELECT 1 FROM enrolments p JOIN members pm ON pm.institution_id = p.institution_id
            WHERE p.pseudonym = e.pseudonym AND p.sector = e.sector AND p.start_date < e.start_date))
), derived AS (
  SELECT b.*,
         CASE
           WHEN b.end_reason = 'diploma' AND b.end_date < b.reference_date THEN 'diploma'
           WHEN b.end_date IS NULL OR b.end_date >= b.reference_date THEN 'enrolled'
           WHEN nxt.institution_id IS NULL THEN 'uitval'
           WHEN nxt.institution_id = b.institution_id AND nxt.programme_code = b.programme_code THEN 'enrolled'
           WHEN nxt.institution_id = b.institution_id THEN 'switch_internal'
           ELSE 'switch_external'
         END AS outcome,
         COALESCE(succ.new_code, b.programme_code) AS series_code,
         make_date(b.cohort + COALESCE(pg.nominal_duration_years, 4) + 1, b.reference_month, b.reference_day) AS rendement_deadline
    FROM base b
    LEFT JOIN LATERAL (
      SELECT f.institution_id, f.programme_code
        FROM enrolments f
        JOIN members fm ON fm.institution_id = f.institution_id
       WHERE b.end_date IS NOT NULL AND b.end_date < b.reference_date AND b.end_reason IS DISTINCT FROM 'diploma'
         AND f.pseudonym = b.pseudonym
         AND f.start_date > b.start_date
         AND f.start_date <= b.end_date + make_interval(months => b.switch_window_months)
       ORDER BY f.start_date, f.institution_id
       LIMIT 1
    ) nxt ON TRUE
    LEFT JOIN LATERAL (
      SELECT ps.new_code FROM programme_successors ps WHERE ps.old_code = b.programme_code ORDER BY ps.from_cohort DESC LIMIT 1
    ) succ ON TRUE
    LEFT JOIN programmes pg ON pg.sector = b.sector AND pg.code = b.programme_code
)
INSERT INTO outcome_summaries (
  region_id, cohort, supplier_institution_id, supplier_vestiging, receiver_institution_id, sector, programme_code,
  prior_diploma_type, definition_set_id, n, n_direct, n_enrolled, n_switch_internal, n_switch_external, n_uitval,
  n_diploma, n_rendement_known, n_diploma_in_time, record_key_sum)
SELECT $1, cohort, supplier_id, COALESCE(prior_vestiging, ''), institution_id, sector, series_code, prior_diploma_type, definition_set_id,
       count(*),
       count(*) FILTER (WHERE prior_diploma_year >= cohort),
       count(*) FILTER (WHERE outcome = 'enrolled'),
       count(*) FILTER (WHERE outcome = 'switch_internal'),
       count(*) FILTER (WHERE outcome = 'switch_external'),
       count(*) FILTER (WHERE outcome = 'uitval'),
       count(*) FILTER (WHERE outcome = 'diploma'),
       count(*) FILTER (WHERE rendement_deadline <= CURRENT_DATE),
       count(*) FILTER (WHERE rendement_deadline <= CURRENT_DATE AND end_reason = 'diploma' AND end_date < rendement_deadline),
       (sum(${recordKeySql('(SELECT secret FROM secret)', 'id')}) % ${KEY_MODULUS})::bigint
  FROM derived
 GROUP BY cohort, supplier_id, COALESCE(prior_vestiging, ''), institution_id, sector, series_code, prior_diploma_type, definition_set_id`;

/**
 * Leavers of member schools, and whether they started in the region in the next cohort. The
 * next-cohort enrolments are collected once, as distinct (pseudonym, cohort) pairs, and joined:
 * one pass instead of a probe of the enrolments per leaver.
 */
const REFRESH_LEAVERS_SQL = `
WITH members AS (
  SELECT institution_id FROM region_memberships WHERE region_id = $1
), secret AS (
  SELECT secret FROM disclosure_secrets WHERE id = 1
), continued AS (
  SELECT DISTINCT e.pseudonym, e.cohort
    FROM enrolments e JOIN members em ON em.institution_id = e.institution_id
   WHERE e.cohort = ANY(SELECT (year + 1)::smallint FROM unnest($2::smallint[]) AS year)
)
INSERT INTO leaver_summaries (region_id, supplier_institution_id, school_year, onderwijssoort, diploma, n_leavers, n_continued, record_key_sum)
SELECT $1, l.institution_id, l.school_year, l.onderwijssoort, l.diploma, count(*), count(c.pseudonym),
       (sum(${recordKeySql('(SELECT secret FROM secret)', 'l.id')}) % ${KEY_MODULUS})::bigint
  FROM leavers l
  JOIN members m ON m.institution_id = l.institution_id
  LEFT JOIN continued c ON c.pseudonym = l.pseudonym AND c.cohort = l.school_year + 1
 WHERE l.school_year = ANY($2::smallint[])
 GROUP BY l.institution_id, l.school_year, l.onderwijssoort, l.diploma`;

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
    const [row]: Array<{ min: number | null; max: number | null }> = await this.dataSource.query(
      `SELECT min(least(ends.first_cohort, ends.first_year)) AS min, max(greatest(ends.last_cohort, ends.last_year)) AS max
         FROM region_memberships m
        CROSS JOIN LATERAL (
          SELECT (SELECT min(cohort) FROM enrolments WHERE institution_id = m.institution_id) AS first_cohort,
                 (SELECT max(cohort) FROM enrolments WHERE institution_id = m.institution_id) AS last_cohort,
                 (SELECT min(school_year) FROM leavers WHERE institution_id = m.institution_id) AS first_year,
                 (SELECT max(school_year) FROM leavers WHERE institution_id = m.institution_id) AS last_year
        ) ends
        WHERE m.region_id = $1`,
      [regionId],
    );
    return row && row.min !== null && row.max !== null ? { min: Number(row.min), max: Number(row.max) } : null;
  }

  /** Cohorts that have summary rows now (they must be cleared even when their records are gone). */
  async summarisedRange(regionId: string): Promise<CohortRange | null> {
    const [row]: Array<{ min: number | null; max: number | null }> = await this.dataSource.query(
      `SELECT least((SELECT min(cohort) FROM outcome_summaries WHERE region_id = $1), (SELECT min(school_year) FROM leaver_summaries WHERE region_id = $1)) AS min,
              greatest((SELECT max(cohort) FROM outcome_summaries WHERE region_id = $1), (SELECT max(school_year) FROM leaver_summaries WHERE region_id = $1)) AS max`,
      [regionId],
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
      await manager.query(`SELECT set_config('statement_timeout', $1, true)`, [String(this.timeoutMs)]);
      // One refresh of a region at a time, also across API replicas.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('summaries:' || $1))`, [regionId]);
      await manager.query(`DELETE FROM outcome_summaries WHERE region_id = $1 AND cohort = ANY($2::smallint[])`, [regionId, cohorts]);
      await manager.query(`DELETE FROM leaver_summaries WHERE region_id = $1 AND school_year = ANY($2::smallint[])`, [regionId, cohorts]);
      await manager.query(REFRESH_OUTCOMES_SQL, [regionId, cohorts]);
      await manager.query(REFRESH_LEAVERS_SQL, [regionId, cohorts]);
      await manager.query(`DELETE FROM withheld_cells WHERE region_id = $1 AND cohort = ANY($2::smallint[])`, [regionId, cohorts]);
      for (const cohort of await this.cohortCells(manager, regionId, cohorts)) {
        const withheld = await protect(cohort);
        if (withheld.length === 0) continue;
        await manager.query(
          `INSERT INTO withheld_cells (region_id, cohort, cell_key, reason) SELECT $1, $2, cell_key, reason FROM unnest($3::text[], $4::text[]) AS w(cell_key, reason)`,
          [regionId, cohort.cohort, withheld.map((cell) => cell.cellKey), withheld.map((cell) => cell.reason)],
        );
      }
      await manager.query(
        `INSERT INTO summary_refreshes (region_id, refreshed_at, cohorts, duration_ms) VALUES ($1, now(), $2::smallint[], 0)
         ON CONFLICT (region_id) DO UPDATE SET refreshed_at = now(), cohorts = EXCLUDED.cohorts`,
        [regionId, cohorts],
      );
    });
    // Fresh statistics for the views' planner: the summaries change wholesale with each refresh,
    // and autovacuum may not get to them before the next view is read.
    await this.dataSource.query(`ANALYZE outcome_summaries, leaver_summaries`);
  }

  private async cohortCells(manager: EntityManager, regionId: string, cohorts: number[]): Promise<CohortCells[]> {
    const rows: Array<MicroCell & { cohort: number; k: number }> = await manager.query(
      `SELECT s.cohort, s.supplier_institution_id::text AS supplier, s.supplier_vestiging AS vestiging, s.receiver_institution_id::text AS receiver,
              s.sector, s.programme_code AS programme, s.prior_diploma_type AS prior, s.n, d.suppression_k AS k
         FROM outcome_summaries s JOIN definition_sets d ON d.id = s.definition_set_id
        WHERE s.region_id = $1 AND s.cohort = ANY($2::smallint[])
        ORDER BY s.cohort`,
      [regionId, cohorts],
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
    await this.dataSource.query(`UPDATE summary_refreshes SET duration_ms = $2 WHERE region_id = $1`, [regionId, durationMs]);
  }

  /**
   * Every region the institution has a membership of, ended ones included: a change to its
   * records can touch the summaries of each. (Who may see a region asks for current memberships.)
   */
  async regionIdsEverJoinedBy(institutionId: string): Promise<string[]> {
    const rows: Array<{ region_id: string }> = await this.dataSource.query(`SELECT region_id FROM region_memberships WHERE institution_id = $1`, [institutionId]);
    return rows.map((row) => row.region_id);
  }

  async allRegionIds(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM regions ORDER BY code`);
    return rows.map((row) => row.id);
  }
}
