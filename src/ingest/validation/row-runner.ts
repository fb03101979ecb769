import { escapePointerSegment, ProblemFieldError } from 'src/common/problem';
import type { KeyedChunk, RecordKind } from 'src/records/kinds/record-kind';
import { FORBIDDEN_CODES, Reporter, ValidationContext } from 'src/records/kinds/value-checks';

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
export class RowRunner<C extends KeyedChunk> {
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
    private readonly kind: RecordKind<C>,
    ctx: Omit<ValidationContext, 'names' | 'json'>,
    private readonly source: RowSource,
    readonly errors: ErrorList,
    private readonly chunkSize: number,
    private readonly sink: (chunk: C) => void | Promise<void>,
  ) {
    this.chunk = kind.newChunk();
    this.batchKeys = source === 'json' ? new Map() : undefined;
    this.names = kind.fields.map((field) => (source === 'json' ? field.json : field.csv));
    this.keyNames = kind.keyFields.map((i) => this.names[i]).join(', ');
    this.reporter = (field, code, detail) => this.errors.add(this.locate(this.row, field, code, field >= 0 ? `${this.names[field]} ${detail}` : detail));
    this.validationContext = { ...ctx, names: this.names, json: source === 'json' };
    this.jsonIndex = new Map(kind.fields.map((field, i) => [field.json, i]));
  }

  /** A JSON record: an object whose properties are the fields. */
  acceptObject(record: unknown, index: number): void | Promise<void> {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      this.rows++;
      this.errors.add({ pointer: `#/records/${index}`, code: 'isObject', detail: 'A record must be a JSON object.' });
      return;
    }
    const values: unknown[] = new Array(this.kind.fields.length);
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
    if (this.kind.validate(values, this.validationContext, this.reporter, chunk)) {
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
      this.kind.addCohorts(chunk, at, this.cohorts);
    }
    if (chunk.length >= this.chunkSize) return this.flush();
  }

  /** Hands on the last, partly filled chunk. */
  flush(): void | Promise<void> {
    const chunk = this.chunk;
    if (chunk.length === 0) return;
    this.chunk = this.kind.newChunk();
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
