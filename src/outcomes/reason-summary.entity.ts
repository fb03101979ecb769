import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Reasons for leaving (issue 14): the leavers of each supplier × receiver cell of a cohort (the
 * enrolments whose outcome is switch (internal or external) or uitval under the cohort's
 * definition set) by the reason from the exit interview (`exit_reason`; `unknown` where none was
 * recorded), so that the reasons of a cell add up to its leavers. Written by the summary refresh
 * (reasons.repository.ts) from the kept outcome of every enrolment, for the cohorts it touched;
 * published through the disclosure layer (outcomes/disclosure/reasons.ts).
 */
@Entity({ name: 'reason_summaries' })
@Index('idx_reason_summaries_receiver', ['regionId', 'receiverInstitutionId', 'cohort'])
export class ReasonSummaryEntity {
  @PrimaryColumn({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @PrimaryColumn({ type: 'smallint' })
  cohort!: number;

  @PrimaryColumn({ name: 'supplier_institution_id', type: 'uuid' })
  supplierInstitutionId!: string;

  @PrimaryColumn({ name: 'receiver_institution_id', type: 'uuid' })
  receiverInstitutionId!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  reason!: string;

  @Column({ name: 'definition_set_id', type: 'uuid' })
  definitionSetId!: string;

  @Column({ type: 'integer' })
  n!: number;

  /** Sum (mod 2^32) of the row's record keys, each drawn with the reason: the cell key of the reason noise. */
  @Column({ name: 'record_key_sum', type: 'bigint', default: 0 })
  recordKeySum!: string;
}
