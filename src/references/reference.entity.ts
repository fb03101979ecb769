import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { ReferenceInstroom, ReferenceMetric } from 'src/references/reference-codes';
import type { RecordSector } from 'src/programmes/programme-codes';

/**
 * A reference series: one published figure from outside the region (the sector, the country)
 * over cohorts, with its source, licence and its own definitions. Public published data, not
 * region records: no disclosure control applies to it. Optional parts of the key (level,
 * programme group, prior education) are '' for "all".
 */
@Entity({ name: 'reference_series' })
@Unique('uq_reference_series_key', ['source', 'sector', 'level', 'programmeGroup', 'priorEducation', 'instroom', 'metric'])
@Check('chk_reference_series_sector', `"sector" IN ('mbo', 'hbo', 'wo')`)
@Check('chk_reference_series_instroom', `"instroom" IN ('all', 'direct', 'indirect')`)
@Check('chk_reference_series_reference', `("reference_month" IS NULL) = ("reference_day" IS NULL)`)
export class ReferenceSeriesEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Who published it, e.g. "DUO open onderwijsdata". */
  @Column({ type: 'varchar', length: 200 })
  source!: string;

  @Column({ name: 'source_url', type: 'varchar', length: 500 })
  sourceUrl!: string;

  @Column({ type: 'varchar', length: 200 })
  licence!: string;

  /** The source's own definitions, in words: what counts as uitval, switch; instroom; reference date. */
  @Column({ type: 'text' })
  definitions!: string;

  /** A made-up series (the demo's): the report labels it as such, never as real figures. */
  @Column({ type: 'boolean', default: false })
  synthetic!: boolean;

  @Column({ type: 'varchar', length: 3 })
  sector!: RecordSector;

  /** mbo niveau or ho level; '' for the whole sector. */
  @Column({ type: 'varchar', length: 16, default: '' })
  level!: string;

  @Column({ name: 'programme_group', type: 'varchar', length: 100, default: '' })
  programmeGroup!: string;

  /** Prior diploma type (as the records name it); '' for all. */
  @Column({ name: 'prior_education', type: 'varchar', length: 16, default: '' })
  priorEducation!: string;

  @Column({ type: 'varchar', length: 8, default: 'all' })
  instroom!: ReferenceInstroom;

  @Column({ type: 'varchar', length: 16 })
  metric!: ReferenceMetric;

  // The source's definitions where they can be compared with a definition set; null: not stated.
  @Column({ name: 'switchers_count_as_uitval', type: 'boolean', nullable: true })
  switchersCountAsUitval!: boolean | null;

  @Column({ name: 'first_year_in_sector_only', type: 'boolean', nullable: true })
  firstYearInSectorOnly!: boolean | null;

  @Column({ name: 'reference_month', type: 'smallint', nullable: true })
  referenceMonth!: number | null;

  @Column({ name: 'reference_day', type: 'smallint', nullable: true })
  referenceDay!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** One cohort of a reference series: the published rate (0–1) and n where published. */
@Entity({ name: 'reference_points' })
@Check('chk_reference_points_rate', `"rate" >= 0 AND "rate" <= 1`)
@Check('chk_reference_points_n', `"n" IS NULL OR "n" >= 0`)
export class ReferencePointEntity {
  @PrimaryColumn({ name: 'series_id', type: 'uuid' })
  seriesId!: string;

  @PrimaryColumn({ type: 'smallint' })
  cohort!: number;

  @Column({ type: 'double precision' })
  rate!: number;

  @Column({ type: 'integer', nullable: true })
  n!: number | null;

  @ManyToOne(() => ReferenceSeriesEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'series_id' })
  series?: ReferenceSeriesEntity;
}
