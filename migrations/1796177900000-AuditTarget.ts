import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditTarget1796177900000 implements MigrationInterface {
  name = 'AuditTarget1796177900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_log" ADD "target" jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_log" DROP COLUMN "target"`);
  }
}
