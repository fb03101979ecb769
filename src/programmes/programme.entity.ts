import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import type { ProgrammeLevel, RecordSector } from 'src/programmes/programme-codes';

/** A programme from the national code lists: crebo (mbo) or CROHO (hbo, wo). */
@Entity({ name: 'programmes' })
@Check('chk_programmes_sector', `"sector" IN ('mbo', 'hbo', 'wo')`)
export class ProgrammeEntity {
  @PrimaryColumn({ type: 'varchar', length: 3 })
  sector!: RecordSector;

  /** 5 digits. */
  @PrimaryColumn({ type: 'char', length: 5 })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** mbo niveau `1`–`4`; ho `ad`, `bachelor`, `master`. */
  @Column({ type: 'varchar', length: 8 })
  level!: ProgrammeLevel;

  @Column({ name: 'nominal_duration_years', type: 'smallint' })
  nominalDurationYears!: number;

  /** First cohort in which the programme can be started. */
  @Column({ name: 'valid_from_cohort', type: 'smallint' })
  validFromCohort!: number;

  /** Last cohort in which it can be started; null while current. */
  @Column({ name: 'valid_to_cohort', type: 'smallint', nullable: true })
  validToCohort!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/**
 * A crebo replaced by a new one from a cohort on: trend lines follow the successor so that a
 * changed qualification does not break a series.
 */
@Entity({ name: 'programme_successors' })
export class ProgrammeSuccessorEntity {
  @PrimaryColumn({ name: 'old_code', type: 'char', length: 5 })
  oldCode!: string;

  @PrimaryColumn({ name: 'new_code', type: 'char', length: 5 })
  newCode!: string;

  /** First cohort that starts in the new crebo. */
  @Column({ name: 'from_cohort', type: 'smallint' })
  fromCohort!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
