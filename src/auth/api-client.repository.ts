import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { DataSource, IsNull } from 'typeorm';
import { ApiClientEntity } from 'src/auth/api-client.entity';
import { isEmbedded } from 'src/database/data-source-options';
import { preparedReadsOf } from 'src/database/prepared-reads';
import { Queryable, queryOne, sql } from 'src/database/sql';
import { noteViewCounters, VIEW_COUNTER_COLUMNS, ViewCounterColumns, viewCountersOf } from 'src/database/view-counters';

/** What a request's authentication needs of its client: everything but the secret's hash. */
export type ActiveClient = Pick<ApiClientEntity, 'id' | 'clientId' | 'institutionId' | 'regionId' | 'scopes' | 'secretRotatedAt'>;

export interface ApiClientScope {
  institutionId?: string;
  regionId?: string;
}

@Injectable()
export class ApiClientRepository {
  /**
   * Active clients by client id, on the embedded database only. Its one session is held by a
   * running upload until it commits, and every authenticated request looks its client up: with
   * this, reads such as the upload's progress need no session. It is safe there because this
   * process is the only writer of api_clients (one process owns the data folder) and every write
   * below empties it; clients not yet seen are read from the database. On PostgreSQL other
   * processes (replicas, the admin command) change clients, so every lookup reads.
   */
  private readonly active: LRUCache<string, ApiClientEntity> | undefined;
  /** The per-request client read, prepared on PostgreSQL. */
  private readonly reads: Queryable;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.active = isEmbedded(dataSource) ? new LRUCache<string, ApiClientEntity>({ max: 10_000 }) : undefined;
    this.reads = preparedReadsOf(dataSource.manager);
  }

  private get repository() {
    return this.dataSource.getRepository(ApiClientEntity);
  }

  findByClientId(clientId: string): Promise<ApiClientEntity | null> {
    return this.repository.findOne({ where: { clientId } });
  }

  async findActiveByClientId(clientId: string): Promise<ApiClientEntity | null> {
    const known = this.active?.get(clientId);
    if (known) return { ...known };
    const client = await this.repository.findOne({ where: { clientId, revokedAt: IsNull() } });
    if (client) this.active?.set(clientId, { ...client });
    return client;
  }

  /**
   * The active client of an authenticated request. On PostgreSQL its current row and, in the same
   * statement, the view counters, which a view served to this request is checked against
   * (`noteViewCounters`): one round trip instead of two. On the embedded database the kept client.
   */
  async findActiveForRequest(clientId: string): Promise<ActiveClient | null> {
    if (this.active) return this.findActiveByClientId(clientId);
    return this.findActiveWithViewCounters(clientId);
  }

  /** The active client by client id (null if none) with the view counters, which it notes for the request. */
  async findActiveWithViewCounters(clientId: string): Promise<ActiveClient | null> {
    const row = await queryOne<ViewCounterColumns & { [K in keyof ActiveClient]: ActiveClient[K] | null }>(
      this.reads,
      sql`SELECT ${VIEW_COUNTER_COLUMNS}, c.id, c.client_id AS "clientId", c.institution_id AS "institutionId", c.region_id AS "regionId",
                 c.scopes, c.secret_rotated_at AS "secretRotatedAt"
            FROM (SELECT 1) AS one LEFT JOIN api_clients c ON c.client_id = ${clientId} AND c.revoked_at IS NULL`,
    );
    noteViewCounters(viewCountersOf(row!));
    const { id, clientId: found, institutionId, regionId, scopes, secretRotatedAt } = row!;
    if (id === null || found === null || scopes === null || secretRotatedAt === null) return null;
    return { id, clientId: found, institutionId, regionId, scopes, secretRotatedAt: new Date(secretRotatedAt) };
  }

  findById(id: string): Promise<ApiClientEntity | null> {
    return this.repository.findOne({ where: { id } });
  }

  async list(limit: number, offset: number): Promise<{ items: ApiClientEntity[]; total: number }> {
    const [items, total] = await this.repository.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, take: limit, skip: offset });
    return { items, total };
  }

  create(client: Omit<ApiClientEntity, 'id' | 'createdAt' | 'revokedAt' | 'institution' | 'region'>): Promise<ApiClientEntity> {
    return this.repository.save(this.repository.create({ ...client, revokedAt: null }));
  }

  async updateSecret(id: string, secretHash: string, rotatedAt: Date): Promise<void> {
    await this.repository.update({ id }, { secretHash, secretRotatedAt: rotatedAt });
    this.active?.clear();
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.repository.update({ id, revokedAt: IsNull() }, { revokedAt: at });
    this.active?.clear();
  }

  async updateScopes(id: string, scopes: string[]): Promise<void> {
    await this.repository.update({ id }, { scopes });
    this.active?.clear();
  }
}
