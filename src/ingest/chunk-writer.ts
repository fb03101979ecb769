import type { ChunkResult } from 'src/ingest/ingest.repository';
import type { KeyedChunk } from 'src/records/kinds/record-kind';

/**
 * Sends chunks to the database one statement at a time, while the caller prepares the next
 * chunk: parsing and validating overlap with the database's work, and at most one chunk waits.
 */
export class ChunkWriter<C extends KeyedChunk> {
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
