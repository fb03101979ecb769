import { MigrationInterface, QueryRunner } from 'typeorm';

export class Outcomes1795334139571 implements MigrationInterface {
  name = 'Outcomes1795334139571';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "definition_sets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "region_id" uuid NOT NULL, "version" integer NOT NULL, "name" character varying(200) NOT NULL, "notes" text NOT NULL DEFAULT '', "reference_month" smallint NOT NULL DEFAULT '10', "reference_day" smallint NOT NULL DEFAULT '1', "switch_window_months" smallint NOT NULL DEFAULT '12', "switchers_count_as_uitval" boolean NOT NULL DEFAULT false, "first_year_in_sector_only" boolean NOT NULL DEFAULT true, "voltijd_only" boolean NOT NULL DEFAULT false, "suppression_k" smallint NOT NULL DEFAULT '10', "baseline_cohorts" smallint NOT NULL DEFAULT '3', "min_baseline_cohorts" smallint NOT NULL DEFAULT '2', "min_baseline_n" integer NOT NULL DEFAULT '30', "min_current_n" integer NOT NULL DEFAULT '10', "fdr_q" double precision NOT NULL DEFAULT '0.05', "supply_low_ratio" double precision NOT NULL DEFAULT '0.5', "supply_high_ratio" double precision NOT NULL DEFAULT '2', "effective_from_cohort" smallint, "activated_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_definition_sets_region_version" UNIQUE ("region_id", "version"), CONSTRAINT "chk_definition_sets_window" CHECK ("switch_window_months" BETWEEN 0 AND 24), CONSTRAINT "chk_definition_sets_reference" CHECK ("reference_month" BETWEEN 1 AND 12 AND "reference_day" BETWEEN 1 AND 28), CONSTRAINT "chk_definition_sets_k" CHECK ("suppression_k" >= 5), CONSTRAINT "PK_f205a232b4e468030827ce90743" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_definition_sets_region_effective" ON "definition_sets" ("region_id", "effective_from_cohort") `);
    await queryRunner.query(`CREATE TABLE "outcome_summaries" ("region_id" uuid NOT NULL, "cohort" smallint NOT NULL, "supplier_institution_id" uuid NOT NULL, "supplier_vestiging" character varying(6) NOT NULL, "receiver_institution_id" uuid NOT NULL, "sector" character varying(3) NOT NULL, "programme_code" character(5) NOT NULL, "prior_diploma_type" character varying(16) NOT NULL, "definition_set_id" uuid NOT NULL, "n" integer NOT NULL, "n_direct" integer NOT NULL, "n_enrolled" integer NOT NULL, "n_switch_internal" integer NOT NULL, "n_switch_external" integer NOT NULL, "n_uitval" integer NOT NULL, "n_diploma" integer NOT NULL, "n_rendement_known" integer NOT NULL, "n_diploma_in_time" integer NOT NULL, CONSTRAINT "PK_d1c5d7d6eaebcbbb2f6c684243c" PRIMARY KEY ("region_id", "cohort", "supplier_institution_id", "supplier_vestiging", "receiver_institution_id", "sector", "programme_code", "prior_diploma_type"))`);
    await queryRunner.query(`CREATE INDEX "idx_outcome_summaries_receiver" ON "outcome_summaries" ("region_id", "receiver_institution_id", "cohort") `);
    await queryRunner.query(`CREATE INDEX "idx_outcome_summaries_supplier" ON "outcome_summaries" ("region_id", "supplier_institution_id", "cohort") `);
    await queryRunner.query(`CREATE TABLE "leaver_summaries" ("region_id" uuid NOT NULL, "supplier_institution_id" uuid NOT NULL, "school_year" smallint NOT NULL, "onderwijssoort" character varying(16) NOT NULL, "diploma" boolean NOT NULL, "n_leavers" integer NOT NULL, "n_continued" integer NOT NULL, CONSTRAINT "PK_4ccb3c550587233c04fab67f8d0" PRIMARY KEY ("region_id", "supplier_institution_id", "school_year", "onderwijssoort", "diploma"))`);
    await queryRunner.query(`CREATE TABLE "summary_refreshes" ("region_id" uuid NOT NULL, "refreshed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "cohorts" smallint array NOT NULL, "duration_ms" integer NOT NULL, CONSTRAINT "PK_1076627e60f6b00451e6b4f5469" PRIMARY KEY ("region_id"))`);
    await queryRunner.query(`ALTER TABLE "definition_sets" ADD CONSTRAINT "FK_a0f0037f671064786f5f09a1bfd" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "definition_sets" DROP CONSTRAINT "FK_a0f0037f671064786f5f09a1bfd"`);
    await queryRunner.query(`DROP TABLE "summary_refreshes"`);
    await queryRunner.query(`DROP TABLE "leaver_summaries"`);
    await queryRunner.query(`DROP INDEX "public"."idx_outcome_summaries_supplier"`);
    await queryRunner.query(`DROP INDEX "public"."idx_outcome_summaries_receiver"`);
    await queryRunner.query(`DROP TABLE "outcome_summaries"`);
    await queryRunner.query(`DROP INDEX "public"."idx_definition_sets_region_effective"`);
    await queryRunner.query(`DROP TABLE "definition_sets"`);
  }
}
