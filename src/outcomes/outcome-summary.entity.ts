import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The counts of an outcome cell, shared by the outcome rows and the flow rows (their sums without
 * programme and vestiging), with the definition set they were counted under.
 */
export abstract class OutcomeCounts {
  @Column({ name: 'definition_set_id', type: 'uuid' })
  definitionSetId!: string;

  @Column({ type: 'integer' })
  n!: number;

  @Column({ name: 'n_direct', type: 'integer' })
  nDirect!: number;

  @Column({ name: 'n_enrolled', type: 'integer' })
  nEnrolled!: number;

  @Column({ name: 'n_switch_internal', type: 'integer' })
  nSwitchInternal!: number;

  @Column({ name: 'n_switch_external', type: 'integer' })
  nSwitchExternal!: number;

  @Column({ name: 'n_uitval', type: 'integer' })
  nUitval!: number;

  @Column({ name: 'n_diploma', type: 'integer' })
  nDiploma!: number;

  /** Enrolments whose nominal duration + 1 year has passed, and of those, with a diploma in time. */
  @Column({ name: 'n_rendement_known', type: 'integer' })
  nRendementKnown!: number;

  @Column({ name: 'n_diploma_in_time', type: 'integer' })
  nDiplomaInTime!: number;

  /** Sum of the cell's record keys modulo 2^32 (src/outcomes/disclosure/cell-key.ts), for consistent perturbation. */
  @Column({ name: 'record_key_sum', type: 'bigint', default: 0 })
  recordKeySum!: string;
}

/**
 * Pre-aggregated outcomes: one row per region × cohort × supplier (vestiging) × receiver ×
 * programme × prior diploma type, refreshed after every change. Views read these rows and never
 * the records. Only flows whose both ends are members of the region are counted.
 */
@Entity({ name: 'outcome_summaries' })
@Index('idx_outcome_summaries_supplier', ['regionId', 'supplierInstitutionId', 'cohort'])
@Index('idx_outcome_summaries_receiver', ['regionId', 'receiverInstitutionId', 'cohort'])
export class OutcomeSummaryEntity extends OutcomeCounts {
  @PrimaryColumn({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @PrimaryColumn({ type: 'smallint' })
  cohort!: number;

  @PrimaryColumn({ name: 'supplier_institution_id', type: 'uuid' })
  supplierInstitutionId!: string;

  /** '' when the record names no vestiging. */
  @PrimaryColumn({ name: 'supplier_vestiging', type: 'varchar', length: 6 })
  supplierVestiging!: string;

  @PrimaryColumn({ name: 'receiver_institution_id', type: 'uuid' })
  receiverInstitutionId!: string;

  @PrimaryColumn({ type: 'varchar', length: 3 })
  sector!: string;

  /** After crebo succession, so a renamed qualification keeps one trend line. */
  @PrimaryColumn({ name: 'programme_code', type: 'char', length: 5 })
  programmeCode!: string;

  @PrimaryColumn({ name: 'prior_diploma_type', type: 'varchar', length: 16 })
  priorDiplomaType!: string;
}

/**
 * The outcome summaries without programme and vestiging: one row per region × cohort × supplier
 * × receiver × sector × prior diploma type, their sums. Written by the refresh for the cohorts it
 * touched, from `outcome_summaries` in the same transaction (full and changed students alike), so
 * that the views by receiver, supplier, sector or prior diploma type, the benchmark, the matrix
 * and the flows aggregate a few hundred rows per cohort rather than every programme's.
 */
@Entity({ name: 'flow_summaries' })
@Index('idx_flow_summaries_supplier', ['regionId', 'supplierInstitutionId', 'cohort'])
@Index('idx_flow_summaries_receiver', ['regionId', 'receiverInstitutionId', 'cohort'])
export class FlowSummaryEntity extends OutcomeCounts {
  @PrimaryColumn({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @PrimaryColumn({ type: 'smallint' })
  cohort!: number;

  @PrimaryColumn({ name: 'supplier_institution_id', type: 'uuid' })
  supplierInstitutionId!: string;

  @PrimaryColumn({ name: 'receiver_institution_id', type: 'uuid' })
  receiverInstitutionId!: string;

  @PrimaryColumn({ type: 'varchar', length: 3 })
  sector!: string;

  @PrimaryColumn({ name: 'prior_diploma_type', type: 'varchar', length: 16 })
  priorDiplomaType!: string;
}

/** Leavers of a supplying school per school year, and how many reached follow-up education in the region. */
@Entity({ name: 'leaver_summaries' })
export class LeaverSummaryEntity {
  @PrimaryColumn({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @PrimaryColumn({ name: 'supplier_institution_id', type: 'uuid' })
  supplierInstitutionId!: string;

  @PrimaryColumn({ name: 'school_year', type: 'smallint' })
  schoolYear!: number;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  onderwijssoort!: string;

  @PrimaryColumn({ type: 'boolean' })
  diploma!: boolean;

  @Column({ name: 'n_leavers', type: 'integer' })
  nLeavers!: number;

  /** Leavers with an enrolment in the region starting in the next cohort. */
  @Column({ name: 'n_continued', type: 'integer' })
  nContinued!: number;

  /** Sum of the leavers' record keys, for the perturbation of n_continued. */
  @Column({ name: 'record_key_sum', type: 'bigint', default: 0 })
  recordKeySum!: string;
}

/** When the summaries of a region were last refreshed, and from which change. */
@Entity({ name: 'summary_refreshes' })
export class SummaryRefreshEntity {
  @PrimaryColumn({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @Column({ name: 'refreshed_at', type: 'timestamptz' })
  refreshedAt!: Date;

  @Column({ name: 'cohorts', type: 'smallint', array: true })
  cohorts!: number[];

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  /**
   * The day the rendement counts were last computed for the whole region (a full refresh): a
   * refresh of changed students counts against the same day, and a later one past a reference
   * date is full again. NULL until the first full refresh.
   */
  @Column({ name: 'rendement_as_of', type: 'date', nullable: true })
  rendementAsOf!: string | null;
}
