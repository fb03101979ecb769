import { MigrationInterface, QueryRunner } from 'typeorm';

export class Alerts1795335475327 implements MigrationInterface {
  name = 'Alerts1795335475327';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "alerts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "region_id" uuid NOT NULL, "type" character varying(16) NOT NULL, "state" character varying(16) NOT NULL DEFAULT 'open', "cell_kind" character varying(20) NOT NULL, "cell_key" character varying(120) NOT NULL, "supplier_institution_id" uuid, "receiver_institution_id" uuid, "sector" character varying(3), "metric" character varying(16) NOT NULL, "cohort" smallint NOT NULL, "direction" character varying(4), "rule" character varying(24) NOT NULL, "effect_pp" double precision, "baseline_rate" double precision, "current_rate" double precision, "n_current" integer, "events_current" integer, "n_baseline" integer, "events_baseline" integer, "baseline_cohorts" smallint array NOT NULL DEFAULT '{}', "baseline_suppressed" boolean NOT NULL DEFAULT false, "p" double precision, "q" double precision, "method_version" character varying(32) NOT NULL, "definition_set_id" uuid NOT NULL, "definition_set_version" integer NOT NULL, "parameters" jsonb NOT NULL, "details" jsonb NOT NULL DEFAULT '{}', "evidence_hash" character(64) NOT NULL, "resolution_reason" character varying(16), "acknowledged_at" TIMESTAMP WITH TIME ZONE, "resolved_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_alerts_key" UNIQUE ("region_id", "type", "cell_key", "metric", "cohort"), CONSTRAINT "chk_alerts_resolution" CHECK (("state" = 'resolved') = ("resolution_reason" IS NOT NULL)), CONSTRAINT "chk_alerts_direction" CHECK ("direction" IS NULL OR "direction" IN ('up', 'down')), CONSTRAINT "chk_alerts_cell_kind" CHECK ("cell_kind" IN ('supplier_receiver', 'supplier_sector', 'receiver', 'region')), CONSTRAINT "chk_alerts_state" CHECK ("state" IN ('open', 'acknowledged', 'resolved')), CONSTRAINT "chk_alerts_type" CHECK ("type" IN ('trendbreuk', 'aandacht', 'leveringsbreuk', 'methodebreuk')), CONSTRAINT "PK_60f895662df096bfcdfab7f4b96" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_alerts_receiver" ON "alerts" ("receiver_institution_id", "updated_at") `);
    await queryRunner.query(`CREATE INDEX "idx_alerts_supplier" ON "alerts" ("supplier_institution_id", "updated_at") `);
    await queryRunner.query(`CREATE INDEX "idx_alerts_region_state" ON "alerts" ("region_id", "state", "updated_at") `);
    await queryRunner.query(`CREATE TABLE "alert_history" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "alert_id" uuid NOT NULL, "event" character varying(16) NOT NULL, "from_state" character varying(16), "to_state" character varying(16) NOT NULL, "note" text, "reason" character varying(16), "actor_kind" character varying(16) NOT NULL, "actor_client_id" character varying(64), "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_alert_history_event" CHECK ("event" IN ('created', 'updated', 'acknowledged', 'resolved', 'reopened')), CONSTRAINT "PK_01cc54a2bdfa890a86511d26822" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_alert_history_alert" ON "alert_history" ("alert_id", "id") `);
    await queryRunner.query(`CREATE TABLE "webhooks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_kind" character varying(16) NOT NULL, "region_id" uuid, "institution_id" uuid, "url" character varying(2000) NOT NULL, "description" character varying(200) NOT NULL DEFAULT '', "types" text array NOT NULL DEFAULT '{}', "secret" character varying(128) NOT NULL, "created_by_client_id" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_webhooks_owner" CHECK (("owner_kind" = 'region' AND "region_id" IS NOT NULL AND "institution_id" IS NULL) OR ("owner_kind" = 'institution' AND "institution_id" IS NOT NULL AND "region_id" IS NULL)), CONSTRAINT "PK_9e8795cfc899ab7bdaa831e8527" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_webhooks_institution" ON "webhooks" ("institution_id") `);
    await queryRunner.query(`CREATE INDEX "idx_webhooks_region" ON "webhooks" ("region_id") `);
    await queryRunner.query(`CREATE TABLE "webhook_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "webhook_id" uuid NOT NULL, "alert_id" uuid NOT NULL, "event" character varying(32) NOT NULL, "body" text NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_attempt_at" TIMESTAMP WITH TIME ZONE, "last_status_code" integer, "last_error" character varying(500), "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_webhook_deliveries_status" CHECK ("status" IN ('pending', 'delivered', 'failed')), CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_webhook_deliveries_webhook" ON "webhook_deliveries" ("webhook_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "idx_webhook_deliveries_due" ON "webhook_deliveries" ("next_attempt_at") WHERE "status" = 'pending'`);
    await queryRunner.query(`ALTER TABLE "alerts" ADD CONSTRAINT "FK_7b2800c736b6ed8a4a356431be3" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "alerts" ADD CONSTRAINT "FK_61baca0048b1e15acb48c2a0882" FOREIGN KEY ("supplier_institution_id") REFERENCES "institutions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "alerts" ADD CONSTRAINT "FK_137f74e640613ac03e63898214f" FOREIGN KEY ("receiver_institution_id") REFERENCES "institutions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "alert_history" ADD CONSTRAINT "FK_c871aaa20d3235875c64d0ceb1e" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "webhooks" ADD CONSTRAINT "FK_6c4f4de4f024221cec2ed6c13bd" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "webhooks" ADD CONSTRAINT "FK_143330e3e48072bd0b06558bb62" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_a0286aeb96db651efd1ae2966f2" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_9623661c357591841e55a4863fd" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_9623661c357591841e55a4863fd"`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_a0286aeb96db651efd1ae2966f2"`);
    await queryRunner.query(`ALTER TABLE "webhooks" DROP CONSTRAINT "FK_143330e3e48072bd0b06558bb62"`);
    await queryRunner.query(`ALTER TABLE "webhooks" DROP CONSTRAINT "FK_6c4f4de4f024221cec2ed6c13bd"`);
    await queryRunner.query(`ALTER TABLE "alert_history" DROP CONSTRAINT "FK_c871aaa20d3235875c64d0ceb1e"`);
    await queryRunner.query(`ALTER TABLE "alerts" DROP CONSTRAINT "FK_137f74e640613ac03e63898214f"`);
    await queryRunner.query(`ALTER TABLE "alerts" DROP CONSTRAINT "FK_61baca0048b1e15acb48c2a0882"`);
    await queryRunner.query(`ALTER TABLE "alerts" DROP CONSTRAINT "FK_7b2800c736b6ed8a4a356431be3"`);
    await queryRunner.query(`DROP INDEX "public"."idx_webhook_deliveries_due"`);
    await queryRunner.query(`DROP INDEX "public"."idx_webhook_deliveries_webhook"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."idx_webhooks_region"`);
    await queryRunner.query(`DROP INDEX "public"."idx_webhooks_institution"`);
    await queryRunner.query(`DROP TABLE "webhooks"`);
    await queryRunner.query(`DROP INDEX "public"."idx_alert_history_alert"`);
    await queryRunner.query(`DROP TABLE "alert_history"`);
    await queryRunner.query(`DROP INDEX "public"."idx_alerts_region_state"`);
    await queryRunner.query(`DROP INDEX "public"."idx_alerts_supplier"`);
    await queryRunner.query(`DROP INDEX "public"."idx_alerts_receiver"`);
    await queryRunner.query(`DROP TABLE "alerts"`);
  }
}
