import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The privileges of the service's database role, for deployments that run the service as a role
 * without ownership and the migrations as the owner (README, "Hardened database"; docker/compose.yaml).
 *
 * `doorstroom_service` is a group role without login: the service logs in as a role that is a
 * member of it. This migration creates the group when the migrating role may (CREATEROLE), or
 * uses the one an administrator created; with neither it changes nothing, and the service runs
 * as the owner as before. The service may read and write the data tables, but on `audit_log` only
 * read and append, and on `audit_chain_head` nothing; it owns nothing, so it can neither disable
 * nor drop a trigger, nor replace a function, and as a non-superuser it cannot set
 * `session_replication_role`. Tables made by later migrations get the same grants by default
 * (as long as the same owner runs them); a later migration that adds a table the service must
 * not change revokes as this one does.
 */
export class ServiceRole1796177989029 implements MigrationInterface {
  name = 'ServiceRole1796177989029';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'doorstroom_service') THEN
          BEGIN
            CREATE ROLE doorstroom_service NOLOGIN;
          EXCEPTION
            -- Roles belong to the server: another database's migration may create it at the same moment.
            WHEN duplicate_object OR unique_violation THEN NULL;
            WHEN insufficient_privilege THEN
              RAISE NOTICE 'role doorstroom_service does not exist and may not be created here: the service keeps running as the owner';
              RETURN;
          END;
        END IF;
        GRANT USAGE ON SCHEMA public TO doorstroom_service;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO doorstroom_service;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO doorstroom_service;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO doorstroom_service;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO doorstroom_service;
        REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM doorstroom_service;
        REVOKE ALL ON audit_chain_head FROM doorstroom_service;
        GRANT SELECT ON audit_chain_head TO doorstroom_service;
        -- The refresh analyzes the summaries it rewrote; before PostgreSQL 17 only the owner may
        -- (for others ANALYZE skips the table with a warning and autovacuum catches up).
        IF current_setting('server_version_num')::int >= 170000 THEN
          EXECUTE 'GRANT MAINTAIN ON outcome_summaries, leaver_summaries TO doorstroom_service';
        END IF;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'doorstroom_service') THEN
          ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM doorstroom_service;
          ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM doorstroom_service;
          REVOKE ALL ON ALL TABLES IN SCHEMA public FROM doorstroom_service;
          REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM doorstroom_service;
          REVOKE USAGE ON SCHEMA public FROM doorstroom_service;
        END IF;
      END
      $$`);
  }
}
