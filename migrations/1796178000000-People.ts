import { MigrationInterface, QueryRunner } from 'typeorm';

export class People1796178000000 implements MigrationInterface {
  name = 'People1796178000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "people" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "provider" character varying(32) NOT NULL, "subject" character varying(255) NOT NULL, "display_name" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_sign_in_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_aa866e71353ee94c6cc51059c5b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_people_provider_subject" ON "people" ("provider", "subject") `);
    await queryRunner.query(`CREATE TABLE "person_roles" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "role" character varying(16) NOT NULL, "region_id" uuid, "institution_id" uuid, "granted_via" character varying(16) NOT NULL, "granted_by" character varying(64) NOT NULL, "granted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "ck_person_roles_tenant" CHECK ((role = 'coordinator' AND region_id IS NOT NULL AND institution_id IS NULL) OR (role IN ('reader', 'editor') AND institution_id IS NOT NULL)), CONSTRAINT "PK_09c3552ecb9879d9b2410a0f783" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_person_roles_person" ON "person_roles" ("person_id") `);
    await queryRunner.query(`CREATE TABLE "person_invitations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code_hash" character(64) NOT NULL, "role" character varying(16) NOT NULL, "region_id" uuid, "institution_id" uuid, "label" character varying(200) NOT NULL, "created_by" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "accepted_at" TIMESTAMP WITH TIME ZONE, "accepted_by_person_id" uuid, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_accd0aeb56f53de7daadf0752b8" UNIQUE ("code_hash"), CONSTRAINT "ck_person_invitations_tenant" CHECK ((role = 'coordinator' AND region_id IS NOT NULL AND institution_id IS NULL) OR (role IN ('reader', 'editor') AND institution_id IS NOT NULL AND region_id IS NULL)), CONSTRAINT "PK_3c859dfaa66d183ebb550a1c0d4" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "web_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" character(64) NOT NULL, "csrf_token" character varying(64) NOT NULL, "person_id" uuid NOT NULL, "role_id" uuid NOT NULL, "provider" character varying(32) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_6959865ff07869ea46a236b221a" UNIQUE ("token_hash"), CONSTRAINT "PK_3ae6bbf6cb5ac95b7f617d395d3" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_web_sessions_expires" ON "web_sessions" ("expires_at") `);
    await queryRunner.query(`CREATE INDEX "idx_web_sessions_person" ON "web_sessions" ("person_id") `);
    await queryRunner.query(`CREATE TABLE "sign_in_attempts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "state" character varying(128) NOT NULL, "binding_hash" character(64) NOT NULL, "nonce" character varying(128) NOT NULL, "code_verifier" character varying(128) NOT NULL, "provider" character varying(32) NOT NULL, "invitation_hash" character(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_3f49630bc2344a6e301e08d61e4" UNIQUE ("state"), CONSTRAINT "PK_b5b5e9a98dbb74ada205a0084d8" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_sign_in_attempts_expires" ON "sign_in_attempts" ("expires_at") `);
    await queryRunner.query(`ALTER TABLE "institutions" ADD "home_organization" character varying(253)`);
    await queryRunner.query(`ALTER TABLE "institutions" ADD CONSTRAINT "UQ_6728002075eb749ac20b426cd5a" UNIQUE ("home_organization")`);
    await queryRunner.query(`ALTER TABLE "regions" ADD "auto_grant_readers" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "person_roles" ADD CONSTRAINT "FK_4b75d2dfe32a792f95ef53a18df" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "person_roles" ADD CONSTRAINT "FK_4b15913213e26c13fe6762ffd80" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "person_roles" ADD CONSTRAINT "FK_7d3355bda031408e89e2b9a10d3" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "person_invitations" ADD CONSTRAINT "FK_1b06e73220b6a8fef9491686353" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "person_invitations" ADD CONSTRAINT "FK_0f367905e428304107c26f5514d" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "person_invitations" ADD CONSTRAINT "FK_f2550de230faf34733ad6573123" FOREIGN KEY ("accepted_by_person_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "web_sessions" ADD CONSTRAINT "FK_9146865eabeed522f1356848f31" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "web_sessions" ADD CONSTRAINT "FK_322462d1e3a07d455474f982156" FOREIGN KEY ("role_id") REFERENCES "person_roles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "web_sessions" DROP CONSTRAINT "FK_322462d1e3a07d455474f982156"`);
    await queryRunner.query(`ALTER TABLE "web_sessions" DROP CONSTRAINT "FK_9146865eabeed522f1356848f31"`);
    await queryRunner.query(`ALTER TABLE "person_invitations" DROP CONSTRAINT "FK_f2550de230faf34733ad6573123"`);
    await queryRunner.query(`ALTER TABLE "person_invitations" DROP CONSTRAINT "FK_0f367905e428304107c26f5514d"`);
    await queryRunner.query(`ALTER TABLE "person_invitations" DROP CONSTRAINT "FK_1b06e73220b6a8fef9491686353"`);
    await queryRunner.query(`ALTER TABLE "person_roles" DROP CONSTRAINT "FK_7d3355bda031408e89e2b9a10d3"`);
    await queryRunner.query(`ALTER TABLE "person_roles" DROP CONSTRAINT "FK_4b15913213e26c13fe6762ffd80"`);
    await queryRunner.query(`ALTER TABLE "person_roles" DROP CONSTRAINT "FK_4b75d2dfe32a792f95ef53a18df"`);
    await queryRunner.query(`ALTER TABLE "regions" DROP COLUMN "auto_grant_readers"`);
    await queryRunner.query(`ALTER TABLE "institutions" DROP CONSTRAINT "UQ_6728002075eb749ac20b426cd5a"`);
    await queryRunner.query(`ALTER TABLE "institutions" DROP COLUMN "home_organization"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sign_in_attempts_expires"`);
    await queryRunner.query(`DROP TABLE "sign_in_attempts"`);
    await queryRunner.query(`DROP INDEX "public"."idx_web_sessions_person"`);
    await queryRunner.query(`DROP INDEX "public"."idx_web_sessions_expires"`);
    await queryRunner.query(`DROP TABLE "web_sessions"`);
    await queryRunner.query(`DROP TABLE "person_invitations"`);
    await queryRunner.query(`DROP INDEX "public"."idx_person_roles_person"`);
    await queryRunner.query(`DROP TABLE "person_roles"`);
    await queryRunner.query(`DROP INDEX "public"."uq_people_provider_subject"`);
    await queryRunner.query(`DROP TABLE "people"`);
  }
}
