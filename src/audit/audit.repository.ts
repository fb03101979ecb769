import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditScope } from 'src/access/tenancy';
import { AuditEntryEntity } from 'src/audit/audit-entry.entity';
import { query, sql } from 'src/database/sql';

export type NewAuditEntry = Omit<AuditEntryEntity, 'id' | 'occurredAt'> & { occurredAt: Date };

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One multi-row insert for a batch of entries; in the caller's transaction when given its manager. */
  async append(entries: NewAuditEntry[], manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (entries.length === 0) return;
    const column = <K extends keyof NewAuditEntry>(key: K) => entries.map((entry) => entry[key]);
    await query(
      manager,
      sql`INSERT INTO audit_log (occurred_at, request_id, client_id, institution_id, region_id, method, route, required_scope, outcome, status_code, detail)
       SELECT * FROM unnest(${column('occurredAt')}::timestamptz[], ${column('requestId')}::varchar[], ${column('clientId')}::varchar[],
                            ${column('institutionId')}::uuid[], ${column('regionId')}::uuid[], ${column('method')}::varchar[], ${column('route')}::varchar[],
                            ${column('requiredScope')}::varchar[], ${column('outcome')}::varchar[], ${column('statusCode')}::int[],
                            ${entries.map((entry) => JSON.stringify(entry.detail))}::jsonb[])`,
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
