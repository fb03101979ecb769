import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { RegionEntity } from 'src/institutions/region.entity';
import type { InterventionDirection, InterventionMetric, InterventionState, InterventionTarget, InterventionType } from 'src/interventions/model';

/**
 * An intervention a region's parties registered (step 3 of the kwaliteitscyclus): what it is,
 * whom it reaches (parties, target cells, first cohort), what it should move and when to review
 * it. Its effect is not stored: it is computed from the latest summaries on every read.
 */
@Entity({ name: 'interventions' })
@Index('idx_interventions_region', ['regionId', 'state', 'reviewDate'])
@Check('chk_interventions_type', `"type" IN ('lob-programme', 'study-skills', 'keuzedeel-voorbereiding-hbo', 'first-100-days', 'doorlopende-leerroute', 'subject-alignment', 'mentoring', 'other')`)
@Check('chk_interventions_metric', `"metric" IN ('uitval', 'switch', 'enrolledYear2', 'diplomaYear1')`)
@Check('chk_interventions_direction', `"direction" IN ('decrease', 'increase')`)
@Check('chk_interventions_state', `"state" IN ('active', 'withdrawn')`)
@Check('chk_interventions_registered_by', `"registered_by_kind" IN ('region', 'institution')`)
export class InterventionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @ManyToOne(() => RegionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: RegionEntity;

  @Column({ type: 'varchar', length: 40 })
  type!: InterventionType;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 2000, default: '' })
  description!: string;

  /** The institutions that run it (ids); they, and the region's coordinators, see it. */
  @Column({ name: 'party_ids', type: 'uuid', array: true })
  partyIds!: string[];

  @Column({ type: 'jsonb' })
  target!: InterventionTarget;

  @Column({ name: 'first_cohort', type: 'int' })
  firstCohort!: number;

  @Column({ type: 'varchar', length: 20 })
  metric!: InterventionMetric;

  @Column({ type: 'varchar', length: 10 })
  direction!: InterventionDirection;

  @Column({ name: 'review_date', type: 'date' })
  reviewDate!: string;

  @Column({ type: 'varchar', length: 12, default: 'active' })
  state!: InterventionState;

  /** Who registered it: the region's coordinators, or an institution (registered_by_institution_id). */
  @Column({ name: 'registered_by_kind', type: 'varchar', length: 16 })
  registeredByKind!: 'region' | 'institution';

  @Column({ name: 'registered_by_institution_id', type: 'uuid', nullable: true })
  registeredByInstitutionId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
