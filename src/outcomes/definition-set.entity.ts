import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { RegionEntity } from 'src/institutions/region.entity';

/**
 * A versioned set of definitions (the "bijsluiter") that every figure names. A version applies
 * from `effectiveFromCohort` on, until a later active version takes over; a change between two
 * cohorts is a methodebreuk, and baselines never pool across it.
 */
@Entity({ name: 'definition_sets' })
@Unique('uq_definition_sets_region_version', ['regionId', 'version'])
@Index('idx_definition_sets_region_effective', ['regionId', 'effectiveFromCohort'])
@Check('chk_definition_sets_k', `"suppression_k" >= 5`)
@Check('chk_definition_sets_reference', `"reference_month" BETWEEN 1 AND 12 AND "reference_day" BETWEEN 1 AND 28`)
@Check('chk_definition_sets_window', `"switch_window_months" BETWEEN 0 AND 24`)
export class DefinitionSetEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The coordinator's own explanation, shown with the generated description. */
  @Column({ type: 'text', default: '' })
  notes!: string;

  /** Reference date in cohort + 1 (default 1 October). */
  @Column({ name: 'reference_month', type: 'smallint', default: 10 })
  referenceMonth!: number;

  @Column({ name: 'reference_day', type: 'smallint', default: 1 })
  referenceDay!: number;

  /** Months after the end date within which a new enrolment counts as a switch. */
  @Column({ name: 'switch_window_months', type: 'smallint', default: 12 })
  switchWindowMonths!: number;

  /** Whether switchers also count as dropouts of the programme they left. */
  @Column({ name: 'switchers_count_as_uitval', type: 'boolean', default: false })
  switchersCountAsUitval!: boolean;

  /** Count only a student's first enrolment in a sector (no re-entrants). */
  @Column({ name: 'first_year_in_sector_only', type: 'boolean', default: true })
  firstYearInSectorOnly!: boolean;

  /** Count only full-time (voltijd) enrolments in higher education. */
  @Column({ name: 'voltijd_only', type: 'boolean', default: false })
  voltijdOnly!: boolean;

  /** Cells with 0 < n < k are suppressed. */
  @Column({ name: 'suppression_k', type: 'smallint', default: 10 })
  suppressionK!: number;

  // Parameters of the trendbreuk method.
  @Column({ name: 'baseline_cohorts', type: 'smallint', default: 3 })
  baselineCohorts!: number;

  @Column({ name: 'min_baseline_cohorts', type: 'smallint', default: 2 })
  minBaselineCohorts!: number;

  @Column({ name: 'min_baseline_n', type: 'integer', default: 30 })
  minBaselineN!: number;

  @Column({ name: 'min_current_n', type: 'integer', default: 10 })
  minCurrentN!: number;

  @Column({ name: 'fdr_q', type: 'double precision', default: 0.05 })
  fdrQ!: number;

  @Column({ name: 'supply_low_ratio', type: 'double precision', default: 0.5 })
  supplyLowRatio!: number;

  @Column({ name: 'supply_high_ratio', type: 'double precision', default: 2 })
  supplyHighRatio!: number;

  /** First cohort this version applies to; null while it is a draft or after it was superseded. */
  @Column({ name: 'effective_from_cohort', type: 'smallint', nullable: true })
  effectiveFromCohort!: number | null;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => RegionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: RegionEntity;
}
