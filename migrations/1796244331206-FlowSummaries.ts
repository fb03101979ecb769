import { MigrationInterface, QueryRunner } from 'typeorm';

export class FlowSummaries1796244331206 implements MigrationInterface {
  name = 'FlowSummaries1796244331206';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "flow_summaries" ("region_id" uuid NOT NULL, "cohort" smallint NOT NULL, "supplier_institution_id" uuid NOT NULL, "receiver_institution_id" uuid NOT NULL, "sector" character varying(3) NOT NULL, "prior_diploma_type" character varying(16) NOT NULL, "definition_set_id" uuid NOT NULL, "n" integer NOT NULL, "n_direct" integer NOT NULL, "n_enrolled" integer NOT NULL, "n_switch_internal" integer NOT NULL, "n_switch_external" integer NOT NULL, "n_uitval" integer NOT NULL, "n_diploma" integer NOT NULL, "n_rendement_known" integer NOT NULL, "n_diploma_in_time" integer NOT NULL, "record_key_sum" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_229c1828ec18bb33f4c0f10eaa5" PRIMARY KEY ("region_id", "cohort", "supplier_institution_id", "receiver_institution_id", "sector", "prior_diploma_type"))`);
    await queryRunner.query(`CREATE INDEX "idx_flow_summaries_receiver" ON "flow_summaries" ("region_id", "receiver_institution_id", "cohort") `);
    await queryRunner.query(`CREATE INDEX "idx_flow_summaries_supplier" ON "flow_summaries" ("region_id", "supplier_institution_id", "cohort") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_flow_summaries_supplier"`);
    await queryRunner.query(`DROP INDEX "public"."idx_flow_summaries_receiver"`);
    await queryRunner.query(`DROP TABLE "flow_summaries"`);
  }
}
