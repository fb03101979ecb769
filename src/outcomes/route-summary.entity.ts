import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Routes of students through the region (issue 16, seed 003): per region × cohort of the first
 * enrolment × supplying school × prior diploma type, the level of the student's first enrolment in
 * the region (`entree` = mbo 1, `mbo-2` … `mbo-4`, `hbo`, `wo`) and what came next (`hoger`,
 * `diploma`, `switch`, `uitval`, `ingeschreven`). One student counts once. Written by the summary
 * refresh (routes.repository.ts); read only through the route disclosure plan (route_withheld_cells).
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
}

/** The route cells of a region × cohort withheld from every output (the route tables' own plan). */
@Entity({ name: 'route_withheld_cells' })
export class RouteWithheldCellEntity {
  @PrimaryColumn({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @PrimaryColumn({ type: 'smallint' })
  cohort!: number;

  /** `cellKey()` of the route cell: 'supplier=…|prior=…|first=…|next=…'; '' is the region total. */
  @PrimaryColumn({ name: 'cell_key', type: 'varchar', length: 400 })
  cellKey!: string;

  @Column({ type: 'varchar', length: 16 })
  reason!: 'primary' | 'complementary';
}
