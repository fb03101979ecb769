import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const SECTORS = ['vo', 'mbo', 'hbo', 'wo'] as const;
export type Sector = (typeof SECTORS)[number];

export interface Vestiging {
  /** BRIN + 2 digits, e.g. `00AA01`. */
  code: string;
  name: string;
}

/** A school or institution, identified by its BRIN. */
@Entity({ name: 'institutions' })
export class InstitutionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'char', length: 4, unique: true })
  brin!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The sectors it offers; a school can be both supplier (vo, mbo) and receiver (mbo, hbo). */
  @Column({ type: 'text', array: true })
  sectors!: Sector[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  vestigingen!: Vestiging[];

  /**
   * The institution's home organisation in the identity federations (SURFconext's
   * `schac_home_organization`, e.g. `hva.nl`), for providers whose institution claim holds it
   * rather than the BRIN.
   */
  @Column({ name: 'home_organization', type: 'varchar', length: 253, nullable: true, unique: true })
  homeOrganization!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
