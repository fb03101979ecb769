import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReferenceSeries1796202206257 implements MigrationInterface {
  name = 'ReferenceSeries1796202206257';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "reference_series" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "source" character varying(200) NOT NULL, "source_url" character varying(500) NOT NULL, "licence" character varying(200) NOT NULL, "definitions" text NOT NULL, "synthetic" boolean NOT NULL DEFAULT false, "sector" character varying(3) NOT NULL, "level" character varying(16) NOT NULL DEFAULT '', "programme_group" character varying(100) NOT NULL DEFAULT '', "prior_education" character varying(16) NOT NULL DEFAULT '', "instroom" character varying(8) NOT NULL DEFAULT 'all', "metric" character varying(16) NOT NULL, "switchers_count_as_uitval" boolean, "first_year_in_sector_only" boolean, "reference_month" smallint, "reference_day" smallint, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_reference_series_key" UNIQUE ("source", "sector", "level", "programme_group", "prior_education", "instroom", "metric"), CONSTRAINT "chk_reference_series_reference" CHECK (("reference_month" IS NULL) = ("reference_day" IS NULL)), CONSTRAINT "chk_reference_series_instroom" CHECK ("instroom" IN ('all', 'direct', 'indirect')), CONSTRAINT "chk_reference_series_sector" CHECK ("sector" IN ('mbo', 'hbo', 'wo')), CONSTRAINT "PK_da99cd435ef4470b69ecb1fa804" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "reference_points" ("series_id" uuid NOT NULL, "cohort" smallint NOT NULL, "rate" double precision NOT NULL, "n" integer, CONSTRAINT "chk_reference_points_n" CHECK ("n" IS NULL OR "n" >= 0), CONSTRAINT "chk_reference_points_rate" CHECK ("rate" >= 0 AND "rate" <= 1), CONSTRAINT "PK_93331ebdf027fe7136ffe1d3ca8" PRIMARY KEY ("series_id", "cohort"))`);
    await queryRunner.query(`ALTER TABLE "reference_points" ADD CONSTRAINT "FK_3ebd314fe89452d92f0ee36526e" FOREIGN KEY ("series_id") REFERENCES "reference_series"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reference_points" DROP CONSTRAINT "FK_3ebd314fe89452d92f0ee36526e"`);
    await queryRunner.query(`DROP TABLE "reference_points"`);
    await queryRunner.query(`DROP TABLE "reference_series"`);
  }
}
