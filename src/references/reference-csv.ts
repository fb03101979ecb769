import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { ProblemFieldError } from 'src/common/problem';
import { flattenValidationErrors } from 'src/common/validation.pipe';
import { streamCsvRecords } from 'src/ingest/csv/csv-stream';
import { emptyFile, malformed, streamProblem, unsupportedMediaType, uploadTooLarge } from 'src/ingest/ingest-problems';
import { ReferenceFigureRecordDto } from 'src/references/dto/reference.dto';
import { CSV_BOOLEAN_FIELDS, CSV_NUMBER_FIELDS, MAX_REFERENCE_CSV_BYTES, MAX_REFERENCE_FIGURES, REFERENCE_CSV_COLUMNS, REQUIRED_CSV_COLUMNS } from 'src/references/reference-codes';

/** A CSV row read into the JSON record, with the line it came from. */
export interface CsvReference {
  record: ReferenceFigureRecordDto;
  line: number;
}

/** The record's fields by CSV column name and back. */
const FIELD_OF = new Map<string, string>(REFERENCE_CSV_COLUMNS.map(([csv, field]) => [csv, field]));
export const COLUMN_OF = new Map<string, string>(REFERENCE_CSV_COLUMNS.map(([csv, field]) => [field, csv]));

/** Only text/csv in UTF-8, and no larger than the reference import takes. */
export function checkReferenceCsvHeaders(headers: IncomingHttpHeaders): void {
  const [mediaType, ...parameters] = (headers['content-type'] ?? '').toLowerCase().split(';').map((part) => part.trim());
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (mediaType !== 'text/csv' || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) throw unsupportedMediaType();
  const length = Number(headers['content-length']);
  if (Number.isFinite(length) && length > MAX_REFERENCE_CSV_BYTES) throw uploadTooLarge(MAX_REFERENCE_CSV_BYTES);
}

/** Header names → JSON fields; an unknown, doubled or missing required column is refused (line 1). */
function mapHeader(header: string[]): string[] {
  const errors: ProblemFieldError[] = [];
  const seen = new Set<string>();
  const fields = header.map((raw) => {
    const name = raw.trim().toLowerCase();
    const field = FIELD_OF.get(name);
    if (field === undefined) {
      errors.push({ line: 1, column: name.slice(0, 64), code: 'unknown_column', detail: `Unknown column; the columns are: ${REFERENCE_CSV_COLUMNS.map(([csv]) => csv).join(', ')}.` });
      return '';
    }
    if (seen.has(name)) errors.push({ line: 1, column: name, code: 'duplicate_column', detail: 'The column appears more than once.' });
    seen.add(name);
    return field;
  });
  for (const required of REQUIRED_CSV_COLUMNS) {
    if (!seen.has(required)) errors.push({ line: 1, column: required, code: 'missing_column', detail: 'A required column is missing from the header.' });
  }
  if (errors.length > 0) throw malformed(errors, errors.length);
  return fields;
}

/** A cell as its JSON value: empty is absent; booleans and numbers only when they are plainly so, else the text (which then fails validation). */
function cellValue(field: string, text: string): unknown {
  const value = text.trim();
  if (value === '') return undefined;
  if (CSV_BOOLEAN_FIELDS.has(field)) return value === 'true' ? true : value === 'false' ? false : value;
  if (CSV_NUMBER_FIELDS.has(field)) return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  return value;
}

/**
 * Reads a CSV file of reference figures and validates each row as the JSON import validates a
 * record. Every invalid value is reported with its line and column; nothing is returned then.
 */
export async function readReferenceCsv(body: Readable & { headers: IncomingHttpHeaders }): Promise<{ rows: CsvReference[]; errors: ProblemFieldError[] }> {
  checkReferenceCsvHeaders(body.headers);
  let fields: string[] | undefined;
  const rows: CsvReference[] = [];
  const errors: ProblemFieldError[] = [];
  const pending: Array<Promise<void>> = [];
  try {
    await streamCsvRecords(body, { maxBytes: MAX_REFERENCE_CSV_BYTES, onBytes: () => undefined }, (cells, line) => {
      if (!fields) {
        fields = mapHeader(cells);
        return;
      }
      if (rows.length >= MAX_REFERENCE_FIGURES) {
        if (rows.length === MAX_REFERENCE_FIGURES) errors.push({ line, code: 'too_many_rows', detail: `A file holds at most ${MAX_REFERENCE_FIGURES} figures.` });
        return;
      }
      const plain: Record<string, unknown> = {};
      fields.forEach((field, i) => {
        const value = cellValue(field, cells[i] ?? '');
        if (value !== undefined) plain[field] = value;
      });
      if (cells.length > fields.length) errors.push({ line, code: 'extra_cells', detail: `The row has ${cells.length} cells; the header names ${fields.length}.` });
      const record = plainToInstance(ReferenceFigureRecordDto, plain);
      rows.push({ record, line });
      pending.push(
        validate(record, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } }).then((failures) => {
          // One error per cell: the first constraint it fails.
          const columns = new Set<string>();
          for (const { path, code, detail } of flattenValidationErrors(failures)) {
            const column = COLUMN_OF.get(String(path[0])) ?? String(path[0]);
            if (!columns.has(column)) errors.push({ line, column, code, detail });
            columns.add(column);
          }
        }),
      );
    });
  } catch (error) {
    throw streamProblem(error, MAX_REFERENCE_CSV_BYTES);
  }
  await Promise.all(pending);
  if (!fields) throw emptyFile();
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { rows, errors };
}
