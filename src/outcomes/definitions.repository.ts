import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { viewReads } from 'src/database/read-replica';
import { constant, execute, query, Sql, sql } from 'src/database/sql';
import { JobKind } from 'src/jobs/job-kinds';
import { JobQueue } from 'src/jobs/job-queue';
import { DefinitionSetEntity } from 'src/outcomes/definition-set.entity';

export type NewDefinitionSet = Omit<DefinitionSetEntity, 'id' | 'version' | 'effectiveFromCohort' | 'activatedAt' | 'createdAt' | 'region'>;

/** Serialises changes to a region's definition versions, until the transaction ends. */
const lockRegionDefinitions = (regionId: string): Sql => sql`SELECT pg_advisory_xact_lock(hashtext('definitions:' || ${regionId}))`;

@Injectable()
export class DefinitionsRepository {
  /** The select list of `listForRegion`, from the entity's metadata (made at the first read). */
  private columns?: Sql;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
  ) {}

  findById(id: string): Promise<DefinitionSetEntity | null> {
    return this.dataSource.getRepository(DefinitionSetEntity).findOne({ where: { id } });
  }

  /**
   * On the read replica's snapshot while a view is computed there; every view reads these. Plain
   * SQL rather than TypeORM's `find` (its hydration cost a view request about 0.8 ms), with the
   * entity's own columns, so that a column added to the entity is read here too.
   */
  listForRegion(regionId: string): Promise<DefinitionSetEntity[]> {
    this.columns ??= constant(this.dataSource.getMetadata(DefinitionSetEntity).columns.map((column) => `${column.databaseName} AS "${column.propertyName}"`).join(', '));
    return query<DefinitionSetEntity>(viewReads(this.dataSource), sql`SELECT ${this.columns} FROM definition_sets WHERE region_id = ${regionId} ORDER BY version`);
  }

  /** A new draft version, numbered after the region's last one. */
  async create(definition: NewDefinitionSet): Promise<DefinitionSetEntity> {
    return this.dataSource.transaction(async (manager) => {
      await query(manager, lockRegionDefinitions(definition.regionId));
      const [{ next }] = await query<{ next: number }>(manager, sql`SELECT COALESCE(max(version), 0) + 1 AS next FROM definition_sets WHERE region_id = ${definition.regionId}`);
      const repository = manager.getRepository(DefinitionSetEntity);
      return repository.save(repository.create({ ...definition, version: next, effectiveFromCohort: null, activatedAt: null }));
    });
  }

  /**
   * Puts a version in force from a cohort on. Versions that applied from that cohort or later are
   * superseded, and the region's summaries are recomputed by a job in the same transaction.
   * Forward only: a cohort whose figures were published keeps the definition it was published
   * with, because two versions of one cohort side by side give small groups away by their
   * difference (docs/disclosure-control.md). Returns the last published cohort when it refuses.
   */
  async activate(definition: DefinitionSetEntity, fromCohort: number): Promise<{ activated: true } | { activated: false; lastPublishedCohort: number }> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      await query(manager, lockRegionDefinitions(definition.regionId));
      // Waits for a refresh in progress, so that what it publishes is seen below.
      await query(manager, sql`SELECT pg_advisory_xact_lock(hashtext('summaries:' || ${definition.regionId}))`);
      const [{ last }] = await query<{ last: number | null }>(
        manager,
        sql`SELECT greatest((SELECT max(cohort) FROM outcome_summaries WHERE region_id = ${definition.regionId}), (SELECT max(school_year) FROM leaver_summaries WHERE region_id = ${definition.regionId})) AS last`,
      );
      if (last !== null && Number(last) >= fromCohort) return { activated: false, lastPublishedCohort: Number(last) };
      await execute(
        manager,
        sql`UPDATE definition_sets SET effective_from_cohort = NULL WHERE region_id = ${definition.regionId} AND id <> ${definition.id} AND effective_from_cohort >= ${fromCohort}`,
      );
      await execute(manager, sql`UPDATE definition_sets SET effective_from_cohort = ${fromCohort}, activated_at = now() WHERE id = ${definition.id}`);
      await this.jobs.enqueue(manager, JobKind.RefreshRegion, { regionId: definition.regionId });
      return { activated: true };
    });
  }
}
