import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PersonEntity, PersonRoleEntity } from 'src/people/person.entity';

/**
 * A person's signed-in session in the web report. The browser holds only a random token in an
 * HttpOnly cookie; the service keeps its hash, never the provider's tokens.
 */
@Entity({ name: 'web_sessions' })
@Index('idx_web_sessions_person', ['personId'])
@Index('idx_web_sessions_expires', ['expiresAt'])
export class WebSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** SHA-256 of the cookie's token, hex. */
  @Column({ name: 'token_hash', type: 'char', length: 64, unique: true })
  tokenHash!: string;

  /** Sent with every state-changing request in a header; the cookie alone is not enough. */
  @Column({ name: 'csrf_token', type: 'varchar', length: 64 })
  csrfToken!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  /** The role the person acts in now; a role revoked since ends the session's access. */
  @Column({ name: 'role_id', type: 'uuid' })
  roleId!: string;

  @Column({ type: 'varchar', length: 32 })
  provider!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Absolute end (SESSION_TTL_MINUTES after sign-in). */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Last request; the session ends SESSION_IDLE_MINUTES after it. */
  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @ManyToOne(() => PersonEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id' })
  person?: PersonEntity;

  @ManyToOne(() => PersonRoleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'role_id' })
  role?: PersonRoleEntity;
}

/**
 * A sign-in under way: the state, nonce and PKCE verifier of one authorization request, found
 * again by the `state` the provider sends back and bound to the browser that started it by a
 * cookie holding `binding`. Used once, and for ten minutes at most.
 */
@Entity({ name: 'sign_in_attempts' })
@Index('idx_sign_in_attempts_expires', ['expiresAt'])
export class SignInAttemptEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 128, unique: true })
  state!: string;

  /** SHA-256 of the browser cookie's value, hex. */
  @Column({ name: 'binding_hash', type: 'char', length: 64 })
  bindingHash!: string;

  @Column({ type: 'varchar', length: 128 })
  nonce!: string;

  @Column({ name: 'code_verifier', type: 'varchar', length: 128 })
  codeVerifier!: string;

  @Column({ type: 'varchar', length: 32 })
  provider!: string;

  /** The hash of the invitation code the person follows, if any. */
  @Column({ name: 'invitation_hash', type: 'char', length: 64, nullable: true })
  invitationHash!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
