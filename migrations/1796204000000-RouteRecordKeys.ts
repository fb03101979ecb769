import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Route rows carry the sum of their records' keys (each enrolment's key drawn with its next step),
 * so that the next steps a supplying school reads of its own pupils get cell-key noise. The rows
 * written before this have no keys: every region is refreshed in full once.
 */
export class RouteRecordKeys1796204000000 implements MigrationInterface {
  name = 'RouteRecordKeys1796204000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "route_summaries" ADD "record_key_sum" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`INSERT INTO jobs (kind, payload) SELECT 'refresh-region', jsonb_build_object('regionId', id) FROM regions`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "route_summaries" DROP COLUMN "record_key_sum"`);
  }
}
