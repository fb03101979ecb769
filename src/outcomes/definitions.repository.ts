import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { JobKind } from 'src/jobs/job-kinds';
import { JobQueue } from 'src/jobs/job-queue';
import { DefinitionSetEntity } from 'src/outcomes/definition-set.entity';

export type NewDefinitionSet = Omit<DefinitionSetEntity, 'id' | 'version' | 'effectiveFromCohort' | 'activatedAt' | 'createdAt' | 'region'>;

@Injectable()
export class DefinitionsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
  ) {}

  findById(id: string): Promise<DefinitionSetEntity | null> {
    return this.dataSource.getRepository(DefinitionSetEntity).findOne({ where: { id } });
  }

  listForRegion(regionId: string): Promise<DefinitionSetEntity[]> {
    return this.dataSource.getRepository(DefinitionSetEntity).find({ where: { regionId }, order: { version: 'ASC' } });
  }

  /** The versions in force for a region, ordered by the cohort they apply from. */
  async activeForRegion(regionId: string): Promise<DefinitionSetEntity[]> {
    return this.dataSource
      .getRepository(DefinitionSetEntity)
      .createQueryBuilder('d')
      .where('d.region_id = :regionId', { regionId })
      .andWhere('d.effective_from_cohort IS NOT NULL')
      .orderBy('d.effective_from_cohort', 'ASC')
      .getMany();
  }

  /** A new draft version, numbered after the region's last one. */
  async create(definition: NewDefinitionSet): Promise<DefinitionSetEntity> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('definitions:' || $1))`, [definition.regionId]);
      const [{ next }]: Array<{ next: number }> = await manager.query(
        `SELECT COALESCE(max(version), 0) + 1 AS next FROM definition_sets WHERE region_id = $1`,
        [definition.regionId],
      );
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
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('definitions:' || $1))`, [definition.regionId]);
      // Waits for a refresh in progress, so that what it publishes is seen below.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('summaries:' || $1))`, [definition.regionId]);
      const [{ last }]: Array<{ last: number | null }> = await manager.query(
        `SELECT greatest((SELECT max(cohort) FROM outcome_summaries WHERE region_id = $1), (SELECT max(school_year) FROM leaver_summaries WHERE region_id = $1)) AS last`,
        [definition.regionId],
      );
      if (last !== null && Number(last) >= fromCohort) return { activated: false, lastPublishedCohort: Number(last) };
      await manager.query(
        `UPDATE definition_sets SET effective_from_cohort = NULL WHERE region_id = $1 AND id <> $2 AND effective_from_cohort >= $3`,
        [definition.regionId, definition.id, fromCohort],
      );
      await manager.query(`UPDATE definition_sets SET effective_from_cohort = $2, activated_at = now() WHERE id = $1`, [definition.id, fromCohort]);
      await this.jobs.enqueue(manager, JobKind.RefreshRegion, { regionId: definition.regionId });
      return { activated: true };
    });
  }
}
