import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { WebhookOwner } from 'src/access/tenancy';
import { DeliveryStatus, WebhookOwnerKind } from 'src/alerts/webhooks/webhook.entity';
import { execute, param, query, queryOne, Sql, sql } from 'src/database/sql';

export interface WebhookRow {
  id: string;
  ownerKind: WebhookOwnerKind;
  regionId: string | null;
  institutionId: string | null;
  regionCode: string | null;
  brin: string | null;
  url: string;
  description: string;
  types: string[];
  createdAt: Date;
}

export interface DeliveryRow {
  id: string;
  event: string;
  alertId: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface NewDelivery {
  id: string;
  webhookId: string;
  alertId: string;
  event: string;
  body: string;
}

/** A delivery taken for an attempt, with what is needed to send it. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  url: string;
  secret: string;
  event: string;
  body: string;
  attempts: number;
}

const WEBHOOK_SELECT = sql`
SELECT w.id, w.owner_kind AS "ownerKind", w.region_id AS "regionId", w.institution_id AS "institutionId", r.code AS "regionCode", i.brin,
       w.url, w.description, w.types, w.created_at AS "createdAt"
  FROM webhooks w LEFT JOIN regions r ON r.id = w.region_id LEFT JOIN institutions i ON i.id = w.institution_id`;

/** The webhooks one owner (a region's coordinators or an institution) holds. */
function ownedBy(owner: WebhookOwner): Sql {
  switch (owner.kind) {
    case 'region':
      return sql`w.owner_kind = 'region' AND w.region_id = ${owner.regionId}`;
    case 'institution':
      return sql`w.owner_kind = 'institution' AND w.institution_id = ${owner.institutionId}`;
  }
}

@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(owner: WebhookOwner, values: { url: string; description: string; types: string[]; secret: string; createdByClientId: string }): Promise<WebhookRow> {
    const regionId = owner.kind === 'region' ? owner.regionId : null;
    const institutionId = owner.kind === 'institution' ? owner.institutionId : null;
    const row = await queryOne<{ id: string }>(
      this.dataSource,
      sql`INSERT INTO webhooks (owner_kind, region_id, institution_id, url, description, types, secret, created_by_client_id)
          VALUES (${owner.kind}, ${regionId}, ${institutionId}, ${values.url}, ${values.description}, ${values.types}::text[], ${values.secret}, ${values.createdByClientId})
          RETURNING id`,
    );
    return (await this.findForOwner(row!.id, owner))!;
  }

  async countForOwner(owner: WebhookOwner): Promise<number> {
    const counted = await queryOne<{ total: string }>(this.dataSource, sql`SELECT count(*) AS total FROM webhooks w WHERE ${ownedBy(owner)}`);
    return Number(counted?.total ?? 0);
  }

  async listForOwner(owner: WebhookOwner, limit: number, offset: number): Promise<{ items: WebhookRow[]; total: number }> {
    const items = await query<WebhookRow>(this.dataSource, sql`${WEBHOOK_SELECT} WHERE ${ownedBy(owner)} ORDER BY w.created_at, w.id LIMIT ${limit} OFFSET ${offset}`);
    return { items, total: await this.countForOwner(owner) };
  }

  async findForOwner(id: string, owner: WebhookOwner): Promise<WebhookRow | null> {
    return (await queryOne<WebhookRow>(this.dataSource, sql`${WEBHOOK_SELECT} WHERE w.id = ${id} AND ${ownedBy(owner)}`)) ?? null;
  }

  async deleteForOwner(id: string, owner: WebhookOwner): Promise<boolean> {
    return (await execute(this.dataSource, sql`DELETE FROM webhooks w WHERE w.id = ${id} AND ${ownedBy(owner)}`)) > 0;
  }

  /** Webhooks that may hear about alerts of a region: its coordinators' and those of the given member institutions. */
  async forRegion(manager: EntityManager, regionId: string, memberIds: string[]): Promise<Array<Pick<WebhookRow, 'id' | 'ownerKind' | 'regionId' | 'institutionId' | 'types'>>> {
    return query(
      manager,
      sql`SELECT w.id, w.owner_kind AS "ownerKind", w.region_id AS "regionId", w.institution_id AS "institutionId", w.types
            FROM webhooks w
           WHERE (w.owner_kind = 'region' AND w.region_id = ${regionId})
              OR (w.owner_kind = 'institution' AND w.institution_id = ANY(${memberIds}::uuid[]))`,
    );
  }

  async insertDeliveries(manager: EntityManager, deliveries: NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const column = <K extends keyof NewDelivery>(key: K): Array<NewDelivery[K]> => deliveries.map((item) => item[key]);
    await execute(
      manager,
      sql`INSERT INTO webhook_deliveries (id, webhook_id, alert_id, event, body)
          SELECT * FROM unnest(${column('id')}::uuid[], ${column('webhookId')}::uuid[], ${column('alertId')}::uuid[], ${column('event')}::text[], ${column('body')}::text[])`,
    );
  }

  async deliveries(webhookId: string, limit: number, offset: number): Promise<{ items: DeliveryRow[]; total: number }> {
    const items = await query<DeliveryRow>(
      this.dataSource,
      sql`SELECT id, event, alert_id AS "alertId", status, attempts, last_status_code AS "lastStatusCode", last_error AS "lastError",
                 CASE WHEN status = 'pending' THEN next_attempt_at END AS "nextAttemptAt", last_attempt_at AS "lastAttemptAt",
                 delivered_at AS "deliveredAt", created_at AS "createdAt"
            FROM webhook_deliveries WHERE webhook_id = ${webhookId} ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`,
    );
    const counted = await queryOne<{ total: string }>(this.dataSource, sql`SELECT count(*) AS total FROM webhook_deliveries WHERE webhook_id = ${webhookId}`);
    return { items, total: Number(counted?.total ?? 0) };
  }

  /**
   * Takes due deliveries for an attempt. The attempt is counted and the delivery leased (its next
   * attempt moved `leaseMs` ahead), so a worker that dies mid-attempt only delays it; several
   * workers never take the same delivery (SKIP LOCKED).
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return query<ClaimedDelivery>(
      this.dataSource,
      sql`WITH due AS (
            SELECT id FROM webhook_deliveries
             WHERE status = 'pending' AND next_attempt_at <= now()
             ORDER BY next_attempt_at, id
             LIMIT ${limit}
             FOR UPDATE SKIP LOCKED
          )
          UPDATE webhook_deliveries d
             SET attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + make_interval(secs => ${leaseMs}::double precision / 1000)
            FROM due, webhooks w
           WHERE d.id = due.id AND w.id = d.webhook_id
          RETURNING d.id, d.webhook_id AS "webhookId", w.url, w.secret, d.event, d.body, d.attempts`,
    );
  }

  async markDelivered(id: string, statusCode: number): Promise<void> {
    await execute(
      this.dataSource,
      sql`UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), last_status_code = ${statusCode}, last_error = NULL WHERE id = ${id}`,
    );
  }

  /** A failed attempt: retried at `retryAt`, or failed for good when `retryAt` is null. */
  async markAttemptFailed(id: string, statusCode: number | null, error: string, retryAt: Date | null): Promise<void> {
    const retry = param(retryAt);
    await execute(
      this.dataSource,
      sql`UPDATE webhook_deliveries
             SET status = CASE WHEN ${retry}::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
                 next_attempt_at = COALESCE(${retry}::timestamptz, next_attempt_at),
                 last_status_code = ${statusCode}, last_error = ${error.slice(0, 500)}
           WHERE id = ${id}`,
    );
  }
}
