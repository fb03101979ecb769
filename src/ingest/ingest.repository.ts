import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { binaryBoolArray, binaryInt2Array, binaryTextArray } from 'src/database/binary-arrays';
import type { RecordKindName } from 'src/ingest/codes';
import type { BatchSource, BatchStatus } from 'src/ingest/ingest-batch.entity';
import type { ChunkColumns, KeyedChunk, RecordKind, StoredColumn } from 'src/ingest/kinds/record-kind';

export interface ChunkResult {
  inserted: number;
  updated: number;
  /**
   * Positions (1-based) in the chunk of rows whose natural key an earlier chunk of the same
   * batch already wrote.
   */
  duplicates: number[];
}

export interface BatchCounts {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface NewBatch {
  institutionId: string;
  clientId: string;
  kind: RecordKindName;
  source: BatchSource;
  status: BatchStatus;
}

/*
 * The upsert of a kind, generated from its field table. One statement per chunk: INSERT …
 * SELECT FROM unnest(column arrays) with ON CONFLICT on the natural key. A row sent again
 * unchanged is not rewritten (the WHERE of DO UPDATE compares the values the uploader sent;
 * derived values follow from them), so it is neither returned nor counted; `xmax = 0` tells a
 * new row from an updated one. A row that an earlier chunk of this same batch created
 * (created_batch_id = this batch) is always returned, flagged as a duplicate, and its position
 * in the chunk is reported: that is how a key repeated across chunks of a streamed upload is
 * found without keeping every key of the file in memory, and without keeping a chunk in memory
 * while its statement runs. $1 is the institution, $2 the batch, $3… the column arrays.
 */
function upsertStatement(kind: RecordKind<KeyedChunk>): string {
  const { columns, key } = kind;
  const values = columns.filter((column) => !key.includes(column));
  const compared = values.filter((column) => !column.derived);
  const list = (prefix: string, of: readonly StoredColumn[]): string => of.map((column) => `${prefix}${column.column}`).join(', ');
  const arrays = columns.map((column, i) => `$${i + 3}::${column.type === 'date' ? 'text[]::date[]' : `${column.type}[]`}`).join(', ');
  // The input is text, the table's codes are char(n): compare as text.
  const sameKey = key.map((column) => `i.${column.column} = d.${column.column}${column.type === 'text' ? '::text' : ''}`).join(' AND ');
  return `
WITH input AS (
  SELECT * FROM unnest(${arrays}) WITH ORDINALITY AS t(${list('', columns)}, ord)
), upserted AS (
  INSERT INTO ${kind.table} AS r (institution_id, ${list('', columns)}, created_batch_id, updated_batch_id)
  SELECT $1::uuid, ${list('t.', columns)}, $2::uuid, $2::uuid
    FROM input t
  ON CONFLICT (institution_id, ${list('', key)}) DO UPDATE SET
    ${values.map((column) => `${column.column} = EXCLUDED.${column.column}`).join(', ')}, updated_batch_id = EXCLUDED.updated_batch_id, updated_at = now()
  WHERE r.created_batch_id = EXCLUDED.created_batch_id
     OR (${list('r.', compared)}) IS DISTINCT FROM (${list('EXCLUDED.', compared)})
  RETURNING (r.xmax = 0) AS inserted, (r.xmax <> 0 AND r.created_batch_id = $2::uuid) AS duplicate, ${list('r.', key)}
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
       count(*) FILTER (WHERE NOT inserted AND NOT duplicate)::int AS updated,
       coalesce((SELECT array_agg(i.ord::int ORDER BY i.ord) FROM upserted d JOIN input i ON ${sameKey} WHERE d.duplicate), '{}') AS duplicates
  FROM upserted`;
}

const UPSERTS = new Map<RecordKindName, string>();

function upsertOf(kind: RecordKind<KeyedChunk>): string {
  let sql = UPSERTS.get(kind.name);
  if (sql === undefined) UPSERTS.set(kind.name, (sql = upsertStatement(kind)));
  return sql;
}

/** A column array as a binary array parameter. */
const encode = (column: ChunkColumns[number]): Buffer => {
  switch (column.type) {
    case 'text':
    case 'date':
      return binaryTextArray(column.values);
    case 'int2':
      return binaryInt2Array(column.values);
    case 'bool':
      return binaryBoolArray(column.values);
  }
};

/** One database transaction of an ingest or correction; everything in it commits together. */
export class IngestTransaction {
  constructor(private readonly runner: QueryRunner) {}

  private async rows<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    return (await this.runner.query(sql, parameters)) as T[];
  }

  /** For other repositories that write in this transaction (jobs, idempotency keys). */
  get manager(): EntityManager {
    return this.runner.manager;
  }

  /** Writes one chunk of a kind's rows (see upsertStatement). */
  async upsert<C extends KeyedChunk>(kind: RecordKind<C>, institutionId: string, batchId: string, chunk: C): Promise<ChunkResult> {
    const [result] = await this.rows<ChunkResult>(upsertOf(kind), [institutionId, batchId, ...kind.columnsOf(chunk).map(encode)]);
    return result;
  }

  async createBatch(batch: NewBatch): Promise<string> {
    return insertBatch(this.runner.manager, batch);
  }

  /**
   * Marks this transaction as the live writer of a streamed upload whose batch row committed on
   * its own: an advisory lock that PostgreSQL releases with the transaction, also when the
   * process dies. Refuses a batch that was declared abandoned meanwhile.
   */
  async holdBatch(batchId: string): Promise<void> {
    await this.runner.query(`SELECT pg_advisory_xact_lock(${batchLockKey('$1::text')})`, [batchId]);
    const [batch] = await this.rows<{ status: BatchStatus }>(`SELECT status FROM ingest_batches WHERE id = $1`, [batchId]);
    if (batch?.status !== 'receiving') throw new Error(`batch ${batchId} is no longer receiving (${batch?.status ?? 'missing'})`);
  }

  async commitBatch(batchId: string, counts: BatchCounts): Promise<void> {
    await this.runner.query(
      `UPDATE ingest_batches
          SET status = 'committed', rows_total = $2, rows_inserted = $3, rows_updated = $4, rows_unchanged = $5, finished_at = now()
        WHERE id = $1`,
      [batchId, counts.rows, counts.inserted, counts.updated, counts.unchanged],
    );
  }

  /** Locks an own batch for deletion; undefined when it is not the institution's. */
  async lockBatch(institutionId: string, batchId: string): Promise<{ kind: RecordKindName; status: BatchStatus } | undefined> {
    const rows = await this.rows<{ kind: RecordKindName; status: BatchStatus }>(
      `SELECT kind, status FROM ingest_batches WHERE id = $1 AND institution_id = $2 FOR UPDATE`,
      [batchId, institutionId],
    );
    return rows[0];
  }

  /** Removes the rows a batch created; returns the cohorts whose figures change (the kind's cohorts rule). */
  async deleteBatchRows(institutionId: string, batchId: string, kind: RecordKind<KeyedChunk>): Promise<{ deleted: number; cohorts: number[] }> {
    const [result] = await this.rows<{ deleted: number; cohorts: number[] }>(
      `WITH gone AS (DELETE FROM ${kind.table} WHERE institution_id = $1 AND created_batch_id = $2 RETURNING ${kind.cohorts.column} AS year)
       SELECT (SELECT count(*) FROM gone)::int AS deleted,
              coalesce((SELECT array_agg(DISTINCT g.year + s.step) FROM gone g, unnest($3::int[]) AS s(step)), '{}') AS cohorts`,
      [institutionId, batchId, kind.cohorts.offsets],
    );
    return result;
  }

  async markBatchDeleted(batchId: string, deleted: number): Promise<void> {
    await this.runner.query(`UPDATE ingest_batches SET status = 'deleted', rows_deleted = $2, finished_at = COALESCE(finished_at, now()) WHERE id = $1`, [
      batchId,
      deleted,
    ]);
  }

  /** Erases everything the institution holds about a pseudonym. */
  async erasePseudonym(institutionId: string, pseudonym: string): Promise<{ enrolments: number; leavers: number; cohorts: number[] }> {
    const [result] = await this.rows<{ enrolments: number; leavers: number; cohorts: number[] }>(
      `WITH e AS (DELETE FROM enrolments WHERE institution_id = $1 AND pseudonym = $2 RETURNING cohort),
            l AS (DELETE FROM leavers WHERE institution_id = $1 AND pseudonym = $2 RETURNING school_year)
       SELECT (SELECT count(*) FROM e)::int AS enrolments,
              (SELECT count(*) FROM l)::int AS leavers,
              coalesce((SELECT array_agg(DISTINCT c) FROM (SELECT cohort::int AS c FROM e UNION SELECT school_year FROM l UNION SELECT school_year + 1 FROM l) u), '{}') AS cohorts`,
      [institutionId, pseudonym],
    );
    return result;
  }

  async commit(): Promise<void> {
    try {
      await this.runner.commitTransaction();
    } finally {
      await this.runner.release();
    }
  }

  /** Rolls back and releases; safe to call after a failed commit or twice. */
  async rollback(): Promise<void> {
    if (this.runner.isReleased) return;
    try {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction();
    } finally {
      await this.runner.release();
    }
  }
}

/** The advisory lock key of a streamed upload's batch, from an SQL expression of its id as text. */
export const batchLockKey = (idText: string): string => `hashtextextended('ingest-batch:' || ${idText}, 0)`;

async function insertBatch(manager: EntityManager | DataSource, batch: NewBatch): Promise<string> {
  const rows: Array<{ id: string }> = await manager.query(
    `INSERT INTO ingest_batches (institution_id, client_id, kind, source, status) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [batch.institutionId, batch.clientId, batch.kind, batch.source, batch.status],
  );
  return rows[0].id;
}

/** How old a 'receiving' batch without a live writer must be before it counts as abandoned. */
export const ABANDONED_AFTER_SECONDS = 30;

@Injectable()
export class IngestRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async openTransaction(): Promise<IngestTransaction> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('READ COMMITTED');
    } catch (error) {
      await runner.release();
      throw error;
    }
    return new IngestTransaction(runner);
  }

  /** A batch row of its own, committed at once, so that progress is visible while it runs. */
  /** The batch row of a streamed upload, committed on its own: its id and start. */
  async createBatch(batch: NewBatch): Promise<{ id: string; startedAt: Date }> {
    const rows: Array<{ id: string; started_at: Date }> = await this.dataSource.query(
      `INSERT INTO ingest_batches (institution_id, client_id, kind, source, status) VALUES ($1, $2, $3, $4, $5) RETURNING id, started_at`,
      [batch.institutionId, batch.clientId, batch.kind, batch.source, batch.status],
    );
    return { id: rows[0].id, startedAt: rows[0].started_at };
  }

  /**
   * Running row count of a streamed upload. Never moves backwards and never touches a batch
   * that has finished, so a late update cannot overwrite the final figures.
   */
  async reportProgress(batchId: string, rows: number): Promise<void> {
    await this.dataSource.query(`UPDATE ingest_batches SET rows_total = $2 WHERE id = $1 AND status = 'receiving' AND rows_total < $2`, [batchId, rows]);
  }

  async failBatch(batchId: string, rows: number, errorCount: number): Promise<void> {
    // 'failed' too: the sweep below may have got there first, once the rollback freed the lock.
    await this.dataSource.query(
      `UPDATE ingest_batches SET status = 'failed', rows_total = $2, error_count = $3, rows_inserted = 0, rows_updated = 0, rows_unchanged = 0, finished_at = now()
        WHERE id = $1 AND status IN ('receiving', 'failed')`,
      [batchId, rows, errorCount],
    );
  }

  /**
   * Streamed uploads of the institution whose writer is gone (its process died, its connection
   * was cut): still 'receiving', but no transaction holds their lock. Their rows were rolled back
   * with that transaction, so they are marked failed. Only batches older than a grace period,
   * so that an upload between creating its batch and taking the lock is never caught.
   */
  async failAbandonedBatches(institutionId: string): Promise<number> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `UPDATE ingest_batches SET status = 'failed', finished_at = now()
        WHERE id IN (SELECT id FROM ingest_batches
                      WHERE institution_id = $1 AND status = 'receiving' AND started_at < now() - make_interval(secs => $2))
          AND status = 'receiving'
          AND pg_try_advisory_xact_lock(${batchLockKey('id::text')})
        RETURNING id`,
      [institutionId, ABANDONED_AFTER_SECONDS],
    );
    return rows.length;
  }
}
