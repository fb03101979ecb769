import { MigrationInterface, QueryRunner } from 'typeorm';

export class Conversations1796226773031 implements MigrationInterface {
  name = 'Conversations1796226773031';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "conversations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "region_id" uuid NOT NULL, "subject" character varying(8) NOT NULL, "alert_id" uuid, "cell_kind" character varying(20) NOT NULL, "supplier_institution_id" uuid, "receiver_institution_id" uuid, "sector" character varying(3), "programme_code" character varying(5), "cohort" smallint, "metric" character varying(16), "title" character varying(200), "started_by_party_kind" character varying(16) NOT NULL, "started_by_party_id" uuid NOT NULL, "started_by_client_id" character varying(64) NOT NULL, "started_by_name" character varying(200), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_entry_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_conversations_party_kind" CHECK ("started_by_party_kind" IN ('institution', 'region')), CONSTRAINT "chk_conversations_cell_kind" CHECK ("cell_kind" IN ('supplier_receiver', 'supplier_sector', 'receiver', 'region')), CONSTRAINT "chk_conversations_subject" CHECK ("subject" IN ('signal', 'cell') AND (("subject" = 'signal') = ("alert_id" IS NOT NULL))), CONSTRAINT "PK_ee34f4f7ced4ec8681f26bf04ef" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_conversations_receiver" ON "conversations" ("receiver_institution_id", "last_entry_at") `);
    await queryRunner.query(`CREATE INDEX "idx_conversations_supplier" ON "conversations" ("supplier_institution_id", "last_entry_at") `);
    await queryRunner.query(`CREATE INDEX "idx_conversations_region" ON "conversations" ("region_id", "last_entry_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_conversations_alert" ON "conversations" ("region_id", "alert_id") WHERE "alert_id" IS NOT NULL`);
    await queryRunner.query(`CREATE TABLE "conversation_entries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "region_id" uuid NOT NULL, "conversation_id" uuid NOT NULL, "kind" character varying(8) NOT NULL, "text" text NOT NULL, "author_party_kind" character varying(16) NOT NULL, "author_party_id" uuid NOT NULL, "author_client_id" character varying(64) NOT NULL, "author_name" character varying(200), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "status" character varying(8), "owner_role" character varying(12), "due_date" date, "status_changed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "chk_conversation_entries_owner" CHECK (("kind" = 'action' OR ("owner_role" IS NULL AND "due_date" IS NULL)) AND ("owner_role" IS NULL OR "owner_role" IN ('supplier', 'receiver', 'coordinator'))), CONSTRAINT "chk_conversation_entries_action" CHECK (("kind" = 'action') = ("status" IS NOT NULL) AND ("status" IS NULL OR "status" IN ('open', 'done', 'dropped'))), CONSTRAINT "chk_conversation_entries_party_kind" CHECK ("author_party_kind" IN ('institution', 'region')), CONSTRAINT "chk_conversation_entries_text" CHECK (char_length("text") BETWEEN 1 AND 4000), CONSTRAINT "chk_conversation_entries_kind" CHECK ("kind" IN ('note', 'action')), CONSTRAINT "PK_db0695b50cf3ed787299746a323" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_conversation_entries_open" ON "conversation_entries" ("region_id", "status") `);
    await queryRunner.query(`CREATE INDEX "idx_conversation_entries_conversation" ON "conversation_entries" ("conversation_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "conversation_action_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "region_id" uuid NOT NULL, "entry_id" uuid NOT NULL, "from_status" character varying(8) NOT NULL, "to_status" character varying(8) NOT NULL, "note" text, "actor_party_kind" character varying(16) NOT NULL, "actor_party_id" uuid NOT NULL, "actor_client_id" character varying(64) NOT NULL, "actor_name" character varying(200), "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_conversation_action_events_status" CHECK ("from_status" IN ('open', 'done', 'dropped') AND "to_status" IN ('open', 'done', 'dropped')), CONSTRAINT "PK_8c5bb7659b759c20eb46eef1500" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_conversation_action_events_entry" ON "conversation_action_events" ("entry_id", "id") `);
    await queryRunner.query(`ALTER TABLE "conversations" ADD CONSTRAINT "FK_58d0a08e246cc100d697b011089" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD CONSTRAINT "FK_8254c2d97eeafaa427c5132a2c9" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD CONSTRAINT "FK_e17bc2d35251e1dfc499d9c2058" FOREIGN KEY ("supplier_institution_id") REFERENCES "institutions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD CONSTRAINT "FK_e0292d779ab0f6328b1f21be060" FOREIGN KEY ("receiver_institution_id") REFERENCES "institutions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "conversation_entries" ADD CONSTRAINT "FK_ef9de3c697a721d8df6c74142a2" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "conversation_action_events" ADD CONSTRAINT "FK_29251e2ac91683dd0c7c3497633" FOREIGN KEY ("entry_id") REFERENCES "conversation_entries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversation_action_events" DROP CONSTRAINT "FK_29251e2ac91683dd0c7c3497633"`);
    await queryRunner.query(`ALTER TABLE "conversation_entries" DROP CONSTRAINT "FK_ef9de3c697a721d8df6c74142a2"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP CONSTRAINT "FK_e0292d779ab0f6328b1f21be060"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP CONSTRAINT "FK_e17bc2d35251e1dfc499d9c2058"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP CONSTRAINT "FK_8254c2d97eeafaa427c5132a2c9"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP CONSTRAINT "FK_58d0a08e246cc100d697b011089"`);
    await queryRunner.query(`DROP INDEX "public"."idx_conversation_action_events_entry"`);
    await queryRunner.query(`DROP TABLE "conversation_action_events"`);
    await queryRunner.query(`DROP INDEX "public"."idx_conversation_entries_conversation"`);
    await queryRunner.query(`DROP INDEX "public"."idx_conversation_entries_open"`);
    await queryRunner.query(`DROP TABLE "conversation_entries"`);
    await queryRunner.query(`DROP INDEX "public"."uq_conversations_alert"`);
    await queryRunner.query(`DROP INDEX "public"."idx_conversations_region"`);
    await queryRunner.query(`DROP INDEX "public"."idx_conversations_supplier"`);
    await queryRunner.query(`DROP INDEX "public"."idx_conversations_receiver"`);
    await queryRunner.query(`DROP TABLE "conversations"`);
  }
}
