import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';

/** How many addresses or client ids the limits remember at most (the least recently seen go first). */
const REMEMBERED_KEYS = 100_000;
const WINDOW_MS = 60_000;
/** The longest wait of the back-off per client id. */
export const MAX_BACKOFF_SECONDS = 300;

/** Counts events per key in fixed one-minute windows. */
export class WindowCounter {
  private readonly windows = new LRUCache<string, { startedAt: number; count: number }>({ max: REMEMBERED_KEYS });

  constructor(private readonly limit: number) {}

  /** Counts one event; seconds until the window ends when the key is over its limit, else 0. */
  hit(key: string, now: number): number {
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    return window.count > this.limit ? secondsUntil(window.startedAt + WINDOW_MS, now) : 0;
  }
}

/**
 * Exponential back-off per key after failures in a row: the n-th failure beyond `freeFailures`
 * makes the key wait 2^(n−1) seconds, at most MAX_BACKOFF_SECONDS. A success forgets the key.
 */
export class FailureBackoff {
  private readonly failures = new LRUCache<string, { count: number; blockedUntil: number }>({ max: REMEMBERED_KEYS, ttl: 60 * 60_000 });

  constructor(private readonly freeFailures: number) {}

  /** Seconds the key must still wait before its next attempt; 0 when it may try. */
  waiting(key: string, now: number): number {
    const entry = this.failures.get(key);
    return entry && entry.blockedUntil > now ? secondsUntil(entry.blockedUntil, now) : 0;
  }

  fail(key: string, now: number): void {
    const entry = this.failures.get(key) ?? { count: 0, blockedUntil: 0 };
    entry.count++;
    const beyond = entry.count - this.freeFailures;
    if (beyond > 0) entry.blockedUntil = now + Math.min(2 ** (beyond - 1), MAX_BACKOFF_SECONDS) * 1000;
    this.failures.set(key, entry);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}

const secondsUntil = (at: number, now: number): number => Math.max(1, Math.ceil((at - now) / 1000));

/**
 * The limits on failed authentication, kept in this process's memory (each replica counts for
 * itself): requests that fail authentication, per address; token requests, per address; and a
 * back-off per client id after wrong secrets in a row. The per-client limit of the throttler
 * only sees callers that authenticated, so none of these would be limited without them.
 */
@Injectable()
export class AttemptLimits {
  private readonly authFailures: WindowCounter;
  private readonly tokenRequests: WindowCounter;
  private readonly clientBackoff: FailureBackoff;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.authFailures = new WindowCounter(config.authLimits.failuresPerMinute);
    this.tokenRequests = new WindowCounter(config.authLimits.tokenRequestsPerMinute);
    this.clientBackoff = new FailureBackoff(config.authLimits.tokenFailuresBeforeBackoff);
  }

  /** A request from this address failed authentication; seconds to wait when the address is over its limit, else 0. */
  authenticationFailed(address: string): number {
    return this.authFailures.hit(address, Date.now());
  }

  /** A token request from this address; seconds to wait when the address is over its limit, else 0. */
  tokenRequested(address: string): number {
    return this.tokenRequests.hit(address, Date.now());
  }

  /** Seconds this client id must wait before its secret is checked again; 0 when it may try. */
  clientWaiting(clientId: string): number {
    return this.clientBackoff.waiting(clientId, Date.now());
  }

  clientFailed(clientId: string): void {
    this.clientBackoff.fail(clientId, Date.now());
  }

  clientSucceeded(clientId: string): void {
    this.clientBackoff.succeed(clientId);
  }
}

/** Global: the access guard (the application's) and the token endpoint (auth) share one set of counts. */
@Global()
@Module({ providers: [AttemptLimits], exports: [AttemptLimits] })
export class AttemptLimitsModule {}
