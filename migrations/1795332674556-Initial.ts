import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795332674556 implements MigrationInterface {
  name = 'Initial1795332674556';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "audit_log" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "request_id" character varying(100) NOT NULL, "client_id" character varying(64), "institution_id" uuid, "region_id" uuid, "method" character varying(10) NOT NULL, "route" character varying(300) NOT NULL, "required_scope" character varying(64), "outcome" character varying(16) NOT NULL, "status_code" integer NOT NULL, "detail" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_audit_log_region_time" ON "audit_log" ("region_id", "occurred_at") `);
    await queryRunner.query(`CREATE INDEX "idx_audit_log_institution_time" ON "audit_log" ("institution_id", "occurred_at") `);
    await queryRunner.query(`CREATE TABLE "institutions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "brin" character(4) NOT NULL, "name" character varying(200) NOT NULL, "sectors" text array NOT NULL, "vestigingen" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_6a074676f2633e908576ba21ebd" UNIQUE ("brin"), CONSTRAINT "PK_0be7539dcdba335470dc05e9690" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "regions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, "retention_months" integer NOT NULL DEFAULT '120', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_4f6dc5a464961e7c65a395ea4c6" UNIQUE ("code"), CONSTRAINT "PK_4fcd12ed6a046276e2deb08801c" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "api_clients" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "client_id" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "institution_id" uuid, "region_id" uuid, "scopes" text array NOT NULL, "secret_hash" text NOT NULL, "secret_rotated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_2cc528aa877e26788808e581855" UNIQUE ("client_id"), CONSTRAINT "PK_ef2d5ef0eb5e9a6ddc67cfa310e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_api_clients_region" ON "api_clients" ("region_id") `);
    await queryRunner.query(`CREATE INDEX "idx_api_clients_institution" ON "api_clients" ("institution_id") `);
    await queryRunner.query(`CREATE TABLE "region_memberships" ("region_id" uuid NOT NULL, "institution_id" uuid NOT NULL, "start_date" date NOT NULL, "end_date" date, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_12bea6a490293bf79b580c6a55b" PRIMARY KEY ("region_id", "institution_id"))`);
    await queryRunner.query(`CREATE INDEX "idx_region_memberships_institution" ON "region_memberships" ("institution_id") `);
    await queryRunner.query(`ALTER TABLE "api_clients" ADD CONSTRAINT "FK_61935ef8d2b72ae980a20395d7e" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "api_clients" ADD CONSTRAINT "FK_806130e7f48cfdfe907c342bd91" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "region_memberships" ADD CONSTRAINT "FK_cdd0aceaa7e8d53e7c92597db96" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "region_memberships" ADD CONSTRAINT "FK_9d585a3e375f0122b62f4cf07de" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "region_memberships" DROP CONSTRAINT "FK_9d585a3e375f0122b62f4cf07de"`);
    await queryRunner.query(`ALTER TABLE "region_memberships" DROP CONSTRAINT "FK_cdd0aceaa7e8d53e7c92597db96"`);
    await queryRunner.query(`ALTER TABLE "api_clients" DROP CONSTRAINT "FK_806130e7f48cfdfe907c342bd91"`);
    await queryRunner.query(`ALTER TABLE "api_clients" DROP CONSTRAINT "FK_61935ef8d2b72ae980a20395d7e"`);
    await queryRunner.query(`DROP INDEX "public"."idx_region_memberships_institution"`);
    await queryRunner.query(`DROP TABLE "region_memberships"`);
    await queryRunner.query(`DROP INDEX "public"."idx_api_clients_institution"`);
    await queryRunner.query(`DROP INDEX "public"."idx_api_clients_region"`);
    await queryRunner.query(`DROP TABLE "api_clients"`);
    await queryRunner.query(`DROP TABLE "regions"`);
    await queryRunner.query(`DROP TABLE "institutions"`);
    await queryRunner.query(`DROP INDEX "public"."idx_audit_log_institution_time"`);
    await queryRunner.query(`DROP INDEX "public"."idx_audit_log_region_time"`);
    await queryRunner.query(`DROP TABLE "audit_log"`);
  }
}
