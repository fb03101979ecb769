import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { execute, param, query, queryOne, sql } from 'src/database/sql';
import { JobStatus } from 'src/jobs/job.entity';

export interface ClaimedJob {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  status: JobStatus;
  attempts: number;
  runAfter: Date;
  createdAt: Date;
}

const MAX_ERROR_LENGTH = 2_000;

/**
 * A small durable queue on PostgreSQL. Producers insert inside their own transaction (the job
 * exists exactly when the change it follows is committed); workers claim with
 * `FOR UPDATE SKIP LOCKED`, so several workers never take the same job. Kinds are plain strings
 * here; the catalogue (`job-kinds.ts`) and the typed `JobQueue.enqueue` sit on top.
 */
@Injectable()
export class JobsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds a job in the caller's transaction (pass the transaction's manager). */
  async insert(manager: EntityManager, kind: string, payload: object, options: { runAfter?: Date } = {}): Promise<string> {
    const [row] = await query<{ id: string }>(
      manager,
      sql`INSERT INTO jobs (kind, payload, run_after) VALUES (${kind}, ${JSON.stringify(payload)}::jsonb, COALESCE(${options.runAfter ?? null}::timestamptz, now())) RETURNING id`,
    );
    return String(row.id);
  }

  /** The kind of the oldest due job among `kinds` that no other worker is claiming right now. */
  async nextDueKind(kinds: readonly string[]): Promise<string | null> {
    const row = await queryOne<{ kind: string }>(
      this.dataSource,
      sql`SELECT kind FROM jobs
        WHERE status = 'pending' AND run_after <= now() AND kind = ANY(${kinds}::text[])
        ORDER BY run_after, id
        LIMIT 1
        FOR UPDATE SKIP LOCKED`,
    );
    return row?.kind ?? null;
  }

  /** Takes up to `limit` due pending jobs (of the given kinds) and marks them running. */
  async claim(options: { kinds?: readonly string[]; limit?: number } = {}): Promise<ClaimedJob[]> {
    const kinds = param(options.kinds ?? null);
    const claimed = await query<ClaimedJob>(
      this.dataSource,
      sql`WITH next AS (
         SELECT id FROM jobs
          WHERE status = 'pending' AND run_after <= now() AND (${kinds}::text[] IS NULL OR kind = ANY(${kinds}::text[]))
          ORDER BY run_after, id
          LIMIT ${options.limit ?? 1}
          FOR UPDATE SKIP LOCKED
       )
       UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, started_at = now()
         FROM next WHERE j.id = next.id
       RETURNING j.id::text AS id, j.kind, j.payload, j.status, j.attempts, j.run_after AS "runAfter", j.created_at AS "createdAt"`,
    );
    return claimed.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Marks a running job done. */
  async complete(id: string): Promise<boolean> {
    return (await execute(this.dataSource, sql`UPDATE jobs SET status = 'done', finished_at = now(), last_error = NULL WHERE id = ${id} AND status = 'running'`)) > 0;
  }

  /**
   * Records a failed attempt: back to pending after `retryDelayMs`, or failed for good once
   * `maxAttempts` attempts were made.
   */
  async fail(id: string, error: string, options: { retryDelayMs?: number; maxAttempts?: number } = {}): Promise<JobStatus | null> {
    const lastAttempt = sql`attempts >= ${options.maxAttempts ?? 5}`;
    const row = await queryOne<{ status: JobStatus }>(
      this.dataSource,
      sql`UPDATE jobs
          SET status = CASE WHEN ${lastAttempt} THEN 'failed' ELSE 'pending' END,
              run_after = CASE WHEN ${lastAttempt} THEN run_after ELSE now() + make_interval(secs => ${options.retryDelayMs ?? 30_000}::double precision / 1000) END,
              finished_at = CASE WHEN ${lastAttempt} THEN now() ELSE NULL END,
              last_error = ${error.slice(0, MAX_ERROR_LENGTH)}
        WHERE id = ${id} AND status = 'running'
        RETURNING status`,
    );
    return row?.status ?? null;
  }

  /**
   * A recurring job's run is over: it waits again until `runAfter`, with its attempts counted
   * afresh after a success and the error kept after a failure. Should two rows of one kind exist
   * (two workers created them at once), the later one ends here, so they converge to one.
   */
  async rearm(id: string, runAfter: Date, error: string | null): Promise<void> {
    const lastError = param(error?.slice(0, MAX_ERROR_LENGTH) ?? null);
    await execute(
      this.dataSource,
      sql`UPDATE jobs j
          SET status = CASE WHEN EXISTS (SELECT 1 FROM jobs o WHERE o.kind = j.kind AND o.id < j.id AND o.status IN ('pending', 'running')) THEN 'done' ELSE 'pending' END,
              run_after = ${runAfter}, finished_at = now(), last_error = ${lastError},
              attempts = CASE WHEN ${lastError}::text IS NULL THEN 0 ELSE j.attempts END
        WHERE j.id = ${id} AND j.status = 'running'`,
    );
  }

  /**
   * Creates the waiting row of a recurring kind, due now, unless one is pending or running; with
   * `dueNow`, a waiting row that exists is made due now.
   */
  async ensureRecurring(kind: string, options: { dueNow?: boolean } = {}): Promise<void> {
    if (options.dueNow) await execute(this.dataSource, sql`UPDATE jobs SET run_after = now() WHERE kind = ${kind} AND status = 'pending' AND run_after > now()`);
    const recurring = param(kind);
    await query(
      this.dataSource,
      sql`INSERT INTO jobs (kind, payload)
       SELECT ${recurring}::varchar, '{}'::jsonb
        WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = ${recurring}::varchar AND status IN ('pending', 'running'))`,
    );
  }

  /** A worker still holds these jobs: renews their claim, so that no one takes them for stale. */
  async heartbeat(ids: readonly string[]): Promise<void> {
    await execute(this.dataSource, sql`UPDATE jobs SET started_at = now() WHERE id = ANY(${ids}::bigint[]) AND status = 'running'`);
  }

  /** Puts jobs whose worker vanished (claim not renewed for `olderThanMs`) back in the queue. */
  async requeueStale(olderThanMs: number, kinds?: readonly string[]): Promise<number> {
    const among = param(kinds ?? null);
    return execute(
      this.dataSource,
      sql`UPDATE jobs SET status = 'pending', run_after = now()
        WHERE status = 'running' AND started_at < now() - make_interval(secs => ${olderThanMs}::double precision / 1000)
          AND (${among}::text[] IS NULL OR kind = ANY(${among}::text[]))`,
    );
  }
}
