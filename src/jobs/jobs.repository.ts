import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
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

/** TypeORM answers UPDATE and DELETE with [rows, rowCount], everything else with rows. */
const rowsOf = <T>(result: unknown): T[] =>
  Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? (result[0] as T[]) : (result as T[]);
const affectedOf = (result: unknown): number =>
  Array.isArray(result) && result.length === 2 && typeof result[1] === 'number' ? result[1] : 0;

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
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO jobs (kind, payload, run_after) VALUES ($1, $2::jsonb, COALESCE($3::timestamptz, now())) RETURNING id`,
      [kind, JSON.stringify(payload), options.runAfter ?? null],
    );
    return String(rows[0].id);
  }

  /** The kind of the oldest due job among `kinds` that no other worker is claiming right now. */
  async nextDueKind(kinds: readonly string[]): Promise<string | null> {
    const rows: Array<{ kind: string }> = await this.dataSource.query(
      `SELECT kind FROM jobs
        WHERE status = 'pending' AND run_after <= now() AND kind = ANY($1::text[])
        ORDER BY run_after, id
        LIMIT 1
        FOR UPDATE SKIP LOCKED`,
      [kinds],
    );
    return rows[0]?.kind ?? null;
  }

  /** Takes up to `limit` due pending jobs (of the given kinds) and marks them running. */
  async claim(options: { kinds?: readonly string[]; limit?: number } = {}): Promise<ClaimedJob[]> {
    const result: unknown = await this.dataSource.query(
      `WITH next AS (
         SELECT id FROM jobs
          WHERE status = 'pending' AND run_after <= now() AND ($1::text[] IS NULL OR kind = ANY($1::text[]))
          ORDER BY run_after, id
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       )
       UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, started_at = now()
         FROM next WHERE j.id = next.id
       RETURNING j.id::text AS id, j.kind, j.payload, j.status, j.attempts, j.run_after AS "runAfter", j.created_at AS "createdAt"`,
      [options.kinds ?? null, options.limit ?? 1],
    );
    return rowsOf<ClaimedJob>(result).sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Marks a running job done. */
  async complete(id: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `UPDATE jobs SET status = 'done', finished_at = now(), last_error = NULL WHERE id = $1 AND status = 'running'`,
      [id],
    );
    return affectedOf(result) > 0;
  }

  /**
   * Records a failed attempt: back to pending after `retryDelayMs`, or failed for good once
   * `maxAttempts` attempts were made.
   */
  async fail(id: string, error: string, options: { retryDelayMs?: number; maxAttempts?: number } = {}): Promise<JobStatus | null> {
    const result: unknown = await this.dataSource.query(
      `UPDATE jobs
          SET status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'pending' END,
              run_after = CASE WHEN attempts >= $3 THEN run_after ELSE now() + make_interval(secs => $4::double precision / 1000) END,
              finished_at = CASE WHEN attempts >= $3 THEN now() ELSE NULL END,
              last_error = $2
        WHERE id = $1 AND status = 'running'
        RETURNING status`,
      [id, error.slice(0, MAX_ERROR_LENGTH), options.maxAttempts ?? 5, options.retryDelayMs ?? 30_000],
    );
    return rowsOf<{ status: JobStatus }>(result)[0]?.status ?? null;
  }

  /**
   * A recurring job's run is over: it waits again until `runAfter`, with its attempts counted
   * afresh after a success and the error kept after a failure. Should two rows of one kind exist
   * (two workers created them at once), the later one ends here, so they converge to one.
   */
  async rearm(id: string, runAfter: Date, error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE jobs j
          SET status = CASE WHEN EXISTS (SELECT 1 FROM jobs o WHERE o.kind = j.kind AND o.id < j.id AND o.status IN ('pending', 'running')) THEN 'done' ELSE 'pending' END,
              run_after = $2, finished_at = now(), last_error = $3,
              attempts = CASE WHEN $3::text IS NULL THEN 0 ELSE j.attempts END
        WHERE j.id = $1 AND j.status = 'running'`,
      [id, runAfter, error?.slice(0, MAX_ERROR_LENGTH) ?? null],
    );
  }

  /**
   * Creates the waiting row of a recurring kind, due now, unless one is pending or running; with
   * `dueNow`, a waiting row that exists is made due now.
   */
  async ensureRecurring(kind: string, options: { dueNow?: boolean } = {}): Promise<void> {
    if (options.dueNow) await this.dataSource.query(`UPDATE jobs SET run_after = now() WHERE kind = $1 AND status = 'pending' AND run_after > now()`, [kind]);
    await this.dataSource.query(
      `INSERT INTO jobs (kind, payload)
       SELECT $1::varchar, '{}'::jsonb
        WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = $1::varchar AND status IN ('pending', 'running'))`,
      [kind],
    );
  }

  /** A worker still holds these jobs: renews their claim, so that no one takes them for stale. */
  async heartbeat(ids: readonly string[]): Promise<void> {
    await this.dataSource.query(`UPDATE jobs SET started_at = now() WHERE id = ANY($1::bigint[]) AND status = 'running'`, [ids]);
  }

  /** Puts jobs whose worker vanished (claim not renewed for `olderThanMs`) back in the queue. */
  async requeueStale(olderThanMs: number, kinds?: readonly string[]): Promise<number> {
    const result: unknown = await this.dataSource.query(
      `UPDATE jobs SET status = 'pending', run_after = now()
        WHERE status = 'running' AND started_at < now() - make_interval(secs => $1::double precision / 1000)
          AND ($2::text[] IS NULL OR kind = ANY($2::text[]))`,
      [olderThanMs, kinds ?? null],
    );
    return affectedOf(result);
  }
}
