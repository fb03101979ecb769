import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { RecordKindName } from 'src/records/codes';
import { InstitutionEntity } from 'src/institutions/institution.entity';

export const BATCH_SOURCES = ['json', 'csv'] as const;
export type BatchSource = (typeof BATCH_SOURCES)[number];
export const BATCH_STATUSES = ['receiving', 'committed', 'failed', 'deleted'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** One JSON batch or CSV upload; a CSV upload's progress is read from here while it runs. */
@Entity({ name: 'ingest_batches' })
@Index('idx_ingest_batches_institution_started', ['institutionId', 'startedAt'])
export class IngestBatchEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'institution_id', type: 'uuid' })
  institutionId!: string;

  /** The API client that sent it. */
  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: RecordKindName;

  @Column({ type: 'varchar', length: 8 })
  source!: BatchSource;

  @Column({ type: 'varchar', length: 16 })
  status!: BatchStatus;

  /** Rows received so far (a running count while a CSV upload is receiving). */
  @Column({ name: 'rows_total', type: 'integer', default: 0 })
  rowsTotal!: number;

  @Column({ name: 'rows_inserted', type: 'integer', default: 0 })
  rowsInserted!: number;

  @Column({ name: 'rows_updated', type: 'integer', default: 0 })
  rowsUpdated!: number;

  @Column({ name: 'rows_unchanged', type: 'integer', default: 0 })
  rowsUnchanged!: number;

  /** Rows removed when the batch was deleted. */
  @Column({ name: 'rows_deleted', type: 'integer', default: 0 })
  rowsDeleted!: number;

  @Column({ name: 'error_count', type: 'integer', default: 0 })
  errorCount!: number;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'institution_id' })
  institution?: InstitutionEntity;
}
