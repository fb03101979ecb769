import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { Uploader } from 'src/access/tenancy';
import { ProblemException, ProblemFieldError } from 'src/common/problem';
import { MAX_BATCH_RECORDS, maxCohort, RecordKind } from 'src/ingest/codes';
import { drainAndMeasure, MalformedCsvError, streamCsvRecords, UploadAbortedError, UploadTooLargeError } from 'src/ingest/csv/csv-stream';
import { BatchResultDto } from 'src/ingest/dto/record.dto';
import { IdempotencyClaim, IdempotencyService, IdempotentResponse } from 'src/ingest/idempotency/idempotency.service';
import { INGEST_CONFIG, IngestConfig } from 'src/ingest/ingest.config';
import { ChunkResult, IngestRepository, IngestTransaction } from 'src/ingest/ingest.repository';
import { ProgrammesService } from 'src/ingest/programmes.service';
import type { EnrolmentChunk, LeaverChunk, ValidationContext } from 'src/ingest/validation/record-validator';
import { ENROLMENT_HANDLER, ErrorList, LEAVER_HANDLER, RecordChunk, RecordKindHandler, RowRunner, RowSource } from 'src/ingest/validation/row-runner';
import { JobKind } from 'src/jobs/job-kinds';
import { JobQueue } from 'src/jobs/job-queue';

/** At most this many errors are listed in one response; all are counted. */
export const MAX_LISTED_ERRORS = 1_000;

/**
 * Sends chunks to the database one statement at a time, while the caller prepares the next
 * chunk: parsing and validating overlap with the database's work, and at most one chunk waits.
 */
class ChunkWriter<C extends RecordChunk> {
  inserted = 0;
  updated = 0;
  private pending: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly write: (chunk: C) => Promise<ChunkResult>,
    /** A row (by record index or line) whose key an earlier chunk already wrote. */
    private readonly onDuplicate: (origin: number | undefined) => void,
    /** Once the batch is known to fail, nothing more is written. */
    private readonly failed: () => boolean,
  ) {}

  async submit(chunk: C): Promise<void> {
    await this.settle();
    if (this.failed()) return;
    // Only the rows' origins outlive this call: the chunk itself is garbage as soon as the
    // statement's parameters are built, so it never ages into the old generation.
    const origins = chunk.origins;
    this.pending = this.write(chunk).then(
      (result) => {
        this.inserted += result.inserted;
        this.updated += result.updated;
        for (const position of result.duplicates) this.onDuplicate(origins[position - 1]);
      },
      (error: unknown) => {
        this.failure = { error };
      },
    );
  }

  /** Waits for the chunk in flight; rethrows a database failure. */
  async settle(): Promise<void> {
    if (this.pending) {
      await this.pending;
      this.pending = undefined;
    }
    if (this.failure) throw this.failure.error;
  }
}

const problem = (status: HttpStatus, type: string, title: string, detail: string, errors?: ProblemFieldError[], extensions?: Record<string, unknown>) =>
  new ProblemException(status, type, title, detail, errors, extensions);

const plural = (n: number, one: string, many: string): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** Orders listed errors by row, so that asynchronously found ones (duplicates) fall in place. */
const byRow = (a: ProblemFieldError, b: ProblemFieldError): number => (a.line ?? 0) - (b.line ?? 0);

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
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  submitEnrolments(auth: Principal, records: unknown[], idempotencyKey: unknown): Promise<IdempotentResponse<BatchResultDto>> {
    return this.submitBatch(auth, ENROLMENT_HANDLER, records, idempotencyKey, (tx, institutionId, batchId, chunk) => tx.upsertEnrolments(institutionId, batchId, chunk));
  }

  submitLeavers(auth: Principal, records: unknown[], idempotencyKey: unknown): Promise<IdempotentResponse<BatchResultDto>> {
    return this.submitBatch(auth, LEAVER_HANDLER, records, idempotencyKey, (tx, institutionId, batchId, chunk) => tx.upsertLeavers(institutionId, batchId, chunk));
  }

  /** A streamed CSV upload: parsed, validated and written chunk by chunk inside one transaction. */
  upload(auth: Principal, kind: RecordKind, body: Readable & { headers: IncomingHttpHeaders }, idempotencyKey: unknown): Promise<IdempotentResponse<BatchResultDto>> {
    return kind === 'enrolments'
      ? this.uploadCsv(auth, ENROLMENT_HANDLER, body, idempotencyKey, (tx, institutionId, batchId, chunk: EnrolmentChunk) => tx.upsertEnrolments(institutionId, batchId, chunk))
      : this.uploadCsv(auth, LEAVER_HANDLER, body, idempotencyKey, (tx, institutionId, batchId, chunk: LeaverChunk) => tx.upsertLeavers(institutionId, batchId, chunk));
  }

  private async submitBatch<C extends RecordChunk>(
    auth: Principal,
    handler: RecordKindHandler<C>,
    records: unknown[],
    idempotencyKey: unknown,
    write: (tx: IngestTransaction, institutionId: string, batchId: string, chunk: C) => Promise<ChunkResult>,
  ): Promise<IdempotentResponse<BatchResultDto>> {
    const uploader = await this.access.uploaderOf(auth);
    const key = this.idempotency.parseKey(idempotencyKey);
    if (records.length > MAX_BATCH_RECORDS) {
      throw problem(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'batch-too-large',
        'Payload too large',
        `A batch holds at most ${MAX_BATCH_RECORDS.toLocaleString('en')} records; this one has ${records.length.toLocaleString('en')}. Split it, or upload a CSV file to POST /v1/uploads.`,
        [{ pointer: '#/records', code: 'maxItems', detail: `At most ${MAX_BATCH_RECORDS} records.` }],
        { maxRecords: MAX_BATCH_RECORDS },
      );
    }
    const fingerprint = key === undefined ? '' : this.idempotency.fingerprint('POST', `/v1/${handler.kind}:batch`, JSON.stringify(records));
    const start = await this.idempotency.begin(auth.clientId, key, fingerprint);
    if (start.kind === 'replay') return start.response as IdempotentResponse<BatchResultDto>;
    const claim = start.kind === 'owned' ? start.claim : undefined;

    let tx: IngestTransaction | undefined;
    try {
      // Validate everything before the transaction opens: an invalid batch never holds a connection.
      const errors = new ErrorList(MAX_LISTED_ERRORS);
      const chunks: C[] = [];
      // The whole body is in memory already: one statement for the batch (at most 10,000 rows).
      const runner = new RowRunner(handler, await this.validationContext(uploader), 'json', errors, MAX_BATCH_RECORDS, (chunk) => void chunks.push(chunk));
      // The sink only collects chunks: nothing here returns a promise.
      for (let i = 0; i < records.length; i++) void runner.acceptObject(records[i], i);
      void runner.flush();
      if (errors.any) throw this.invalid(errors, 'json');

      tx = await this.repository.openTransaction();
      const open = tx;
      const batchId = await open.createBatch({ institutionId: uploader.id, clientId: auth.clientId, kind: handler.kind, source: 'json', status: 'receiving' });
      const writer = new ChunkWriter<C>(
        (chunk) => write(open, uploader.id, batchId, chunk),
        (origin) => runner.duplicateAcrossChunks(origin),
        () => errors.any,
      );
      for (const chunk of chunks) await writer.submit(chunk);
      await writer.settle();
      if (errors.any) throw this.invalid(errors, 'json');
      const result = await this.commit(open, uploader, batchId, runner, writer, claim, fingerprint);
      return new IdempotentResponse(HttpStatus.OK, result, false);
    } catch (error) {
      await tx?.rollback();
      await this.idempotency.release(claim);
      throw error;
    }
  }

  private async uploadCsv<C extends RecordChunk>(
    auth: Principal,
    handler: RecordKindHandler<C>,
    body: Readable & { headers: IncomingHttpHeaders },
    idempotencyKey: unknown,
    write: (tx: IngestTransaction, institutionId: string, batchId: string, chunk: C) => Promise<ChunkResult>,
  ): Promise<IdempotentResponse<BatchResultDto>> {
    const uploader = await this.access.uploaderOf(auth);
    const key = this.idempotency.parseKey(idempotencyKey);
    this.checkCsvHeaders(body.headers);
    const hash = this.idempotency.streamingFingerprint('POST', `/v1/uploads?kind=${handler.kind}`);
    const start = await this.idempotency.beginStreamed(auth.clientId, key);
    if (start.kind === 'stored') {
      // Seen this key before: read the body only to compare fingerprints, then replay or refuse.
      try {
        await drainAndMeasure(body, this.config.uploadMaxBytes, (chunk) => hash.update(chunk));
      } catch (error) {
        throw this.streamProblem(error);
      }
      return this.idempotency.replay(start.stored, hash.digest()) as IdempotentResponse<BatchResultDto>;
    }
    const claim = start.kind === 'owned' ? start.claim : undefined;

    let batchId: string | undefined;
    let tx: IngestTransaction | undefined;
    let rows = 0;
    let errorCount = 0;
    try {
      const ctx = await this.validationContext(uploader);
      // The batch row commits on its own, so GET /v1/uploads/{id} shows progress meanwhile.
      batchId = await this.repository.createBatch({ institutionId: uploader.id, clientId: auth.clientId, kind: handler.kind, source: 'csv', status: 'receiving' });
      const id = batchId;
      const open = (tx = await this.repository.openTransaction());
      await open.holdBatch(id);
      const errors = new ErrorList(MAX_LISTED_ERRORS);
      const structure = new ErrorList(MAX_LISTED_ERRORS);
      const writer: ChunkWriter<C> = new ChunkWriter<C>(
        (chunk) => write(open, uploader.id, id, chunk),
        (origin) => runner.duplicateAcrossChunks(origin),
        () => errors.any || structure.any,
      );
      const runner: RowRunner<C> = new RowRunner(handler, ctx, 'csv', errors, this.config.chunkRows, (chunk) => writer.submit(chunk));
      const progress = this.progressReporter(id);
      const progressEvery = this.config.chunkRows;

      let columns: number[] | undefined;
      // One array reused for every row: the validator copies what it keeps.
      const values: unknown[] = new Array(handler.fields.length);
      // Without a key there is nothing to compare the fingerprint with: skip hashing.
      const onBytes = claim ? (chunk: Buffer) => hash.update(chunk) : () => undefined;
      await streamCsvRecords(body, { maxBytes: this.config.uploadMaxBytes, onBytes }, (fields, line) => {
        if (!columns) {
          columns = this.mapHeader(fields, handler);
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
      if (!columns) {
        throw problem(HttpStatus.BAD_REQUEST, 'malformed-csv', 'Malformed CSV', 'The file is empty: the first line must name the columns.', [
          { line: 1, code: 'missing_header', detail: 'A header row is required.' },
        ]);
      }
      const last = runner.flush();
      if (last) await last;
      await writer.settle();
      if (structure.any) {
        errorCount = structure.total;
        throw this.malformed(structure.listed, structure.total);
      }
      if (errors.any) {
        errorCount = errors.total + errors.forbiddenTotal;
        throw this.invalid(errors, 'csv');
      }
      const result = await this.commit(open, uploader, id, runner, writer, claim, claim ? hash.digest() : '');
      return new IdempotentResponse(HttpStatus.OK, result, false);
    } catch (caught) {
      const error = this.streamProblem(caught);
      await tx?.rollback();
      if (batchId) {
        if (error instanceof MalformedCsvError || (error instanceof ProblemException && errorCount === 0)) errorCount = 1;
        await this.repository.failBatch(batchId, rows, errorCount).catch((failure: unknown) => this.logger.warn({ err: failure }, 'could not mark a batch failed'));
      }
      await this.idempotency.release(claim);
      throw error;
    }
  }

  /** Writes the batch's figures, the refresh job and the idempotent response, and commits. */
  private async commit<C extends RecordChunk>(
    tx: IngestTransaction,
    uploader: Uploader,
    batchId: string,
    runner: RowRunner<C>,
    writer: ChunkWriter<C>,
    claim: IdempotencyClaim | undefined,
    fingerprint: string,
  ): Promise<BatchResultDto> {
    const result: BatchResultDto = {
      batchId,
      rows: runner.rows,
      inserted: writer.inserted,
      updated: writer.updated,
      unchanged: runner.rows - writer.inserted - writer.updated,
    };
    await tx.commitBatch(batchId, result);
    if (result.inserted + result.updated > 0) {
      await this.jobs.enqueue(tx.manager, JobKind.RefreshSummaries, { institutionId: uploader.id, cohorts: [...runner.cohorts].sort((a, b) => a - b) });
    }
    await this.idempotency.complete(tx.manager, claim, fingerprint, HttpStatus.OK, result);
    await tx.commit();
    return result;
  }

  private async validationContext(uploader: Uploader): Promise<Omit<ValidationContext, 'names' | 'json'>> {
    return { ownBrin: uploader.brin, programmes: await this.programmes.catalogue(), maxCohort: maxCohort() };
  }

  /** Column i of the file → field index; a header naming an unknown or doubled column is refused. */
  private mapHeader(header: string[], handler: RecordKindHandler<RecordChunk>): number[] {
    const byName = new Map(handler.fields.map((field, i) => [field.csv, i]));
    const errors: ProblemFieldError[] = [];
    const seen = new Set<number>();
    const columns = header.map((raw) => {
      const name = raw.trim().toLowerCase();
      const field = byName.get(name);
      if (field === undefined) {
        errors.push({ line: 1, column: name.slice(0, 64), code: 'unknown_column', detail: `Unknown column; the columns of ${handler.kind} are: ${handler.fields.map((f) => f.csv).join(', ')}.` });
        return -1;
      }
      if (seen.has(field)) errors.push({ line: 1, column: name, code: 'duplicate_column', detail: 'The column appears more than once.' });
      seen.add(field);
      return field;
    });
    handler.fields.forEach((field, i) => {
      if (field.required && !seen.has(i)) errors.push({ line: 1, column: field.csv, code: 'missing_column', detail: 'A required column is missing from the header.' });
    });
    if (errors.length > 0) throw this.malformed(errors, errors.length);
    return columns;
  }

  private checkCsvHeaders(headers: IncomingHttpHeaders): void {
    const contentType = (headers['content-type'] ?? '').toLowerCase();
    const [mediaType, ...parameters] = contentType.split(';').map((part) => part.trim());
    const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
    if (mediaType !== 'text/csv' || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
      throw problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported-media-type', 'Unsupported media type', 'Send the file as Content-Type: text/csv (UTF-8).', [
        { header: 'Content-Type', code: 'text/csv', detail: 'Expected text/csv; charset=utf-8.' },
      ]);
    }
    const length = Number(headers['content-length']);
    if (Number.isFinite(length) && length > this.config.uploadMaxBytes) throw this.tooLarge();
  }

  private tooLarge(): ProblemException {
    return problem(
      HttpStatus.PAYLOAD_TOO_LARGE,
      'upload-too-large',
      'Payload too large',
      `The file is larger than the ${this.config.uploadMaxBytes.toLocaleString('en')} bytes an upload may have; nothing was written. Split it into several uploads.`,
      undefined,
      { maxBytes: this.config.uploadMaxBytes },
    );
  }

  /** Streaming failures as problems; anything else passes unchanged. */
  private streamProblem(error: unknown): unknown {
    if (error instanceof UploadTooLargeError) return this.tooLarge();
    if (error instanceof MalformedCsvError) return this.malformed([{ line: error.line, code: error.code, detail: error.detail }], 1);
    if (error instanceof UploadAbortedError) return problem(HttpStatus.BAD_REQUEST, 'upload-aborted', 'Invalid request', 'The upload ended before the file was complete; nothing was written.');
    return error;
  }

  private malformed(errors: ProblemFieldError[], total: number): ProblemException {
    return problem(
      HttpStatus.BAD_REQUEST,
      'malformed-csv',
      'Malformed CSV',
      `The file is not well-formed CSV (${plural(total, 'problem', 'problems')}); nothing was written.${total > errors.length ? ` The first ${errors.length} are listed.` : ''}`,
      [...errors].sort(byRow),
      { errorCount: total, ...(total > errors.length ? { moreErrors: total - errors.length } : {}) },
    );
  }

  /** One problem for all the errors of a batch: 403 when rows name another institution, else 422. */
  private invalid(errors: ErrorList, source: RowSource): ProblemException {
    const where = source === 'json' ? 'records' : 'file';
    if (errors.forbiddenTotal > 0) {
      const listed = source === 'csv' ? [...errors.forbidden].sort(byRow) : errors.forbidden;
      return problem(
        HttpStatus.FORBIDDEN,
        'other-institution',
        'Forbidden',
        `${plural(errors.forbiddenTotal, 'value names', 'values name')} another institution than the one your client acts for; nothing was written.`,
        listed,
        { errorCount: errors.forbiddenTotal },
      );
    }
    const more = errors.total - errors.listed.length;
    return problem(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'invalid-records',
      'Invalid records',
      `${plural(errors.total, 'invalid value', 'invalid values')} in the ${where}; nothing was written.${more > 0 ? ` The first ${errors.listed.length.toLocaleString('en')} are listed; ${more.toLocaleString('en')} more are not.` : ''}`,
      source === 'csv' ? [...errors.listed].sort(byRow) : errors.listed,
      { errorCount: errors.total, ...(more > 0 ? { moreErrors: more } : {}) },
    );
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
      latest = rows;
      if (!busy) send();
    };
  }
}
