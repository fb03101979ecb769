/**
 * The ingest module's settings, from the validated configuration (UPLOAD_MAX_BYTES,
 * INGEST_CHUNK_ROWS in src/config/app-config.ts).
 */
export interface IngestConfig {
  uploadMaxBytes: number;
  chunkRows: number;
}

export const INGEST_CONFIG = Symbol('INGEST_CONFIG');
