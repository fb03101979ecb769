import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AuditTarget } from 'src/audit/audit-target';

/** allowed: served; denied: 401/403/429; rejected: other 4xx; failed: 5xx; aborted: the client went away before the response was complete. */
export const AUDIT_OUTCOMES = ['allowed', 'denied', 'rejected', 'failed', 'aborted'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * Append-only: a trigger in the database refuses UPDATE, DELETE and TRUNCATE, and the service's
 * role holds only SELECT and INSERT. Each entry is chained to the one before it by a hash that
 * the database computes on insert (migrations AuditChain…), so that a change or deletion by
 * the owner or a superuser shows in `npm run admin -- verify-audit`.
 */
@Entity({ name: 'audit_log' })
@Index('UQ_audit_log_chain_seq', ['chainSeq'], { unique: true })
@Index('idx_audit_log_institution_time', ['institutionId', 'occurredAt'])
@Index('idx_audit_log_region_time', ['regionId', 'occurredAt'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'request_id', type: 'varchar', length: 100 })
  requestId!: string;

  /** The API client's public id; null for anonymous requests. */
  @Column({ name: 'client_id', type: 'varchar', length: 64, nullable: true })
  clientId!: string | null;

  @Column({ name: 'institution_id', type: 'uuid', nullable: true })
  institutionId!: string | null;

  @Column({ name: 'region_id', type: 'uuid', nullable: true })
  regionId!: string | null;

  @Column({ type: 'varchar', length: 10 })
  method!: string;

  /** The route pattern (`/v1/regions/:code`), never the raw URL with its query string. */
  @Column({ type: 'varchar', length: 300 })
  route!: string;

  /** The scopes the route accepts, e.g. `records:read` (space-separated when several). */
  @Column({ name: 'required_scope', type: 'varchar', length: 300, nullable: true })
  requiredScope!: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: AuditOutcome;

  @Column({ name: 'status_code', type: 'integer' })
  statusCode!: number;

  /** What the request touched (region, cohorts, breakdown, object id, rows returned), never student-level values. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  target!: AuditTarget;

  /** The entry's place in the hash chain: 1, 2, 3, … in the order the entries were committed. Set by the database. */
  @Column({ name: 'chain_seq', type: 'bigint', select: false })
  chainSeq!: string;

  /** The hash of the entry before it (a fixed genesis value for the first). Set by the database. */
  @Column({ name: 'prev_hash', type: 'bytea', select: false })
  prevHash!: Buffer;

  /** sha256(prev_hash ‖ this entry's content). Set by the database. */
  @Column({ type: 'bytea', select: false })
  hash!: Buffer;

  /** How the request went (duration; aborted). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  detail!: Record<string, unknown>;
}
