import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { param, query, queryOne, sql } from 'src/database/sql';
import { ABANDONED_AFTER_SECONDS, batchLockKey } from 'src/ingest/ingest.repository';

/**
 * A batch's status as readers see it: an abandoned upload (see
 * IngestRepository.failAbandonedBatches) reads as 'failed' before the sweep has written so.
 * Read-only: it looks for the upload's lock in pg_locks (a bigint advisory key shows as
 * classid = high half, objid = low half, objsubid = 1) instead of taking it.
 */
export const BATCH_STATUS_SQL = sql`CASE WHEN status = 'receiving' AND started_at < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})
   AND NOT EXISTS (SELECT 1 FROM pg_locks l, LATERAL (SELECT ${batchLockKey(sql`ingest_batches.id::text`)} AS k) lock
                    WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND l.classid::bigint = (lock.k >> 32) & 4294967295 AND l.objid::bigint = lock.k & 4294967295)
  THEN 'failed' ELSE status END`;

/** The SQL of the recurring abandoned-upload sweep, over every institution. */
@Injectable()
export class AbandonedUploadsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Marks failed every receiving batch past its grace period whose lock is free (its writer is gone). */
  async failAbandonedUploads(): Promise<number> {
    const failed = await query<{ id: string }>(
      this.dataSource,
      sql`UPDATE ingest_batches SET status = 'failed', finished_at = now()
        WHERE id IN (SELECT id FROM ingest_batches WHERE status = 'receiving' AND started_at < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS}))
          AND status = 'receiving'
          AND pg_try_advisory_xact_lock(${batchLockKey(sql`id::text`)})
        RETURNING id`,
    );
    return failed.length;
  }

  /** When the youngest receiving batches outlive their grace period: the sweep's next look. */
  async nextAbandonedCheck(): Promise<Date | null> {
    const grace = param(ABANDONED_AFTER_SECONDS);
    const row = await queryOne<{ at: Date | null }>(
      this.dataSource,
      sql`SELECT min(started_at) + make_interval(secs => ${grace}) AS at FROM ingest_batches
        WHERE status = 'receiving' AND started_at >= now() - make_interval(secs => ${grace})`,
    );
    return row?.at ? new Date(row.at) : null;
  }
}
