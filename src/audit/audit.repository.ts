import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditScope } from 'src/access/tenancy';
import { AuditEntryEntity, AuditOutcome } from 'src/audit/audit-entry.entity';
import { AuditTarget } from 'src/audit/audit-target';
import { empty, execute, query, queryOne, Sql, sql } from 'src/database/sql';

/** An entry to append; the database gives it its id and its place in the hash chain. */
export type NewAuditEntry = Omit<AuditEntryEntity, 'id' | 'occurredAt' | 'target' | 'chainSeq' | 'prevHash' | 'hash'> & { occurredAt: Date; target?: AuditTarget };

export interface ChainLinkRow {
  seq: string;
  hash: Buffer;
}

export interface ChainEntryRow extends ChainLinkRow {
  id: string;
  prev_hash: Buffer;
  recomputed: Buffer;
}

export interface AuditRow {
  id: string;
  occurred_at: Date;
  request_id: string;
  client_id: string | null;
  institution_id: string | null;
  region_id: string | null;
  method: string;
  route: string;
  required_scope: string | null;
  outcome: AuditOutcome;
  status_code: number;
  target: AuditTarget;
  detail: Record<string, unknown>;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One multi-row insert for a batch of entries; in the caller's transaction when given its manager. */
  async append(entries: NewAuditEntry[], manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (entries.length === 0) return;
    const column = <K extends keyof NewAuditEntry>(key: K) => entries.map((entry) => entry[key]);
    const targets = entries.map((entry) => JSON.stringify(entry.target ?? {}));
    const details = entries.map((entry) => JSON.stringify(entry.detail));
    await execute(
      manager,
      sql`INSERT INTO audit_log (occurred_at, request_id, client_id, institution_id, region_id, method, route, required_scope, outcome, status_code, target, detail)
          SELECT * FROM unnest(${column('occurredAt')}::timestamptz[], ${column('requestId')}::varchar[], ${column('clientId')}::varchar[], ${column('institutionId')}::uuid[],
                               ${column('regionId')}::uuid[], ${column('method')}::varchar[], ${column('route')}::varchar[], ${column('requiredScope')}::varchar[],
                               ${column('outcome')}::varchar[], ${column('statusCode')}::int[], ${targets}::jsonb[], ${details}::jsonb[])`,
    );
  }

  /** The last link of the hash chain, as the database keeps it. */
  async chainHead(): Promise<ChainLinkRow | undefined> {
    return queryOne<ChainLinkRow>(this.dataSource, sql`SELECT seq::text AS seq, hash FROM audit_chain_head`);
  }

  /**
   * Up to `limit` entries of the chain after `afterSeq` and up to `untilSeq`, each with the hash
   * its content has now, computed by the same function as the trigger's.
   */
  async chainLinks(afterSeq: string, untilSeq: string, limit: number): Promise<ChainEntryRow[]> {
    return query<ChainEntryRow>(
      this.dataSource,
      sql`SELECT entry.chain_seq::text AS seq, entry.id::text AS id, entry.prev_hash, entry.hash, audit_log_entry_hash(entry.prev_hash, entry) AS recomputed
            FROM audit_log entry
           WHERE entry.chain_seq > ${afterSeq}::bigint AND entry.chain_seq <= ${untilSeq}::bigint
           ORDER BY entry.chain_seq
           LIMIT ${limit}`,
    );
  }

  async list(scope: AuditScope, filter: { since?: Date; until?: Date }, limit: number, offset: number): Promise<{ items: AuditRow[]; total: number }> {
    // Explicit branches: a missing tenant id must never widen the query to every tenant.
    let tenant: Sql;
    if ('regionId' in scope) tenant = sql`region_id = ${scope.regionId}`;
    else if ('institutionId' in scope) tenant = sql`institution_id = ${scope.institutionId}`;
    else tenant = sql`TRUE`;
    const since = filter.since ? sql` AND occurred_at >= ${filter.since}` : empty;
    const until = filter.until ? sql` AND occurred_at < ${filter.until}` : empty;
    const where = sql`WHERE ${tenant}${since}${until}`;
    const [{ total }] = await query<{ total: number }>(this.dataSource, sql`SELECT count(*)::int AS total FROM audit_log ${where}`);
    const items = await query<AuditRow>(
      this.dataSource,
      sql`SELECT id::text AS id, occurred_at, request_id, client_id, institution_id, region_id, method, route, required_scope, outcome, status_code, target, detail
            FROM audit_log ${where}
           ORDER BY id DESC
           LIMIT ${limit} OFFSET ${offset}`,
    );
    return { items, total };
  }
}
