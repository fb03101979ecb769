import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Routes of students through the region (issue 16, seed 003): the route parts of the outcome
 * summaries. The rows of one outcome_summaries row (region × cohort × supplier (vestiging) ×
 * receiver × programme × prior diploma type) split its enrolments by their stage (`entree` =
 * mbo 1, `mbo-2` … `mbo-4`, `hbo`, `wo`) and what came next (`hoger`, `diploma`, `switch`,
 * `ingeschreven`, `uitval`), and add up to it.
 * Written by the summary refresh (routes.repository.ts) and protected in the same publication plan
 * as the outcome summaries (withheld_cells; the route cells are families of that plan).
 */
@Entity({ name: 'route_summaries' })
@Index('idx_route_summaries_supplier', ['regionId', 'supplierInstitutionId', 'cohort'])
export class RouteSummaryEntity {
  @PrimaryColumn({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @PrimaryColumn({ type: 'smallint' })
  cohort!: number;

  @PrimaryColumn({ name: 'supplier_institution_id', type: 'uuid' })
  supplierInstitutionId!: string;

  @PrimaryColumn({ name: 'supplier_vestiging', type: 'varchar', length: 6 })
  supplierVestiging!: string;

  @PrimaryColumn({ name: 'receiver_institution_id', type: 'uuid' })
  receiverInstitutionId!: string;

  @PrimaryColumn({ type: 'varchar', length: 3 })
  sector!: string;

  @PrimaryColumn({ name: 'programme_code', type: 'char', length: 5 })
  programmeCode!: string;

  @PrimaryColumn({ name: 'prior_diploma_type', type: 'varchar', length: 16 })
  priorDiplomaType!: string;

  @PrimaryColumn({ name: 'first_stage', type: 'varchar', length: 8 })
  firstStage!: string;

  @PrimaryColumn({ name: 'next_step', type: 'varchar', length: 16 })
  nextStep!: string;

  @Column({ name: 'definition_set_id', type: 'uuid' })
  definitionSetId!: string;

  @Column({ type: 'integer' })
  n!: number;

  /** Sum (mod 2^32) of the row's record keys, each drawn with the next step: the cell key of the next-step noise. */
  @Column({ name: 'record_key_sum', type: 'bigint', default: 0 })
  recordKeySum!: string;
}
