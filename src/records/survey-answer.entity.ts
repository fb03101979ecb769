import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { InstitutionEntity } from 'src/institutions/institution.entity';

/**
 * One former pupil's answers to an alumni questionnaire (src/records/questionnaires.ts), uploaded
 * by the supplying school. Every key contains institution_id; the natural key leads with the
 * pseudonym, as for leavers, so that erasure finds the rows. An item left blank is null.
 */
@Entity({ name: 'survey_answers' })
@Unique('uq_survey_answers_natural_key', ['pseudonym', 'institutionId', 'questionnaire', 'surveyYear'])
@Index('idx_survey_answers_institution_year', ['institutionId', 'surveyYear'])
export class SurveyAnswerEntity {
  /** The supplying institution, taken from the uploader's token. */
  @PrimaryColumn({ name: 'institution_id', type: 'uuid' })
  institutionId!: string;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'char', length: 64 })
  pseudonym!: string;

  /** The questionnaire version, e.g. alumni-1. */
  @Column({ type: 'varchar', length: 16 })
  questionnaire!: string;

  /** The school year the survey was held (2025 = 2025-26). */
  @Column({ name: 'survey_year', type: 'smallint' })
  surveyYear!: number;

  @Column({ name: 'choice_preparation', type: 'smallint', nullable: true })
  choicePreparation!: number | null;

  @Column({ name: 'study_skills', type: 'smallint', nullable: true })
  studySkills!: number | null;

  @Column({ name: 'subject_content', type: 'smallint', nullable: true })
  subjectContent!: number | null;

  @Column({ type: 'smallint', nullable: true })
  transition!: number | null;

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
