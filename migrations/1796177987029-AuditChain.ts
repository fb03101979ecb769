import { MigrationInterface, QueryRunner } from 'typeorm';

/** The hash chain's columns on audit_log; the hashing itself is in AuditChainTrigger. */
export class AuditChain1796177987029 implements MigrationInterface {
  name = 'AuditChain1796177987029';

  // Added without NOT NULL: existing entries are chained by the next migration, which then sets it.
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_log" ADD "chain_seq" bigint`);
    await queryRunner.query(`ALTER TABLE "audit_log" ADD "prev_hash" bytea`);
    await queryRunner.query(`ALTER TABLE "audit_log" ADD "hash" bytea`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_audit_log_chain_seq" ON "audit_log" ("chain_seq") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_audit_log_chain_seq"`);
    await queryRunner.query(`ALTER TABLE "audit_log" DROP COLUMN "hash"`);
    await queryRunner.query(`ALTER TABLE "audit_log" DROP COLUMN "prev_hash"`);
    await queryRunner.query(`ALTER TABLE "audit_log" DROP COLUMN "chain_seq"`);
  }
}
