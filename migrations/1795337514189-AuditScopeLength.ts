import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditScopeLength1795337514189 implements MigrationInterface {
  name = 'AuditScopeLength1795337514189';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Widen in place: the audit log keeps every row it has.
    await queryRunner.query(`ALTER TABLE "audit_log" ALTER COLUMN "required_scope" TYPE character varying(300)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_log" ALTER COLUMN "required_scope" TYPE character varying(64)`);
  }
}
