import { EntityManager } from 'typeorm';
import { constant, Param, query, Sql, sql } from 'src/database/sql';
import { keySum } from 'src/outcomes/key-sums';
import { recordKeySql } from 'src/outcomes/disclosure/cell-key';
import { MicroCell, ROUTE } from 'src/outcomes/disclosure/cells';
import type { PublicationPlanner } from 'src/outcomes/disclosure/publication-planner';

/*
 * The part of the summary refresh that issue 16 added: the route of every enrolment, derived and
 * kept with its outcome and summed into `route_summaries` by the same statements (derivation.ts),
 * and, in the refresh's transaction for the cohorts it touched (SummariesRepository.protectCohorts),
 * the publication plan of each of those cohorts, with the level of every programme and with the
 * route parts of each microcell, so that the breakdowns by level and the route tables are families
 * of the one plan that protects all linked tables (a route total is the same students as an
 * outcome total, so the two may not be planned apart).
 */

/** The stage of an enrolment (its sector and programme level), and its ordinal: "hoger" means a higher one. */
const stageOf = (sector: string, level: string): string =>
  `CASE WHEN ${sector} = 'mbo' THEN CASE ${level} WHEN '1' THEN 'entree' WHEN '2' THEN 'mbo-2' WHEN '3' THEN 'mbo-3' WHEN '4' THEN 'mbo-4' ELSE 'mbo' END ELSE ${sector} END`;
const rankOf = (sector: string, level: string): string =>
  `CASE WHEN ${sector} = 'mbo' THEN CASE WHEN ${level} IN ('1', '2', '3', '4') THEN ${level}::int ELSE 0 END WHEN ${sector} = 'hbo' THEN 5 ELSE 6 END`;

/*
 * The route of an enrolment is derived with its outcome (derivation.ts, over the `b` rows of the
 * student's timeline: `level` is the programme's level, `route_next_sector` / `route_next_level`
 * those of the student's next enrolment at a member institution by start date, institution and
 * programme) and kept with it in `enrolment_outcomes`, so that a refresh of changed students takes
 * their route rows out of `route_summaries` and adds them again like their outcome rows. It counts
 * every enrolment that counts in the outcome summaries, at the grain of those summaries, by the
 * stage of the enrolment and what came next, so that the route rows of an outcome row add up to
 * it. With the default definitions (first year in the sector) a student counts once per sector: a
 * pro pupil in entree and then mbo 2 counts in entree, with "hoger" as what came next. Next step,
 * from the student's next enrolment and the enrolment's end, as known on the day of the
 * derivation: hoger (the next enrolment is at a higher level: entree → mbo 2 or higher), diploma,
 * switch (a next enrolment at the same or a lower level, without a diploma first), ingeschreven
 * (still enrolled), uitval (ended without a diploma, no next enrolment).
 */

/** The stage of the enrolment. */
export const FIRST_STAGE = constant(stageOf('b.sector', 'b.level'));

/** What came next, as of today. */
export const NEXT_STEP = constant(`CASE
           WHEN b.route_next_sector IS NOT NULL AND ${rankOf('b.route_next_sector', 'b.route_next_level')} > ${rankOf('b.sector', 'b.level')} THEN 'hoger'
           WHEN b.end_reason = 'diploma' AND b.end_date <= CURRENT_DATE THEN 'diploma'
           WHEN b.route_next_sector IS NOT NULL THEN 'switch'
           WHEN b.end_date IS NULL OR b.end_date > CURRENT_DATE THEN 'ingeschreven'
           ELSE 'uitval'
         END`);

/**
 * Until when the next step holds: an enrolment that ends after today may change its next step on
 * its end date (ingeschreven → diploma or uitval). A refresh of changed students derives the
 * students whose day has come again as well (SummariesRepository), so that the route rows stay
 * those of a full refresh on the same day.
 */
export const ROUTE_UNTIL = constant('CASE WHEN b.end_date > CURRENT_DATE THEN b.end_date END');

/** The cell of a route row, in key order. */
const ROUTE_CELL = 'cohort, supplier_institution_id, supplier_vestiging, receiver_institution_id, sector, programme_code, prior_diploma_type, first_stage, next_step';

/**
 * The key of a route record is drawn from the enrolment and its next step, so that a record that
 * only changes its next step (the student enrolled again somewhere) draws the noise anew.
 */
const ROUTE_KEY = recordKeySql('(SELECT secret FROM disclosure_secrets WHERE id = 1)', "enrolment_id::text || ':' || next_step");

/** The route part of a kept row, by which the grains of a refresh are summed (derivation.ts). */
export const ROUTE_PARTS = constant('first_stage, next_step');

/** The route keys of kept rows summed (an aggregate over kept rows, for the grains). */
export const ROUTE_KEY_SUM = constant(`sum(${ROUTE_KEY})`);

/**
 * Adds the route rows of these grains (a CTE's name: kept rows summed by outcome cell, route part
 * and reason, with `n` and `route_key`) to `route_summaries` (a CTE body).
 */
export const addRoutes = (region: Param, grains: string): Sql => sql`
INSERT INTO route_summaries AS s (region_id, ${constant(ROUTE_CELL)}, definition_set_id, n, record_key_sum)
SELECT ${region}, ${constant(ROUTE_CELL)}, definition_set_id, sum(n)::int, ${keySum('sum(route_key)')}
  FROM ${constant(grains)}
 GROUP BY ${constant(ROUTE_CELL)}, definition_set_id
    ON CONFLICT (region_id, ${constant(ROUTE_CELL)}) DO UPDATE SET
       definition_set_id = EXCLUDED.definition_set_id, n = s.n + EXCLUDED.n, record_key_sum = ${keySum('s.record_key_sum + EXCLUDED.record_key_sum')}`;

/** Takes the route rows of these grains (as for `addRoutes`) out of `route_summaries` (a CTE body). */
export const subtractRoutes = (region: Param, grains: string): Sql => sql`
UPDATE route_summaries s
   SET n = s.n - c.n, record_key_sum = ${keySum('s.record_key_sum - c.key')}
  FROM (SELECT ${constant(ROUTE_CELL)}, sum(n)::int AS n, sum(route_key) AS key FROM ${constant(grains)} GROUP BY ${constant(ROUTE_CELL)}) c
 WHERE s.region_id = ${region}
   AND ${constant(ROUTE_CELL.split(', ').map((column) => `s.${column} = c.${column}`).join(' AND '))}`;

type Row = Omit<MicroCell, 'n'> & { cohort: number; n: number };
type OutcomeRow = Row & { level: string };
type RouteRow = Row & { first: string; next: string };
const microKey = (row: Row): string => `${row.cohort}|${row.supplier}|${row.vestiging}|${row.receiver}|${row.sector}|${row.programme}|${row.prior}`;

/**
 * The microcells of every cohort: each outcome row with the level of its programme, split into its
 * route parts and the rest. A route part without its outcome row, or larger than it, is a
 * derivation error: the refresh fails rather than publish an unprotected figure. The cells are
 * written out field by field: tens of thousands of them per refresh, and objects made by rest and
 * spread took a V8 slow path (a quarter of a second on the API's thread at 200,000 enrolments).
 */
export function splitIntoRouteParts(outcomes: OutcomeRow[], routes: RouteRow[]): Map<number, MicroCell[]> {
  const partsOf = new Map<string, RouteRow[]>();
  for (const route of routes) {
    const key = microKey(route);
    const parts = partsOf.get(key);
    if (parts) parts.push(route);
    else partsOf.set(key, [route]);
  }
  const byCohort = new Map<number, MicroCell[]>();
  for (const row of outcomes) {
    const key = microKey(row);
    const parts = partsOf.get(key) ?? [];
    partsOf.delete(key);
    let rest = row.n;
    for (const part of parts) rest -= part.n;
    if (rest < 0) throw new Error(`route summaries: the route parts of ${key} exceed its outcome row`);
    let cells = byCohort.get(row.cohort);
    if (!cells) byCohort.set(row.cohort, (cells = []));
    const { supplier, vestiging, receiver, sector, programme, prior, level } = row;
    cells.push({ supplier, vestiging, receiver, sector, programme, prior, level, n: rest });
    for (const part of parts) cells.push({ supplier, vestiging, receiver, sector, programme, prior, level, route: ROUTE, first: part.first, next: part.next, n: part.n });
  }
  if (partsOf.size > 0) throw new Error(`route summaries: ${partsOf.size} route rows have no outcome row (${[...partsOf.keys()][0]})`);
  return byCohort;
}

/**
 * Plans each of these cohorts of the region with the outcome, level and route families, in the
 * refresh's transaction, after their outcome and route rows were written (derivation.ts) and
 * their withheld cells cleared.
 */
export async function planRoutesAndLevels(manager: EntityManager, planner: PublicationPlanner, regionId: string, cohorts: number[]): Promise<void> {
  if (cohorts.length === 0) return;
  const outcomes = await query<OutcomeRow & { k: number }>(
    manager,
    sql`SELECT s.cohort, s.supplier_institution_id::text AS supplier, s.supplier_vestiging AS vestiging, s.receiver_institution_id::text AS receiver,
               s.sector, s.programme_code AS programme, s.prior_diploma_type AS prior, COALESCE(p.level, '') AS level, s.n, d.suppression_k AS k
          FROM outcome_summaries s
          JOIN definition_sets d ON d.id = s.definition_set_id
          LEFT JOIN programmes p ON p.sector = s.sector AND p.code = s.programme_code
         WHERE s.region_id = ${regionId} AND s.cohort = ANY(${cohorts}::smallint[])`,
  );
  const routes = await query<RouteRow>(
    manager,
    sql`SELECT cohort, supplier_institution_id::text AS supplier, supplier_vestiging AS vestiging, receiver_institution_id::text AS receiver,
               sector, programme_code AS programme, prior_diploma_type AS prior, first_stage AS first, next_step AS next, n
          FROM route_summaries WHERE region_id = ${regionId} AND cohort = ANY(${cohorts}::smallint[])`,
  );
  // cohort (smallint), n and k (integer) arrive as numbers: the rows go to the split as they are.
  const kOf = new Map(outcomes.map((row) => [row.cohort, row.k]));
  const micros = splitIntoRouteParts(outcomes, routes);
  for (const [cohort, cells] of [...micros.entries()].sort(([a], [b]) => a - b)) {
    const { withheld, primary } = await planner.plan(cells, kOf.get(cohort)!);
    if (withheld.length === 0) continue;
    await query(
      manager,
      sql`INSERT INTO withheld_cells (region_id, cohort, cell_key, reason)
          SELECT ${regionId}, ${cohort}, cell_key, CASE WHEN cell_key = ANY(${primary}::text[]) THEN 'primary' ELSE 'complementary' END
            FROM unnest(${withheld}::text[]) AS w(cell_key)`,
    );
  }
}
