import { constant, param, Param, Sql, sql } from 'src/database/sql';
import { recordKeySql } from 'src/outcomes/disclosure/cell-key';
import { keySum } from 'src/outcomes/key-sums';

/*
 * Reasons for leaving (issue 14): the leavers of every supplier × receiver cell by the reason from
 * the exit interview. Summed from the kept outcome of each enrolment (`enrolment_outcomes`, which
 * keeps the enrolment's exit reason too) by the statements that write and take out those rows
 * (derivation.ts), so the rows follow whatever the refresh derived, in full or for changed
 * students alike (test/outcomes/incremental-refresh.e2e-spec.ts): an enrolment whose exit reason
 * changes is a changed record (the triggers list its student).
 */

/** The outcomes that count as leaving the programme: the cohort's switchers and uitval. */
export const LEAVER_OUTCOMES = ['switch_internal', 'switch_external', 'uitval'] as const;

/** The cell of a reason row, in key order (`reason`: see REASON_OF). */
const REASON_COLUMNS = 'cohort, supplier_institution_id, receiver_institution_id, reason';

/**
 * The key of a reason record is drawn from the enrolment and its reason, so that a record that
 * only changes its reason (a corrected exit interview) draws the noise of its cell anew.
 */
const REASON_KEY = recordKeySql('(SELECT secret FROM disclosure_secrets WHERE id = 1)', "enrolment_id::text || ':' || COALESCE(exit_reason, 'unknown')");

const LEAVERS = param([...LEAVER_OUTCOMES]);

/**
 * The reason of a kept row that left its programme (`unknown` where none was recorded), NULL for
 * the others: a part of the grains of a refresh (derivation.ts).
 */
export const REASON_OF = sql`CASE WHEN outcome = ANY(${LEAVERS}::text[]) THEN COALESCE(exit_reason, 'unknown') END`;

/** The reason keys of the kept rows that left their programme, summed (an aggregate over kept rows, for the grains). */
export const REASON_KEY_SUM = sql`sum(${constant(REASON_KEY)}) FILTER (WHERE outcome = ANY(${LEAVERS}::text[]))`;

/**
 * Adds the reason rows of these grains (a CTE's name: kept rows summed by outcome cell, route part
 * and reason, with `n` and `reason_key`) to `reason_summaries` (a CTE body).
 */
export const addReasons = (region: Param, grains: string): Sql => sql`
INSERT INTO reason_summaries AS s (region_id, ${constant(REASON_COLUMNS)}, definition_set_id, n, record_key_sum)
SELECT ${region}, ${constant(REASON_COLUMNS)}, definition_set_id, sum(n)::int, ${keySum('sum(reason_key)')}
  FROM ${constant(grains)}
 WHERE reason IS NOT NULL
 GROUP BY ${constant(REASON_COLUMNS)}, definition_set_id
    ON CONFLICT (region_id, ${constant(REASON_COLUMNS)}) DO UPDATE SET
       definition_set_id = EXCLUDED.definition_set_id, n = s.n + EXCLUDED.n, record_key_sum = ${keySum('s.record_key_sum + EXCLUDED.record_key_sum')}`;

/** Takes the reason rows of these grains (as for `addReasons`) out of `reason_summaries` (a CTE body). */
export const subtractReasons = (region: Param, grains: string): Sql => sql`
UPDATE reason_summaries s
   SET n = s.n - c.n, record_key_sum = ${keySum('s.record_key_sum - c.key')}
  FROM (SELECT ${constant(REASON_COLUMNS)}, sum(n)::int AS n, sum(reason_key) AS key
          FROM ${constant(grains)}
         WHERE reason IS NOT NULL
         GROUP BY ${constant(REASON_COLUMNS)}) c
 WHERE s.region_id = ${region}
   AND ${constant(REASON_COLUMNS.split(', ').map((column) => `s.${column} = c.${column}`).join(' AND '))}`;
