import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A counter per scope that database triggers raise whenever something a view is computed from
 * changes: `global` for institutions, regions, memberships and programmes; a region's id for its
 * summaries and definition sets. A cached view is served only while its counters are unchanged.
 */
@Entity({ name: 'view_versions' })
export class ViewVersionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  scope!: string;

  @Column({ type: 'bigint', default: 0 })
  version!: string;
}
