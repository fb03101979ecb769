import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Onderwijssoort } from 'src/records/codes';
import { InstitutionEntity } from 'src/institutions/institution.entity';

/**
 * A pupil leaving a supplying school, uploaded by that school. Every key contains
 * institution_id; the natural key leads with the pseudonym so that it also serves lookups of
 * a student's leaver records (see EnrolmentEntity).
 */
@Entity({ name: 'leavers' })
@Unique('uq_leavers_natural_key', ['pseudonym', 'institutionId', 'schoolYear'])
@Index('idx_leavers_institution_year', ['institutionId', 'schoolYear'])
export class LeaverEntity {
  /** The supplying institution, taken from the uploader's token. */
  @PrimaryColumn({ name: 'institution_id', type: 'uuid' })
  institutionId!: string;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'supplying_vestiging', type: 'char', length: 6, nullable: true })
  supplyingVestiging!: string | null;

  @Column({ type: 'char', length: 64 })
  pseudonym!: string;

  /** The school year of leaving (2023 = 2023-24). */
  @Column({ name: 'school_year', type: 'smallint' })
  schoolYear!: number;

  @Column({ type: 'varchar', length: 8 })
  onderwijssoort!: Onderwijssoort;

  @Column({ type: 'varchar', length: 64, nullable: true })
  profile!: string | null;

  @Column({ type: 'boolean' })
  diploma!: boolean;

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
