import { MigrationInterface, QueryRunner } from 'typeorm';

const RECORD_TABLES = ['enrolments', 'leavers'];
const CATALOGUE_TABLES = ['programmes', 'programme_successors'];

/**
 * The refresh keeps what it derived per record (`enrolment_outcomes`, `leaver_outcomes`) and learns
 * from triggers which students changed since (`refresh_pending_students`, written in the changing
 * transaction for every region the record's institution has a membership of), so that it applies
 * only their difference. A change of the programme catalogue (durations, successions) can move
 * every record's cell: it queues a full refresh of every region, as membership changes do.
 */
export class IncrementalRefresh1796201979344 implements MigrationInterface {
  name = 'IncrementalRefresh1796201979344';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "enrolment_outcomes" ("region_id" uuid NOT NULL, "pseudonym" character(64) NOT NULL, "receiver_institution_id" uuid NOT NULL, "enrolment_id" bigint NOT NULL, "cohort" smallint NOT NULL, "supplier_institution_id" uuid NOT NULL, "supplier_vestiging" character varying(6) NOT NULL, "sector" character varying(3) NOT NULL, "programme_code" character(5) NOT NULL, "prior_diploma_type" character varying(16) NOT NULL, "definition_set_id" uuid NOT NULL, "direct" boolean NOT NULL, "outcome" character varying(16) NOT NULL, "rendement_deadline" date NOT NULL, "diploma_in_time" boolean NOT NULL, "record_key" bigint NOT NULL, CONSTRAINT "PK_7d798a234d92c363e5946051749" PRIMARY KEY ("region_id", "pseudonym", "receiver_institution_id", "enrolment_id"))`);
    await queryRunner.query(`CREATE TABLE "leaver_outcomes" ("region_id" uuid NOT NULL, "pseudonym" character(64) NOT NULL, "supplier_institution_id" uuid NOT NULL, "leaver_id" bigint NOT NULL, "school_year" smallint NOT NULL, "onderwijssoort" character varying(16) NOT NULL, "diploma" boolean NOT NULL, "continued" boolean NOT NULL, "record_key" bigint NOT NULL, CONSTRAINT "PK_df67947587107acf8b4f0cb4b07" PRIMARY KEY ("region_id", "pseudonym", "supplier_institution_id", "leaver_id"))`);
    await queryRunner.query(`CREATE TABLE "refresh_pending_students" ("id" BIGSERIAL NOT NULL, "region_id" uuid NOT NULL, "pseudonym" character(64) NOT NULL, CONSTRAINT "PK_87254d0a5c55352be72abebe904" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_refresh_pending_students_region" ON "refresh_pending_students" ("region_id") `);
    await queryRunner.query(`ALTER TABLE "summary_refreshes" ADD "rendement_as_of" date`);
    await queryRunner.query(`
      CREATE FUNCTION records_mark_students_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO refresh_pending_students (region_id, pseudonym)
        SELECT DISTINCT m.region_id, c.pseudonym FROM changed_rows c JOIN region_memberships m ON m.institution_id = c.institution_id;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION records_mark_students_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO refresh_pending_students (region_id, pseudonym)
        SELECT DISTINCT m.region_id, c.pseudonym
          FROM (SELECT institution_id, pseudonym FROM old_rows UNION SELECT institution_id, pseudonym FROM new_rows) c
          JOIN region_memberships m ON m.institution_id = c.institution_id;
        RETURN NULL;
      END
      $$`);
    for (const table of RECORD_TABLES) {
      await queryRunner.query(`CREATE TRIGGER ${table}_mark_students_inserted AFTER INSERT ON ${table} REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION records_mark_students_changed()`);
      await queryRunner.query(`CREATE TRIGGER ${table}_mark_students_updated AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION records_mark_students_updated()`);
      await queryRunner.query(`CREATE TRIGGER ${table}_mark_students_deleted AFTER DELETE ON ${table} REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION records_mark_students_changed()`);
    }
    await queryRunner.query(`
      CREATE FUNCTION catalogue_queue_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM changed_rows) THEN
          INSERT INTO jobs (kind, payload) SELECT 'refresh-region', jsonb_build_object('regionId', r.id) FROM regions r;
        END IF;
        RETURN NULL;
      END
      $$`);
    for (const table of CATALOGUE_TABLES) {
      await queryRunner.query(`CREATE TRIGGER ${table}_queue_refresh_inserted AFTER INSERT ON ${table} REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION catalogue_queue_refresh()`);
      await queryRunner.query(`CREATE TRIGGER ${table}_queue_refresh_updated AFTER UPDATE ON ${table} REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION catalogue_queue_refresh()`);
      await queryRunner.query(`CREATE TRIGGER ${table}_queue_refresh_deleted AFTER DELETE ON ${table} REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION catalogue_queue_refresh()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of CATALOGUE_TABLES) {
      for (const event of ['inserted', 'updated', 'deleted']) await queryRunner.query(`DROP TRIGGER ${table}_queue_refresh_${event} ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION catalogue_queue_refresh()`);
    for (const table of RECORD_TABLES) {
      for (const event of ['inserted', 'updated', 'deleted']) await queryRunner.query(`DROP TRIGGER ${table}_mark_students_${event} ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION records_mark_students_updated()`);
    await queryRunner.query(`DROP FUNCTION records_mark_students_changed()`);
    await queryRunner.query(`ALTER TABLE "summary_refreshes" DROP COLUMN "rendement_as_of"`);
    await queryRunner.query(`DROP INDEX "public"."idx_refresh_pending_students_region"`);
    await queryRunner.query(`DROP TABLE "refresh_pending_students"`);
    await queryRunner.query(`DROP TABLE "leaver_outcomes"`);
    await queryRunner.query(`DROP TABLE "enrolment_outcomes"`);
  }
}
