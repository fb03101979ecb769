/**
 * Settings of the ingest module, read from the environment:
 * - UPLOAD_MAX_BYTES: largest CSV upload (streamed, so it can be large), e.g. `2gb`. JSON
 *   bodies keep the small global BODY_LIMIT.
 * - INGEST_CHUNK_ROWS: rows per upsert statement (one round trip each; default 2,000). Larger
 *   chunks save little time and let chunk data age into V8's old generation, which shows as
 *   resident memory during a large upload.
 */
export interface IngestConfig {
  uploadMaxBytes: number;
  chunkRows: number;
}

export const INGEST_CONFIG = Symbol('INGEST_CONFIG');

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `123`, `64kb`, `10mb`, `2gb` → bytes. */
export function parseByteSize(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!match) throw new Error(`not a byte size: ${value}`);
  return Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]);
}

export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const problems: string[] = [];
  let uploadMaxBytes = 2 * 1024 ** 3;
  if (env.UPLOAD_MAX_BYTES) {
    try {
      uploadMaxBytes = parseByteSize(env.UPLOAD_MAX_BYTES);
    } catch {
      problems.push('UPLOAD_MAX_BYTES must be a size such as 500mb or 2gb');
    }
  }
  let chunkRows = 2_000;
  if (env.INGEST_CHUNK_ROWS) {
    chunkRows = Number(env.INGEST_CHUNK_ROWS);
    if (!Number.isInteger(chunkRows) || chunkRows < 100 || chunkRows > 50_000) problems.push('INGEST_CHUNK_ROWS must be an integer from 100 to 50000');
  }
  if (problems.length > 0) throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return { uploadMaxBytes, chunkRows };
}
