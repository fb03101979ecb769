import { MigrationInterface, QueryRunner } from 'typeorm';

export class ExitReasons1796226800000 implements MigrationInterface {
  name = 'ExitReasons1796226800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "reason_summaries" ("region_id" uuid NOT NULL, "cohort" smallint NOT NULL, "supplier_institution_id" uuid NOT NULL, "receiver_institution_id" uuid NOT NULL, "reason" character varying(16) NOT NULL, "definition_set_id" uuid NOT NULL, "n" integer NOT NULL, "record_key_sum" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_6714d107fa24bcae641f7821e36" PRIMARY KEY ("region_id", "cohort", "supplier_institution_id", "receiver_institution_id", "reason"))`);
    await queryRunner.query(`CREATE INDEX "idx_reason_summaries_receiver" ON "reason_summaries" ("region_id", "receiver_institution_id", "cohort") `);
    await queryRunner.query(`ALTER TABLE "enrolments" ADD "exit_reason" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "enrolments" ADD CONSTRAINT "chk_enrolments_exit_reason" CHECK ("exit_reason" IS NULL OR ("end_reason" = 'uitgeschreven' AND "exit_reason" IN ('study_choice', 'study_skills', 'not_landed', 'content_gap', 'personal', 'other', 'unknown')))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "enrolments" DROP CONSTRAINT "chk_enrolments_exit_reason"`);
    await queryRunner.query(`ALTER TABLE "enrolments" DROP COLUMN "exit_reason"`);
    await queryRunner.query(`DROP INDEX "public"."idx_reason_summaries_receiver"`);
    await queryRunner.query(`DROP TABLE "reason_summaries"`);
  }
}
