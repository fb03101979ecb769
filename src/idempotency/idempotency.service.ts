import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ProblemException } from 'src/common/problem';
import { IdempotencyRepository, StoredIdempotencyKey } from 'src/idempotency/idempotency.repository';
import { problem, ProblemType } from 'src/common/problems';

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

/** The key a request holds while it runs; storing its response or releasing it ends the claim. */
export interface IdempotencyClaim {
  clientId: string;
  key: string;
}

/** A transaction in which a request's changes and its stored response commit together. */
export interface IdempotentTransaction {
  readonly manager: EntityManager;
  commit(): Promise<void>;
  /** Rolls back; safe to call twice and after a failed commit. */
  rollback(): Promise<void>;
}

/** The fingerprint of a body that streams past: complete only once the body has been read. */
export interface StreamedFingerprint {
  /** The fingerprint of the whole body, once the work has read it. */
  digest(): string;
  /** Reads the body only to fingerprint it: the key was used before, so the work does not run. */
  readAll(): Promise<string>;
}

export interface IdempotentRequest<Tx extends IdempotentTransaction> {
  clientId: string;
  /** The parsed Idempotency-Key (see parseKey); undefined without one. */
  key: string | undefined;
  /** sha256 over method, route and body (see fingerprint), or one computed while the body streams. */
  fingerprint: string | StreamedFingerprint;
  /** Opens the transaction the work writes in. */
  openTransaction(): Promise<Tx>;
  /** Runs when the request failed, after the rollback and before the key is released. */
  afterRollback?(error: unknown): Promise<void>;
}

const keyProblem = (type: ProblemType, detail: string): ProblemException => problem(type, detail, [{ header: IDEMPOTENCY_HEADER, code: type, detail }]);

/**
 * Idempotency-Key handling for every write that takes one: same client + key + body → the stored
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
      throw keyProblem('invalid-idempotency-key', `${IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters.`);
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

  /**
   * The one unit of work of an idempotent write. With a key seen before, the stored response
   * is replayed (or 422 for another request) and `work` does not run; with a key in use, 409.
   * Otherwise `work` runs, opening the transaction through `transaction()` when it is ready to
   * write (an invalid request then never holds a connection); the response is stored in that
   * transaction, which commits. On failure the transaction rolls back and the key is released,
   * so that the client can retry with it.
   */
  async runIdempotent<Tx extends IdempotentTransaction, T>(request: IdempotentRequest<Tx>, work: (transaction: () => Promise<Tx>) => Promise<T>): Promise<IdempotentResponse<T>> {
    const { fingerprint } = request;
    let claim: IdempotencyClaim | undefined;
    if (request.key !== undefined) {
      const start = await this.claimOrInspect(request.clientId, request.key, typeof fingerprint === 'string' ? fingerprint : null);
      if (start.kind === 'stored') return this.replay(start.stored, typeof fingerprint === 'string' ? fingerprint : await fingerprint.readAll()) as IdempotentResponse<T>;
      claim = start.claim;
    }
    let opening: Promise<Tx> | undefined;
    const transaction = (): Promise<Tx> => (opening ??= request.openTransaction());
    try {
      const body = await work(transaction);
      const tx = await transaction();
      if (claim) {
        this.stopRenewing(claim);
        const digest = typeof fingerprint === 'string' ? fingerprint : fingerprint.digest();
        await this.repository.complete(tx.manager, claim.clientId, claim.key, digest, HttpStatus.OK, body, IDEMPOTENCY_TTL_SECONDS);
      }
      await tx.commit();
      return new IdempotentResponse(HttpStatus.OK, body, false);
    } catch (error) {
      try {
        const tx = await opening?.catch(() => undefined);
        await tx?.rollback();
        await request.afterRollback?.(error);
      } finally {
        await this.release(claim);
      }
      throw error;
    }
  }

  /** The stored response when the fingerprint matches; 422 when the key was used for another request. */
  private replay(stored: StoredIdempotencyKey, fingerprint: string): IdempotentResponse {
    if (stored.requestFingerprint !== fingerprint) {
      throw keyProblem(
        'idempotency-key-reused',
        `This ${IDEMPOTENCY_HEADER} was used for a different request (other route or body). Use a new key for a new request.`,
      );
    }
    return new IdempotentResponse(stored.responseStatus ?? 200, stored.responseBody, true);
  }

  /** Frees the key after a failed request (nothing was committed), so that a retry can use it. */
  private async release(claim: IdempotencyClaim | undefined): Promise<void> {
    if (!claim) return;
    this.stopRenewing(claim);
    try {
      await this.repository.release(claim.clientId, claim.key);
    } catch (error) {
      // The key then stays "in progress" until its lease ends; the client gets 409 until then.
      this.logger.warn({ err: error }, 'could not release an idempotency key');
    }
  }

  /** Renews the claim while its request runs; storing the response or releasing the key stops it. */
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
        throw keyProblem(
          'idempotency-key-in-use',
          `A request with this ${IDEMPOTENCY_HEADER} is still being processed. Retry when it has finished to get its response.`,
        );
      }
      return { kind: 'stored', stored };
    }
    throw keyProblem('idempotency-key-in-use', `This ${IDEMPOTENCY_HEADER} is in use by concurrent requests; retry shortly.`);
  }
}
