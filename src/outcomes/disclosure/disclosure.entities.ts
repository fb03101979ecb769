import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The cells of a region × cohort that are withheld from every output, decided once in the
 * summary refresh over all linked tables (src/outcomes/disclosure/publication-plan.ts). Every
 * other cell is published. Stored, so that every output and every replica shows one pattern.
 */
@Entity({ name: 'withheld_cells' })
export class WithheldCellEntity {
  @PrimaryColumn({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @PrimaryColumn({ type: 'smallint' })
  cohort!: number;

  /** `cellKey()` of the cell: 'supplier=…|receiver=…'; '' is the region total. */
  @PrimaryColumn({ name: 'cell_key', type: 'varchar', length: 400 })
  cellKey!: string;

  /** primary: 0 < n < k; complementary: withheld so that a primary cannot be worked out. */
  @Column({ type: 'varchar', length: 16 })
  reason!: 'primary' | 'complementary';
}

/**
 * The key of the cell-key perturbation: each record's key is a hash of this secret and the
 * record's identity, so nobody outside the database can predict the noise of a cell.
 */
@Entity({ name: 'disclosure_secrets' })
export class DisclosureSecretEntity {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ type: 'varchar', length: 128 })
  secret!: string;
}
