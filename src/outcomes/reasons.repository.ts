import { EntityManager } from 'typeorm';
import { constant, query, Sql, sql } from 'src/database/sql';
import { KEY_MODULUS, recordKeySql } from 'src/outcomes/disclosure/cell-key';

/*
 * Reasons for leaving (issue 14), run inside the refresh's transaction for the cohorts it touched,
 * after the outcome rows are kept (`enrolment_outcomes`): the leavers of every supplier × receiver
 * cell by the reason from the exit interview. Read from the kept outcome of each enrolment, so the
 * rows follow whatever the refresh derived, in full or for changed students alike
 * (test/outcomes/incremental-refresh.e2e-spec.ts): an enrolment whose exit reason changes is a
 * changed record (the triggers list its student), and its cohort is touched.
 */

/** The outcomes that count as leaving the programme: the cohort's switchers and uitval. */
export const LEAVER_OUTCOMES = ['switch_internal', 'switch_external', 'uitval'] as const;

/**
 * The key of a reason record is drawn from the enrolment and its reason, so that a record that
 * only changes its reason (a corrected exit interview) draws the noise of its cell anew.
 */
const REASON_KEY_SUM = constant(
  `(sum(${recordKeySql('(SELECT secret FROM disclosure_secrets WHERE id = 1)', "o.enrolment_id::text || ':' || COALESCE(e.exit_reason, 'unknown')")}) % ${KEY_MODULUS})::bigint`,
);

/** Writes the reason rows of these cohorts of the region from the kept enrolment outcomes; a leaver without a recorded reason counts as `unknown`. */
export const writeReasons = (regionId: string, cohorts: number[]): Sql => sql`
INSERT INTO reason_summaries (region_id, cohort, supplier_institution_id, receiver_institution_id, reason, definition_set_id, n, record_key_sum)
SELECT ${regionId}, o.cohort, o.supplier_institution_id, o.receiver_institution_id, COALESCE(e.exit_reason, 'unknown'), o.definition_set_id, count(*)::int,
       ${REASON_KEY_SUM}
  FROM enrolment_outcomes o
  JOIN enrolments e ON e.institution_id = o.receiver_institution_id AND e.id = o.enrolment_id
 WHERE o.region_id = ${regionId} AND o.cohort = ANY(${cohorts}::smallint[]) AND o.outcome = ANY(${[...LEAVER_OUTCOMES]}::text[])
 GROUP BY o.cohort, o.supplier_institution_id, o.receiver_institution_id, COALESCE(e.exit_reason, 'unknown'), o.definition_set_id`;

/** Rewrites the reason rows of these cohorts of the region, in the refresh's transaction. */
export async function refreshReasons(manager: EntityManager, regionId: string, cohorts: number[]): Promise<void> {
  await query(manager, sql`DELETE FROM reason_summaries WHERE region_id = ${regionId} AND cohort = ANY(${cohorts}::smallint[])`);
  if (cohorts.length === 0) return;
  await query(manager, writeReasons(regionId, cohorts));
}
