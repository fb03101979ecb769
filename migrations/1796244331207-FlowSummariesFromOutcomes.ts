import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The flow rows of every region's summaries as they are now; from here on the refresh writes
 * them for the cohorts it touches (SummariesRepository.summariseFlows).
 */
export class FlowSummariesFromOutcomes1796244331207 implements MigrationInterface {
  name = 'FlowSummariesFromOutcomes1796244331207';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      INSERT INTO flow_summaries (region_id, cohort, supplier_institution_id, receiver_institution_id, sector, prior_diploma_type, definition_set_id,
                                  n, n_direct, n_enrolled, n_switch_internal, n_switch_external, n_uitval, n_diploma, n_rendement_known, n_diploma_in_time, record_key_sum)
      SELECT region_id, cohort, supplier_institution_id, receiver_institution_id, sector, prior_diploma_type, definition_set_id,
             sum(n), sum(n_direct), sum(n_enrolled), sum(n_switch_internal), sum(n_switch_external), sum(n_uitval), sum(n_diploma), sum(n_rendement_known), sum(n_diploma_in_time),
             (sum(record_key_sum) % 4294967296)::bigint
        FROM outcome_summaries
       GROUP BY region_id, cohort, supplier_institution_id, receiver_institution_id, sector, prior_diploma_type, definition_set_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM flow_summaries`);
  }
}
