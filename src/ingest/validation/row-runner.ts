import { escapePointerSegment, ProblemFieldError } from 'src/common/problem';
import type { RecordKind } from 'src/ingest/codes';
import { ENROLMENT_FIELDS, LEAVER_FIELDS, RecordField } from 'src/ingest/validation/record-fields';
import {
  EnrolmentChunk,
  FORBIDDEN_CODES,
  KeyedChunk,
  LeaverChunk,
  Reporter,
  validateEnrolment,
  validateLeaver,
  ValidationContext,
} from 'src/ingest/validation/record-validator';

/** What the runner needs of a chunk: its size and its natural keys. */
export type RecordChunk = KeyedChunk;

/** How one kind of record is validated and buffered. */
export interface RecordKindHandler<C extends RecordChunk> {
  kind: RecordKind;
  fields: readonly RecordField[];
  /** Field indexes of the natural key (besides the institution), for messages. */
  keyFields: readonly number[];
  newChunk(): C;
  validate(values: ArrayLike<unknown>, ctx: ValidationContext, report: Reporter, out: C): boolean;
  /** Adds the cohorts whose figures row `i` of the chunk feeds. */
  addCohorts(chunk: C, i: number, cohorts: Set<number>): void;
}

export const ENROLMENT_HANDLER: RecordKindHandler<EnrolmentChunk> = {
  kind: 'enrolments',
  fields: ENROLMENT_FIELDS,
  keyFields: [0, 3, 7],
  newChunk: () => new EnrolmentChunk(),
  validate: validateEnrolment,
  addCohorts: (chunk, i, cohorts) => void cohorts.add(chunk.cohort[i]),
};

export const LEAVER_HANDLER: RecordKindHandler<LeaverChunk> = {
  kind: 'leavers',
  fields: LEAVER_FIELDS,
  keyFields: [0, 2],
  newChunk: () => new LeaverChunk(),
  validate: validateLeaver,
  // Leaver figures are kept per school year Y, and compared with the follow-up cohort Y + 1.
  addCohorts: (chunk, i, cohorts) => {
    cohorts.add(chunk.schoolYear[i]);
    cohorts.add(chunk.schoolYear[i] + 1);
  },
};

/** Every error of a batch: the first `cap` are listed, all are counted. */
export class ErrorList {
  readonly listed: ProblemFieldError[] = [];
  total = 0;
  /** Rows that name another institution: the batch is refused with 403. */
  readonly forbidden: ProblemFieldError[] = [];
  forbiddenTotal = 0;

  constructor(readonly cap: number) {}

  add(error: ProblemFieldError): void {
    if (error.code !== undefined && FORBIDDEN_CODES.has(error.code)) {
      this.forbiddenTotal++;
      if (this.forbidden.length < this.cap) this.forbidden.push(error);
      return;
    }
    this.total++;
    if (this.listed.length < this.cap) this.listed.push(error);
  }

  get any(): boolean {
    return this.total > 0 || this.forbiddenTotal > 0;
  }
}

export type RowSource = 'json' | 'csv';

/**
 * Runs rows through the validator into chunks and hands each full chunk to `sink`. Rows are
 * located by record index (JSON: `#/records/<i>/<field>`) or by line (CSV: line + column).
 * Once any row is invalid nothing more is handed on (nothing will be written), but every row
 * is still validated, so that the response lists all the errors.
 *
 * A natural key repeated within the batch is an error. JSON batches are checked as a whole;
 * a streamed upload is checked per chunk here and across chunks by the database (see the
 * upsert), so that a million keys never sit in memory.
 */
export class RowRunner<C extends RecordChunk> {
  rows = 0;
  readonly cohorts = new Set<number>();
  private chunk: C;
  private row = 0;
  private readonly batchKeys: Map<string, number> | undefined;
  private readonly names: readonly string[];
  private readonly reporter: Reporter;
  private readonly keyNames: string;
  private readonly validationContext: ValidationContext;
  private readonly jsonIndex: Map<string, number>;

  constructor(
    private readonly handler: RecordKindHandler<C>,
    ctx: Omit<ValidationContext, 'names' | 'json'>,
    private readonly source: RowSource,
    readonly errors: ErrorList,
    private readonly chunkSize: number,
    private readonly sink: (chunk: C) => void | Promise<void>,
  ) {
    this.chunk = handler.newChunk();
    this.batchKeys = source === 'json' ? new Map() : undefined;
    this.names = handler.fields.map((field) => (source === 'json' ? field.json : field.csv));
    this.keyNames = handler.keyFields.map((i) => this.names[i]).join(', ');
    this.reporter = (field, code, detail) => this.errors.add(this.locate(this.row, field, code, field >= 0 ? `${this.names[field]} ${detail}` : detail));
    this.validationContext = { ...ctx, names: this.names, json: source === 'json' };
    this.jsonIndex = new Map(handler.fields.map((field, i) => [field.json, i]));
  }

  /** A JSON record: an object whose properties are the fields. */
  acceptObject(record: unknown, index: number): void | Promise<void> {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      this.rows++;
      this.errors.add({ pointer: `#/records/${index}`, code: 'isObject', detail: 'A record must be a JSON object.' });
      return;
    }
    const values: unknown[] = new Array(this.handler.fields.length);
    for (const key in record) {
      const field = this.jsonIndex.get(key);
      if (field === undefined) {
        this.errors.add({
          pointer: `#/records/${index}/${escapePointerSegment(key.slice(0, 64))}`,
          code: 'whitelistValidation',
          detail: 'This property is not part of the record.',
        });
      } else values[field] = (record as Record<string, unknown>)[key];
    }
    return this.accept(values, index);
  }

  /** One row, its values in field order; `row` is the record index or the CSV line. */
  accept(values: ArrayLike<unknown>, row: number): void | Promise<void> {
    this.row = row;
    this.rows++;
    const chunk = this.chunk;
    const at = chunk.length;
    if (this.handler.validate(values, this.validationContext, this.reporter, chunk)) {
      let first: number | undefined;
      const earlier = chunk.registerLast(row);
      if (earlier >= 0) first = chunk.origins[earlier];
      else if (this.batchKeys) {
        // JSON: the batch is checked as a whole (at most 10,000 keys).
        const key = chunk.keyOf(at);
        first = this.batchKeys.get(key);
        if (first === undefined) this.batchKeys.set(key, row);
      }
      if (first !== undefined) {
        this.errors.add(this.locate(row, -1, 'duplicate_key', `Same natural key (${this.keyNames}) as ${this.source === 'json' ? 'record' : 'line'} ${first}.`));
      }
      this.handler.addCohorts(chunk, at, this.cohorts);
    }
    if (chunk.length >= this.chunkSize) return this.flush();
  }

  /** Hands on the last, partly filled chunk. */
  flush(): void | Promise<void> {
    const chunk = this.chunk;
    if (chunk.length === 0) return;
    this.chunk = this.handler.newChunk();
    if (this.errors.any) return;
    return this.sink(chunk);
  }

  /** The database found a key that an earlier chunk of this batch already wrote. */
  duplicateAcrossChunks(origin: number | undefined): void {
    const detail = `Same natural key (${this.keyNames}) as an earlier ${this.source === 'json' ? 'record' : 'line'} of this batch.`;
    if (origin === undefined) this.errors.add({ pointer: '#/records', code: 'duplicate_key', detail });
    else this.errors.add(this.locate(origin, -1, 'duplicate_key', detail));
  }

  private locate(row: number, field: number, code: string, detail: string): ProblemFieldError {
    if (this.source === 'json') {
      return { pointer: field >= 0 ? `#/records/${row}/${this.names[field]}` : `#/records/${row}`, code, detail };
    }
    return field >= 0 ? { line: row, column: this.names[field], code, detail } : { line: row, code, detail };
  }
}
