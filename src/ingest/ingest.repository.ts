import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { binaryBoolArray, binaryInt2Array, binaryTextArray } from 'src/database/binary-arrays';
import { empty, execute, ident, join, Param, param, prepare, query, queryOne, Sql, sql, SqlValue, Statement } from 'src/database/sql';
import type { RecordKindName } from 'src/records/codes';
import type { BatchSource, BatchStatus } from 'src/ingest/ingest-batch.entity';
import type { ChunkColumns, ColumnType, KeyedChunk, RecordKind, StoredColumn } from 'src/records/kinds/record-kind';

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
 * while its statement runs. The parameters: the institution, the batch, then the column arrays.
 */
function upsertStatement(kind: RecordKind<KeyedChunk>, slot: (name: string) => Param): Sql {
  const { columns, key } = kind;
  const names = columns.map((column) => column.column);
  const name = (column: StoredColumn): Sql => sql`${ident(column.column, names)}`;
  const values = columns.filter((column) => !key.includes(column));
  const compared = values.filter((column) => !column.derived);
  const list = (prefix: Sql, of: readonly StoredColumn[]): Sql => join(of.map((column) => sql`${prefix}${name(column)}`));
  const table = ident(kind.table, [kind.table]);
  const batch = slot('batch');
  const input = join(columns.map((column, i) => sql`${slot(String(i))}::${ARRAY_CASTS[column.type]}`));
  // The input is text, the table's codes are char(n): compare as text.
  const sameKey = join(
    key.map((column) => sql`i.${name(column)} = d.${name(column)}${column.type === 'text' ? sql`::text` : empty}`),
    sql` AND `,
  );
  return sql`
WITH input AS (
  SELECT * FROM unnest(${input}) WITH ORDINALITY AS t(${list(empty, columns)}, ord)
), upserted AS (
  INSERT INTO ${table} AS r (institution_id, ${list(empty, columns)}, created_batch_id, updated_batch_id)
  SELECT ${slot('institution')}::uuid, ${list(sql`t.`, columns)}, ${batch}::uuid, ${batch}::uuid
    FROM input t
  ON CONFLICT (institution_id, ${list(empty, key)}) DO UPDATE SET
    ${join(values.map((column) => sql`${name(column)} = EXCLUDED.${name(column)}`))}, updated_batch_id = EXCLUDED.updated_batch_id, updated_at = now()
  WHERE r.created_batch_id = EXCLUDED.created_batch_id
     OR (${list(sql`r.`, compared)}) IS DISTINCT FROM (${list(sql`EXCLUDED.`, compared)})
  RETURNING (r.xmax = 0) AS inserted, (r.xmax <> 0 AND r.created_batch_id = ${batch}::uuid) AS duplicate, ${list(sql`r.`, key)}
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
       count(*) FILTER (WHERE NOT inserted AND NOT duplicate)::int AS updated,
       coalesce((SELECT array_agg(i.ord::int ORDER BY i.ord) FROM upserted d JOIN input i ON ${sameKey} WHERE d.duplicate), '{}') AS duplicates
  FROM upserted`;
}

/** The array type a column's binary array is read as (a date travels as text). */
const ARRAY_CASTS: Record<ColumnType, Sql> = { text: sql`text[]`, date: sql`text[]::date[]`, int2: sql`int2[]`, 'int2?': sql`int2[]`, bool: sql`bool[]` };

/** Built once per kind: a chunk binds the institution, the batch and its column arrays. */
const UPSERTS = new Map<RecordKindName, (values: Record<string, SqlValue>) => Statement>();

function upsertOf(kind: RecordKind<KeyedChunk>, institutionId: string, batchId: string, arrays: readonly Buffer[]): Statement {
  let bind = UPSERTS.get(kind.name);
  if (bind === undefined) UPSERTS.set(kind.name, (bind = prepare((slot) => upsertStatement(kind, slot))));
  return bind({ institution: institutionId, batch: batchId, ...Object.fromEntries(arrays.map((array, i) => [String(i), array])) });
}

/** A column array as a binary array parameter. */
const encode = (column: ChunkColumns[number]): Buffer => {
  switch (column.type) {
    case 'text':
    case 'date':
      return binaryTextArray(column.values);
    case 'int2':
    case 'int2?':
      return binaryInt2Array(column.values);
    case 'bool':
      return binaryBoolArray(column.values);
  }
};

/** One database transaction of an ingest or correction; everything in it commits together. */
export class IngestTransaction {
  constructor(private readonly runner: QueryRunner) {}

  /** For other repositories that write in this transaction (jobs, idempotency keys). */
  get manager(): EntityManager {
    return this.runner.manager;
  }

  /** Writes one chunk of a kind's rows (see upsertStatement). */
  async upsert<C extends KeyedChunk>(kind: RecordKind<C>, institutionId: string, batchId: string, chunk: C): Promise<ChunkResult> {
    const [result] = await query<ChunkResult>(this.runner, upsertOf(kind, institutionId, batchId, kind.columnsOf(chunk).map(encode)));
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
    await query(this.runner, sql`SELECT pg_advisory_xact_lock(${batchLockKey(sql`${batchId}::text`)})`);
    const batch = await queryOne<{ status: BatchStatus }>(this.runner, sql`SELECT status FROM ingest_batches WHERE id = ${batchId}`);
    if (batch?.status !== 'receiving') throw new Error(`batch ${batchId} is no longer receiving (${batch?.status ?? 'missing'})`);
  }

  async commitBatch(batchId: string, counts: BatchCounts): Promise<void> {
    await execute(
      this.runner,
      sql`UPDATE ingest_batches
          SET status = 'committed', rows_total = ${counts.rows}, rows_inserted = ${counts.inserted}, rows_updated = ${counts.updated},
              rows_unchanged = ${counts.unchanged}, finished_at = now()
        WHERE id = ${batchId}`,
    );
  }

  /** Locks an own batch for deletion; undefined when it is not the institution's. */
  async lockBatch(institutionId: string, batchId: string): Promise<{ kind: RecordKindName; status: BatchStatus } | undefined> {
    return queryOne(this.runner, sql`SELECT kind, status FROM ingest_batches WHERE institution_id = ${institutionId} AND id = ${batchId} FOR UPDATE`);
  }

  /** Removes the rows a batch created; returns the cohorts whose figures change (the kind's cohorts rule). */
  async deleteBatchRows(institutionId: string, batchId: string, kind: RecordKind<KeyedChunk>): Promise<{ deleted: number; cohorts: number[] }> {
    const table = ident(kind.table, [kind.table]);
    const year = ident(kind.cohorts.column, kind.columns.map((column) => column.column));
    const [result] = await query<{ deleted: number; cohorts: number[] }>(
      this.runner,
      sql`WITH gone AS (DELETE FROM ${table} WHERE institution_id = ${institutionId} AND created_batch_id = ${batchId} RETURNING ${year} AS year)
       SELECT (SELECT count(*) FROM gone)::int AS deleted,
              coalesce((SELECT array_agg(DISTINCT g.year + s.step) FROM gone g, unnest(${kind.cohorts.offsets}::int[]) AS s(step)), '{}') AS cohorts`,
    );
    return result;
  }

  async markBatchDeleted(batchId: string, deleted: number): Promise<void> {
    await execute(this.runner, sql`UPDATE ingest_batches SET status = 'deleted', rows_deleted = ${deleted}, finished_at = COALESCE(finished_at, now()) WHERE id = ${batchId}`);
  }

  /** Erases everything the institution holds about a pseudonym: its records and its survey answers (these feed no summary, so no cohort). */
  async erasePseudonym(institutionId: string, pseudonym: string): Promise<{ enrolments: number; leavers: number; surveyAnswers: number; cohorts: number[] }> {
    const institution = param(institutionId);
    const student = param(pseudonym);
    const [result] = await query<{ enrolments: number; leavers: number; surveyAnswers: number; cohorts: number[] }>(
      this.runner,
      sql`WITH e AS (DELETE FROM enrolments WHERE institution_id = ${institution} AND pseudonym = ${student} RETURNING cohort),
            l AS (DELETE FROM leavers WHERE institution_id = ${institution} AND pseudonym = ${student} RETURNING school_year),
            s AS (DELETE FROM survey_answers WHERE institution_id = ${institution} AND pseudonym = ${student} RETURNING 1)
       SELECT (SELECT count(*) FROM e)::int AS enrolments,
              (SELECT count(*) FROM l)::int AS leavers,
              (SELECT count(*) FROM s)::int AS "surveyAnswers",
              coalesce((SELECT array_agg(DISTINCT c) FROM (SELECT cohort::int AS c FROM e UNION SELECT school_year FROM l UNION SELECT school_year + 1 FROM l) u), '{}') AS cohorts`,
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
export const batchLockKey = (idText: Sql): Sql => sql`hashtextextended('ingest-batch:' || ${idText}, 0)`;

async function insertBatch(manager: EntityManager | DataSource, batch: NewBatch): Promise<string> {
  const [row] = await query<{ id: string }>(
    manager,
    sql`INSERT INTO ingest_batches (institution_id, client_id, kind, source, status)
        VALUES (${batch.institutionId}, ${batch.clientId}, ${batch.kind}, ${batch.source}, ${batch.status}) RETURNING id`,
  );
  return row.id;
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

  /** The batch row of a streamed upload, committed on its own: its id and start. */
  async createBatch(batch: NewBatch): Promise<{ id: string; startedAt: Date }> {
    const row = await queryOne<{ id: string; started_at: Date }>(
      this.dataSource,
      sql`INSERT INTO ingest_batches (institution_id, client_id, kind, source, status)
          VALUES (${batch.institutionId}, ${batch.clientId}, ${batch.kind}, ${batch.source}, ${batch.status}) RETURNING id, started_at`,
    );
    return { id: row!.id, startedAt: row!.started_at };
  }

  /**
   * Running row count of a streamed upload. Never moves backwards and never touches a batch
   * that has finished, so a late update cannot overwrite the final figures.
   */
  async reportProgress(batchId: string, rows: number): Promise<void> {
    const total = param(rows);
    await execute(this.dataSource, sql`UPDATE ingest_batches SET rows_total = ${total} WHERE id = ${batchId} AND status = 'receiving' AND rows_total < ${total}`);
  }

  async failBatch(batchId: string, rows: number, errorCount: number): Promise<void> {
    // 'failed' too: the sweep below may have got there first, once the rollback freed the lock.
    await execute(
      this.dataSource,
      sql`UPDATE ingest_batches SET status = 'failed', rows_total = ${rows}, error_count = ${errorCount}, rows_inserted = 0, rows_updated = 0, rows_unchanged = 0, finished_at = now()
        WHERE id = ${batchId} AND status IN ('receiving', 'failed')`,
    );
  }

  /**
   * Streamed uploads of the institution whose writer is gone (its process died, its connection
   * was cut): still 'receiving', but no transaction holds their lock. Their rows were rolled back
   * with that transaction, so they are marked failed. Only batches older than a grace period,
   * so that an upload between creating its batch and taking the lock is never caught.
   */
  async failAbandonedBatches(institutionId: string): Promise<number> {
    const failed = await query<{ id: string }>(
      this.dataSource,
      sql`UPDATE ingest_batches SET status = 'failed', finished_at = now()
        WHERE id IN (SELECT id FROM ingest_batches
                      WHERE institution_id = ${institutionId} AND status = 'receiving' AND started_at < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS}))
          AND status = 'receiving'
          AND pg_try_advisory_xact_lock(${batchLockKey(sql`id::text`)})
        RETURNING id`,
    );
    return failed.length;
  }
}
