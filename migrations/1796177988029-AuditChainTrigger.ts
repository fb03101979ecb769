import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hash-chains the audit log, in the database, so that every writer (each replica's audit writer,
 * the retention sweep's transaction) is chained the same way and nobody can forge the chain
 * fields: a BEFORE INSERT trigger overwrites them.
 *
 * - `audit_chain_head` holds the last link (sequence number and hash). The trigger locks it
 *   (`FOR UPDATE`), so concurrent inserts are chained one after another in commit order, and a
 *   rolled-back insert takes its link with it.
 * - `hash = sha256(prev_hash ‖ content)`, the content being a JSON array of every column of the
 *   entry (the time as microseconds since the epoch, so that no session setting changes it).
 *   `audit_log_entry_hash` is the one definition, used by the trigger and by the verifier.
 * - The trigger runs as the owner (SECURITY DEFINER): the service's role needs no privilege on
 *   the head, and has none.
 *
 * Existing entries are chained in id order.
 */
export class AuditChainTrigger1796177988029 implements MigrationInterface {
  name = 'AuditChainTrigger1796177988029';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_chain_head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        seq bigint NOT NULL,
        hash bytea NOT NULL
      )`);
    await queryRunner.query(`
      CREATE FUNCTION audit_log_entry_hash(prev bytea, entry audit_log) RETURNS bytea
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT sha256(prev || convert_to(jsonb_build_array(
          entry.chain_seq, entry.id, (extract(epoch FROM entry.occurred_at) * 1000000)::bigint, entry.request_id,
          entry.client_id, entry.institution_id, entry.region_id, entry.method, entry.route, entry.required_scope,
          entry.outcome, entry.status_code, entry.target, entry.detail
        )::text, 'UTF8'))
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION audit_log_chain() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        head public.audit_chain_head;
      BEGIN
        SELECT * INTO STRICT head FROM public.audit_chain_head WHERE singleton FOR UPDATE;
        NEW.chain_seq := head.seq + 1;
        NEW.prev_hash := head.hash;
        NEW.hash := public.audit_log_entry_hash(head.hash, NEW);
        UPDATE public.audit_chain_head SET seq = NEW.chain_seq, hash = NEW.hash WHERE singleton;
        RETURN NEW;
      END
      $$`);

    // Chain what is there, oldest first, starting from the genesis value.
    await queryRunner.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`);
    await queryRunner.query(`
      DO $$
      DECLARE
        entry public.audit_log;
        prev bytea := sha256(convert_to('doorstroom audit log', 'UTF8'));
        seq bigint := 0;
      BEGIN
        FOR entry IN SELECT * FROM public.audit_log ORDER BY id LOOP
          seq := seq + 1;
          entry.chain_seq := seq;
          entry.prev_hash := prev;
          entry.hash := public.audit_log_entry_hash(prev, entry);
          UPDATE public.audit_log SET chain_seq = entry.chain_seq, prev_hash = entry.prev_hash, hash = entry.hash WHERE id = entry.id;
          prev := entry.hash;
        END LOOP;
        INSERT INTO public.audit_chain_head (singleton, seq, hash) VALUES (true, seq, prev);
      END
      $$`);
    await queryRunner.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete`);
    await queryRunner.query(`ALTER TABLE audit_log ALTER COLUMN chain_seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL`);
    await queryRunner.query(`CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER audit_log_chain ON audit_log`);
    await queryRunner.query(`ALTER TABLE audit_log ALTER COLUMN chain_seq DROP NOT NULL, ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL`);
    await queryRunner.query(`DROP FUNCTION audit_log_chain()`);
    await queryRunner.query(`DROP FUNCTION audit_log_entry_hash(bytea, audit_log)`);
    await queryRunner.query(`DROP TABLE audit_chain_head`);
  }
}
