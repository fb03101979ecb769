import { ProblemException, ProblemFieldError } from 'src/common/problem';
import { MAX_BATCH_RECORDS } from 'src/records/codes';
import { MalformedCsvError, UploadAbortedError, UploadTooLargeError } from 'src/ingest/csv/csv-stream';
import type { ErrorList, RowSource } from 'src/ingest/validation/row-runner';
import { problem } from 'src/common/problems';

// The problems a batch or upload answers with; each says that nothing was written.

const plural = (n: number, one: string, many: string): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** Orders listed errors by row, so that asynchronously found ones (duplicates) fall in place. */
const byRow = (a: ProblemFieldError, b: ProblemFieldError): number => (a.line ?? 0) - (b.line ?? 0);

export const batchTooLarge = (records: number): ProblemException =>
  problem(
    'batch-too-large',
    `A batch holds at most ${MAX_BATCH_RECORDS.toLocaleString('en')} records; this one has ${records.toLocaleString('en')}. Split it, or upload a CSV file to POST /v1/uploads.`,
    [{ pointer: '#/records', code: 'maxItems', detail: `At most ${MAX_BATCH_RECORDS} records.` }],
    { maxRecords: MAX_BATCH_RECORDS },
  );

export const unsupportedMediaType = (): ProblemException =>
  problem('unsupported-media-type', 'Send the file as Content-Type: text/csv (UTF-8).', [
    { header: 'Content-Type', code: 'text/csv', detail: 'Expected text/csv; charset=utf-8.' },
  ]);

export const uploadTooLarge = (maxBytes: number): ProblemException =>
  problem(
    'upload-too-large',
    `The file is larger than the ${maxBytes.toLocaleString('en')} bytes an upload may have; nothing was written. Split it into several uploads.`,
    undefined,
    { maxBytes },
  );

export const emptyFile = (): ProblemException =>
  problem('malformed-csv', 'The file is empty: the first line must name the columns.', [
    { line: 1, code: 'missing_header', detail: 'A header row is required.' },
  ]);

/** Streaming failures as problems; anything else passes unchanged. */
export function streamProblem(error: unknown, maxBytes: number): unknown {
  if (error instanceof UploadTooLargeError) return uploadTooLarge(maxBytes);
  if (error instanceof MalformedCsvError) return malformed([{ line: error.line, code: error.code, detail: error.detail }], 1);
  if (error instanceof UploadAbortedError) return problem('upload-aborted', 'The upload ended before the file was complete; nothing was written.');
  return error;
}

export function malformed(errors: ProblemFieldError[], total: number): ProblemException {
  return problem(
    'malformed-csv',
    `The file is not well-formed CSV (${plural(total, 'problem', 'problems')}); nothing was written.${total > errors.length ? ` The first ${errors.length} are listed.` : ''}`,
    [...errors].sort(byRow),
    { errorCount: total, ...(total > errors.length ? { moreErrors: total - errors.length } : {}) },
  );
}

/** One problem for all the errors of a batch: 403 when rows name another institution, else 422. */
export function invalidRecords(errors: ErrorList, source: RowSource): ProblemException {
  const where = source === 'json' ? 'records' : 'file';
  if (errors.forbiddenTotal > 0) {
    const listed = source === 'csv' ? [...errors.forbidden].sort(byRow) : errors.forbidden;
    return problem(
      'other-institution',
      `${plural(errors.forbiddenTotal, 'value names', 'values name')} another institution than the one your client acts for; nothing was written.`,
      listed,
      { errorCount: errors.forbiddenTotal },
    );
  }
  const more = errors.total - errors.listed.length;
  return problem(
    'invalid-records',
    `${plural(errors.total, 'invalid value', 'invalid values')} in the ${where}; nothing was written.${more > 0 ? ` The first ${errors.listed.length.toLocaleString('en')} are listed; ${more.toLocaleString('en')} more are not.` : ''}`,
    source === 'csv' ? [...errors.listed].sort(byRow) : errors.listed,
    { errorCount: errors.total, ...(more > 0 ? { moreErrors: more } : {}) },
  );
}
