import { MigrationInterface, QueryRunner } from 'typeorm';

export class RouteSummaries1796203222715 implements MigrationInterface {
  name = 'RouteSummaries1796203222715';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "route_summaries" ("region_id" uuid NOT NULL, "cohort" smallint NOT NULL, "supplier_institution_id" uuid NOT NULL, "supplier_vestiging" character varying(6) NOT NULL, "receiver_institution_id" uuid NOT NULL, "sector" character varying(3) NOT NULL, "programme_code" character(5) NOT NULL, "prior_diploma_type" character varying(16) NOT NULL, "first_stage" character varying(8) NOT NULL, "next_step" character varying(16) NOT NULL, "definition_set_id" uuid NOT NULL, "n" integer NOT NULL, CONSTRAINT "PK_ad87f95242aa7b168e7c62d1853" PRIMARY KEY ("region_id", "cohort", "supplier_institution_id", "supplier_vestiging", "receiver_institution_id", "sector", "programme_code", "prior_diploma_type", "first_stage", "next_step"))`);
    await queryRunner.query(`CREATE INDEX "idx_route_summaries_supplier" ON "route_summaries" ("region_id", "supplier_institution_id", "cohort") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_route_summaries_supplier"`);
    await queryRunner.query(`DROP TABLE "route_summaries"`);
  }
}
