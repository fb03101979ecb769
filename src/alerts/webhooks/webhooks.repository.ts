import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { WebhookOwner } from 'src/access/tenancy';
import { DeliveryStatus, WebhookOwnerKind } from 'src/alerts/webhooks/webhook.entity';
import { affectedOf, rowsOf } from 'src/database/sql-result';

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

const WEBHOOK_SELECT = `
SELECT w.id, w.owner_kind AS "ownerKind", w.region_id AS "regionId", w.institution_id AS "institutionId", r.code AS "regionCode", i.brin,
       w.url, w.description, w.types, w.created_at AS "createdAt"
  FROM webhooks w LEFT JOIN regions r ON r.id = w.region_id LEFT JOIN institutions i ON i.id = w.institution_id`;

@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private ownerCondition(owner: WebhookOwner, firstParameter: number): { sql: string; params: unknown[] } {
    switch (owner.kind) {
      case 'region':
        return { sql: `w.owner_kind = 'region' AND w.region_id = $${firstParameter}`, params: [owner.regionId] };
      case 'institution':
        return { sql: `w.owner_kind = 'institution' AND w.institution_id = $${firstParameter}`, params: [owner.institutionId] };
    }
  }

  async create(owner: WebhookOwner, values: { url: string; description: string; types: string[]; secret: string; createdByClientId: string }): Promise<WebhookRow> {
    const [row]: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO webhooks (owner_kind, region_id, institution_id, url, description, types, secret, created_by_client_id)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8) RETURNING id`,
      [owner.kind, owner.kind === 'region' ? owner.regionId : null, owner.kind === 'institution' ? owner.institutionId : null, values.url, values.description, values.types, values.secret, values.createdByClientId],
    );
    return (await this.findForOwner(row.id, owner))!;
  }

  async countForOwner(owner: WebhookOwner): Promise<number> {
    const condition = this.ownerCondition(owner, 1);
    const [{ total }]: Array<{ total: string }> = await this.dataSource.query(`SELECT count(*) AS total FROM webhooks w WHERE ${condition.sql}`, condition.params);
    return Number(total);
  }

  async listForOwner(owner: WebhookOwner, limit: number, offset: number): Promise<{ items: WebhookRow[]; total: number }> {
    const condition = this.ownerCondition(owner, 1);
    const items: WebhookRow[] = await this.dataSource.query(`${WEBHOOK_SELECT} WHERE ${condition.sql} ORDER BY w.created_at, w.id LIMIT $2 OFFSET $3`, [...condition.params, limit, offset]);
    return { items, total: await this.countForOwner(owner) };
  }

  async findForOwner(id: string, owner: WebhookOwner): Promise<WebhookRow | null> {
    const condition = this.ownerCondition(owner, 2);
    const [row]: WebhookRow[] = await this.dataSource.query(`${WEBHOOK_SELECT} WHERE w.id = $1 AND ${condition.sql}`, [id, ...condition.params]);
    return row ?? null;
  }

  async deleteForOwner(id: string, owner: WebhookOwner): Promise<boolean> {
    const condition = this.ownerCondition(owner, 2);
    const result: unknown = await this.dataSource.query(`DELETE FROM webhooks w WHERE w.id = $1 AND ${condition.sql}`, [id, ...condition.params]);
    return affectedOf(result) > 0;
  }

  /** Webhooks that may hear about alerts of a region: its coordinators' and those of the given member institutions. */
  async forRegion(manager: EntityManager, regionId: string, memberIds: string[]): Promise<Array<Pick<WebhookRow, 'id' | 'ownerKind' | 'regionId' | 'institutionId' | 'types'>>> {
    return manager.query(
      `SELECT w.id, w.owner_kind AS "ownerKind", w.region_id AS "regionId", w.institution_id AS "institutionId", w.types
         FROM webhooks w
        WHERE (w.owner_kind = 'region' AND w.region_id = $1)
           OR (w.owner_kind = 'institution' AND w.institution_id = ANY($2::uuid[]))`,
      [regionId, memberIds],
    );
  }

  async insertDeliveries(manager: EntityManager, deliveries: NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await manager.query(
      `INSERT INTO webhook_deliveries (id, webhook_id, alert_id, event, body)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[])`,
      [deliveries.map((item) => item.id), deliveries.map((item) => item.webhookId), deliveries.map((item) => item.alertId), deliveries.map((item) => item.event), deliveries.map((item) => item.body)],
    );
  }

  async deliveries(webhookId: string, limit: number, offset: number): Promise<{ items: DeliveryRow[]; total: number }> {
    const items: DeliveryRow[] = await this.dataSource.query(
      `SELECT id, event, alert_id AS "alertId", status, attempts, last_status_code AS "lastStatusCode", last_error AS "lastError",
              CASE WHEN status = 'pending' THEN next_attempt_at END AS "nextAttemptAt", last_attempt_at AS "lastAttemptAt",
              delivered_at AS "deliveredAt", created_at AS "createdAt"
         FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
      [webhookId, limit, offset],
    );
    const [{ total }]: Array<{ total: string }> = await this.dataSource.query(`SELECT count(*) AS total FROM webhook_deliveries WHERE webhook_id = $1`, [webhookId]);
    return { items, total: Number(total) };
  }

  /**
   * Takes due deliveries for an attempt. The attempt is counted and the delivery leased (its next
   * attempt moved `leaseMs` ahead), so a worker that dies mid-attempt only delays it; several
   * workers never take the same delivery (SKIP LOCKED).
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const result: unknown = await this.dataSource.query(
      `WITH due AS (
         SELECT id FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at, id
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       )
       UPDATE webhook_deliveries d
          SET attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
         FROM due, webhooks w
        WHERE d.id = due.id AND w.id = d.webhook_id
       RETURNING d.id, d.webhook_id AS "webhookId", w.url, w.secret, d.event, d.body, d.attempts`,
      [limit, leaseMs],
    );
    return rowsOf<ClaimedDelivery>(result);
  }

  async markDelivered(id: string, statusCode: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), last_status_code = $2, last_error = NULL WHERE id = $1`,
      [id, statusCode],
    );
  }

  /** A failed attempt: retried at `retryAt`, or failed for good when `retryAt` is null. */
  async markAttemptFailed(id: string, statusCode: number | null, error: string, retryAt: Date | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries
          SET status = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
              next_attempt_at = COALESCE($4::timestamptz, next_attempt_at),
              last_status_code = $2, last_error = $3
        WHERE id = $1`,
      [id, statusCode, error.slice(0, 500), retryAt],
    );
  }
}
