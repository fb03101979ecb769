import { HttpException, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { buildDataSourceOptions } from 'src/database/data-source-options';
import { isStalePlan, preparedReadsOf, releaseConnection } from 'src/database/prepared-reads';
import { query, Queryable, sql } from 'src/database/sql';

/** DATABASE_READ_URL and how the replica is used (null: no replica, every read goes to the primary). */
export interface ReplicaSettings {
  url: string;
  /** How long a read waits for the replica to catch up before it reads the primary. */
  waitMs: number;
  /** How long a failed or lagging replica is left alone. */
  retryMs: number;
  poolSize: number;
  statementTimeoutMs: number;
  entities: Function[];
}

export const REPLICA_SETTINGS = Symbol('REPLICA_SETTINGS');

/** `up`: used; `down`: it failed, reads go to the primary until retried; `behind`: it did not catch up in time. */
export type ReplicaState = 'off' | 'up' | 'down' | 'behind';

export type FallbackReason = 'down' | 'behind' | 'failed';

export interface ReplicaStatus {
  state: ReplicaState;
  /** Since when the replica has been `down` or `behind`, and when it is tried again. */
  since?: string;
  retryAt?: string;
  lastError?: string;
  /** Reads answered by the replica, by the primary after a fallback, and how often a read waited for it. */
  replicaReads: number;
  primaryReads: Record<FallbackReason, number>;
  waits: number;
  /** From the last probe (health check): whether it is a standby, and how far behind the primary it is. */
  inRecovery?: boolean;
  replayLsn?: string | null;
  lagBytes?: number | null;
}

type Attempt<T> = { kind: 'fresh'; value: T } | { kind: 'behind'; value: T } | { kind: 'failed' };

// The snapshot a view is being computed in on the replica (one per request, through its awaits).
const snapshot = new AsyncLocalStorage<EntityManager>();

/**
 * Where a view's reads go: the read replica's snapshot while a view is computed there (see
 * ReadReplica.read), else the primary; on PostgreSQL as prepared statements (PreparedReads).
 * Only read-only statements of views use it.
 */
export const viewReads = (primary: DataSource): Queryable => preparedReadsOf(snapshot.getStore() ?? primary.manager);

// Errors that say the replica (or the way to it) is gone, rather than that the read was wrong:
// SQLSTATE classes 08 and 57P0, too many connections, a socket error code, or pg's own messages.
const CONNECTION_CODES = /^(08|57P0|53300|E[A-Z]+$)/;
const CONNECTION_MESSAGES = /connect|Connection terminated|timeout exceeded|not queryable|Client was closed/i;
const isConnectionError = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return CONNECTION_CODES.test(code);
  return CONNECTION_MESSAGES.test(error instanceof Error ? error.message : String(error));
};
const PROBE_TIMEOUT_MS = 1_000;

/**
 * The optional read replica (a PostgreSQL streaming standby) of the views. A view is computed on
 * it inside one read-only REPEATABLE READ snapshot; its repositories find that snapshot through
 * `viewReads`, and everything else (and every read outside a view) stays on the primary. The
 * caller says when the snapshot is fresh enough (the view cache compares the data versions the
 * primary had when the request began); a replica that is behind gets `waitMs` to catch up, a
 * replica that fails or stays behind is skipped for `retryMs`, and the primary answers instead.
 * The state is per process (docs/scale.md).
 */
@Injectable()
export class ReadReplica implements OnApplicationShutdown {
  private readonly logger = new Logger(ReadReplica.name);
  private source: DataSource | null = null;
  private opening: Promise<DataSource> | null = null;
  private state: ReplicaState;
  private since = 0;
  private retryAt = 0;
  private strikes = 0;
  private lastError: string | undefined;
  private probed: Pick<ReplicaStatus, 'inRecovery' | 'replayLsn' | 'lagBytes'> = {};
  private readonly counts = { replicaReads: 0, primaryReads: { down: 0, behind: 0, failed: 0 } as Record<FallbackReason, number>, waits: 0 };

  constructor(
    @InjectDataSource() private readonly primary: DataSource,
    @Inject(REPLICA_SETTINGS) private readonly settings: ReplicaSettings | null,
  ) {
    this.state = settings ? 'up' : 'off';
  }

  get enabled(): boolean {
    return this.settings !== null;
  }

  /**
   * `work` on the replica when it is there and `fresh` (asked in the same snapshot, with what
   * `work` answered) accepts it; after waiting up to `waitMs` for a replica that is behind it is
   * tried once more; otherwise `work` runs on the primary. Errors of the request itself (an
   * HttpException) are thrown as they are; any other failure on the replica falls back.
   */
  async read<T>(work: () => Promise<T>, fresh: (manager: EntityManager, value: T) => Promise<boolean>): Promise<T> {
    if (!this.settings) return work();
    if (this.state !== 'up') {
      if (Date.now() < this.retryAt) return this.onPrimary(work, this.state === 'behind' ? 'behind' : 'down');
      this.logger.log({ msg: 'trying the read replica again', previously: this.state });
    }
    const deadline = Date.now() + this.settings.waitMs;
    const first = await this.attempt(work, fresh);
    if (first.kind === 'fresh') return first.value;
    if (first.kind === 'failed') return this.onPrimary(work, 'failed');
    this.counts.waits++;
    if (await this.waitUntilFresh((manager) => fresh(manager, first.value), deadline)) {
      const second = await this.attempt(work, fresh);
      if (second.kind === 'fresh') return second.value;
      if (second.kind === 'failed') return this.onPrimary(work, 'failed');
    }
    this.markUnavailable('behind', `not caught up within ${this.settings.waitMs} ms`);
    return this.onPrimary(work, 'behind');
  }

  /** What the health check reports; asks the replica (and the primary's WAL position) with a short timeout. */
  async probe(): Promise<ReplicaStatus> {
    if (this.settings && (this.state !== 'down' || Date.now() >= this.retryAt)) {
      try {
        const source = await withTimeout(this.open(), PROBE_TIMEOUT_MS);
        const [standby] = await withTimeout(
          query<{ inRecovery: boolean; replayLsn: string | null }>(source, sql`SELECT pg_is_in_recovery() AS "inRecovery", pg_last_wal_replay_lsn()::text AS "replayLsn"`),
          PROBE_TIMEOUT_MS,
        );
        let lagBytes: number | null = null;
        if (standby.replayLsn !== null) {
          // The primary's own failure is the database check's to report, not the replica's.
          const lag = await query<{ lag: string | null }>(this.primary, sql`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ${standby.replayLsn}::pg_lsn)::text AS lag`).catch(() => []);
          lagBytes = lag[0]?.lag == null ? null : Math.max(0, Number(lag[0].lag));
        }
        this.probed = { inRecovery: standby.inRecovery, replayLsn: standby.replayLsn, lagBytes };
        if (this.state === 'down') {
          this.logger.log({ msg: 'the read replica answers again', previously: this.state });
          this.state = 'up';
        }
      } catch (error) {
        this.markUnavailable('down', describe(error));
      }
    }
    return this.status();
  }

  status(): ReplicaStatus {
    const unavailable = this.state === 'down' || this.state === 'behind';
    return {
      state: this.state,
      ...(unavailable ? { since: new Date(this.since).toISOString(), retryAt: new Date(this.retryAt).toISOString() } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      replicaReads: this.counts.replicaReads,
      primaryReads: { ...this.counts.primaryReads },
      waits: this.counts.waits,
      ...(this.state === 'down' ? {} : this.probed),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async attempt<T>(work: () => Promise<T>, fresh: (manager: EntityManager, value: T) => Promise<boolean>): Promise<Attempt<T>> {
    let runner: QueryRunner | undefined;
    let failure: unknown;
    try {
      runner = (await this.open()).createQueryRunner();
      await runner.connect();
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      const manager = runner.manager;
      const value = await snapshot.run(manager, work);
      const ok = await fresh(manager, value);
      await runner.commitTransaction();
      if (ok) {
        this.counts.replicaReads++;
        if (this.state !== 'up') this.logger.log({ msg: 'the read replica answers again', previously: this.state });
        this.state = 'up';
        this.lastError = undefined;
        return { kind: 'fresh', value };
      }
      return { kind: 'behind', value };
    } catch (error) {
      failure = error;
      if (runner?.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (error instanceof HttpException) throw error;
      if (isConnectionError(error)) {
        this.markUnavailable('down', describe(error));
        await this.close();
      } else {
        // E.g. a query cancelled by a conflict with recovery (40001): this request reads the primary, the replica stays.
        this.lastError = describe(error);
        this.logger.warn({ msg: 'a view read failed on the read replica; reading the primary', code: (error as { code?: unknown }).code });
      }
      return { kind: 'failed' };
    } finally {
      if (runner) await releaseConnection(runner, isStalePlan(failure) ? failure : undefined).catch(() => undefined);
    }
  }

  /** Polls the replica (a new snapshot each time) until `fresh` holds or the deadline passes. */
  private async waitUntilFresh(fresh: (manager: EntityManager) => Promise<boolean>, deadline: number): Promise<boolean> {
    while (Date.now() < deadline) {
      await sleep(Math.min(10, Math.max(0, deadline - Date.now())));
      try {
        if (await fresh((await this.open()).manager)) return true;
      } catch {
        return false;
      }
    }
    return false;
  }

  private async onPrimary<T>(work: () => Promise<T>, reason: FallbackReason): Promise<T> {
    this.counts.primaryReads[reason]++;
    return work();
  }

  private markUnavailable(state: 'down' | 'behind', reason: string): void {
    const now = Date.now();
    // A replica that fails again at each retry (one promoted away, one far behind) is asked less
    // and less often: twice the period each time, up to 16 times it. Requests that failed
    // together count once.
    if (this.state === 'up') this.strikes = 1;
    else if (now >= this.retryAt) this.strikes = Math.min(this.strikes + 1, 5);
    if (this.state !== state) {
      this.since = now;
      this.logger.warn({ msg: state === 'down' ? 'the read replica failed; views read the primary' : 'the read replica is behind; views read the primary', reason, retryInMs: this.settings?.retryMs });
    }
    this.state = state;
    this.lastError = reason;
    this.retryAt = now + (this.settings?.retryMs ?? 0) * 2 ** (this.strikes - 1);
  }

  /** The replica's pool, opened on first use (a replica that is down at start does not stop the service). */
  private open(): Promise<DataSource> {
    if (this.source?.isInitialized) return Promise.resolve(this.source);
    if (!this.opening) {
      const settings = this.settings!;
      const options = buildDataSourceOptions({ kind: 'postgres', url: settings.url }, { poolSize: settings.poolSize, statementTimeoutMs: settings.statementTimeoutMs }, settings.entities);
      const source = new DataSource({
        ...options,
        migrations: [],
        // A lost replica must cost a request little: connecting fails fast, and the primary answers.
        extra: { ...(options.extra as object), connectionTimeoutMillis: PROBE_TIMEOUT_MS, application_name: 'doorstroom-read', keepAlive: true },
      });
      this.opening = source
        .initialize()
        .then((opened) => (this.source = opened))
        .finally(() => (this.opening = null));
    }
    return this.opening;
  }

  private async close(): Promise<void> {
    const source = this.source;
    this.source = null;
    if (source?.isInitialized) await source.destroy().catch(() => undefined);
  }
}

const describe = (error: unknown): string => {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && code !== '' ? `${code}: ${message}` : message;
};

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
