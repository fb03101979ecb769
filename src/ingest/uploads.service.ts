import { Injectable } from '@nestjs/common';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { Page, page } from 'src/common/paging';
import { notFound } from 'src/common/problem';
import { problem } from 'src/common/problems';
import { IdempotencyService, IdempotentResponse } from 'src/idempotency/idempotency.service';
import { BatchDeletedDto, BatchDto, BatchQueryDto, ErasureResultDto } from 'src/ingest/dto/upload.dto';
import { IngestRepository, IngestTransaction } from 'src/ingest/ingest.repository';
import { LiveUploads } from 'src/ingest/live-uploads';
import { BatchRow, UploadsRepository } from 'src/ingest/uploads.repository';
import { JobKind, JobPayloads } from 'src/jobs/job-kinds';
import { JobQueue } from 'src/jobs/job-queue';
import { requirePseudonym } from 'src/pseudonyms/pseudonym';
import { KINDS } from 'src/records/kinds/kinds';

const toBatchDto = (row: BatchRow): BatchDto => ({
  id: row.id,
  kind: row.kind,
  source: row.source,
  status: row.status,
  clientId: row.client_id,
  rows: row.rows_total,
  inserted: row.rows_inserted,
  updated: row.rows_updated,
  unchanged: row.rows_unchanged,
  deleted: row.rows_deleted,
  errorCount: row.error_count,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
});

/**
 * An institution's uploads: their status and progress, deleting what a batch created, and
 * erasing a pseudonym (AVG). Every query carries the caller's institution; another
 * institution's batch answers 404.
 */
@Injectable()
export class UploadsService {
  constructor(
    private readonly uploads: UploadsRepository,
    private readonly access: AccessService,
    private readonly ingestRepository: IngestRepository,
    private readonly idempotency: IdempotencyService,
    private readonly jobs: JobQueue,
    private readonly live: LiveUploads,
  ) {}

  async getBatch(auth: Principal, batchId: string): Promise<BatchDto> {
    // A running upload of this process answers from memory: on the embedded database its
    // transaction holds the one session until it ends.
    const live = this.live.get(batchId);
    if (live && this.access.actsForInstitution(auth, live.institutionId)) return live.batch;
    // Another institution's running upload: the same 404 as from the database, without waiting for it.
    if (live && this.access.institutionOf(auth) !== undefined) throw notFound(`Upload ${batchId}`);
    const { id } = await this.access.uploaderOf(auth);
    const batch = await this.uploads.getBatch(id, batchId);
    if (!batch) throw notFound(`Upload ${batchId}`);
    return toBatchDto(batch);
  }

  async listBatches(auth: Principal, query: BatchQueryDto): Promise<Page<BatchDto>> {
    // Where this process knows every upload still receiving (the embedded database), that list
    // needs no database, which a running upload holds.
    if (query.status === 'receiving' && this.live.knowsEvery) {
      const institutionId = this.access.institutionOf(auth);
      if (institutionId !== undefined) {
        const running = this.live.of(institutionId).filter((batch) => query.kind === undefined || batch.kind === query.kind);
        return page(running.slice(query.offset, query.offset + query.limit), running.length, query);
      }
    }
    const { id } = await this.access.uploaderOf(auth);
    const { items, total } = await this.uploads.listBatches(id, { kind: query.kind, status: query.status }, query.limit, query.offset);
    return page(items.map(toBatchDto), total, query);
  }

  /** Removes the records a batch created (records it only updated keep their values). */
  async deleteBatch(auth: Principal, batchId: string, idempotencyKey: unknown): Promise<IdempotentResponse<BatchDeletedDto>> {
    const uploader = await this.access.uploaderOf(auth);
    await this.ingestRepository.failAbandonedBatches(uploader.id);
    return this.inTransaction(auth, idempotencyKey, `/v1/batches/${batchId}`, async (tx) => {
      const batch = await tx.lockBatch(uploader.id, batchId);
      if (!batch) throw notFound(`Batch ${batchId}`);
      if (batch.status !== 'committed') {
        throw problem(
          'batch-not-deletable',
          batch.status === 'deleted'
            ? 'The batch has been deleted already.'
            : batch.status === 'receiving'
              ? 'The upload is still running.'
              : 'The batch failed: it wrote nothing, so there is nothing to delete.',
        );
      }
      const { deleted, cohorts } = await tx.deleteBatchRows(uploader.id, batchId, KINDS[batch.kind]);
      await tx.markBatchDeleted(batchId, deleted);
      if (deleted > 0 && cohorts.length > 0) await this.enqueueRefresh(tx, { institutionId: uploader.id, cohorts });
      return { batchId, kind: batch.kind, deleted };
    });
  }

  /** AVG erasure: everything the caller's institution holds about a pseudonym. */
  async erasePseudonym(auth: Principal, pseudonym: string, idempotencyKey: unknown): Promise<IdempotentResponse<ErasureResultDto>> {
    const uploader = await this.access.uploaderOf(auth);
    requirePseudonym(pseudonym);
    return this.inTransaction(auth, idempotencyKey, `/v1/pseudonyms/${pseudonym}`, async (tx) => {
      const erased = await tx.erasePseudonym(uploader.id, pseudonym);
      if (erased.enrolments + erased.leavers + erased.surveyAnswers === 0) throw notFound('Records of this pseudonym');
      if (erased.cohorts.length > 0) await this.enqueueRefresh(tx, { institutionId: uploader.id, cohorts: erased.cohorts });
      return { enrolmentsDeleted: erased.enrolments, leaversDeleted: erased.leavers, surveyAnswersDeleted: erased.surveyAnswers };
    });
  }

  /** Runs a correction in one transaction with its refresh job and idempotent response. */
  private async inTransaction<T>(auth: Principal, idempotencyKey: unknown, route: string, work: (tx: IngestTransaction) => Promise<T>): Promise<IdempotentResponse<T>> {
    const key = this.idempotency.parseKey(idempotencyKey);
    const fingerprint = this.idempotency.fingerprint('DELETE', route, '');
    const request = { clientId: auth.clientId, key, fingerprint, openTransaction: () => this.ingestRepository.openTransaction() };
    return this.idempotency.runIdempotent(request, async (transaction) => work(await transaction()));
  }

  private async enqueueRefresh(tx: IngestTransaction, payload: JobPayloads[typeof JobKind.RefreshSummaries]): Promise<void> {
    await this.jobs.enqueue(tx.manager, JobKind.RefreshSummaries, { institutionId: payload.institutionId, cohorts: [...payload.cohorts].sort((a, b) => a - b) });
  }
}
