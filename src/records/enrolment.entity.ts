import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { EndReason, ExitReason, PriorDiplomaType } from 'src/records/codes';
import type { ProgrammeLevel, RecordSector, StudyForm } from 'src/programmes/programme-codes';
import { InstitutionEntity } from 'src/institutions/institution.entity';

/**
 * One enrolment of a student (by pseudonym) in a programme of the receiving institution.
 * Every key (primary, unique) contains institution_id, so the table can be distributed by
 * institution.
 *
 * The natural key leads with the pseudonym: the same index then serves the outcome
 * derivation's "all enrolments of this student" lookups (pseudonym, then start date among a
 * handful of rows), so the hottest write path maintains one wide random-order index instead
 * of two.
 */
@Entity({ name: 'enrolments' })
@Unique('uq_enrolments_natural_key', ['pseudonym', 'institutionId', 'programmeCode', 'startDate'])
@Index('idx_enrolments_institution_cohort', ['institutionId', 'cohort'])
@Index('idx_enrolments_prior_brin_cohort', ['priorBrin', 'cohort'])
@Check('chk_enrolments_sector', `"sector" IN ('mbo', 'hbo', 'wo')`)
@Check('chk_enrolments_end', `"end_date" IS NULL OR "end_date" >= "start_date"`)
@Check('chk_enrolments_exit_reason', `"exit_reason" IS NULL OR ("end_reason" = 'uitgeschreven' AND "exit_reason" IN ('study_choice', 'study_skills', 'not_landed', 'content_gap', 'personal', 'other', 'unknown'))`)
@Check('chk_enrolments_end_reason', `"end_reason" IS NULL OR ("end_date" IS NOT NULL AND "end_reason" IN ('diploma', 'uitgeschreven'))`)
export class EnrolmentEntity {
  /** The receiving institution, taken from the uploader's token. */
  @PrimaryColumn({ name: 'institution_id', type: 'uuid' })
  institutionId!: string;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'receiving_vestiging', type: 'char', length: 6, nullable: true })
  receivingVestiging!: string | null;

  /** hex(HMAC-SHA256(K, id)), computed by the institution before upload. */
  @Column({ type: 'char', length: 64 })
  pseudonym!: string;

  @Column({ name: 'programme_code', type: 'char', length: 5 })
  programmeCode!: string;

  @Column({ type: 'varchar', length: 3 })
  sector!: RecordSector;

  @Column({ type: 'varchar', length: 8 })
  level!: ProgrammeLevel;

  @Column({ type: 'varchar', length: 8 })
  form!: StudyForm;

  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  @Column({ name: 'end_date', type: 'date', nullable: true })
  endDate!: string | null;

  @Column({ name: 'end_reason', type: 'varchar', length: 16, nullable: true })
  endReason!: EndReason | null;

  /** The reason from the exit interview (EXIT_REASONS); only on an enrolment that ended uitgeschreven. */
  @Column({ name: 'exit_reason', type: 'varchar', length: 16, nullable: true })
  exitReason!: ExitReason | null;

  /** Academic year of the start date (2023 = 2023-24). */
  @Column({ type: 'smallint' })
  cohort!: number;

  /** The supplying school (vooropleiding). */
  @Column({ name: 'prior_brin', type: 'char', length: 4 })
  priorBrin!: string;

  @Column({ name: 'prior_vestiging', type: 'char', length: 6, nullable: true })
  priorVestiging!: string | null;

  @Column({ name: 'prior_diploma_type', type: 'varchar', length: 16 })
  priorDiplomaType!: PriorDiplomaType;

  @Column({ name: 'prior_diploma_year', type: 'smallint' })
  priorDiplomaYear!: number;

  @Column({ name: 'created_batch_id', type: 'uuid' })
  createdBatchId!: string;

  @Column({ name: 'updated_batch_id', type: 'uuid' })
  updatedBatchId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'institution_id' })
  institution?: InstitutionEntity;
}
