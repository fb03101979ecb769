import { Presets, SingleBar } from 'cli-progress';
import { parse } from 'csv-parse';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { columnOfProperty, COLUMNS_BY_KIND, csvRowToRecord, RecordKind } from 'src/generator/records';
import { DoorstroomApiClient, Problem, ProblemError } from 'src/cli/api-client';
import { resolveDelimiter } from 'src/cli/csv-dialect';
import { CliError, CliIo, errnoCode, EXIT } from 'src/cli/io';
import { csvErrorOf } from 'src/cli/pseudonymise';
import { checkPseudonym } from 'src/pseudonyms/pseudonym';

export const SECRET_ENV = 'DOORSTROOM_CLIENT_SECRET';
export const DEFAULT_CHUNK_ROWS = 5_000;
export const MAX_CHUNK_ROWS = 10_000;

export interface UploadOptions {
  file: string;
  kind: RecordKind;
  baseUrl: string;
  clientId: string;
  clientSecret?: string;
  chunkSize?: number;
  /** Default: `<file>.upload-state.json`. */
  stateFile?: string;
  /** Ignore the state of an earlier run and send every chunk again. */
  restart?: boolean;
  retries?: number;
  backoffMs?: number;
  /** Row errors printed in the summary (all are counted). Default 50. */
  maxErrorsShown?: number;
  /** Field delimiter; default: detected from the header line (comma, semicolon or tab). */
  delimiter?: string;
  fetch?: typeof fetch;
}

export interface ChunkState {
  status: 'done' | 'rejected';
  rows: number;
  firstLine: number;
  lastLine: number;
  batchId?: string;
  inserted?: number;
  updated?: number;
  unchanged?: number;
  errors?: number;
}

export interface UploadState {
  version: 1;
  file: string;
  fileSha256: string;
  kind: RecordKind;
  chunkSize: number;
  baseUrl: string;
  clientId: string;
  chunks: Record<string, ChunkState>;
}

export interface RowError {
  chunk: number;
  line?: number;
  column?: string;
  code?: string;
  detail: string;
}

export interface UploadSummary {
  chunks: number;
  sent: number;
  skipped: number;
  rejected: number;
  /** Rejected chunks that were never sent: a row's pseudonym column holds no pseudonym. */
  notSent: number;
  /** Rows whose pseudonym column holds what looks like a raw BSN or onderwijsnummer. */
  rawIdentifiers: number;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  errors: RowError[];
  stateFile: string;
}

interface BatchResult {
  batchId?: string;
  rows?: number;
  inserted?: number;
  updated?: number;
  unchanged?: number;
}

/** The key a chunk is always sent with: the same file, kind and chunking give the same keys. */
export const idempotencyKeyFor = (fileSha256: string, kind: RecordKind, chunkSize: number, index: number): string =>
  `doorstroom-cli:${fileSha256.slice(0, 40)}:${kind}:${chunkSize}:${index}`;

async function hashAndCountLines(file: string): Promise<{ sha256: string; lines: number }> {
  const hash = createHash('sha256');
  let lines = 0;
  let last = -1;
  try {
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      if (chunk.length > 0) last = chunk[chunk.length - 1];
    }
  } catch (error) {
    throw new CliError(`cannot read ${file} (${errnoCode(error) ?? 'read error'})`, EXIT.noInput);
  }
  if (last !== -1 && last !== 10) lines++;
  return { sha256: hash.digest('hex'), lines };
}

function loadState(path: string, expected: Omit<UploadState, 'chunks'>, restart: boolean, note: (message: string) => void): UploadState {
  const fresh: UploadState = { ...expected, chunks: {} };
  if (restart || !existsSync(path)) return fresh;
  let state: UploadState;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as UploadState;
  } catch {
    note(`ignoring unreadable state file ${path}`);
    return fresh;
  }
  const mismatch = (['version', 'fileSha256', 'kind', 'chunkSize', 'baseUrl', 'clientId'] as const).find((field) => state[field] !== expected[field]);
  if (mismatch) {
    note(`state file ${path} is for another ${mismatch === 'fileSha256' ? 'version of the file' : mismatch}; starting over`);
    return fresh;
  }
  return { ...fresh, chunks: state.chunks ?? {} };
}

function saveState(path: string, state: UploadState): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, path);
}

/** `#/records/12/startDate` → row 12 of the chunk, property startDate. */
function parsePointer(pointer: string): { index: number; property?: string } | undefined {
  const match = /^#?\/records\/(\d+)(?:\/([^/]+))?/.exec(pointer);
  if (!match) return undefined;
  return { index: Number(match[1]), property: match[2]?.replace(/~1/g, '/').replace(/~0/g, '~') };
}

function rowErrorsOf(problem: Problem, chunk: number, lines: number[], kind: RecordKind): RowError[] {
  const entries: ProblemError[] = Array.isArray(problem.errors) && problem.errors.length > 0 ? problem.errors : [{ detail: problem.detail ?? problem.title ?? 'rejected' }];
  return entries.map((entry) => {
    const located = entry.pointer ? parsePointer(entry.pointer) : undefined;
    const detail = entry.detail ?? entry.code ?? 'invalid';
    if (!located) return { chunk, code: entry.code, detail: entry.header ? `${entry.header}: ${detail}` : detail };
    return {
      chunk,
      line: lines[located.index],
      column: located.property ? (columnOfProperty(kind, located.property) ?? located.property) : undefined,
      code: entry.code,
      detail,
    };
  });
}

/** The rows of a chunk whose pseudonym is not one, by the service's own rule; the messages never hold the value. */
function refusedPseudonyms(records: Array<Record<string, unknown>>, lines: number[], chunk: number): RowError[] {
  const errors: RowError[] = [];
  records.forEach((record, index) => {
    const check = checkPseudonym(typeof record.pseudonym === 'string' ? record.pseudonym : '');
    if (!check.ok) errors.push({ chunk, line: lines[index], column: 'pseudonym', code: check.reason, detail: `${check.message} Not sent.` });
  });
  return errors;
}

/**
 * Uploads a pseudonymised CSV file through the JSON batch endpoint, in chunks of `chunkSize`
 * rows, each with an Idempotency-Key derived from the file's SHA-256 and the chunk number.
 * Completed chunks are recorded in a state file next to the input, so a run that stopped (a
 * network failure, Ctrl-C) resumes where it was; sending a chunk twice is harmless because the
 * service replays the stored response for a known key. A chunk with invalid rows is refused as
 * a whole by the service; its errors are reported with the CSV line and column, and the next
 * run sends it again (after the file was corrected it has new keys).
 */
export async function uploadFile(options: UploadOptions, io: CliIo): Promise<UploadSummary> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_ROWS) {
    throw new CliError(`--chunk-size must be an integer from 1 to ${MAX_CHUNK_ROWS}`, EXIT.usage);
  }
  const clientSecret = options.clientSecret ?? io.env[SECRET_ENV];
  if (!clientSecret) throw new CliError(`no client secret: pass --client-secret or set ${SECRET_ENV}`, EXIT.config);
  const note = (message: string): void => void io.stderr.write(`${message}\n`);

  const delimiter = await resolveDelimiter(options.file, options.delimiter);
  const { sha256, lines } = await hashAndCountLines(options.file);
  const stateFile = options.stateFile ?? `${options.file}.upload-state.json`;
  const client = new DoorstroomApiClient({
    baseUrl: options.baseUrl,
    clientId: options.clientId,
    clientSecret,
    retries: options.retries,
    backoffMs: options.backoffMs,
    fetch: options.fetch,
    onRetry: (description, attempt, waitMs) => note(`retrying (${attempt}) in ${Math.round(waitMs / 100) / 10} s: ${description}`),
  });
  const state = loadState(
    stateFile,
    { version: 1, file: basename(options.file), fileSha256: sha256, kind: options.kind, chunkSize, baseUrl: options.baseUrl.replace(/\/+$/, ''), clientId: options.clientId },
    options.restart ?? false,
    note,
  );
  const path = `/v1/${options.kind}:batch`;
  const summary: UploadSummary = { chunks: 0, sent: 0, skipped: 0, rejected: 0, notSent: 0, rawIdentifiers: 0, rows: 0, inserted: 0, updated: 0, unchanged: 0, errors: [], stateFile };

  const estimatedRows = Math.max(0, lines - 1);
  const bar = io.stderr.isTTY
    ? new SingleBar(
        {
          stream: io.stderr,
          format: `${options.kind} |{bar}| {percentage}% | {value}/{total} rows | chunk {chunk} | ETA {eta_formatted}`,
          hideCursor: true,
          noTTYOutput: false,
          etaBuffer: 20,
        },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(estimatedRows, 0, { chunk: 0 });

  const sendChunk = async (index: number, records: Array<Record<string, unknown>>, rowLines: number[]): Promise<void> => {
    summary.chunks++;
    const previous = state.chunks[String(index)];
    const base: ChunkState = { status: 'done', rows: records.length, firstLine: rowLines[0], lastLine: rowLines[rowLines.length - 1] };
    // Checked here, before anything leaves this machine: a value that is not a pseudonym may be
    // a raw BSN or onderwijsnummer, which the service must never receive. Such a chunk is not sent.
    const refused = refusedPseudonyms(records, rowLines, index);
    if (refused.length > 0) {
      state.chunks[String(index)] = { ...base, status: 'rejected', errors: refused.length };
      summary.rejected++;
      summary.notSent++;
      summary.rawIdentifiers += refused.filter((error) => error.code !== 'not_a_pseudonym').length;
      summary.errors.push(...refused);
      saveState(stateFile, state);
    } else if (previous?.status === 'done' && previous.rows === records.length) {
      summary.skipped++;
      summary.rows += previous.rows;
      summary.inserted += previous.inserted ?? 0;
      summary.updated += previous.updated ?? 0;
      summary.unchanged += previous.unchanged ?? 0;
    } else {
      const response = await client.postJson<BatchResult & Problem>(path, { records }, { 'Idempotency-Key': idempotencyKeyFor(sha256, options.kind, chunkSize, index) });
      summary.sent++;
      if (response.status === 200 || response.status === 201) {
        const result = response.body;
        state.chunks[String(index)] = { ...base, batchId: result.batchId, inserted: result.inserted ?? 0, updated: result.updated ?? 0, unchanged: result.unchanged ?? 0 };
        summary.rows += records.length;
        summary.inserted += result.inserted ?? 0;
        summary.updated += result.updated ?? 0;
        summary.unchanged += result.unchanged ?? 0;
      } else if ((response.status === 400 || response.status === 403 || response.status === 422) && Array.isArray(response.body.errors) && response.body.errors.length > 0) {
        const errors = rowErrorsOf(response.body, index, rowLines, options.kind);
        state.chunks[String(index)] = { ...base, status: 'rejected', errors: errors.length };
        summary.rejected++;
        summary.errors.push(...errors);
      } else {
        saveState(stateFile, state);
        bar?.stop();
        const reason = response.body.detail ?? response.body.title ?? '';
        throw new CliError(
          `chunk ${index} (lines ${base.firstLine}–${base.lastLine}): HTTP ${response.status}${reason ? `: ${reason}` : ''}. ` +
            `Completed chunks are recorded in ${stateFile}; run the same command again to resume.`,
          response.status === 413 ? EXIT.usage : EXIT.unavailable,
        );
      }
      saveState(stateFile, state);
    }
    bar?.update(Math.min(summary.rows + summary.errors.length, Math.max(estimatedRows, 1)), { chunk: index + 1 });
  };

  const known = new Set(COLUMNS_BY_KIND[options.kind].map(([column]) => column));
  let header: string[] | undefined;
  let records: Array<Record<string, unknown>> = [];
  let rowLines: number[] = [];
  let index = 0;
  try {
    const parser = createReadStream(options.file).pipe(parse({ bom: true, delimiter, skip_empty_lines: true, info: true, relax_column_count: false }));
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = record.map((name) => name.trim().toLowerCase());
        const unknown = header.filter((name) => !known.has(name));
        if (unknown.length > 0) {
          const hint = header.length === 1 ? ` (read with delimiter ${JSON.stringify(delimiter)}: is the file separated by another character? see --delimiter)` : '';
          throw new CliError(`unknown column(s) for ${options.kind}: ${unknown.join(', ')}; expected: ${[...known].join(', ')}${hint}`, EXIT.dataError);
        }
        if (new Set(header).size !== header.length) throw new CliError('the header names a column twice', EXIT.dataError);
        if (!header.includes('pseudonym')) throw new CliError('the header has no pseudonym column: run `doorstroom pseudonymise` first', EXIT.dataError);
        continue;
      }
      const row: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) row[header[i]] = record[i];
      records.push(csvRowToRecord(options.kind, row));
      rowLines.push(info.lines);
      if (records.length === chunkSize) {
        await sendChunk(index++, records, rowLines);
        records = [];
        rowLines = [];
      }
    }
    if (records.length > 0) await sendChunk(index++, records, rowLines);
  } catch (error) {
    bar?.stop();
    if (error instanceof CliError) throw error;
    const csv = csvErrorOf(error);
    if (csv) {
      throw new CliError(`${csv.lines !== undefined ? `line ${csv.lines}: ` : ''}malformed CSV (${csv.code}); chunks sent so far are recorded in ${stateFile}`, EXIT.dataError);
    }
    throw error;
  }
  if (!header) {
    bar?.stop();
    throw new CliError('the file is empty: a header line naming the columns is required', EXIT.dataError);
  }
  bar?.update(summary.rows + summary.errors.length, { chunk: index });
  bar?.setTotal(Math.max(summary.rows, 1));
  bar?.stop();
  return summary;
}

/** The human-readable report printed after an upload. */
export function formatSummary(options: Pick<UploadOptions, 'file' | 'kind' | 'maxErrorsShown'>, summary: UploadSummary): string {
  const lines = [
    `${options.file}: ${options.kind}, ${summary.chunks} chunk(s): ${summary.sent} sent, ${summary.skipped} already done in an earlier run, ${summary.rejected} rejected` +
      (summary.notSent > 0 ? ` (${summary.notSent} of them not sent: refused here)` : ''),
    `rows accepted: ${summary.rows} (inserted ${summary.inserted}, updated ${summary.updated}, unchanged ${summary.unchanged})`,
  ];
  if (summary.errors.length > 0) {
    const shown = options.maxErrorsShown ?? 50;
    lines.push(`row errors: ${summary.errors.length} (a chunk with an error is refused as a whole; fix the file and run again)`);
    for (const error of summary.errors.slice(0, shown)) {
      const where = error.line !== undefined ? `line ${error.line}${error.column ? `, column ${error.column}` : ''}` : `chunk ${error.chunk}`;
      lines.push(`  ${where}: ${error.detail}${error.code ? ` (${error.code})` : ''}`);
    }
    if (summary.errors.length > shown) lines.push(`  … and ${summary.errors.length - shown} more`);
  }
  if (summary.rawIdentifiers > 0) {
    lines.push(
      `${summary.rawIdentifiers} row(s) hold what looks like a raw BSN or onderwijsnummer in the pseudonym column; their chunks were not sent. ` +
        'Run `doorstroom pseudonymise` on the source file first.',
    );
  }
  lines.push(`state: ${summary.stateFile}`);
  return `${lines.join('\n')}\n`;
}
