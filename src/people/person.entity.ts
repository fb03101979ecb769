import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { RoleName } from 'src/access/roles';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

/**
 * A person who signs in through an identity provider, known by the provider and the subject it
 * asserts (never by e-mail address: providers release as little as the service needs).
 */
@Entity({ name: 'people' })
@Index('uq_people_provider_subject', ['provider', 'subject'], { unique: true })
export class PersonEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The provider id of the configuration (`surfconext`, `entree`, `dev`). */
  @Column({ type: 'varchar', length: 32 })
  provider!: string;

  /** The `sub` the provider asserts for this person (for this service). */
  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  /** How lists and audit entries name the person: the label of their invitation, or given by an administrator. */
  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_sign_in_at', type: 'timestamptz', nullable: true })
  lastSignInAt!: Date | null;
}

/** How a role was granted: directly by an administrator or coordinator, by accepting an invitation, or automatically from the provider's institution claim. */
export type GrantedVia = 'direct' | 'invitation' | 'automatic';

/**
 * A role of a person: coordinator of a region, or reader or editor for an institution. Revoked
 * roles are kept (revoked_at) as the history of who could see what. PeopleService keeps at most
 * one current role per person and tenant (a unique index cannot: one of the tenant columns is null).
 */
@Entity({ name: 'person_roles' })
@Index('idx_person_roles_person', ['personId'])
@Check('ck_person_roles_tenant', `(role = 'coordinator' AND region_id IS NOT NULL AND institution_id IS NULL) OR (role IN ('reader', 'editor') AND institution_id IS NOT NULL)`)
export class PersonRoleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: RoleName;

  /** The region a coordinator coordinates; for an automatic reader, the region whose policy granted it. */
  @Column({ name: 'region_id', type: 'uuid', nullable: true })
  regionId!: string | null;

  @Column({ name: 'institution_id', type: 'uuid', nullable: true })
  institutionId!: string | null;

  @Column({ name: 'granted_via', type: 'varchar', length: 16 })
  grantedVia!: GrantedVia;

  /** Who granted it: a client id, `person:<id>`, `cli` or `automatic`. */
  @Column({ name: 'granted_by', type: 'varchar', length: 64 })
  grantedBy!: string;

  @CreateDateColumn({ name: 'granted_at', type: 'timestamptz' })
  grantedAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @ManyToOne(() => PersonEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id' })
  person?: PersonEntity;

  @ManyToOne(() => RegionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: RegionEntity;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'institution_id' })
  institution?: InstitutionEntity;
}

/**
 * An invitation to a role: a one-time code, sent by the inviter to the person out of band (the
 * service stores only its hash). The first person to sign in with it gets the role.
 */
@Entity({ name: 'person_invitations' })
@Check('ck_person_invitations_tenant', `(role = 'coordinator' AND region_id IS NOT NULL AND institution_id IS NULL) OR (role IN ('reader', 'editor') AND institution_id IS NOT NULL AND region_id IS NULL)`)
export class InvitationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** SHA-256 of the code, hex. */
  @Column({ name: 'code_hash', type: 'char', length: 64, unique: true })
  codeHash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: RoleName;

  @Column({ name: 'region_id', type: 'uuid', nullable: true })
  regionId!: string | null;

  @Column({ name: 'institution_id', type: 'uuid', nullable: true })
  institutionId!: string | null;

  /** How the invitee is named until and after they sign in, e.g. "J. Jansen, decaan". */
  @Column({ type: 'varchar', length: 200 })
  label!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @Column({ name: 'accepted_by_person_id', type: 'uuid', nullable: true })
  acceptedByPersonId!: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @ManyToOne(() => RegionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: RegionEntity;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'institution_id' })
  institution?: InstitutionEntity;

  @ManyToOne(() => PersonEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'accepted_by_person_id' })
  acceptedBy?: PersonEntity;
}
