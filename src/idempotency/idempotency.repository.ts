import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { IdempotencyState } from 'src/idempotency/idempotency-key.entity';
import { affectedOf } from 'src/database/sql-result';

export interface StoredIdempotencyKey {
  state: IdempotencyState;
  requestFingerprint: string | null;
  responseStatus: number | null;
  responseBody: unknown;
}

@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the key for this request: a new key, an expired one, or one whose request was
   * abandoned (in progress, and its claim not renewed for `leaseSeconds`: the process died). Committed on its own, so that a
   * concurrent request with the same key sees it at once. Returns false when the key is taken.
   */
  async claim(clientId: string, key: string, fingerprint: string | null, ttlSeconds: number, leaseSeconds: number): Promise<boolean> {
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_keys (client_id, key, request_fingerprint, state, expires_at)
       VALUES ($1, $2, $3, 'in_progress', now() + make_interval(secs => $4))
       ON CONFLICT (client_id, key) DO NOTHING
       RETURNING key`,
      [clientId, key, fingerprint, ttlSeconds],
    );
    if (inserted.length > 0) return true;
    const takenOver: unknown = await this.dataSource.query(
      `UPDATE idempotency_keys
          SET request_fingerprint = $3, state = 'in_progress', response_status = NULL, response_body = NULL,
              created_at = now(), expires_at = now() + make_interval(secs => $4)
        WHERE client_id = $1 AND key = $2
          AND (expires_at < now() OR (state = 'in_progress' AND created_at < now() - make_interval(secs => $5)))`,
      [clientId, key, fingerprint, ttlSeconds, leaseSeconds],
    );
    return affectedOf(takenOver) > 0;
  }

  async find(clientId: string, key: string): Promise<StoredIdempotencyKey | undefined> {
    const rows: StoredIdempotencyKey[] = await this.dataSource.query(
      `SELECT state, request_fingerprint AS "requestFingerprint", response_status AS "responseStatus", response_body AS "responseBody"
         FROM idempotency_keys WHERE client_id = $1 AND key = $2`,
      [clientId, key],
    );
    return rows[0];
  }

  /** Stores the response in the transaction that commits the request's changes. */
  async complete(
    manager: EntityManager,
    clientId: string,
    key: string,
    fingerprint: string,
    status: number,
    body: unknown,
    ttlSeconds: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE idempotency_keys
          SET state = 'done', request_fingerprint = $3, response_status = $4, response_body = $5::jsonb,
              expires_at = now() + make_interval(secs => $6)
        WHERE client_id = $1 AND key = $2`,
      [clientId, key, fingerprint, status, JSON.stringify(body), ttlSeconds],
    );
  }

  /** Keeps a running request's claim alive (see IDEMPOTENCY_RENEW_MS); a finished key is left alone. */
  async renew(clientId: string, key: string): Promise<void> {
    await this.dataSource.query(`UPDATE idempotency_keys SET created_at = now() WHERE client_id = $1 AND key = $2 AND state = 'in_progress'`, [clientId, key]);
  }

  /** Frees a key whose request failed, so that the client can retry with it. */
  async release(clientId: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE client_id = $1 AND key = $2 AND state = 'in_progress'`, [clientId, key]);
  }

  /** Removes a client's expired keys. */
  async purgeExpired(clientId: string): Promise<number> {
    return affectedOf(await this.dataSource.query(`DELETE FROM idempotency_keys WHERE client_id = $1 AND expires_at < now()`, [clientId]));
  }
}
