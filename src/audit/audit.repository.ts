import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditScope } from 'src/access/tenancy';
import { AuditEntryEntity } from 'src/audit/audit-entry.entity';
import { AuditTarget } from 'src/audit/audit-target';

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

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One multi-row insert for a batch of entries; in the caller's transaction when given its manager. */
  async append(entries: NewAuditEntry[], manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (entries.length === 0) return;
    const column = <K extends keyof NewAuditEntry>(key: K) => entries.map((entry) => entry[key]);
    await manager.query(
      `INSERT INTO audit_log (occurred_at, request_id, client_id, institution_id, region_id, method, route, required_scope, outcome, status_code, target, detail)
       SELECT * FROM unnest($1::timestamptz[], $2::varchar[], $3::varchar[], $4::uuid[], $5::uuid[], $6::varchar[], $7::varchar[], $8::varchar[], $9::varchar[], $10::int[], $11::jsonb[], $12::jsonb[])`,
      [
        column('occurredAt'),
        column('requestId'),
        column('clientId'),
        column('institutionId'),
        column('regionId'),
        column('method'),
        column('route'),
        column('requiredScope'),
        column('outcome'),
        column('statusCode'),
        entries.map((entry) => JSON.stringify(entry.target ?? {})),
        entries.map((entry) => JSON.stringify(entry.detail)),
      ],
    );
  }

  /** The last link of the hash chain, as the database keeps it. */
  async chainHead(): Promise<ChainLinkRow | undefined> {
    const rows: ChainLinkRow[] = await this.dataSource.query(`SELECT seq::text AS seq, hash FROM audit_chain_head`);
    return rows[0];
  }

  /**
   * Up to `limit` entries of the chain after `afterSeq` and up to `untilSeq`, each with the hash
   * its content has now, computed by the same function as the trigger's.
   */
  async chainLinks(afterSeq: string, untilSeq: string, limit: number): Promise<ChainEntryRow[]> {
    return this.dataSource.query(
      `SELECT entry.chain_seq::text AS seq, entry.id::text AS id, entry.prev_hash, entry.hash, audit_log_entry_hash(entry.prev_hash, entry) AS recomputed
       FROM audit_log entry
       WHERE entry.chain_seq > $1::bigint AND entry.chain_seq <= $2::bigint
       ORDER BY entry.chain_seq
       LIMIT $3`,
      [afterSeq, untilSeq, limit],
    );
  }

  async list(scope: AuditScope, filter: { since?: Date; until?: Date }, limit: number, offset: number): Promise<{ items: AuditEntryEntity[]; total: number }> {
    const query = this.dataSource.getRepository(AuditEntryEntity).createQueryBuilder('entry');
    // Explicit branches: a missing tenant id must never widen the query to every tenant.
    if ('regionId' in scope) query.where('entry.region_id = :regionId', { regionId: scope.regionId });
    else if ('institutionId' in scope) query.where('entry.institution_id = :institutionId', { institutionId: scope.institutionId });
    else query.where('TRUE');
    if (filter.since) query.andWhere('entry.occurred_at >= :since', { since: filter.since });
    if (filter.until) query.andWhere('entry.occurred_at < :until', { until: filter.until });
    const [items, total] = await query.orderBy('entry.id', 'DESC').take(limit).skip(offset).getManyAndCount();
    return { items, total };
  }
}
