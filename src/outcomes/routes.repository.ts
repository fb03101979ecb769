import { EntityManager } from 'typeorm';
import { constant, param, query, Sql, sql } from 'src/database/sql';
import { KEY_MODULUS, recordKeySql } from 'src/outcomes/disclosure/cell-key';
import { MicroCell, ROUTE } from 'src/outcomes/disclosure/cells';
import { planPublication } from 'src/outcomes/disclosure/publication-plan';

/*
 * The part of the summary refresh that issue 16 added, run inside the refresh's transaction for the
 * cohorts it touched, after the outcome summaries are written (SummariesRepository.protectCohorts):
 * it writes the route summaries and plans the publication of each of those cohorts, with the level
 * of every programme and with the route parts of each microcell, so that the breakdowns by level
 * and the route tables are families of the one plan that protects all linked tables (a route total
 * is the same students as an outcome total, so the two may not be planned apart).
 */

/** The stage of an enrolment (its sector and programme level), and its ordinal: "hoger" means a higher one. */
const stageOf = (alias: 'f' | 'x'): Sql =>
  constant(`CASE WHEN ${alias}.sector = 'mbo' THEN CASE ${alias}.level WHEN '1' THEN 'entree' WHEN '2' THEN 'mbo-2' WHEN '3' THEN 'mbo-3' WHEN '4' THEN 'mbo-4' ELSE 'mbo' END ELSE ${alias}.sector END`);
const rankOf = (alias: 'f' | 'x'): Sql =>
  constant(`CASE WHEN ${alias}.sector = 'mbo' THEN CASE WHEN ${alias}.level IN ('1', '2', '3', '4') THEN ${alias}.level::int ELSE 0 END WHEN ${alias}.sector = 'hbo' THEN 5 ELSE 6 END`);

/**
 * The key of a route record is drawn from the enrolment and its next step, so that a record that
 * only changes its next step (the student enrolled again somewhere) draws the noise anew.
 */
const ROUTE_KEY_SUM = constant(
  `(sum(${recordKeySql('(SELECT secret FROM disclosure_secrets WHERE id = 1)', "enrolment_id::text || ':' || next_step")}) % ${KEY_MODULUS})::bigint`,
);

/**
 * Rewrites the route rows of these cohorts: every enrolment that counts in the outcome summaries
 * (a member supplier and receiver; the cohort's definition set: voltijd only and first year in the
 * sector where it says so), at the grain of those summaries, by the stage of the enrolment and
 * what came next, so that the route rows of an outcome row add up to it. With the default
 * definitions (first year in the sector) a student counts once per sector: a pro pupil in entree
 * and then mbo 2 counts in entree, with "hoger" as what came next. Next step, from the student's
 * next enrolment (by start date) and the enrolment's end, as known at the refresh: hoger (the next
 * enrolment is at a higher level: entree → mbo 2 or higher), diploma, switch (a next enrolment at
 * the same or a lower level, without a diploma first), ingeschreven (still enrolled), uitval
 * (ended without a diploma, no next enrolment).
 */
const refreshRoutes = (region: string, memberIds: string[], cohorts: number[], someCohorts: boolean): Sql => {
  const regionId = param(region);
  const members = param(memberIds);
  const refreshed = param(cohorts);
  return sql`
WITH segments AS (
  SELECT d.id, d.effective_from_cohort, d.voltijd_only, d.first_year_in_sector_only, lead(d.effective_from_cohort) OVER (ORDER BY d.effective_from_cohort, d.version) AS next_from
    FROM definition_sets d WHERE d.region_id = ${regionId} AND d.effective_from_cohort IS NOT NULL
), cohort_segments AS (
  SELECT c.cohort, s.id AS definition_set_id, s.voltijd_only, s.first_year_in_sector_only
    FROM (SELECT DISTINCT unnest(${refreshed}::smallint[])) AS c(cohort)
    JOIN segments s ON c.cohort >= s.effective_from_cohort AND (s.next_from IS NULL OR c.cohort < s.next_from)
), successors AS (
  SELECT DISTINCT ON (old_code) old_code, new_code FROM programme_successors ORDER BY old_code, from_cohort DESC, new_code
), levelled AS (
  SELECT e.id, e.pseudonym, e.institution_id, e.cohort, e.programme_code, e.form, e.start_date, e.prior_brin, e.prior_vestiging, e.prior_diploma_type,
         e.end_date, e.end_reason, e.sector, COALESCE(p.level, e.level, '') AS level
    FROM enrolments e
    LEFT JOIN programmes p ON p.sector = e.sector AND p.code = e.programme_code
   WHERE e.institution_id = ANY(${members}::uuid[]) ${
     // Only students with an enrolment in these cohorts can have a route row in them.
     someCohorts
       ? sql`AND e.pseudonym IN (SELECT r.pseudonym FROM enrolments r WHERE r.institution_id = ANY(${members}::uuid[]) AND r.cohort = ANY(${refreshed}::smallint[]))`
       : sql``
   }
), timeline AS (
  SELECT l.*,
         min(l.start_date) OVER (PARTITION BY l.pseudonym COLLATE "C", l.sector) AS first_in_sector,
         lead(l.sector) OVER student AS next_sector,
         lead(l.level) OVER student AS next_level
    FROM levelled l
  WINDOW student AS (PARTITION BY l.pseudonym COLLATE "C" ORDER BY l.start_date, l.institution_id, l.programme_code)
), routes AS (
  SELECT f.id AS enrolment_id, f.cohort, si.id AS supplier_id, COALESCE(f.prior_vestiging, '') AS vestiging, f.institution_id, f.sector, COALESCE(succ.new_code, f.programme_code) AS series_code,
         f.prior_diploma_type, s.definition_set_id,
         ${stageOf('f')} AS first_stage,
         CASE
           WHEN x.sector IS NOT NULL AND ${rankOf('x')} > ${rankOf('f')} THEN 'hoger'
           WHEN f.end_reason = 'diploma' AND f.end_date <= CURRENT_DATE THEN 'diploma'
           WHEN x.sector IS NOT NULL THEN 'switch'
           WHEN f.end_date IS NULL OR f.end_date > CURRENT_DATE THEN 'ingeschreven'
           ELSE 'uitval'
         END AS next_step
    FROM timeline f
    CROSS JOIN LATERAL (SELECT f.next_sector AS sector, f.next_level AS level) x
    JOIN institutions si ON si.brin = f.prior_brin AND si.id = ANY(${members}::uuid[])
    JOIN cohort_segments s ON s.cohort = f.cohort
    LEFT JOIN successors succ ON succ.old_code = f.programme_code
   WHERE f.cohort = ANY(${refreshed}::smallint[])
     AND (NOT s.voltijd_only OR f.sector = 'mbo' OR f.form = 'voltijd')
     AND (NOT s.first_year_in_sector_only OR f.start_date = f.first_in_sector)
)
INSERT INTO route_summaries (region_id, cohort, supplier_institution_id, supplier_vestiging, receiver_institution_id, sector, programme_code, prior_diploma_type,
                             first_stage, next_step, definition_set_id, n, record_key_sum)
SELECT ${regionId}, cohort, supplier_id, vestiging, institution_id, sector, series_code, prior_diploma_type, first_stage, next_step, definition_set_id, count(*),
       ${ROUTE_KEY_SUM}
  FROM routes
 GROUP BY cohort, supplier_id, vestiging, institution_id, sector, series_code, prior_diploma_type, first_stage, next_step, definition_set_id`;
};

type Row = Omit<MicroCell, 'n'> & { cohort: number; n: number };
const microKey = (row: Row): string => [row.cohort, row.supplier, row.vestiging, row.receiver, row.sector, row.programme, row.prior].join('|');

/**
 * The microcells of every cohort: each outcome row with the level of its programme, split into its
 * route parts and the rest. A route part without its outcome row, or larger than it, is a
 * derivation error: the refresh fails rather than publish an unprotected figure.
 */
export function splitIntoRouteParts(outcomes: Array<Row & { level: string }>, routes: Array<Row & { first: string; next: string }>): Map<number, MicroCell[]> {
  const partsOf = new Map<string, Array<Row & { first: string; next: string }>>();
  for (const route of routes) partsOf.set(microKey(route), [...(partsOf.get(microKey(route)) ?? []), route]);
  const byCohort = new Map<number, MicroCell[]>();
  for (const row of outcomes) {
    const { cohort, n, ...dimensions } = row;
    const parts = partsOf.get(microKey(row)) ?? [];
    partsOf.delete(microKey(row));
    const rest = n - parts.reduce((sum, part) => sum + part.n, 0);
    if (rest < 0) throw new Error(`route summaries: the route parts of ${microKey(row)} exceed its outcome row`);
    const cells = byCohort.get(cohort) ?? [];
    cells.push({ ...dimensions, n: rest }, ...parts.map((part) => ({ ...dimensions, route: ROUTE, first: part.first, next: part.next, n: part.n })));
    byCohort.set(cohort, cells);
  }
  if (partsOf.size > 0) throw new Error(`route summaries: ${partsOf.size} route rows have no outcome row (${[...partsOf.keys()][0]})`);
  return byCohort;
}

/**
 * Rewrites the route rows of these cohorts of the region and plans each of them with the outcome,
 * level and route families, in the refresh's transaction, whose caller has already cleared the
 * withheld cells of these cohorts. `someCohorts`: the cohorts are not all
 * of the region's, so only the students with an enrolment in them are read.
 */
export async function refreshRoutesAndLevels(manager: EntityManager, regionId: string, memberIds: string[], cohorts: number[], someCohorts: boolean): Promise<void> {
  await query(manager, sql`DELETE FROM route_summaries WHERE region_id = ${regionId} AND cohort = ANY(${cohorts}::smallint[])`);
  if (cohorts.length === 0 || memberIds.length === 0) return;
  await query(manager, refreshRoutes(regionId, memberIds, cohorts, someCohorts));
  const outcomes = await query<Row & { level: string; k: number }>(
    manager,
    sql`SELECT s.cohort, s.supplier_institution_id::text AS supplier, s.supplier_vestiging AS vestiging, s.receiver_institution_id::text AS receiver,
               s.sector, s.programme_code AS programme, s.prior_diploma_type AS prior, COALESCE(p.level, '') AS level, s.n, d.suppression_k AS k
          FROM outcome_summaries s
          JOIN definition_sets d ON d.id = s.definition_set_id
          LEFT JOIN programmes p ON p.sector = s.sector AND p.code = s.programme_code
         WHERE s.region_id = ${regionId} AND s.cohort = ANY(${cohorts}::smallint[])`,
  );
  const routes = await query<Row & { first: string; next: string }>(
    manager,
    sql`SELECT cohort, supplier_institution_id::text AS supplier, supplier_vestiging AS vestiging, receiver_institution_id::text AS receiver,
               sector, programme_code AS programme, prior_diploma_type AS prior, first_stage AS first, next_step AS next, n
          FROM route_summaries WHERE region_id = ${regionId} AND cohort = ANY(${cohorts}::smallint[])`,
  );
  const numbers = <T extends { cohort: number; n: number }>(row: T): T => ({ ...row, cohort: Number(row.cohort), n: Number(row.n) });
  const kOf = new Map(outcomes.map((row) => [Number(row.cohort), Number(row.k)]));
  const micros = splitIntoRouteParts(
    outcomes.map(({ k: _k, ...row }) => numbers(row)),
    routes.map(numbers),
  );
  for (const [cohort, cells] of [...micros.entries()].sort(([a], [b]) => a - b)) {
    const plan = await planPublication(cells, kOf.get(cohort)!);
    const withheld = [...plan.suppressed].sort();
    if (withheld.length === 0) continue;
    await query(
      manager,
      sql`INSERT INTO withheld_cells (region_id, cohort, cell_key, reason)
          SELECT ${regionId}, ${cohort}, cell_key, CASE WHEN cell_key = ANY(${[...plan.primary]}::text[]) THEN 'primary' ELSE 'complementary' END
            FROM unnest(${withheld}::text[]) AS w(cell_key)`,
    );
  }
}
