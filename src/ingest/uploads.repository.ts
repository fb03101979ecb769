import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { empty, join, param, query, queryOne, Sql, sql } from 'src/database/sql';
import type { BatchSource, BatchStatus } from 'src/ingest/ingest-batch.entity';
import { ABANDONED_AFTER_SECONDS, batchLockKey } from 'src/ingest/ingest.repository';
import type { RecordKindName } from 'src/records/codes';

export interface BatchRow {
  id: string;
  kind: RecordKindName;
  source: BatchSource;
  status: BatchStatus;
  client_id: string;
  rows_total: number;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_deleted: number;
  error_count: number;
  started_at: Date;
  finished_at: Date | null;
}

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

const BATCH_COLUMNS = sql`
  id, kind, source, ${BATCH_STATUS_SQL} AS status, client_id, rows_total, rows_inserted, rows_updated,
  rows_unchanged, rows_deleted, error_count, started_at, finished_at`;

/** An institution's batches as readers see them, and the SQL of the recurring abandoned-upload sweep. */
@Injectable()
export class UploadsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  getBatch(institutionId: string, id: string): Promise<BatchRow | undefined> {
    return queryOne(this.dataSource, sql`SELECT ${BATCH_COLUMNS} FROM ingest_batches WHERE institution_id = ${institutionId} AND id = ${id}`);
  }

  /** One page of the institution's batches, newest first, and the total. */
  async listBatches(institutionId: string, filter: { kind?: RecordKindName; status?: BatchStatus }, limit: number, offset: number): Promise<{ items: BatchRow[]; total: number }> {
    const conditions: Sql[] = [];
    if (filter.kind !== undefined) conditions.push(sql` AND kind = ${filter.kind}`);
    if (filter.status !== undefined) conditions.push(sql` AND ${BATCH_STATUS_SQL} = ${filter.status}`);
    const from = sql`FROM ingest_batches WHERE institution_id = ${institutionId}${join(conditions, empty)}`;
    const counted = await queryOne<{ total: number }>(this.dataSource, sql`SELECT count(*)::int AS total ${from}`);
    const items = await query<BatchRow>(this.dataSource, sql`SELECT ${BATCH_COLUMNS} ${from} ORDER BY started_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`);
    return { items, total: counted?.total ?? 0 };
  }

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
