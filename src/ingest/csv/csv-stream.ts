import { CsvError, parse } from 'csv-parse';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { restoreCsvCell } from 'src/common/csv-cell';
import { ServiceStoppingError, shutdownSignal } from 'src/common/shutdown';

/** The body grew past the configured maximum while streaming. */
export class UploadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`upload exceeds ${limit} bytes`);
  }
}

/** The client went away before the body was complete. */
export class UploadAbortedError extends Error {
  constructor() {
    super('the client aborted the upload');
  }
}

/** A structural problem of the file (not of a value): bad quoting, an oversized field. */
export class MalformedCsvError extends Error {
  constructor(
    readonly line: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * Calls `onAbort` when the client goes away before the body is complete, or with a
 * ServiceStoppingError when the service must stop before the upload could end (see
 * src/common/shutdown.ts); returns an unsubscribe.
 */
function watchSource(source: Readable, onAbort: (error?: Error) => void): () => void {
  const onClose = (): void => {
    if (!source.readableEnded) onAbort();
  };
  const onError = (): void => onAbort();
  const onShutdown = (): void => onAbort(new ServiceStoppingError());
  source.on('close', onClose);
  source.on('error', onError);
  if (shutdownSignal.aborted) queueMicrotask(onShutdown);
  else shutdownSignal.addEventListener('abort', onShutdown, { once: true });
  return () => {
    source.removeListener('close', onClose);
    source.removeListener('error', onError);
    shutdownSignal.removeEventListener('abort', onShutdown);
  };
}

/**
 * Counts and fingerprints the bytes as they pass, and stops the stream once it grows past
 * `limit`. Nothing is kept: the file is never held in memory.
 */
class ByteMeter extends Transform {
  bytes = 0;

  constructor(
    private readonly limit: number,
    private readonly onChunk: (chunk: Buffer) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return callback(new UploadTooLargeError(this.limit));
    this.onChunk(chunk);
    callback(null, chunk);
  }
}

// Messages are ours: csv-parse's own messages quote the offending text, which may be a raw identifier.
const MALFORMED_DETAILS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'A quoted field is not closed: a double quote opened on this line has no closing quote.',
  CSV_INVALID_CLOSING_QUOTE: 'A closing double quote is followed by something other than a delimiter or the end of the line.',
  INVALID_OPENING_QUOTE: 'A double quote appears inside an unquoted field; quote the whole field and double the inner quotes.',
  CSV_MAX_RECORD_SIZE: 'A line is longer than the service accepts (often an unclosed quote).',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'Unexpected characters after a closing double quote.',
};

export interface CsvStreamOptions {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Sees every chunk of raw bytes (for the request fingerprint). */
  onBytes: (chunk: Buffer) => void;
  /** Largest record, in characters: bounds the memory an unclosed quote can take. */
  maxRecordChars?: number;
}

/**
 * Streams `source` through csv-parse and calls `onRecord` with the fields of each record and
 * the line it starts on (line 1 is the header); blank lines are skipped. `onRecord` may return
 * a promise: reading waits for it, so a slow database holds the upload back (backpressure)
 * instead of buffering it. The source is detached, not destroyed, when reading stops early, so
 * that the response can still be sent. Resolves with the number of bytes read.
 */
export async function streamCsvRecords(
  source: Readable,
  options: CsvStreamOptions,
  onRecord: (fields: string[], line: number) => void | Promise<void>,
): Promise<number> {
  const meter = new ByteMeter(options.maxBytes, options.onBytes);
  const parser = parse({
    bom: true,
    delimiter: ',',
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: options.maxRecordChars ?? 1_000_000,
  });
  const unwatch = watchSource(source, (error) => parser.destroy(error ?? new UploadAbortedError()));
  meter.on('error', (error) => parser.destroy(error));
  source.pipe(meter).pipe(parser);

  let nextLine = 1;
  let consumed = 0;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      consumed++;
      const line = nextLine;
      let extra = 0;
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i];
        if (field.indexOf('\n') !== -1) extra += field.split('\n').length - 1;
        // A cell the project's own tools neutralised against formula injection (src/common/csv-cell.ts).
        if (field.charCodeAt(0) === 0x27) fields[i] = restoreCsvCell(field);
      }
      nextLine = line + 1 + extra;
      if (fields.length === 1 && fields[0].trim() === '') continue;
      const pending = onRecord(fields, line);
      if (pending) await pending;
    }
    return meter.bytes;
  } catch (error) {
    const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
    if (typeof code === 'string' && (error instanceof CsvError || MALFORMED_DETAILS[code] !== undefined)) {
      // Records parsed but not consumed yet are dropped with the error: count them to find
      // the line on which the broken record starts.
      const start = nextLine + Math.max(0, parser.info.records - consumed);
      const detectedAt = (error as Error & { lines?: unknown }).lines;
      const detail = MALFORMED_DETAILS[code] ?? 'The file is not valid CSV here.';
      throw new MalformedCsvError(
        start,
        code.replace(/^CSV_/, '').toLowerCase(),
        typeof detectedAt === 'number' && detectedAt > start ? `${detail} (The record starts on line ${start}; the problem was found on line ${detectedAt}.)` : detail,
      );
    }
    throw error;
  } finally {
    unwatch();
    if (!source.readableEnded) {
      // Stop feeding the parser and let the rest of the body drain, so the response can go out.
      source.unpipe(meter);
      source.resume();
    }
    meter.destroy();
    parser.destroy();
  }
}

/** Reads a body to its end only to fingerprint it (a replayed upload); nothing is parsed or kept. */
export async function drainAndMeasure(source: Readable, maxBytes: number, onBytes: (chunk: Buffer) => void): Promise<number> {
  const meter = new ByteMeter(maxBytes, onBytes);
  const unwatch = watchSource(source, (error) => meter.destroy(error ?? new UploadAbortedError()));
  source.pipe(meter);
  try {
    for await (const chunk of meter as AsyncIterable<Buffer>) void chunk;
    return meter.bytes;
  } finally {
    unwatch();
    if (!source.readableEnded) {
      source.unpipe(meter);
      source.resume();
    }
    meter.destroy();
  }
}
