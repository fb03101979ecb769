import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { IdempotencyState } from 'src/idempotency/idempotency-key.entity';
import { execute, query, queryOne, sql } from 'src/database/sql';

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
    const inserted = await query(
      this.dataSource,
      sql`INSERT INTO idempotency_keys (client_id, key, request_fingerprint, state, expires_at)
       VALUES (${clientId}, ${key}, ${fingerprint}, 'in_progress', now() + make_interval(secs => ${ttlSeconds}))
       ON CONFLICT (client_id, key) DO NOTHING
       RETURNING key`,
    );
    if (inserted.length > 0) return true;
    const takenOver = await execute(
      this.dataSource,
      sql`UPDATE idempotency_keys
          SET request_fingerprint = ${fingerprint}, state = 'in_progress', response_status = NULL, response_body = NULL,
              created_at = now(), expires_at = now() + make_interval(secs => ${ttlSeconds})
        WHERE client_id = ${clientId} AND key = ${key}
          AND (expires_at < now() OR (state = 'in_progress' AND created_at < now() - make_interval(secs => ${leaseSeconds})))`,
    );
    return takenOver > 0;
  }

  async find(clientId: string, key: string): Promise<StoredIdempotencyKey | undefined> {
    return queryOne(
      this.dataSource,
      sql`SELECT state, request_fingerprint AS "requestFingerprint", response_status AS "responseStatus", response_body AS "responseBody"
         FROM idempotency_keys WHERE client_id = ${clientId} AND key = ${key}`,
    );
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
    await execute(
      manager,
      sql`UPDATE idempotency_keys
          SET state = 'done', request_fingerprint = ${fingerprint}, response_status = ${status}, response_body = ${JSON.stringify(body)}::jsonb,
              expires_at = now() + make_interval(secs => ${ttlSeconds})
        WHERE client_id = ${clientId} AND key = ${key}`,
    );
  }

  /** Keeps a running request's claim alive (see IDEMPOTENCY_RENEW_MS); a finished key is left alone. */
  async renew(clientId: string, key: string): Promise<void> {
    await execute(this.dataSource, sql`UPDATE idempotency_keys SET created_at = now() WHERE client_id = ${clientId} AND key = ${key} AND state = 'in_progress'`);
  }

  /** Frees a key whose request failed, so that the client can retry with it. */
  async release(clientId: string, key: string): Promise<void> {
    await execute(this.dataSource, sql`DELETE FROM idempotency_keys WHERE client_id = ${clientId} AND key = ${key} AND state = 'in_progress'`);
  }

  /** Removes a client's expired keys. */
  async purgeExpired(clientId: string): Promise<number> {
    return execute(this.dataSource, sql`DELETE FROM idempotency_keys WHERE client_id = ${clientId} AND expires_at < now()`);
  }
}
