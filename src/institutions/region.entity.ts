import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A network of institutions with a data-sharing agreement. */
@Entity({ name: 'regions' })
export class RegionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Short stable code used in URLs, e.g. `RMN`. */
  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /**
   * Months that student-level records are kept after the end of their cohort's (or school
   * year's) academic year, 31 July of the next year; then the retention sweep deletes them.
   */
  @Column({ name: 'retention_months', type: 'integer', default: 120 })
  retentionMonths!: number;

  /**
   * People whose identity provider asserts an institution that is a member of this region become
   * readers for that institution when they sign in, without an invitation.
   */
  @Column({ name: 'auto_grant_readers', type: 'boolean', default: false })
  autoGrantReaders!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
