import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AuditRepository, NewAuditEntry } from 'src/audit/audit.repository';

const FLUSH_EVERY_MS = 50;

// SQLSTATE classes 22 (data exception) and 23 (integrity): retrying the same rows cannot help.
const isDataError = (error: unknown): boolean => {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^2[23]/.test(code);
};
const MAX_BATCH = 500;
/** How long a batch is retried while the database is away (a restart, a failover), and how often. */
const RETRY_FOR_MS = 120_000;
const RETRY_EVERY_MS = 500;
/** Entries held in memory at most while the database is away; beyond that new ones are dropped (and counted). */
const MAX_PENDING = 200_000;

/**
 * Collects audit entries and appends them in small batches, so that auditing every request
 * costs one insert per batch rather than one per request. While the database is away the
 * entries are kept (at most MAX_PENDING) and retried for RETRY_FOR_MS. It is flushed before the
 * database connections close: by main.ts on SIGTERM once the last request has finished, and by
 * its beforeApplicationShutdown hook.
 */
@Injectable()
export class AuditWriter implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(AuditWriter.name);
  private queue: NewAuditEntry[] = [];
  /** Entries whose principal is still being looked up. */
  private readonly completing = new Set<Promise<NewAuditEntry>>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  /** Entries recorded and not yet written: queued, or in a batch being written. */
  private pending = 0;
  private dropped = 0;
  /** Set once the database connections are closing: nothing is retried any more. */
  private stopping = false;

  constructor(private readonly repository: AuditRepository) {}

  /** Records an entry, or one still being completed (its principal looked up): the flush waits for it. */
  record(entry: NewAuditEntry | Promise<NewAuditEntry>): void {
    if (this.pending >= MAX_PENDING) {
      if (this.dropped++ % 10_000 === 0) this.logger.error({ dropped: this.dropped }, 'audit backlog full while the database is away: entries dropped');
      return;
    }
    this.pending++;
    if (entry instanceof Promise) {
      this.completing.add(entry);
      void entry.then(
        (complete) => {
          this.completing.delete(entry);
          this.pending--;
          this.record(complete);
        },
        (error: unknown) => {
          this.completing.delete(entry);
          this.pending--;
          this.logger.error({ err: error }, 'an audit entry could not be completed');
        },
      );
      return;
    }
    this.queue.push(entry);
    if (this.queue.length >= MAX_BATCH) {
      void this.flushQueued();
    } else {
      this.timer ??= setTimeout(() => void this.flushQueued(), FLUSH_EVERY_MS);
    }
  }

  /** Writes everything recorded so far; resolves when it is in the database. */
  async flush(): Promise<void> {
    if (this.completing.size > 0) await Promise.allSettled(this.completing);
    // Let the completed entries' callbacks queue them first.
    await Promise.resolve();
    return this.flushQueued();
  }

  private flushQueued(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.inFlight = this.inFlight
      .then(() => this.write(batch))
      .then(() => {
        this.pending -= batch.length;
      });
    return this.inFlight;
  }

  private async write(batch: NewAuditEntry[], started = Date.now()): Promise<void> {
    if (batch.length === 0) return;
    try {
      await this.repository.append(batch);
    } catch (error) {
      if (isDataError(error) && batch.length > 1) {
        // One malformed entry must not cost the others: write them one by one.
        for (const entry of batch) await this.write([entry], started);
        return;
      }
      if (!isDataError(error) && !this.stopping && Date.now() - started < RETRY_FOR_MS) {
        // The database may be restarting or failing over: keep the entries and try again shortly.
        await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
        return this.write(batch, started);
      }
      this.logger.error({ err: error, lost: batch.length }, 'audit entries could not be written');
    }
  }

  /** Before the application's shutdown hooks close the database connections. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.flush();
  }
}
