import { MigrationInterface, QueryRunner } from 'typeorm';

export class AlertTriage1796215746468 implements MigrationInterface {
  name = 'AlertTriage1796215746468';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "alert_triage" ("region_id" uuid NOT NULL, "alert_id" uuid NOT NULL, "party_kind" character varying(16) NOT NULL, "party_id" uuid NOT NULL, "state" character varying(16) NOT NULL, "note" text, "actor_kind" character varying(16) NOT NULL, "actor_client_id" character varying(64) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_alert_triage_note" CHECK ("state" <> 'resolved' OR "note" IS NOT NULL), CONSTRAINT "chk_alert_triage_state" CHECK ("state" IN ('new', 'seen', 'in-conversation', 'resolved')), CONSTRAINT "chk_alert_triage_party_kind" CHECK ("party_kind" IN ('institution', 'region')), CONSTRAINT "PK_ffae444feabd66989f86718ee75" PRIMARY KEY ("region_id", "alert_id", "party_kind", "party_id"))`);
    await queryRunner.query(`CREATE INDEX "idx_alert_triage_party" ON "alert_triage" ("party_kind", "party_id", "state") `);
    // Decisions taken for everyone before triage moved to each party become the triage of the party
    // whose API client took them (the latest per party); a person's decision cannot be traced to
    // one of its roles and is left in the history. The signals themselves are open again.
    await queryRunner.query(`INSERT INTO "alert_triage" ("region_id", "alert_id", "party_kind", "party_id", "state", "note", "actor_kind", "actor_client_id", "updated_at")
      SELECT DISTINCT ON (a."id", p."party_kind", p."party_id") a."region_id", a."id", p."party_kind", p."party_id",
             CASE h."event" WHEN 'acknowledged' THEN 'seen' ELSE 'resolved' END, coalesce(h."note", ''), h."actor_kind", h."actor_client_id", h."at"
        FROM "alerts" a
        JOIN "alert_history" h ON h."alert_id" = a."id" AND h."event" IN ('acknowledged', 'resolved') AND h."actor_kind" IN ('institution', 'region')
        JOIN "api_clients" c ON c."client_id" = h."actor_client_id"
        CROSS JOIN LATERAL (SELECT CASE WHEN c."region_id" IS NOT NULL THEN 'region' ELSE 'institution' END AS "party_kind", coalesce(c."region_id", c."institution_id") AS "party_id") p
       WHERE (a."state" = 'acknowledged' OR (a."state" = 'resolved' AND a."resolution_reason" = 'manual')) AND p."party_id" IS NOT NULL
       ORDER BY a."id", p."party_kind", p."party_id", h."id" DESC`);
    await queryRunner.query(`UPDATE "alerts" SET "state" = 'open', "resolution_reason" = NULL, "resolved_at" = NULL WHERE "state" = 'acknowledged' OR ("state" = 'resolved' AND "resolution_reason" = 'manual')`);
    await queryRunner.query(`ALTER TABLE "alerts" DROP CONSTRAINT "chk_alerts_state"`);
    await queryRunner.query(`ALTER TABLE "alerts" ADD CONSTRAINT "chk_alerts_state" CHECK ("state" IN ('open', 'resolved'))`);
    await queryRunner.query(`ALTER TABLE "alert_history" DROP CONSTRAINT "chk_alert_history_event"`);
    await queryRunner.query(`ALTER TABLE "alert_history" ADD CONSTRAINT "chk_alert_history_event" CHECK ("event" IN ('created', 'updated', 'acknowledged', 'resolved', 'reopened', 'triaged'))`);
    await queryRunner.query(`ALTER TABLE "alerts" DROP COLUMN "acknowledged_at"`);
    await queryRunner.query(`ALTER TABLE "alert_history" ADD "party_kind" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "alert_history" ADD "party_id" uuid`);
    await queryRunner.query(`ALTER TABLE "alert_history" ADD CONSTRAINT "chk_alert_history_party" CHECK (("party_kind" IS NULL) = ("party_id" IS NULL) AND ("party_kind" IS NULL OR "party_kind" IN ('institution', 'region')))`);
    await queryRunner.query(`ALTER TABLE "alert_triage" ADD CONSTRAINT "FK_de9c533f8d16462e0a939d177b1" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "alert_triage" DROP CONSTRAINT "FK_de9c533f8d16462e0a939d177b1"`);
    await queryRunner.query(`ALTER TABLE "alert_history" DROP CONSTRAINT "chk_alert_history_party"`);
    await queryRunner.query(`ALTER TABLE "alert_history" DROP COLUMN "party_id"`);
    await queryRunner.query(`ALTER TABLE "alert_history" DROP COLUMN "party_kind"`);
    await queryRunner.query(`ALTER TABLE "alerts" ADD "acknowledged_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`DELETE FROM "alert_history" WHERE "event" = 'triaged'`);
    await queryRunner.query(`ALTER TABLE "alert_history" DROP CONSTRAINT "chk_alert_history_event"`);
    await queryRunner.query(`ALTER TABLE "alert_history" ADD CONSTRAINT "chk_alert_history_event" CHECK ("event" IN ('created', 'updated', 'acknowledged', 'resolved', 'reopened'))`);
    await queryRunner.query(`ALTER TABLE "alerts" DROP CONSTRAINT "chk_alerts_state"`);
    await queryRunner.query(`ALTER TABLE "alerts" ADD CONSTRAINT "chk_alerts_state" CHECK ("state" IN ('open', 'acknowledged', 'resolved'))`);
    await queryRunner.query(`DROP INDEX "public"."idx_alert_triage_party"`);
    await queryRunner.query(`DROP TABLE "alert_triage"`);
  }
}
