import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hash-chains the audit log, in the database, so that every writer (each replica's audit writer,
 * the retention sweep's transaction) is chained the same way and nobody can forge the chain
 * fields: a BEFORE INSERT trigger overwrites them.
 *
 * - Three triggers: before an INSERT statement, a lock on `audit_chain_head` (held to commit),
 *   so that concurrent writers are chained one after another in commit order; per row, the link
 *   to the last entry (found through the unique index on `chain_seq`); after the statement, the
 *   head (sequence number and hash of the last entry) updated once. Updating the head per row
 *   would cost quadratic time in one transaction (every update adds a row version to walk).
 *   A rolled-back insert takes its links with it.
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
    // Once per statement: take the chain (the head's row lock is the mutex, held to commit).
    await queryRunner.query(`
      CREATE FUNCTION audit_log_chain_lock() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        PERFORM 1 FROM public.audit_chain_head WHERE singleton FOR UPDATE;
        RETURN NULL;
      END
      $$`);
    // Per row: follow the last entry. A row trigger sees the rows its statement inserted before,
    // and after the lock its statement sees every entry committed before. The head is updated
    // only after each statement, so an entry above it is this statement's; an entry below it
    // means the last entries were deleted, and the chain goes on from the head, leaving the gap
    // for the verifier to find.
    await queryRunner.query(`
      CREATE FUNCTION audit_log_chain() RETURNS trigger
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        head_seq bigint;
        head_hash bytea;
        last_seq bigint;
        last_hash bytea;
      BEGIN
        SELECT seq, hash INTO STRICT head_seq, head_hash FROM public.audit_chain_head WHERE singleton;
        SELECT chain_seq, hash INTO last_seq, last_hash FROM public.audit_log ORDER BY chain_seq DESC LIMIT 1;
        IF last_seq IS NULL OR last_seq <= head_seq THEN
          last_seq := head_seq;
          last_hash := head_hash;
        END IF;
        NEW.chain_seq := last_seq + 1;
        NEW.prev_hash := last_hash;
        NEW.hash := public.audit_log_entry_hash(last_hash, NEW);
        RETURN NEW;
      END
      $$`);
    // Once per statement: the head follows the last entry (one update, not one per row).
    await queryRunner.query(`
      CREATE FUNCTION audit_log_chain_head() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        UPDATE public.audit_chain_head head SET seq = last.chain_seq, hash = last.hash
        FROM (SELECT chain_seq, hash FROM public.audit_log ORDER BY chain_seq DESC LIMIT 1) last
        WHERE head.singleton AND last.chain_seq > head.seq;
        RETURN NULL;
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
    await queryRunner.query(`CREATE TRIGGER audit_log_chain_lock BEFORE INSERT ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_chain_lock()`);
    await queryRunner.query(`CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain()`);
    await queryRunner.query(`CREATE TRIGGER audit_log_chain_head AFTER INSERT ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_chain_head()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER audit_log_chain_head ON audit_log`);
    await queryRunner.query(`DROP TRIGGER audit_log_chain ON audit_log`);
    await queryRunner.query(`DROP TRIGGER audit_log_chain_lock ON audit_log`);
    await queryRunner.query(`ALTER TABLE audit_log ALTER COLUMN chain_seq DROP NOT NULL, ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL`);
    await queryRunner.query(`DROP FUNCTION audit_log_chain_head()`);
    await queryRunner.query(`DROP FUNCTION audit_log_chain()`);
    await queryRunner.query(`DROP FUNCTION audit_log_chain_lock()`);
    await queryRunner.query(`DROP FUNCTION audit_log_entry_hash(bytea, audit_log)`);
    await queryRunner.query(`DROP TABLE audit_chain_head`);
  }
}
