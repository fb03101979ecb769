import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { Uploader } from 'src/access/tenancy';
import { ProblemException, ProblemFieldError } from 'src/common/problem';
import { IdempotencyService, IdempotentResponse, StreamedFingerprint } from 'src/idempotency/idempotency.service';
import { ChunkWriter } from 'src/ingest/chunk-writer';
import { currentSchoolYear, MAX_BATCH_RECORDS, maxCohort, RecordKindName } from 'src/records/codes';
import { drainAndMeasure, MalformedCsvError, streamCsvRecords } from 'src/ingest/csv/csv-stream';
import { BatchResultDto } from 'src/records/dto/record.dto';
import { INGEST_CONFIG, IngestConfig } from 'src/ingest/ingest.config';
import { batchTooLarge, emptyFile, invalidRecords, malformed, streamProblem, unsupportedMediaType, uploadTooLarge } from 'src/ingest/ingest-problems';
import { LiveUploads } from 'src/ingest/live-uploads';
import { IngestRepository, IngestTransaction } from 'src/ingest/ingest.repository';
import { ENROLMENTS } from 'src/records/kinds/enrolments';
import { KINDS } from 'src/records/kinds/kinds';
import { LEAVERS } from 'src/records/kinds/leavers';
import { SURVEYS } from 'src/records/kinds/surveys';
import type { KeyedChunk, RecordKind } from 'src/records/kinds/record-kind';
import { ErrorList, RowRunner } from 'src/ingest/validation/row-runner';
import type { ValidationContext } from 'src/records/kinds/value-checks';
import { JobKind } from 'src/jobs/job-kinds';
import { JobQueue } from 'src/jobs/job-queue';
import { ProgrammesService } from 'src/programmes/programmes.service';

/** At most this many errors are listed in one response; all are counted. */
export const MAX_LISTED_ERRORS = 1_000;

/**
 * Bulk ingest of enrolments and leavers: JSON batches and streamed CSV uploads. Each batch is
 * validated completely (every error listed at once) and written all-or-nothing in one
 * transaction, together with its batch record, the summary refresh job and the idempotency
 * record of its response.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);

  constructor(
    private readonly repository: IngestRepository,
    private readonly access: AccessService,
    private readonly programmes: ProgrammesService,
    private readonly idempotency: IdempotencyService,
    private readonly jobs: JobQueue,
    private readonly live: LiveUploads,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  submitEnrolments(auth: Principal, records: unknown[], idempotencyKey: unknown): Promise<IdempotentResponse<BatchResultDto>> {
    return this.submitBatch(auth, ENROLMENTS, records, idempotencyKey);
  }

  submitLeavers(auth: Principal, records: unknown[], idempotencyKey: unknown): Promise<IdempotentResponse<BatchResultDto>> {
    return this.submitBatch(auth, LEAVERS, records, idempotencyKey);
  }

  submitSurveys(auth: Principal, records: unknown[], idempotencyKey: unknown): Promise<IdempotentResponse<BatchResultDto>> {
    return this.submitBatch(auth, SURVEYS, records, idempotencyKey);
  }

  /** A streamed CSV upload: parsed, validated and written chunk by chunk inside one transaction. */
  upload(auth: Principal, kind: RecordKindName, body: Readable & { headers: IncomingHttpHeaders }, idempotencyKey: unknown): Promise<IdempotentResponse<BatchResultDto>> {
    return this.uploadCsv(auth, KINDS[kind], body, idempotencyKey);
  }

  private async submitBatch<C extends KeyedChunk>(auth: Principal, kind: RecordKind<C>, records: unknown[], idempotencyKey: unknown): Promise<IdempotentResponse<BatchResultDto>> {
    const uploader = await this.access.uploaderOf(auth);
    const key = this.idempotency.parseKey(idempotencyKey);
    if (records.length > MAX_BATCH_RECORDS) throw batchTooLarge(records.length);
    const fingerprint = key === undefined ? '' : this.idempotency.fingerprint('POST', `/v1/${kind.name}:batch`, JSON.stringify(records));
    return this.idempotency.runIdempotent({ clientId: auth.clientId, key, fingerprint, openTransaction: () => this.repository.openTransaction() }, async (transaction) => {
      // Validate everything before the transaction opens: an invalid batch never holds a connection.
      const errors = new ErrorList(MAX_LISTED_ERRORS);
      const chunks: C[] = [];
      // The whole body is in memory already: one statement for the batch (at most 10,000 rows).
      const runner = new RowRunner(kind, await this.validationContext(uploader), 'json', errors, MAX_BATCH_RECORDS, (chunk) => void chunks.push(chunk));
      // The sink only collects chunks: nothing here returns a promise.
      for (let i = 0; i < records.length; i++) void runner.acceptObject(records[i], i);
      void runner.flush();
      if (errors.any) throw invalidRecords(errors, 'json');

      const tx = await transaction();
      const batchId = await tx.createBatch({ institutionId: uploader.id, clientId: auth.clientId, kind: kind.name, source: 'json', status: 'receiving' });
      const writer = new ChunkWriter<C>(
        (chunk) => tx.upsert(kind, uploader.id, batchId, chunk),
        (origin) => runner.duplicateAcrossChunks(origin),
        () => errors.any,
      );
      for (const chunk of chunks) await writer.submit(chunk);
      await writer.settle();
      if (errors.any) throw invalidRecords(errors, 'json');
      return this.finish(tx, uploader, batchId, runner, writer);
    });
  }

  private async uploadCsv<C extends KeyedChunk>(
    auth: Principal,
    kind: RecordKind<C>,
    body: Readable & { headers: IncomingHttpHeaders },
    idempotencyKey: unknown,
  ): Promise<IdempotentResponse<BatchResultDto>> {
    const uploader = await this.access.uploaderOf(auth);
    const key = this.idempotency.parseKey(idempotencyKey);
    this.checkCsvHeaders(body.headers);
    const hash = this.idempotency.streamingFingerprint('POST', `/v1/uploads?kind=${kind.name}`);
    const fingerprint: StreamedFingerprint = {
      digest: () => hash.digest(),
      // Seen this key before: the body is read only to compare fingerprints, then replayed or refused.
      readAll: async () => {
        await drainAndMeasure(body, this.config.uploadMaxBytes, (chunk) => hash.update(chunk)).catch((error: unknown) => {
          throw streamProblem(error, this.config.uploadMaxBytes);
        });
        return hash.digest();
      },
    };

    let batchId: string | undefined;
    let rows = 0;
    let errorCount = 0;
    const afterRollback = async (error: unknown): Promise<void> => {
      if (!batchId) return;
      if (error instanceof MalformedCsvError || (error instanceof ProblemException && errorCount === 0)) errorCount = 1;
      await this.repository.failBatch(batchId, rows, errorCount).catch((failure: unknown) => this.logger.warn({ err: failure }, 'could not mark a batch failed'));
    };
    const request = { clientId: auth.clientId, key, fingerprint, openTransaction: () => this.repository.openTransaction(), afterRollback };
    try {
      return await this.idempotency.runIdempotent(request, async (transaction) => {
        try {
          const ctx = await this.validationContext(uploader);
          // The batch row commits on its own, so GET /v1/uploads/{id} shows progress meanwhile.
          const created = await this.repository.createBatch({ institutionId: uploader.id, clientId: auth.clientId, kind: kind.name, source: 'csv', status: 'receiving' });
          const id = (batchId = created.id);
          this.live.start(uploader.id, {
            id,
            kind: kind.name,
            source: 'csv',
            status: 'receiving',
            clientId: auth.clientId,
            rows: 0,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            deleted: 0,
            errorCount: 0,
            startedAt: created.startedAt,
            finishedAt: null,
          });
          const tx = await transaction();
          await tx.holdBatch(id);
          const errors = new ErrorList(MAX_LISTED_ERRORS);
          const structure = new ErrorList(MAX_LISTED_ERRORS);
          const writer: ChunkWriter<C> = new ChunkWriter<C>(
            (chunk) => tx.upsert(kind, uploader.id, id, chunk),
            (origin) => runner.duplicateAcrossChunks(origin),
            () => errors.any || structure.any,
          );
          const runner: RowRunner<C> = new RowRunner(kind, ctx, 'csv', errors, this.config.chunkRows, (chunk) => writer.submit(chunk));
          const progress = this.progressReporter(id);
          const progressEvery = this.config.chunkRows;

          let columns: number[] | undefined;
          // One array reused for every row: the validator copies what it keeps.
          const values: unknown[] = new Array(kind.fields.length);
          // Without a key there is nothing to compare the fingerprint with: skip hashing.
          const onBytes = key !== undefined ? (chunk: Buffer) => hash.update(chunk) : () => undefined;
          await streamCsvRecords(body, { maxBytes: this.config.uploadMaxBytes, onBytes }, (fields, line) => {
            if (!columns) {
              columns = this.mapHeader(fields, kind);
              return;
            }
            if (fields.length !== columns.length) {
              rows++;
              structure.add({ line, code: 'column_count', detail: `The line has ${fields.length} fields; the header has ${columns.length}.` });
              return;
            }
            for (let i = 0; i < columns.length; i++) values[columns[i]] = fields[i];
            const pending = runner.accept(values, line);
            rows = runner.rows + structure.total;
            if (rows % progressEvery === 0) progress(rows);
            return pending;
          });
          rows = runner.rows + structure.total;
          if (!columns) throw emptyFile();
          const last = runner.flush();
          if (last) await last;
          await writer.settle();
          if (structure.any) {
            errorCount = structure.total;
            throw malformed(structure.listed, structure.total);
          }
          if (errors.any) {
            errorCount = errors.total + errors.forbiddenTotal;
            throw invalidRecords(errors, 'csv');
          }
          return await this.finish(tx, uploader, id, runner, writer);
        } catch (error) {
          throw streamProblem(error, this.config.uploadMaxBytes);
        }
      });
    } finally {
      // Committed or rolled back (and marked failed): ingest_batches has the final figures now.
      if (batchId) this.live.end(batchId);
    }
  }

  /** Writes the batch's figures and its refresh job; the caller stores the response and commits. */
  private async finish<C extends KeyedChunk>(tx: IngestTransaction, uploader: Uploader, batchId: string, runner: RowRunner<C>, writer: ChunkWriter<C>): Promise<BatchResultDto> {
    const result: BatchResultDto = {
      batchId,
      rows: runner.rows,
      inserted: writer.inserted,
      updated: writer.updated,
      unchanged: runner.rows - writer.inserted - writer.updated,
    };
    await tx.commitBatch(batchId, result);
    // A kind that feeds no summary (survey answers) touches no cohort: nothing to refresh.
    if (result.inserted + result.updated > 0 && runner.cohorts.size > 0) {
      await this.jobs.enqueue(tx.manager, JobKind.RefreshSummaries, { institutionId: uploader.id, cohorts: [...runner.cohorts].sort((a, b) => a - b) });
    }
    return result;
  }

  private async validationContext(uploader: Uploader): Promise<Omit<ValidationContext, 'names' | 'json'>> {
    return { ownBrin: uploader.brin, programmes: await this.programmes.catalogue(), maxCohort: maxCohort(), currentSchoolYear: currentSchoolYear() };
  }

  /** Column i of the file → field index; a header naming an unknown or doubled column is refused. */
  private mapHeader(header: string[], kind: RecordKind<KeyedChunk>): number[] {
    const byName = new Map(kind.fields.map((field, i) => [field.csv, i]));
    const errors: ProblemFieldError[] = [];
    const seen = new Set<number>();
    const columns = header.map((raw) => {
      const name = raw.trim().toLowerCase();
      const field = byName.get(name);
      if (field === undefined) {
        errors.push({ line: 1, column: name.slice(0, 64), code: 'unknown_column', detail: `Unknown column; the columns of ${kind.name} are: ${kind.fields.map((f) => f.csv).join(', ')}.` });
        return -1;
      }
      if (seen.has(field)) errors.push({ line: 1, column: name, code: 'duplicate_column', detail: 'The column appears more than once.' });
      seen.add(field);
      return field;
    });
    kind.fields.forEach((field, i) => {
      if (field.required && !seen.has(i)) errors.push({ line: 1, column: field.csv, code: 'missing_column', detail: 'A required column is missing from the header.' });
    });
    if (errors.length > 0) throw malformed(errors, errors.length);
    return columns;
  }

  private checkCsvHeaders(headers: IncomingHttpHeaders): void {
    const contentType = (headers['content-type'] ?? '').toLowerCase();
    const [mediaType, ...parameters] = contentType.split(';').map((part) => part.trim());
    const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
    if (mediaType !== 'text/csv' || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) throw unsupportedMediaType();
    const length = Number(headers['content-length']);
    if (Number.isFinite(length) && length > this.config.uploadMaxBytes) throw uploadTooLarge(this.config.uploadMaxBytes);
  }

  /**
   * Reports the running row count: never awaited, at most one update in flight; counts that
   * arrive meanwhile are coalesced into the next update.
   */
  private progressReporter(batchId: string): (rows: number) => void {
    let busy = false;
    let latest = 0;
    let sent = 0;
    const send = (): void => {
      busy = true;
      sent = latest;
      this.repository
        .reportProgress(batchId, sent)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'could not report upload progress'))
        .finally(() => {
          busy = false;
          if (latest > sent) send();
        });
    };
    return (rows) => {
      this.live.progress(batchId, rows);
      latest = rows;
      if (!busy) send();
    };
  }
}
