import { MigrationInterface, QueryRunner } from 'typeorm';

export class RouteSummaries1796202139376 implements MigrationInterface {
  name = 'RouteSummaries1796202139376';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "route_summaries" ("region_id" uuid NOT NULL, "cohort" smallint NOT NULL, "supplier_institution_id" uuid NOT NULL, "prior_diploma_type" character varying(16) NOT NULL, "first_stage" character varying(8) NOT NULL, "next_step" character varying(16) NOT NULL, "definition_set_id" uuid NOT NULL, "n" integer NOT NULL, CONSTRAINT "PK_4fecacd0dfbd97a00787d1ddc47" PRIMARY KEY ("region_id", "cohort", "supplier_institution_id", "prior_diploma_type", "first_stage", "next_step"))`);
    await queryRunner.query(`CREATE INDEX "idx_route_summaries_supplier" ON "route_summaries" ("region_id", "supplier_institution_id", "cohort") `);
    await queryRunner.query(`CREATE TABLE "route_withheld_cells" ("region_id" uuid NOT NULL, "cohort" smallint NOT NULL, "cell_key" character varying(400) NOT NULL, "reason" character varying(16) NOT NULL, CONSTRAINT "PK_2b5e1303a3268a6793a7efad814" PRIMARY KEY ("region_id", "cohort", "cell_key"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "route_withheld_cells"`);
    await queryRunner.query(`DROP INDEX "public"."idx_route_summaries_supplier"`);
    await queryRunner.query(`DROP TABLE "route_summaries"`);
  }
}
