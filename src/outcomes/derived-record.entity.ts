import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * What the refresh derived for one enrolment of a region: its cell in `outcome_summaries` and what
 * it adds there. Kept so that a change of a few students is applied to the summaries as a
 * difference (their rows out, their new rows in) instead of recomputing the region. The key
 * starts with the pseudonym because that is how the refresh finds a changed student's rows.
 */
@Entity({ name: 'enrolment_outcomes' })
@Index('idx_enrolment_outcomes_route_until', ['regionId', 'routeUntil'], { where: '"route_until" IS NOT NULL' })
export class EnrolmentOutcomeEntity {
  @PrimaryColumn({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @PrimaryColumn({ type: 'char', length: 64 })
  pseudonym!: string;

  /** The receiving institution; with `enrolment_id` the key of the enrolment. */
  @PrimaryColumn({ name: 'receiver_institution_id', type: 'uuid' })
  receiverInstitutionId!: string;

  @PrimaryColumn({ name: 'enrolment_id', type: 'bigint' })
  enrolmentId!: string;

  @Column({ type: 'smallint' })
  cohort!: number;

  @Column({ name: 'supplier_institution_id', type: 'uuid' })
  supplierInstitutionId!: string;

  @Column({ name: 'supplier_vestiging', type: 'varchar', length: 6 })
  supplierVestiging!: string;

  @Column({ type: 'varchar', length: 3 })
  sector!: string;

  /** After crebo succession, as in the summaries. */
  @Column({ name: 'programme_code', type: 'char', length: 5 })
  programmeCode!: string;

  @Column({ name: 'prior_diploma_type', type: 'varchar', length: 16 })
  priorDiplomaType!: string;

  @Column({ name: 'definition_set_id', type: 'uuid' })
  definitionSetId!: string;

  /** Started in the year of the prior diploma (direct instroom). */
  @Column({ type: 'boolean' })
  direct!: boolean;

  /** enrolled, switch_internal, switch_external, uitval or diploma. */
  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  /** The end of nominal duration + 1 year: from then on the rendement is known. */
  @Column({ name: 'rendement_deadline', type: 'date' })
  rendementDeadline!: string;

  @Column({ name: 'diploma_in_time', type: 'boolean' })
  diplomaInTime!: boolean;

  /** The record's key (src/outcomes/disclosure/cell-key.ts). */
  @Column({ name: 'record_key', type: 'bigint' })
  recordKey!: string;

  /** Its route in `route_summaries` (routes.repository.ts): the stage of the enrolment … */
  @Column({ name: 'first_stage', type: 'varchar', length: 8 })
  firstStage!: string;

  /** … and what came next, as of the day it was derived. */
  @Column({ name: 'next_step', type: 'varchar', length: 16 })
  nextStep!: string;

  /** The end date, where it lay after the day of the derivation: from then on the next step may differ. */
  @Column({ name: 'route_until', type: 'date', nullable: true })
  routeUntil!: string | null;

  /** The exit interview's reason, for `reason_summaries` when the outcome is a leaver's. */
  @Column({ name: 'exit_reason', type: 'varchar', length: 16, nullable: true })
  exitReason!: string | null;
}

/** What the refresh derived for one leaver of a region: its cell in `leaver_summaries`. */
@Entity({ name: 'leaver_outcomes' })
export class LeaverOutcomeEntity {
  @PrimaryColumn({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @PrimaryColumn({ type: 'char', length: 64 })
  pseudonym!: string;

  @PrimaryColumn({ name: 'supplier_institution_id', type: 'uuid' })
  supplierInstitutionId!: string;

  @PrimaryColumn({ name: 'leaver_id', type: 'bigint' })
  leaverId!: string;

  @Column({ name: 'school_year', type: 'smallint' })
  schoolYear!: number;

  @Column({ type: 'varchar', length: 16 })
  onderwijssoort!: string;

  @Column({ type: 'boolean' })
  diploma!: boolean;

  /** Started in the region in the next cohort. */
  @Column({ type: 'boolean' })
  continued!: boolean;

  @Column({ name: 'record_key', type: 'bigint' })
  recordKey!: string;
}

/**
 * Students whose records changed since their region's last refresh, written by triggers on the
 * record tables in the changing transaction (migrations), one row per region the record's
 * institution has a membership of. No unique key: concurrent uploads of the same student never
 * wait on each other here; the refresh takes the distinct pseudonyms.
 */
@Entity({ name: 'refresh_pending_students' })
@Index('idx_refresh_pending_students_region', ['regionId'])
export class PendingStudentEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @Column({ type: 'char', length: 64 })
  pseudonym!: string;
}
