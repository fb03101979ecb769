import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Disclosure control as one layer: the withheld cells of every region × cohort, decided in the
 * refresh; a secret for the cell-key perturbation (random, never leaves the database); record-key
 * sums on the summaries. Every region is refreshed once so that all of it is filled in.
 */
export class DisclosureControl1796177565816 implements MigrationInterface {
  name = 'DisclosureControl1796177565816';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "withheld_cells" ("region_id" uuid NOT NULL, "cohort" smallint NOT NULL, "cell_key" character varying(400) NOT NULL, "reason" character varying(16) NOT NULL, CONSTRAINT "PK_c5b6c4547ee4bef22d5e9af30ca" PRIMARY KEY ("region_id", "cohort", "cell_key"))`);
    await queryRunner.query(`CREATE TABLE "disclosure_secrets" ("id" smallint NOT NULL, "secret" character varying(128) NOT NULL, CONSTRAINT "PK_1d2561daa0923d8ec5c754139db" PRIMARY KEY ("id"))`);
    await queryRunner.query(`ALTER TABLE "outcome_summaries" ADD "record_key_sum" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "leaver_summaries" ADD "record_key_sum" bigint NOT NULL DEFAULT '0'`);
    // gen_random_uuid() draws from the server's strong random source: 244 random bits in all.
    await queryRunner.query(`INSERT INTO disclosure_secrets (id, secret) VALUES (1, gen_random_uuid()::text || gen_random_uuid()::text)`);
    await queryRunner.query(`INSERT INTO jobs (kind, payload) SELECT 'refresh-region', jsonb_build_object('regionId', id) FROM regions`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "leaver_summaries" DROP COLUMN "record_key_sum"`);
    await queryRunner.query(`ALTER TABLE "outcome_summaries" DROP COLUMN "record_key_sum"`);
    await queryRunner.query(`DROP TABLE "disclosure_secrets"`);
    await queryRunner.query(`DROP TABLE "withheld_cells"`);
  }
}
