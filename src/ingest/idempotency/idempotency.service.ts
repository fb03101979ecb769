import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ProblemException } from 'src/common/problem';
import { IdempotencyRepository, StoredIdempotencyKey } from 'src/ingest/idempotency/idempotency.repository';

/** Keys are kept for 24 hours after the response (the minimum the API promises). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/**
 * A running request renews its claim on a key this often (the claim's `created_at`), so that a
 * claim outlives its request only when the process died (a crash, kill -9, a lost machine).
 */
export const IDEMPOTENCY_RENEW_MS = 5_000;
/** A key still "in progress" whose claim was not renewed for this long belongs to a request that died; it may be reused. */
export const IDEMPOTENCY_LEASE_SECONDS = 30;
/** Renewal stops after this long in any case (longer than any request may take). */
const RENEW_AT_MOST_MS = 2 * 60 * 60_000;

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** A response to send: the controller's interceptor sets the status and the replay header. */
export class IdempotentResponse<T = unknown> {
  constructor(
    readonly status: number,
    readonly body: T,
    readonly replayed: boolean,
  ) {}
}

/** The key a request holds while it runs; `complete` or `release` ends it. */
export interface IdempotencyClaim {
  clientId: string;
  key: string;
}

export type IdempotencyStart =
  | { kind: 'none' }
  | { kind: 'owned'; claim: IdempotencyClaim }
  | { kind: 'replay'; response: IdempotentResponse };

/** For a streamed body: its fingerprint is known only after reading it. */
export type StreamedIdempotencyStart =
  | { kind: 'none' }
  | { kind: 'owned'; claim: IdempotencyClaim }
  | { kind: 'stored'; stored: StoredIdempotencyKey };

const problem = (status: HttpStatus, type: string, title: string, detail: string): ProblemException =>
  new ProblemException(status, type, title, detail, [{ header: IDEMPOTENCY_HEADER, code: type, detail }]);

/**
 * Idempotency-Key handling for every ingest write: same client + key + body → the stored
 * response again (no new rows); same key with another body → 422; the key still in use by a
 * running request → 409. The response is stored in the transaction that commits the changes,
 * so a key is "done" exactly when its rows are.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  /** Renewal timers of the claims this process holds. */
  private readonly renewals = new Map<IdempotencyClaim, NodeJS.Timeout>();

  constructor(private readonly repository: IdempotencyRepository) {}

  /** The header's value, or undefined without one; a malformed key is a 400. */
  parseKey(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !KEY_PATTERN.test(value)) {
      throw problem(HttpStatus.BAD_REQUEST, 'invalid-idempotency-key', 'Invalid request', `${IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters.`);
    }
    return value;
  }

  /** sha256 over method, route and body. */
  fingerprint(method: string, route: string, body: string | Buffer): string {
    return createHash('sha256').update(`${method} ${route}\n`).update(body).digest('hex');
  }

  /** A fingerprint computed incrementally, for a body that streams past. */
  streamingFingerprint(method: string, route: string): { update(chunk: Buffer): void; digest(): string } {
    const hash = createHash('sha256').update(`${method} ${route}\n`);
    return { update: (chunk) => void hash.update(chunk), digest: () => hash.digest('hex') };
  }

  async begin(clientId: string, key: string | undefined, fingerprint: string): Promise<IdempotencyStart> {
    if (key === undefined) return { kind: 'none' };
    const start = await this.claimOrInspect(clientId, key, fingerprint);
    if (start.kind === 'owned') return start;
    return { kind: 'replay', response: this.replay(start.stored, fingerprint) };
  }

  async beginStreamed(clientId: string, key: string | undefined): Promise<StreamedIdempotencyStart> {
    if (key === undefined) return { kind: 'none' };
    return this.claimOrInspect(clientId, key, null);
  }

  /** The stored response when the fingerprint matches; 422 when the key was used for another request. */
  replay(stored: StoredIdempotencyKey, fingerprint: string): IdempotentResponse {
    if (stored.requestFingerprint !== fingerprint) {
      throw problem(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'idempotency-key-reused',
        'Unprocessable content',
        `This ${IDEMPOTENCY_HEADER} was used for a different request (other route or body). Use a new key for a new request.`,
      );
    }
    return new IdempotentResponse(stored.responseStatus ?? 200, stored.responseBody, true);
  }

  /** Stores the response; call inside the transaction that commits the request's changes. */
  async complete(manager: EntityManager, claim: IdempotencyClaim | undefined, fingerprint: string, status: number, body: unknown): Promise<void> {
    if (!claim) return;
    this.stopRenewing(claim);
    await this.repository.complete(manager, claim.clientId, claim.key, fingerprint, status, body, IDEMPOTENCY_TTL_SECONDS);
  }

  /** Frees the key after a failed request (nothing was committed), so that a retry can use it. */
  async release(claim: IdempotencyClaim | undefined): Promise<void> {
    if (!claim) return;
    this.stopRenewing(claim);
    try {
      await this.repository.release(claim.clientId, claim.key);
    } catch (error) {
      // The key then stays "in progress" until its lease ends; the client gets 409 until then.
      this.logger.warn({ err: error }, 'could not release an idempotency key');
    }
  }

  /** Renews the claim while its request runs; `complete` or `release` stops it. */
  private keepRenewing(claim: IdempotencyClaim): void {
    const started = Date.now();
    let busy = false;
    const timer = setInterval(() => {
      if (Date.now() - started > RENEW_AT_MOST_MS) return this.stopRenewing(claim);
      if (busy) return;
      busy = true;
      this.repository
        .renew(claim.clientId, claim.key)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'could not renew an idempotency key'))
        .finally(() => {
          busy = false;
        });
    }, IDEMPOTENCY_RENEW_MS);
    timer.unref();
    this.renewals.set(claim, timer);
  }

  private stopRenewing(claim: IdempotencyClaim): void {
    const timer = this.renewals.get(claim);
    if (timer) clearInterval(timer);
    this.renewals.delete(claim);
  }

  private async claimOrInspect(
    clientId: string,
    key: string,
    fingerprint: string | null,
  ): Promise<{ kind: 'owned'; claim: IdempotencyClaim } | { kind: 'stored'; stored: StoredIdempotencyKey }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.repository.claim(clientId, key, fingerprint, IDEMPOTENCY_TTL_SECONDS, IDEMPOTENCY_LEASE_SECONDS)) {
        if (attempt === 0) void this.repository.purgeExpired(clientId).catch(() => undefined);
        const claim = { clientId, key };
        this.keepRenewing(claim);
        return { kind: 'owned', claim };
      }
      const stored = await this.repository.find(clientId, key);
      // Released between the two statements: try to claim it again.
      if (!stored) continue;
      if (stored.state === 'in_progress') {
        throw problem(
          HttpStatus.CONFLICT,
          'idempotency-key-in-use',
          'Conflict',
          `A request with this ${IDEMPOTENCY_HEADER} is still being processed. Retry when it has finished to get its response.`,
        );
      }
      return { kind: 'stored', stored };
    }
    throw problem(HttpStatus.CONFLICT, 'idempotency-key-in-use', 'Conflict', `This ${IDEMPOTENCY_HEADER} is in use by concurrent requests; retry shortly.`);
  }
}
