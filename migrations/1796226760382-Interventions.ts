import { MigrationInterface, QueryRunner } from 'typeorm';

export class Interventions1796226760382 implements MigrationInterface {
  name = 'Interventions1796226760382';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "interventions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "region_id" uuid NOT NULL, "type" character varying(40) NOT NULL, "title" character varying(200) NOT NULL, "description" character varying(2000) NOT NULL DEFAULT '', "party_ids" uuid array NOT NULL, "target" jsonb NOT NULL, "first_cohort" integer NOT NULL, "metric" character varying(20) NOT NULL, "direction" character varying(10) NOT NULL, "review_date" date NOT NULL, "state" character varying(12) NOT NULL DEFAULT 'active', "registered_by_kind" character varying(16) NOT NULL, "registered_by_institution_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_interventions_registered_by" CHECK ("registered_by_kind" IN ('region', 'institution')), CONSTRAINT "chk_interventions_state" CHECK ("state" IN ('active', 'withdrawn')), CONSTRAINT "chk_interventions_direction" CHECK ("direction" IN ('decrease', 'increase')), CONSTRAINT "chk_interventions_metric" CHECK ("metric" IN ('uitval', 'switch', 'enrolledYear2', 'diplomaYear1')), CONSTRAINT "chk_interventions_type" CHECK ("type" IN ('lob-programme', 'study-skills', 'keuzedeel-voorbereiding-hbo', 'first-100-days', 'doorlopende-leerroute', 'subject-alignment', 'mentoring', 'other')), CONSTRAINT "PK_39babe074cbaa90750582bfc38d" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_interventions_region" ON "interventions" ("region_id", "state", "review_date") `);
    await queryRunner.query(`ALTER TABLE "interventions" ADD CONSTRAINT "FK_429572bb90a2418646829896603" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "interventions" DROP CONSTRAINT "FK_429572bb90a2418646829896603"`);
    await queryRunner.query(`DROP INDEX "public"."idx_interventions_region"`);
    await queryRunner.query(`DROP TABLE "interventions"`);
  }
}
