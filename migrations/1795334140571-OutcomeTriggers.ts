import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every region has definitions from its first moment: a trigger gives a new region version 1
 * (the defaults, from cohort 2000). A change of membership changes which flows a region may
 * show, so it queues a refresh of the region's summaries in the same transaction.
 */
export class OutcomeTriggers1795334140571 implements MigrationInterface {
  name = 'OutcomeTriggers1795334140571';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION regions_default_definition_set() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO definition_sets (region_id, version, name, effective_from_cohort, activated_at)
        VALUES (NEW.id, 1, 'Standaarddefinities', 2000, now());
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(`CREATE TRIGGER regions_default_definition_set AFTER INSERT ON regions FOR EACH ROW EXECUTE FUNCTION regions_default_definition_set()`);
    await queryRunner.query(`
      INSERT INTO definition_sets (region_id, version, name, effective_from_cohort, activated_at)
      SELECT r.id, 1, 'Standaarddefinities', 2000, now() FROM regions r
       WHERE NOT EXISTS (SELECT 1 FROM definition_sets d WHERE d.region_id = r.id)`);
    await queryRunner.query(`
      CREATE FUNCTION region_memberships_queue_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          INSERT INTO jobs (kind, payload) VALUES ('refresh-region', jsonb_build_object('regionId', OLD.region_id));
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.region_id IS DISTINCT FROM OLD.region_id) THEN
          INSERT INTO jobs (kind, payload) VALUES ('refresh-region', jsonb_build_object('regionId', NEW.region_id));
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`CREATE TRIGGER region_memberships_queue_refresh AFTER INSERT OR UPDATE OR DELETE ON region_memberships FOR EACH ROW EXECUTE FUNCTION region_memberships_queue_refresh()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER region_memberships_queue_refresh ON region_memberships`);
    await queryRunner.query(`DROP FUNCTION region_memberships_queue_refresh()`);
    await queryRunner.query(`DROP TRIGGER regions_default_definition_set ON regions`);
    await queryRunner.query(`DROP FUNCTION regions_default_definition_set()`);
  }
}
