import { EntityManager } from 'typeorm';
import { constant, param, query, Sql, sql } from 'src/database/sql';
import { MicroCell } from 'src/outcomes/disclosure/cells';
import { planPublication } from 'src/outcomes/disclosure/publication-plan';
import { ROUTE_SCHEME, routeMicroCell } from 'src/outcomes/disclosure/schemes';

/*
 * The part of the summary refresh that issue 16 adds, run inside the refresh's transaction right
 * after the outcome summaries and their withheld cells are written (one call in
 * SummariesRepository.refresh):
 * - the publication plan of the outcome tables again, now with the level of every programme, so
 *   that the breakdowns by level (entree = mbo 1) are families of the same plan;
 * - the route summaries (a student's first enrolment in the region and what came next) and the
 *   plan that protects the route tables.
 */

/** The stage of an enrolment (its sector and programme level), and its ordinal: "hoger" means a higher one. */
const stageOf = (alias: 'f' | 'x'): Sql =>
  constant(`CASE WHEN ${alias}.sector = 'mbo' THEN CASE ${alias}.level WHEN '1' THEN 'entree' WHEN '2' THEN 'mbo-2' WHEN '3' THEN 'mbo-3' WHEN '4' THEN 'mbo-4' ELSE 'mbo' END ELSE ${alias}.sector END`);
const rankOf = (alias: 'f' | 'x'): Sql =>
  constant(`CASE WHEN ${alias}.sector = 'mbo' THEN CASE WHEN ${alias}.level IN ('1', '2', '3', '4') THEN ${alias}.level::int ELSE 0 END WHEN ${alias}.sector = 'hbo' THEN 5 ELSE 6 END`);

/**
 * Rewrites the route rows of these cohorts. A student's route starts at its first enrolment at a
 * member institution (earliest start date; ties by institution id, then programme), whose
 * supplying school (prior BRIN) must be a member too; the cohort is that enrolment's cohort. Next
 * step, from the second enrolment and the first one's end, as known at the refresh:
 * hoger (the second enrolment is at a higher level: entree → mbo 2 or higher), diploma, switch
 * (a second enrolment at the same or a lower level, without a diploma first), ingeschreven (still
 * enrolled), uitval (ended without a diploma, no second enrolment).
 */
const refreshRoutes = (region: string, memberIds: string[], cohorts: number[]): Sql => {
  const regionId = param(region);
  const members = param(memberIds);
  const refreshed = param(cohorts);
  return sql`
WITH segments AS (
  SELECT d.id, d.effective_from_cohort, lead(d.effective_from_cohort) OVER (ORDER BY d.effective_from_cohort, d.version) AS next_from
    FROM definition_sets d WHERE d.region_id = ${regionId} AND d.effective_from_cohort IS NOT NULL
), cohort_segments AS (
  SELECT c.cohort, s.id AS definition_set_id
    FROM (SELECT DISTINCT unnest(${refreshed}::smallint[])) AS c(cohort)
    JOIN segments s ON c.cohort >= s.effective_from_cohort AND (s.next_from IS NULL OR c.cohort < s.next_from)
), ranked AS (
  SELECT e.pseudonym, e.cohort, e.prior_brin, e.prior_diploma_type, e.end_date, e.end_reason, e.sector, COALESCE(p.level, e.level, '') AS level,
         row_number() OVER (PARTITION BY e.pseudonym COLLATE "C" ORDER BY e.start_date, e.institution_id, e.programme_code) AS position
    FROM enrolments e
    LEFT JOIN programmes p ON p.sector = e.sector AND p.code = e.programme_code
   WHERE e.institution_id = ANY(${members}::uuid[])
), firsts AS (
  SELECT * FROM ranked WHERE position = 1 AND cohort = ANY(${refreshed}::smallint[])
), seconds AS (
  SELECT * FROM ranked WHERE position = 2
), routes AS (
  SELECT f.cohort, si.id AS supplier_id, f.prior_diploma_type, s.definition_set_id,
         ${stageOf('f')} AS first_stage,
         CASE
           WHEN x.pseudonym IS NOT NULL AND ${rankOf('x')} > ${rankOf('f')} THEN 'hoger'
           WHEN f.end_reason = 'diploma' AND f.end_date <= CURRENT_DATE THEN 'diploma'
           WHEN x.pseudonym IS NOT NULL THEN 'switch'
           WHEN f.end_date IS NULL OR f.end_date > CURRENT_DATE THEN 'ingeschreven'
           ELSE 'uitval'
         END AS next_step
    FROM firsts f
    JOIN institutions si ON si.brin = f.prior_brin AND si.id = ANY(${members}::uuid[])
    JOIN cohort_segments s ON s.cohort = f.cohort
    LEFT JOIN seconds x ON x.pseudonym = f.pseudonym
)
INSERT INTO route_summaries (region_id, cohort, supplier_institution_id, prior_diploma_type, first_stage, next_step, definition_set_id, n)
SELECT ${regionId}, cohort, supplier_id, prior_diploma_type, first_stage, next_step, definition_set_id, count(*)
  FROM routes
 GROUP BY cohort, supplier_id, prior_diploma_type, first_stage, next_step, definition_set_id`;
};

type Withheld = Array<{ cellKey: string; reason: 'primary' | 'complementary' }>;

async function plan(cells: MicroCell[], k: number, scheme?: typeof ROUTE_SCHEME): Promise<Withheld> {
  const published = await planPublication(cells, k, scheme);
  return [...published.suppressed].sort().map((cellKey) => ({ cellKey, reason: published.primary.has(cellKey) ? 'primary' : 'complementary' }));
}

async function store(manager: EntityManager, table: 'withheld_cells' | 'route_withheld_cells', regionId: string, cohort: number, withheld: Withheld): Promise<void> {
  const target = table === 'withheld_cells' ? sql`withheld_cells` : sql`route_withheld_cells`;
  await query(manager, sql`DELETE FROM ${target} WHERE region_id = ${regionId} AND cohort = ${cohort}`);
  if (withheld.length === 0) return;
  await query(
    manager,
    sql`INSERT INTO ${target} (region_id, cohort, cell_key, reason)
        SELECT ${regionId}, ${cohort}, cell_key, reason
          FROM unnest(${withheld.map((cell) => cell.cellKey)}::text[], ${withheld.map((cell) => cell.reason)}::text[]) AS w(cell_key, reason)`,
  );
}

/** Groups rows of one query by cohort, with the cohort's k. */
function byCohort<T extends { cohort: number; k: number }>(rows: T[], toCell: (row: T) => MicroCell): Array<{ cohort: number; k: number; cells: MicroCell[] }> {
  const grouped = new Map<number, { cohort: number; k: number; cells: MicroCell[] }>();
  for (const row of rows) {
    const cohort = Number(row.cohort);
    const entry = grouped.get(cohort) ?? { cohort, k: Number(row.k), cells: [] };
    entry.cells.push(toCell(row));
    grouped.set(cohort, entry);
  }
  return [...grouped.values()];
}

/**
 * The refresh's hook: plans the outcome tables with their level families, rewrites the route rows
 * and plans the route tables, for these cohorts of the region, in the refresh's transaction.
 */
export async function refreshRoutesAndLevels(manager: EntityManager, regionId: string, memberIds: string[], cohorts: number[]): Promise<void> {
  // The outcome tables, with the level of every programme (the refresh's own plan has none).
  const outcomeRows = await query<MicroCell & { cohort: number; k: number }>(
    manager,
    sql`SELECT s.cohort, s.supplier_institution_id::text AS supplier, s.supplier_vestiging AS vestiging, s.receiver_institution_id::text AS receiver,
               s.sector, s.programme_code AS programme, s.prior_diploma_type AS prior, COALESCE(p.level, '') AS level, s.n, d.suppression_k AS k
          FROM outcome_summaries s
          JOIN definition_sets d ON d.id = s.definition_set_id
          LEFT JOIN programmes p ON p.sector = s.sector AND p.code = s.programme_code
         WHERE s.region_id = ${regionId} AND s.cohort = ANY(${cohorts}::smallint[])
         ORDER BY s.cohort`,
  );
  const outcomeCohorts = byCohort(outcomeRows, ({ supplier, vestiging, receiver, sector, programme, prior, level, n }) => ({ supplier, vestiging, receiver, sector, programme, prior, level, n: Number(n) }));
  for (const cohort of outcomeCohorts) await store(manager, 'withheld_cells', regionId, cohort.cohort, await plan(cohort.cells, cohort.k));

  await query(manager, sql`DELETE FROM route_summaries WHERE region_id = ${regionId} AND cohort = ANY(${cohorts}::smallint[])`);
  await query(manager, sql`DELETE FROM route_withheld_cells WHERE region_id = ${regionId} AND cohort = ANY(${cohorts}::smallint[])`);
  if (cohorts.length === 0 || memberIds.length === 0) return;
  await query(manager, refreshRoutes(regionId, memberIds, cohorts));
  const routeRows = await query<{ cohort: number; k: number; supplier: string; prior: string; first: string; next: string; n: number }>(
    manager,
    sql`SELECT r.cohort, r.supplier_institution_id::text AS supplier, r.prior_diploma_type AS prior, r.first_stage AS first, r.next_step AS next, r.n, d.suppression_k AS k
          FROM route_summaries r JOIN definition_sets d ON d.id = r.definition_set_id
         WHERE r.region_id = ${regionId} AND r.cohort = ANY(${cohorts}::smallint[])
         ORDER BY r.cohort`,
  );
  for (const cohort of byCohort(routeRows, (row) => routeMicroCell({ ...row, n: Number(row.n) }))) {
    await store(manager, 'route_withheld_cells', regionId, cohort.cohort, await plan(cohort.cells, cohort.k, ROUTE_SCHEME));
  }
}
