import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { RecordKind } from 'src/ingest/codes';
import type { BatchSource, BatchStatus } from 'src/ingest/ingest-batch.entity';
import type { EnrolmentChunk, LeaverChunk } from 'src/ingest/validation/record-validator';

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
  kind: RecordKind;
  source: BatchSource;
  status: BatchStatus;
}

/*
 * The upserts. One statement per chunk: INSERT … SELECT FROM unnest(column arrays) with
 * ON CONFLICT on the natural key. A row sent again unchanged is not rewritten (the WHERE of
 * DO UPDATE), so it is neither returned nor counted; `xmax = 0` tells a new row from an updated
 * one. A row that an earlier chunk of this same batch created (created_batch_id = this batch)
 * is always returned, flagged as a duplicate, and its position in the chunk is reported: that
 * is how a key repeated across chunks of a streamed upload is found without keeping every key
 * of the file in memory, and without keeping a chunk in memory while its statement runs.
 */
const ENROLMENT_UPSERT = `
WITH input AS (
  SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]::date[], $10::text[]::date[],
                       $11::text[], $12::int2[], $13::text[], $14::text[], $15::text[], $16::int2[]) WITH ORDINALITY
    AS t(receiving_vestiging, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason,
         cohort, prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, ord)
), upserted AS (
  INSERT INTO enrolments AS e (
    institution_id, receiving_vestiging, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason,
    cohort, prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, created_batch_id, updated_batch_id)
  SELECT $1::uuid, t.receiving_vestiging, t.pseudonym, t.programme_code, t.sector, t.level, t.form, t.start_date, t.end_date, t.end_reason,
         t.cohort, t.prior_brin, t.prior_vestiging, t.prior_diploma_type, t.prior_diploma_year, $2::uuid, $2::uuid
    FROM input t
  ON CONFLICT (institution_id, pseudonym, programme_code, start_date) DO UPDATE SET
    receiving_vestiging = EXCLUDED.receiving_vestiging, sector = EXCLUDED.sector, level = EXCLUDED.level, form = EXCLUDED.form,
    end_date = EXCLUDED.end_date, end_reason = EXCLUDED.end_reason, cohort = EXCLUDED.cohort, prior_brin = EXCLUDED.prior_brin,
    prior_vestiging = EXCLUDED.prior_vestiging, prior_diploma_type = EXCLUDED.prior_diploma_type,
    prior_diploma_year = EXCLUDED.prior_diploma_year, updated_batch_id = EXCLUDED.updated_batch_id, updated_at = now()
  WHERE e.created_batch_id = EXCLUDED.created_batch_id
     OR (e.receiving_vestiging, e.sector, e.level, e.form, e.end_date, e.end_reason, e.prior_brin, e.prior_vestiging,
         e.prior_diploma_type, e.prior_diploma_year)
        IS DISTINCT FROM
        (EXCLUDED.receiving_vestiging, EXCLUDED.sector, EXCLUDED.level, EXCLUDED.form, EXCLUDED.end_date, EXCLUDED.end_reason,
         EXCLUDED.prior_brin, EXCLUDED.prior_vestiging, EXCLUDED.prior_diploma_type, EXCLUDED.prior_diploma_year)
  RETURNING (e.xmax = 0) AS inserted, (e.xmax <> 0 AND e.created_batch_id = $2::uuid) AS duplicate,
            e.pseudonym, e.programme_code, e.start_date
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
       count(*) FILTER (WHERE NOT inserted AND NOT duplicate)::int AS updated,
       coalesce((SELECT array_agg(i.ord::int ORDER BY i.ord) FROM upserted d
                   JOIN input i ON i.pseudonym = d.pseudonym::text AND i.programme_code = d.programme_code::text AND i.start_date = d.start_date
                  WHERE d.duplicate), '{}') AS duplicates
  FROM upserted`;

const LEAVER_UPSERT = `
WITH input AS (
  SELECT * FROM unnest($3::text[], $4::text[], $5::int2[], $6::text[], $7::text[], $8::bool[]) WITH ORDINALITY
    AS t(supplying_vestiging, pseudonym, school_year, onderwijssoort, profile, diploma, ord)
), upserted AS (
  INSERT INTO leavers AS l (institution_id, supplying_vestiging, pseudonym, school_year, onderwijssoort, profile, diploma, created_batch_id, updated_batch_id)
  SELECT $1::uuid, t.supplying_vestiging, t.pseudonym, t.school_year, t.onderwijssoort, t.profile, t.diploma, $2::uuid, $2::uuid
    FROM input t
  ON CONFLICT (institution_id, pseudonym, school_year) DO UPDATE SET
    supplying_vestiging = EXCLUDED.supplying_vestiging, onderwijssoort = EXCLUDED.onderwijssoort, profile = EXCLUDED.profile,
    diploma = EXCLUDED.diploma, updated_batch_id = EXCLUDED.updated_batch_id, updated_at = now()
  WHERE l.created_batch_id = EXCLUDED.created_batch_id
     OR (l.supplying_vestiging, l.onderwijssoort, l.profile, l.diploma)
        IS DISTINCT FROM (EXCLUDED.supplying_vestiging, EXCLUDED.onderwijssoort, EXCLUDED.profile, EXCLUDED.diploma)
  RETURNING (l.xmax = 0) AS inserted, (l.xmax <> 0 AND l.created_batch_id = $2::uuid) AS duplicate, l.pseudonym, l.school_year
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
       count(*) FILTER (WHERE NOT inserted AND NOT duplicate)::int AS updated,
       coalesce((SELECT array_agg(i.ord::int ORDER BY i.ord) FROM upserted d
                   JOIN input i ON i.pseudonym = d.pseudonym::text AND i.school_year = d.school_year
                  WHERE d.duplicate), '{}') AS duplicates
  FROM upserted`;

/*
 * Array parameters in PostgreSQL's binary array format, written straight into one Buffer per
 * column. The driver sends a Buffer as a binary parameter, so the chunk's data travels outside
 * the JavaScript heap: a million-row upload then leaves no garbage behind in the old
 * generation (as text literals it would, some 170 bytes per row) and memory stays flat. The
 * values are validated ASCII codes, dates, hex pseudonyms and profile names.
 */
const TEXT_OID = 25;
const INT2_OID = 21;
const BOOL_OID = 16;

/** Header of a one-dimensional array: ndim, has-null flag, element type, length, lower bound. */
function arrayBuffer(size: number, length: number, hasNull: boolean, elementOid: number): Buffer {
  const buffer = Buffer.allocUnsafe(20 + size);
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(hasNull ? 1 : 0, 4);
  buffer.writeInt32BE(elementOid, 8);
  buffer.writeInt32BE(length, 12);
  buffer.writeInt32BE(1, 16);
  return buffer;
}

/** text[] (nulls allowed). */
export function binaryTextArray(values: ReadonlyArray<string | null>): Buffer {
  let size = 0;
  let hasNull = false;
  for (const value of values) {
    if (value === null) hasNull = true;
    size += 4 + (value === null ? 0 : value.length);
  }
  const buffer = arrayBuffer(size, values.length, hasNull, TEXT_OID);
  let offset = 20;
  for (const value of values) {
    if (value === null) {
      offset = buffer.writeInt32BE(-1, offset);
    } else {
      offset = buffer.writeInt32BE(value.length, offset);
      offset += buffer.write(value, offset, 'latin1');
    }
  }
  return buffer;
}

/** int2[] (no nulls). */
export function binaryInt2Array(values: readonly number[]): Buffer {
  const buffer = arrayBuffer(values.length * 6, values.length, false, INT2_OID);
  let offset = 20;
  for (const value of values) {
    offset = buffer.writeInt32BE(2, offset);
    offset = buffer.writeInt16BE(value, offset);
  }
  return buffer;
}

/** bool[] (no nulls). */
export function binaryBoolArray(values: readonly boolean[]): Buffer {
  const buffer = arrayBuffer(values.length * 5, values.length, false, BOOL_OID);
  let offset = 20;
  for (const value of values) {
    offset = buffer.writeInt32BE(1, offset);
    offset = buffer.writeUInt8(value ? 1 : 0, offset);
  }
  return buffer;
}

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

  async upsertEnrolments(institutionId: string, batchId: string, c: EnrolmentChunk): Promise<ChunkResult> {
    const [result] = await this.rows<ChunkResult>(ENROLMENT_UPSERT, [
      institutionId,
      batchId,
      binaryTextArray(c.receivingVestiging),
      binaryTextArray(c.pseudonym),
      binaryTextArray(c.programmeCode),
      binaryTextArray(c.sector),
      binaryTextArray(c.level),
      binaryTextArray(c.form),
      binaryTextArray(c.startDate),
      binaryTextArray(c.endDate),
      binaryTextArray(c.endReason),
      binaryInt2Array(c.cohort),
      binaryTextArray(c.priorBrin),
      binaryTextArray(c.priorVestiging),
      binaryTextArray(c.priorDiplomaType),
      binaryInt2Array(c.priorDiplomaYear),
    ]);
    return result;
  }

  async upsertLeavers(institutionId: string, batchId: string, c: LeaverChunk): Promise<ChunkResult> {
    const [result] = await this.rows<ChunkResult>(LEAVER_UPSERT, [
      institutionId,
      batchId,
      binaryTextArray(c.supplyingVestiging),
      binaryTextArray(c.pseudonym),
      binaryInt2Array(c.schoolYear),
      binaryTextArray(c.onderwijssoort),
      binaryTextArray(c.profile),
      binaryBoolArray(c.diploma),
    ]);
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
  async lockBatch(institutionId: string, batchId: string): Promise<{ kind: RecordKind; status: BatchStatus } | undefined> {
    const rows = await this.rows<{ kind: RecordKind; status: BatchStatus }>(
      `SELECT kind, status FROM ingest_batches WHERE id = $1 AND institution_id = $2 FOR UPDATE`,
      [batchId, institutionId],
    );
    return rows[0];
  }

  /** Removes the rows a batch created; returns the cohorts (and school years) whose figures change. */
  async deleteBatchRows(institutionId: string, batchId: string, kind: RecordKind): Promise<{ deleted: number; cohorts: number[] }> {
    const sql =
      kind === 'enrolments'
        ? `WITH gone AS (DELETE FROM enrolments WHERE institution_id = $1 AND created_batch_id = $2 RETURNING cohort)
           SELECT count(*)::int AS deleted, coalesce(array_agg(DISTINCT cohort), '{}') AS cohorts FROM gone`
        : `WITH gone AS (DELETE FROM leavers WHERE institution_id = $1 AND created_batch_id = $2 RETURNING school_year)
           SELECT (SELECT count(*) FROM gone)::int AS deleted,
                  coalesce((SELECT array_agg(DISTINCT y) FROM (SELECT school_year AS y FROM gone UNION SELECT school_year + 1 FROM gone) c), '{}') AS cohorts`;
    const [result] = await this.rows<{ deleted: number; cohorts: number[] }>(sql, [institutionId, batchId]);
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
  createBatch(batch: NewBatch): Promise<string> {
    return insertBatch(this.dataSource, batch);
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
