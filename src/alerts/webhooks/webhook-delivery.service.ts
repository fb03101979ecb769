import { Inject, Injectable } from '@nestjs/common';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from 'src/alerts/webhooks/signature';
import { checkWebhookUrl, Resolver, WEBHOOK_RESOLVER } from 'src/alerts/webhooks/url-policy';
import { ClaimedDelivery, WebhooksRepository } from 'src/alerts/webhooks/webhooks.repository';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { PollingWorker } from 'src/jobs/polling-worker';

/** Attempts per delivery before it is marked failed. */
export const MAX_DELIVERY_ATTEMPTS = 10;
/** First retry after a minute, doubling, at most six hours apart (≈ 8.5 hours in all). */
export const RETRY_BASE_MS = 60_000;
export const RETRY_MAX_MS = 6 * 60 * 60_000;
/** Per request: connect, send and receive the status line. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** A claimed delivery is retried after this if its worker vanished. */
const LEASE_MS = 2 * 60_000;
const BATCH = 20;

/** Delay before attempt `attempts + 1`, with ±10% jitter so that retries of many deliveries spread out. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.9 + 0.2 * random()));
}

export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/**
 * Sends queued webhook deliveries: JSON POST with Doorstroom-Timestamp and
 * Doorstroom-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>. A 2xx answer is
 * delivered; anything else (including redirects, which are not followed, and timeouts) is retried
 * with exponential backoff. The URL policy is checked again before every attempt, because what a
 * host name resolves to can change after registration.
 */
@Injectable()
export class WebhookDeliveryService extends PollingWorker {
  constructor(
    private readonly repository: WebhooksRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_RESOLVER) private readonly resolver: Resolver,
  ) {
    super();
  }

  protected get enabled(): boolean {
    return this.config.worker.enabled;
  }

  protected get pollMs(): number {
    return Math.max(this.config.worker.pollMs, 1_000);
  }

  // A delivery's claim is a lease (its next attempt moved LEASE_MS ahead): one whose worker died
  // becomes due again by itself, so there is nothing to put back.
  protected async recover(): Promise<void> {}

  protected drain(stop: () => boolean): Promise<number> {
    return this.runPending(stop);
  }

  /**
   * Attempts every due delivery until none is left or `stop` says so (checked before each claim);
   * returns the number of attempts made.
   */
  async runPending(stop: () => boolean = () => this.stopping): Promise<number> {
    let attempts = 0;
    for (;;) {
      if (stop()) return attempts;
      const claimed = await this.repository.claimDue(BATCH, LEASE_MS);
      if (claimed.length === 0) return attempts;
      await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
      attempts += claimed.length;
    }
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await this.send(delivery);
    if (outcome.ok) {
      await this.repository.markDelivered(delivery.id, outcome.statusCode ?? 200);
      return;
    }
    const retryAt = delivery.attempts >= MAX_DELIVERY_ATTEMPTS ? null : new Date(Date.now() + retryDelayMs(delivery.attempts));
    await this.repository.markAttemptFailed(delivery.id, outcome.statusCode, outcome.error ?? 'failed', retryAt);
    this.logger.warn({ delivery: delivery.id, webhook: delivery.webhookId, attempts: delivery.attempts, statusCode: outcome.statusCode, error: outcome.error, givingUp: retryAt === null }, 'webhook delivery failed');
  }

  private async send(delivery: ClaimedDelivery): Promise<AttemptOutcome> {
    const verdict = await checkWebhookUrl(delivery.url, { env: this.config.env, resolve: this.resolver });
    if (!verdict.allowed) return { ok: false, statusCode: null, error: `URL refused: ${verdict.detail}` };
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const response = await fetch(verdict.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Doorstroom-Webhooks/1',
          'Doorstroom-Event': delivery.event,
          'Doorstroom-Delivery': delivery.id,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(delivery.secret, timestamp, delivery.body),
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      // The answer's body is not needed; do not keep the connection busy reading it.
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status, error: null };
      return { ok: false, statusCode: response.status, error: response.status >= 300 && response.status < 400 ? 'redirects are not followed' : `HTTP ${response.status}` };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const message = name === 'TimeoutError' ? `no answer within ${DELIVERY_TIMEOUT_MS} ms` : error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      return { ok: false, statusCode: null, error: message };
    }
  }
}
