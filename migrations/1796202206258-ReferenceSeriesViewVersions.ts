import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reference series are shown in every view beside the region's figures: a change of them raises
 * the `global` view version (migrations/1796141088739-ViewVersions.ts), once per statement, so
 * that no cached view keeps showing the references it was computed with.
 */
export class ReferenceSeriesViewVersions1796202206258 implements MigrationInterface {
  name = 'ReferenceSeriesViewVersions1796202206258';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['reference_series', 'reference_points']) {
      await queryRunner.query(`CREATE TRIGGER ${table}_view_versions AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION view_versions_bump_global()`);
      await queryRunner.query(`CREATE TRIGGER ${table}_view_versions_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION view_versions_bump_global()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['reference_points', 'reference_series']) {
      await queryRunner.query(`DROP TRIGGER ${table}_view_versions_truncate ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_view_versions ON ${table}`);
    }
  }
}
