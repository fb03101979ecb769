import { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Each enrolment's kept row also holds its route and exit reason, so that a refresh of changed
 * students applies their difference to `route_summaries` and `reason_summaries` too. Kept rows
 * written before have neither: they are dropped, and every region's next refresh is a full one
 * (a refresh of changed students needs `rendement_as_of`), which writes them again.
 */

export class KeptRoutes1796230081414 implements MigrationInterface {
  name = 'KeptRoutes1796230081414';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "summary_refreshes" SET "rendement_as_of" = NULL`);
    await queryRunner.query(`DELETE FROM "enrolment_outcomes"`);
    await queryRunner.query(`ALTER TABLE "enrolment_outcomes" ADD "first_stage" character varying(8) NOT NULL`);
    await queryRunner.query(`ALTER TABLE "enrolment_outcomes" ADD "next_step" character varying(16) NOT NULL`);
    await queryRunner.query(`ALTER TABLE "enrolment_outcomes" ADD "route_until" date`);
    await queryRunner.query(`ALTER TABLE "enrolment_outcomes" ADD "exit_reason" character varying(16)`);
    await queryRunner.query(`CREATE INDEX "idx_enrolment_outcomes_route_until" ON "enrolment_outcomes" ("region_id", "route_until") WHERE "route_until" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_enrolment_outcomes_route_until"`);
    await queryRunner.query(`ALTER TABLE "enrolment_outcomes" DROP COLUMN "exit_reason"`);
    await queryRunner.query(`ALTER TABLE "enrolment_outcomes" DROP COLUMN "route_until"`);
    await queryRunner.query(`ALTER TABLE "enrolment_outcomes" DROP COLUMN "next_step"`);
    await queryRunner.query(`ALTER TABLE "enrolment_outcomes" DROP COLUMN "first_stage"`);
  }
}
