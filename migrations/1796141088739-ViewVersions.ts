import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counters that tell a cached view it is out of date, raised by triggers in the same transaction
 * as the change, so that no code path can forget them and a counter never runs ahead of the data
 * it stands for.
 * - `global`: institutions, regions, memberships and programmes (labels, the sharing rule). These
 *   are deferred row triggers: the counter row is locked only in the last moment of the
 *   transaction, so concurrent administration cannot deadlock on it.
 * - a region's id: its summaries (statement triggers over the transition table, one update per
 *   statement however many rows a refresh writes) and its definition sets.
 */
export class ViewVersions1796141088739 implements MigrationInterface {
  name = 'ViewVersions1796141088739';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "view_versions" ("scope" character varying(64) NOT NULL, "version" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_view_versions_scope" PRIMARY KEY ("scope"))`);
    await queryRunner.query(`INSERT INTO view_versions (scope, version) VALUES ('global', 0)`);
    await queryRunner.query(`
      CREATE FUNCTION view_versions_bump(target text) RETURNS void LANGUAGE sql AS $$
        INSERT INTO view_versions (scope, version) VALUES (target, 1)
        ON CONFLICT (scope) DO UPDATE SET version = view_versions.version + 1
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION view_versions_bump_global() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM view_versions_bump('global');
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION view_versions_bump_changed_regions() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE changed uuid;
      BEGIN
        FOR changed IN SELECT DISTINCT region_id FROM changed_rows ORDER BY region_id LOOP
          PERFORM view_versions_bump(changed::text);
        END LOOP;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION view_versions_bump_row_region() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM view_versions_bump(OLD.region_id::text); END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM view_versions_bump(NEW.region_id::text); END IF;
        RETURN NULL;
      END
      $$`);
    for (const table of GLOBAL_TABLES) {
      await queryRunner.query(
        `CREATE CONSTRAINT TRIGGER ${table}_view_versions AFTER INSERT OR UPDATE OR DELETE ON ${table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION view_versions_bump_global()`,
      );
      await queryRunner.query(`CREATE TRIGGER ${table}_view_versions_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION view_versions_bump_global()`);
    }
    for (const table of SUMMARY_TABLES) {
      await queryRunner.query(`CREATE TRIGGER ${table}_view_versions_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION view_versions_bump_changed_regions()`);
      await queryRunner.query(`CREATE TRIGGER ${table}_view_versions_update AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION view_versions_bump_changed_regions()`);
      await queryRunner.query(`CREATE TRIGGER ${table}_view_versions_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION view_versions_bump_changed_regions()`);
      // A truncate has no transition table: every view is out of date.
      await queryRunner.query(`CREATE TRIGGER ${table}_view_versions_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION view_versions_bump_global()`);
    }
    await queryRunner.query(`CREATE TRIGGER definition_sets_view_versions AFTER INSERT OR UPDATE OR DELETE ON definition_sets FOR EACH ROW EXECUTE FUNCTION view_versions_bump_row_region()`);
    await queryRunner.query(`CREATE TRIGGER definition_sets_view_versions_truncate AFTER TRUNCATE ON definition_sets FOR EACH STATEMENT EXECUTE FUNCTION view_versions_bump_global()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER definition_sets_view_versions_truncate ON definition_sets`);
    await queryRunner.query(`DROP TRIGGER definition_sets_view_versions ON definition_sets`);
    for (const table of SUMMARY_TABLES) {
      for (const suffix of ['insert', 'update', 'delete', 'truncate']) await queryRunner.query(`DROP TRIGGER ${table}_view_versions_${suffix} ON ${table}`);
    }
    for (const table of GLOBAL_TABLES) {
      await queryRunner.query(`DROP TRIGGER ${table}_view_versions_truncate ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_view_versions ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION view_versions_bump_row_region()`);
    await queryRunner.query(`DROP FUNCTION view_versions_bump_changed_regions()`);
    await queryRunner.query(`DROP FUNCTION view_versions_bump_global()`);
    await queryRunner.query(`DROP FUNCTION view_versions_bump(text)`);
    await queryRunner.query(`DROP TABLE "view_versions"`);
  }
}

const GLOBAL_TABLES = ['institutions', 'regions', 'region_memberships', 'programmes'];
const SUMMARY_TABLES = ['outcome_summaries', 'leaver_summaries'];
