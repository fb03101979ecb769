import { constant, Identifier, join, Param, Sql, sql } from 'src/database/sql';
import { recordKeySql } from 'src/outcomes/disclosure/cell-key';
import { keySum } from 'src/outcomes/key-sums';
import { addReasons, REASON_KEY_SUM, REASON_OF, subtractReasons } from 'src/outcomes/reasons.repository';
import { addRoutes, FIRST_STAGE, NEXT_STEP, ROUTE_KEY_SUM, ROUTE_PARTS, ROUTE_UNTIL, subtractRoutes } from 'src/outcomes/routes.repository';

/*
 * The statements of the refresh. What it derives per record is kept (`enrolment_outcomes`,
 * `leaver_outcomes`), and the summaries are sums over those rows:
 * - a full refresh derives every record of the region and writes both in one pass, into new
 *   tables that replace the region's partitions (kept-partitions.ts);
 * - a refresh of changed students takes their kept rows out of the summaries (`…Removed`),
 *   derives their records again and adds the new rows (`…Added`). An enrolment's outcome and a
 *   leaver's continuation depend only on the same student's records at member institutions (and
 *   on the definitions, memberships and catalogue, whose changes refresh the region in full), so
 *   the result is the same as a full refresh: test/outcomes/incremental-refresh.e2e-spec.ts.
 * An enrolment's kept row holds its route (routes.repository.ts) and exit reason too, and the same
 * statements add it to and take it out of `route_summaries` and `reason_summaries`, so a refresh
 * of changed students touches only their rows there as well.
 */

/** Which students a statement derives: all of the region's, or these pseudonyms. */
export type Students = { all: true } | { all: false; pseudonyms: Param };

const ofStudents = (students: Students, column: string): Sql => (students.all ? sql`` : sql`AND ${constant(column)} = ANY(${students.pseudonyms}::bpchar[])`);

/** The cell of a summary row, in key order. */
const OUTCOME_CELL = 'cohort, supplier_institution_id, supplier_vestiging, receiver_institution_id, sector, programme_code, prior_diploma_type';
const LEAVER_CELL = 'supplier_institution_id, school_year, onderwijssoort, diploma';

const modulo = keySum;

/** The counts of a summary row over derived rows; `asOf` is the day rendement counts are taken at. */
const outcomeCounts = (asOf: Sql): Sql[] => {
  const conditions: Sql[] = [
    sql`true`,
    sql`direct`,
    sql`outcome = 'enrolled'`,
    sql`outcome = 'switch_internal'`,
    sql`outcome = 'switch_external'`,
    sql`outcome = 'uitval'`,
    sql`outcome = 'diploma'`,
    sql`rendement_deadline <= ${asOf}`,
    sql`rendement_deadline <= ${asOf} AND diploma_in_time`,
  ];
  return conditions.map((condition) => sql`count(*) FILTER (WHERE ${condition})::int`);
};
/** The same counts, each named as its column of `outcome_summaries`. */
const namedOutcomeCounts = (asOf: Sql): Sql => join(outcomeCounts(asOf).map((count, i) => sql`${count} AS ${constant(OUTCOME_MEASURES[i])}`));
/**
 * What the summary statements read of a kept row (the outcome, route and reason summaries): a full
 * refresh holds every returned row of the region in a temporary store read three times, so the
 * pseudonym, the widest column, stays out of it.
 */
const SUMMED_ENROLMENT = constant(
  `${OUTCOME_CELL}, definition_set_id, enrolment_id, direct, outcome, rendement_deadline, diploma_in_time, record_key, first_stage, next_step, exit_reason`,
);
const SUMMED_LEAVER = constant(`${LEAVER_CELL}, continued, record_key`);
const OUTCOME_MEASURES = ['n', 'n_direct', 'n_enrolled', 'n_switch_internal', 'n_switch_external', 'n_uitval', 'n_diploma', 'n_rendement_known', 'n_diploma_in_time'];
const LEAVER_MEASURES = ['n_leavers', 'n_continued'];

/**
 * Derives the outcome of every enrolment of the given students (or all) in one region. The outcome
 * after year 1 is read at the reference date (cohort + 1) of the definition set that applies to the cohort:
 * - diploma: the enrolment ended with a diploma before the reference date;
 * - enrolled: still enrolled in the same programme at the reference date (or re-enrolled in it);
 * - switch_internal / switch_external: it ended before the reference date and a new enrolment of
 *   the same pseudonym started within the switch window, at the same / another member institution;
 * - uitval: it ended before the reference date without a diploma and no such enrolment exists.
 * Only enrolments whose receiving and supplying institutions are both members of the region count.
 *
 * Set-based: one sort of the students' enrolments by student and start date, and window
 * functions over each student's enrolments in that one pass (no probe per enrolment):
 * - the next enrolment is the first one of the student's next start date (`GROUPS BETWEEN 1
 *   FOLLOWING AND 1 FOLLOWING`), and of several starting that day the one at the lowest
 *   institution id, then programme code. Only the next start date can lie in the switch window:
 *   any later one lies further from the end date;
 * - first year in the sector: its start date is the student's first in that sector;
 * - the route's next enrolment is the next one in the student's order of start date, institution
 *   and programme (`lead`, which ignores the frame: it shares the window of the first years, whose
 *   frame is the whole student, so that one pass computes both).
 * The member institutions and cohorts come as parameters, and each cohort's definition set is
 * looked up per cohort (`cohort_segments`): the planner then estimates the rows reaching the
 * aggregation from the tables' statistics instead of from a CTE it knows nothing about.
 */
const derivedEnrolments = (region: Param, members: Param, cohorts: Param, students: Students, kept: Identifier): Sql => sql`
secret AS (
  SELECT secret FROM disclosure_secrets WHERE id = 1
), segments AS (
  SELECT d.*, lead(d.effective_from_cohort) OVER (ORDER BY d.effective_from_cohort, d.version) AS next_from
    FROM definition_sets d
   WHERE d.region_id = ${region} AND d.effective_from_cohort IS NOT NULL
), cohort_segments AS (
  SELECT c.cohort, s.id AS definition_set_id, s.switch_window_months, s.voltijd_only, s.first_year_in_sector_only,
         make_date(c.cohort + 1, s.reference_month, s.reference_day) AS reference_date, s.reference_month, s.reference_day
    FROM (SELECT DISTINCT unnest(${cohorts}::smallint[])) AS c(cohort)
    JOIN segments s ON c.cohort >= s.effective_from_cohort AND (s.next_from IS NULL OR c.cohort < s.next_from)
), successors AS (
  SELECT DISTINCT ON (old_code) old_code, new_code FROM programme_successors ORDER BY old_code, from_cohort DESC, new_code
), timeline AS (
  SELECT e.id, e.institution_id, e.pseudonym, e.programme_code, e.sector, e.form, e.start_date, e.end_date, e.end_reason, e.cohort,
         e.prior_brin, e.prior_vestiging, e.prior_diploma_type, e.prior_diploma_year, e.exit_reason, COALESCE(lp.level, e.level, '') AS level,
         CASE e.sector
           WHEN 'mbo' THEN min(e.start_date) FILTER (WHERE e.sector = 'mbo') OVER student
           WHEN 'hbo' THEN min(e.start_date) FILTER (WHERE e.sector = 'hbo') OVER student
           ELSE min(e.start_date) FILTER (WHERE e.sector = 'wo') OVER student
         END AS first_in_sector,
         min(e.start_date) OVER next_day AS next_start,
         min((e.institution_id::text || e.programme_code) COLLATE "C") OVER next_day AS next_place,
         lead(e.sector) OVER student AS route_next_sector,
         lead(COALESCE(lp.level, e.level, '')) OVER student AS route_next_level
    FROM enrolments e
    LEFT JOIN programmes lp ON lp.sector = e.sector AND lp.code = e.programme_code
   WHERE e.institution_id = ANY(${members}::uuid[]) ${ofStudents(students, 'e.pseudonym')}
  WINDOW student AS (PARTITION BY e.pseudonym COLLATE "C" ORDER BY e.start_date, e.institution_id, e.programme_code
                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
         next_day AS (PARTITION BY e.pseudonym COLLATE "C" ORDER BY e.start_date GROUPS BETWEEN 1 FOLLOWING AND 1 FOLLOWING)
), base AS (
  SELECT t.*, si.id AS supplier_id, s.definition_set_id, s.switch_window_months, s.reference_month, s.reference_day, s.reference_date
    FROM timeline t
    JOIN institutions si ON si.brin = t.prior_brin AND si.id = ANY(${members}::uuid[])
    JOIN cohort_segments s ON s.cohort = t.cohort
   WHERE (NOT s.voltijd_only OR t.sector = 'mbo' OR t.form = 'voltijd')
     AND (NOT s.first_year_in_sector_only OR t.start_date = t.first_in_sector)
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
         make_date(b.cohort + COALESCE(pg.nominal_duration_years, 4) + 1, b.reference_month, b.reference_day) AS rendement_deadline,
         ${constant(recordKeySql('(SELECT secret FROM secret)', 'b.id'))} AS record_key,
         ${FIRST_STAGE} AS first_stage, ${NEXT_STEP} AS next_step, ${ROUTE_UNTIL} AS route_until
    FROM base b
    LEFT JOIN successors succ ON succ.old_code = b.programme_code
    LEFT JOIN programmes pg ON pg.sector = b.sector AND pg.code = b.programme_code
), stored AS (
  INSERT INTO ${kept} (region_id, pseudonym, receiver_institution_id, enrolment_id, cohort, supplier_institution_id, supplier_vestiging,
                                  sector, programme_code, prior_diploma_type, definition_set_id, direct, outcome, rendement_deadline, diploma_in_time, record_key,
                                  first_stage, next_step, route_until, exit_reason)
  SELECT ${region}, pseudonym, institution_id, id, cohort, supplier_id, COALESCE(prior_vestiging, ''), sector, series_code, prior_diploma_type,
         definition_set_id, prior_diploma_year >= cohort, outcome, rendement_deadline,
         COALESCE(end_reason = 'diploma' AND end_date < rendement_deadline, false), record_key, first_stage, next_step, route_until, exit_reason
    FROM derived
  RETURNING ${SUMMED_ENROLMENT}
)`;

/**
 * The leavers of the given students (or all) at member schools, and whether they started in the
 * region in the next cohort. In the "C" collation, so that a full refresh can meet the two sides
 * sorted (`SummariesRepository.withMergedLeavers`).
 */
const derivedLeavers = (region: Param, members: Param, students: Students, kept: Identifier): Sql => sql`
secret AS (
  SELECT secret FROM disclosure_secrets WHERE id = 1
), continued AS (
  SELECT DISTINCT e.pseudonym COLLATE "C" AS pseudonym, e.cohort
    FROM enrolments e
   WHERE e.institution_id = ANY(${members}::uuid[]) ${ofStudents(students, 'e.pseudonym')}
), stored AS (
  INSERT INTO ${kept} (region_id, pseudonym, supplier_institution_id, leaver_id, school_year, onderwijssoort, diploma, continued, record_key)
  SELECT ${region}, l.pseudonym, l.institution_id, l.id, l.school_year, l.onderwijssoort, l.diploma, c.pseudonym IS NOT NULL,
         ${constant(recordKeySql('(SELECT secret FROM secret)', 'l.id'))}
    FROM leavers l
    LEFT JOIN continued c ON c.pseudonym = l.pseudonym COLLATE "C" AND c.cohort = l.school_year + 1
   WHERE l.institution_id = ANY(${members}::uuid[]) ${ofStudents(students, 'l.pseudonym')}
  RETURNING ${SUMMED_LEAVER}
)`;

const leaverCounts: Sql[] = [sql`count(*)::int`, sql`count(*) FILTER (WHERE continued)::int`];

/**
 * Kept enrolment rows (a CTE's name) summed at the finest grain of the three summaries: outcome
 * cell, route part and reason, with the outcome counts and the record, route and reason key sums.
 * Adding rows and taking them out both go through it, so that the two agree on what each summary
 * counts.
 */
/** The outcome counts of grains summed per outcome cell, each named as its column. */
const GRAIN_SUMS = constant(OUTCOME_MEASURES.map((measure) => `sum(${measure})::int AS ${measure}`).join(', '));

const grainsOf = (rows: string, asOf: Sql): Sql => sql`
  SELECT ${constant(OUTCOME_CELL)}, definition_set_id, ${ROUTE_PARTS}, ${REASON_OF} AS reason,
         ${namedOutcomeCounts(asOf)},
         sum(record_key) AS key, ${ROUTE_KEY_SUM} AS route_key, ${REASON_KEY_SUM} AS reason_key
    FROM ${constant(rows)}
   GROUP BY ${constant(OUTCOME_CELL)}, definition_set_id, ${ROUTE_PARTS}, ${REASON_OF}`;

/**
 * Derives and keeps the students' enrolment outcomes (in `kept`: `enrolment_outcomes`, or the new
 * table of a full refresh) and adds them to `outcome_summaries` (their routes to `route_summaries`,
 * their leavers' reasons to `reason_summaries`): for a full refresh (after the region's summary rows
 * were deleted) it writes every row; for changed students it adds to the rows of their cells.
 * The returned rows are summed once, at the finest grain of the three (outcome cell, route part,
 * reason: a few rows per cell), and each summary from those grains: a full refresh returns
 * millions of rows, and summing each summary over them on its own read and hashed them three times.
 * Answers the cohorts it touched.
 */
export const addEnrolmentOutcomes = (region: Param, members: Param, cohorts: Param, students: Students, asOf: Sql, kept: Identifier): Sql => sql`
WITH ${derivedEnrolments(region, members, cohorts, students, kept)}, grains AS (${grainsOf('stored', asOf)}
), summed AS (
INSERT INTO outcome_summaries AS s (region_id, ${constant(OUTCOME_CELL)}, definition_set_id, ${constant(OUTCOME_MEASURES.join(', '))}, record_key_sum)
SELECT ${region}, ${constant(OUTCOME_CELL)}, definition_set_id, ${GRAIN_SUMS}, ${modulo('sum(key)')}
  FROM grains
 GROUP BY ${constant(OUTCOME_CELL)}, definition_set_id
    ON CONFLICT (region_id, ${constant(OUTCOME_CELL)}) DO UPDATE SET
       definition_set_id = EXCLUDED.definition_set_id,
       ${constant(OUTCOME_MEASURES.map((measure) => `${measure} = s.${measure} + EXCLUDED.${measure}`).join(', '))},
       record_key_sum = ${modulo('s.record_key_sum + EXCLUDED.record_key_sum')}
RETURNING s.cohort
), routed AS (${addRoutes(region, 'grains')}
), reasoned AS (${addReasons(region, 'grains')}
)
SELECT DISTINCT cohort FROM summed`;

/**
 * Takes the students' kept enrolment outcomes out, and out of `outcome_summaries`, `route_summaries`
 * and `reason_summaries` (from the same grains as `addEnrolmentOutcomes` adds); answers the cohorts
 * it touched.
 */
export const removeEnrolmentOutcomes = (region: Param, students: Param, asOf: Sql): Sql => sql`
WITH removed AS (
  DELETE FROM enrolment_outcomes WHERE region_id = ${region} AND pseudonym = ANY(${students}::bpchar[]) RETURNING ${SUMMED_ENROLMENT}
), grains AS (${grainsOf('removed', asOf)}
), subtracted AS (
UPDATE outcome_summaries s
   SET ${constant(OUTCOME_MEASURES.map((measure) => `${measure} = s.${measure} - c.${measure}`).join(', '))},
       record_key_sum = ${modulo('s.record_key_sum - c.key')}
  FROM (SELECT ${constant(OUTCOME_CELL)}, ${GRAIN_SUMS}, sum(key) AS key
          FROM grains
         GROUP BY ${constant(OUTCOME_CELL)}) c
 WHERE s.region_id = ${region}
   AND ${constant(OUTCOME_CELL.split(', ').map((column) => `s.${column} = c.${column}`).join(' AND '))}
RETURNING s.cohort
), routes_subtracted AS (${subtractRoutes(region, 'grains')}
), reasons_subtracted AS (${subtractReasons(region, 'grains')}
)
SELECT DISTINCT cohort FROM subtracted`;

/** As `addEnrolmentOutcomes`, for leavers and `leaver_summaries`; answers the school years it touched. */
export const addLeaverOutcomes = (region: Param, members: Param, students: Students, kept: Identifier): Sql => sql`
WITH ${derivedLeavers(region, members, students, kept)}, summed AS (
INSERT INTO leaver_summaries AS s (region_id, ${constant(LEAVER_CELL)}, ${constant(LEAVER_MEASURES.join(', '))}, record_key_sum)
SELECT ${region}, ${constant(LEAVER_CELL)}, ${join(leaverCounts)}, ${modulo('sum(record_key)')}
  FROM stored
 GROUP BY ${constant(LEAVER_CELL)}
    ON CONFLICT (region_id, ${constant(LEAVER_CELL)}) DO UPDATE SET
       ${constant(LEAVER_MEASURES.map((measure) => `${measure} = s.${measure} + EXCLUDED.${measure}`).join(', '))},
       record_key_sum = ${modulo('s.record_key_sum + EXCLUDED.record_key_sum')}
RETURNING s.school_year
)
SELECT DISTINCT school_year FROM summed`;

/** As `removeEnrolmentOutcomes`, for leavers. */
export const removeLeaverOutcomes = (region: Param, students: Param): Sql => sql`
WITH removed AS (
  DELETE FROM leaver_outcomes WHERE region_id = ${region} AND pseudonym = ANY(${students}::bpchar[]) RETURNING ${SUMMED_LEAVER}
), cells AS (
  SELECT ${constant(LEAVER_CELL)}, count(*)::int AS n_leavers, count(*) FILTER (WHERE continued)::int AS n_continued, sum(record_key) AS key
    FROM removed
   GROUP BY ${constant(LEAVER_CELL)}
), subtracted AS (
UPDATE leaver_summaries s
   SET n_leavers = s.n_leavers - c.n_leavers, n_continued = s.n_continued - c.n_continued,
       record_key_sum = ${modulo('s.record_key_sum - c.key')}
  FROM cells c
 WHERE s.region_id = ${region}
   AND ${constant(LEAVER_CELL.split(', ').map((column) => `s.${column} = c.${column}`).join(' AND '))}
RETURNING s.school_year
)
SELECT DISTINCT school_year FROM subtracted`;
