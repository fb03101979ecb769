import { MigrationInterface, QueryRunner } from 'typeorm';

export class Ingest1795333292698 implements MigrationInterface {
  name = 'Ingest1795333292698';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "enrolments" ("institution_id" uuid NOT NULL, "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "receiving_vestiging" character(6), "pseudonym" character(64) NOT NULL, "programme_code" character(5) NOT NULL, "sector" character varying(3) NOT NULL, "level" character varying(8) NOT NULL, "form" character varying(8) NOT NULL, "start_date" date NOT NULL, "end_date" date, "end_reason" character varying(16), "cohort" smallint NOT NULL, "prior_brin" character(4) NOT NULL, "prior_vestiging" character(6), "prior_diploma_type" character varying(16) NOT NULL, "prior_diploma_year" smallint NOT NULL, "created_batch_id" uuid NOT NULL, "updated_batch_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_enrolments_natural_key" UNIQUE ("pseudonym", "institution_id", "programme_code", "start_date"), CONSTRAINT "chk_enrolments_end_reason" CHECK ("end_reason" IS NULL OR ("end_date" IS NOT NULL AND "end_reason" IN ('diploma', 'uitgeschreven'))), CONSTRAINT "chk_enrolments_end" CHECK ("end_date" IS NULL OR "end_date" >= "start_date"), CONSTRAINT "chk_enrolments_sector" CHECK ("sector" IN ('mbo', 'hbo', 'wo')), CONSTRAINT "PK_11c334ef310b4a75f737446f69a" PRIMARY KEY ("institution_id", "id"))`);
    await queryRunner.query(`CREATE INDEX "idx_enrolments_prior_brin_cohort" ON "enrolments" ("prior_brin", "cohort") `);
    await queryRunner.query(`CREATE INDEX "idx_enrolments_institution_cohort" ON "enrolments" ("institution_id", "cohort") `);
    await queryRunner.query(`CREATE TABLE "idempotency_keys" ("client_id" character varying(64) NOT NULL, "key" character varying(255) NOT NULL, "request_fingerprint" character(64), "state" character varying(16) NOT NULL, "response_status" integer, "response_body" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_9cf44f13e0f6543341a0c80108e" PRIMARY KEY ("client_id", "key"))`);
    await queryRunner.query(`CREATE INDEX "idx_idempotency_keys_expires" ON "idempotency_keys" ("expires_at") `);
    await queryRunner.query(`CREATE TABLE "ingest_batches" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "institution_id" uuid NOT NULL, "client_id" character varying(64) NOT NULL, "kind" character varying(16) NOT NULL, "source" character varying(8) NOT NULL, "status" character varying(16) NOT NULL, "rows_total" integer NOT NULL DEFAULT '0', "rows_inserted" integer NOT NULL DEFAULT '0', "rows_updated" integer NOT NULL DEFAULT '0', "rows_unchanged" integer NOT NULL DEFAULT '0', "rows_deleted" integer NOT NULL DEFAULT '0', "error_count" integer NOT NULL DEFAULT '0', "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_184779a7b0f00cff933f3121f38" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_ingest_batches_institution_started" ON "ingest_batches" ("institution_id", "started_at") `);
    await queryRunner.query(`CREATE TABLE "leavers" ("institution_id" uuid NOT NULL, "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "supplying_vestiging" character(6), "pseudonym" character(64) NOT NULL, "school_year" smallint NOT NULL, "onderwijssoort" character varying(8) NOT NULL, "profile" character varying(64), "diploma" boolean NOT NULL, "created_batch_id" uuid NOT NULL, "updated_batch_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_leavers_natural_key" UNIQUE ("pseudonym", "institution_id", "school_year"), CONSTRAINT "PK_2a0fb2a62711c734b32bcdb9dad" PRIMARY KEY ("institution_id", "id"))`);
    await queryRunner.query(`CREATE INDEX "idx_leavers_institution_year" ON "leavers" ("institution_id", "school_year") `);
    await queryRunner.query(`CREATE TABLE "programmes" ("sector" character varying(3) NOT NULL, "code" character(5) NOT NULL, "name" character varying(200) NOT NULL, "level" character varying(8) NOT NULL, "nominal_duration_years" smallint NOT NULL, "valid_from_cohort" smallint NOT NULL, "valid_to_cohort" smallint, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_programmes_sector" CHECK ("sector" IN ('mbo', 'hbo', 'wo')), CONSTRAINT "PK_7ab0d0d6498116604880df2aa42" PRIMARY KEY ("sector", "code"))`);
    await queryRunner.query(`CREATE TABLE "programme_successors" ("old_code" character(5) NOT NULL, "new_code" character(5) NOT NULL, "from_cohort" smallint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8841bb2ae899c4a31c58118e124" PRIMARY KEY ("old_code", "new_code"))`);
    await queryRunner.query(`CREATE TABLE "jobs" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "kind" character varying(64) NOT NULL, "payload" jsonb NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "run_after" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_cf0a6c42b72fcc7f7c237def345" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_jobs_pending_run_after" ON "jobs" ("run_after") WHERE "status" = 'pending'`);
    await queryRunner.query(`ALTER TABLE "enrolments" ADD CONSTRAINT "FK_11eb233073f8da2d94cad4eed85" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "ingest_batches" ADD CONSTRAINT "FK_fabf8495fb0d8ac7f6cc17ac026" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "leavers" ADD CONSTRAINT "FK_217dfeedbca809bed2dc353fea0" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "leavers" DROP CONSTRAINT "FK_217dfeedbca809bed2dc353fea0"`);
    await queryRunner.query(`ALTER TABLE "ingest_batches" DROP CONSTRAINT "FK_fabf8495fb0d8ac7f6cc17ac026"`);
    await queryRunner.query(`ALTER TABLE "enrolments" DROP CONSTRAINT "FK_11eb233073f8da2d94cad4eed85"`);
    await queryRunner.query(`DROP INDEX "public"."idx_jobs_pending_run_after"`);
    await queryRunner.query(`DROP TABLE "jobs"`);
    await queryRunner.query(`DROP TABLE "programme_successors"`);
    await queryRunner.query(`DROP TABLE "programmes"`);
    await queryRunner.query(`DROP INDEX "public"."idx_leavers_institution_year"`);
    await queryRunner.query(`DROP TABLE "leavers"`);
    await queryRunner.query(`DROP INDEX "public"."idx_ingest_batches_institution_started"`);
    await queryRunner.query(`DROP TABLE "ingest_batches"`);
    await queryRunner.query(`DROP INDEX "public"."idx_idempotency_keys_expires"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
    await queryRunner.query(`DROP INDEX "public"."idx_enrolments_institution_cohort"`);
    await queryRunner.query(`DROP INDEX "public"."idx_enrolments_prior_brin_cohort"`);
    await queryRunner.query(`DROP TABLE "enrolments"`);
  }
}
