import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isEmbedded } from 'src/database/data-source-options';
import type { BatchDto } from 'src/ingest/dto/upload.dto';

interface LiveUpload {
  institutionId: string;
  batch: BatchDto;
}

/**
 * The streamed uploads this process is receiving, with their running row counts, in memory.
 * `GET /v1/uploads/{id}` answers from here while an upload runs: on the embedded database the
 * upload's transaction holds the one session until it commits, so a read that needed the
 * database would wait for the end of the upload (PostgreSQL has the same figures in
 * `ingest_batches`, a little later). An entry lives from the batch row's creation until the
 * upload has committed or rolled back.
 */
@Injectable()
export class LiveUploads {
  private readonly uploads = new Map<string, LiveUpload>();
  /**
   * Whether every upload still receiving is one of this process: on the embedded database one
   * process owns the data folder (an upload of a process that died shows as failed). On
   * PostgreSQL other replicas upload too.
   */
  readonly knowsEvery: boolean;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.knowsEvery = isEmbedded(dataSource);
  }

  start(institutionId: string, batch: BatchDto): void {
    this.uploads.set(batch.id, { institutionId, batch: { ...batch } });
  }

  progress(batchId: string, rows: number): void {
    const upload = this.uploads.get(batchId);
    if (upload && rows > upload.batch.rows) upload.batch.rows = rows;
  }

  end(batchId: string): void {
    this.uploads.delete(batchId);
  }

  /** A copy of a running upload, with the institution it belongs to. */
  get(batchId: string): { institutionId: string; batch: BatchDto } | undefined {
    const upload = this.uploads.get(batchId);
    return upload ? { institutionId: upload.institutionId, batch: { ...upload.batch } } : undefined;
  }

  /** Copies of the running uploads of an institution, newest first. */
  of(institutionId: string): BatchDto[] {
    return [...this.uploads.values()]
      .filter((upload) => upload.institutionId === institutionId)
      .map((upload) => ({ ...upload.batch }))
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  }
}
