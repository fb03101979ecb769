import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BATCH_STATUS_SQL } from 'src/ingest/abandoned-uploads.repository';
import type { RecordKindName } from 'src/ingest/codes';
import type { BatchDto } from 'src/ingest/dto/query.dto';
import type { EnrolmentDto, LeaverDto } from 'src/ingest/dto/record.dto';
import type { BatchStatus } from 'src/ingest/ingest-batch.entity';
import { ENROLMENTS } from 'src/ingest/kinds/enrolments';
import { LEAVERS } from 'src/ingest/kinds/leavers';
import type { KeyedChunk, RecordKind } from 'src/ingest/kinds/record-kind';

export interface EnrolmentFilter {
  cohort?: number;
  pseudonym?: string;
  programmeCode?: string;
}

export interface LeaverFilter {
  schoolYear?: number;
  pseudonym?: string;
}

/** A sort key from a fixed list, already mapped to its column. */
export interface SortOrder {
  column: string;
  descending: boolean;
}

/** A record as the API shows it: the kind's stored columns under their JSON names (dates as YYYY-MM-DD), with id and provenance. */
const recordColumns = (kind: RecordKind<KeyedChunk>): string => {
  const stored = kind.columns.map(({ json, column, type }) =>
    type === 'date' ? `to_char(${column}, 'YYYY-MM-DD') AS "${json}"` : column === json ? column : `${column} AS "${json}"`,
  );
  return `id::text AS id, ${stored.join(', ')},
  created_batch_id AS "createdBatchId", updated_batch_id AS "updatedBatchId", created_at AS "createdAt", updated_at AS "updatedAt"`;
};

const ENROLMENT_COLUMNS = recordColumns(ENROLMENTS);
const LEAVER_COLUMNS = recordColumns(LEAVERS);

const BATCH_COLUMNS = `
  id, kind, source, ${BATCH_STATUS_SQL} AS status, client_id AS "clientId", rows_total AS rows, rows_inserted AS inserted, rows_updated AS updated,
  rows_unchanged AS unchanged, rows_deleted AS deleted, error_count AS "errorCount", started_at AS "startedAt", finished_at AS "finishedAt"`;

/** Builds `WHERE institution_id = $1 AND …`: the tenant condition is always first and never optional. */
class Conditions {
  readonly params: unknown[];
  private readonly parts: string[];

  constructor(institutionId: string) {
    this.params = [institutionId];
    this.parts = ['institution_id = $1'];
  }

  add(sql: (placeholder: string) => string, value: unknown): void {
    this.params.push(value);
    this.parts.push(sql(`$${this.params.length}`));
  }

  get where(): string {
    return `WHERE ${this.parts.join(' AND ')}`;
  }

  next(): string {
    return `$${this.params.length + 1}`;
  }
}

/** Reads of an institution's own records and batches; every query is scoped by institution_id. */
@Injectable()
export class RecordsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async listEnrolments(institutionId: string, filter: EnrolmentFilter, sort: SortOrder, limit: number, offset: number): Promise<{ items: EnrolmentDto[]; total: number }> {
    const conditions = new Conditions(institutionId);
    if (filter.cohort !== undefined) conditions.add((p) => `cohort = ${p}`, filter.cohort);
    if (filter.pseudonym !== undefined) conditions.add((p) => `pseudonym = ${p}`, filter.pseudonym);
    if (filter.programmeCode !== undefined) conditions.add((p) => `programme_code = ${p}`, filter.programmeCode);
    return this.list('enrolments', ENROLMENT_COLUMNS, conditions, sort, limit, offset);
  }

  async getEnrolment(institutionId: string, id: string): Promise<EnrolmentDto | undefined> {
    const rows: EnrolmentDto[] = await this.dataSource.query(`SELECT ${ENROLMENT_COLUMNS} FROM enrolments WHERE institution_id = $1 AND id = $2`, [institutionId, id]);
    return rows[0];
  }

  async listLeavers(institutionId: string, filter: LeaverFilter, sort: SortOrder, limit: number, offset: number): Promise<{ items: LeaverDto[]; total: number }> {
    const conditions = new Conditions(institutionId);
    if (filter.schoolYear !== undefined) conditions.add((p) => `school_year = ${p}`, filter.schoolYear);
    if (filter.pseudonym !== undefined) conditions.add((p) => `pseudonym = ${p}`, filter.pseudonym);
    return this.list('leavers', LEAVER_COLUMNS, conditions, sort, limit, offset);
  }

  async getLeaver(institutionId: string, id: string): Promise<LeaverDto | undefined> {
    const rows: LeaverDto[] = await this.dataSource.query(`SELECT ${LEAVER_COLUMNS} FROM leavers WHERE institution_id = $1 AND id = $2`, [institutionId, id]);
    return rows[0];
  }

  async getBatch(institutionId: string, id: string): Promise<BatchDto | undefined> {
    const rows: BatchDto[] = await this.dataSource.query(`SELECT ${BATCH_COLUMNS} FROM ingest_batches WHERE institution_id = $1 AND id = $2`, [institutionId, id]);
    return rows[0];
  }

  async listBatches(institutionId: string, filter: { kind?: RecordKindName; status?: BatchStatus }, limit: number, offset: number): Promise<{ items: BatchDto[]; total: number }> {
    const conditions = new Conditions(institutionId);
    if (filter.kind !== undefined) conditions.add((p) => `kind = ${p}`, filter.kind);
    if (filter.status !== undefined) conditions.add((p) => `${BATCH_STATUS_SQL} = ${p}`, filter.status);
    return this.list('ingest_batches', BATCH_COLUMNS, conditions, { column: 'started_at', descending: true }, limit, offset);
  }

  private async list<T>(table: string, columns: string, conditions: Conditions, sort: SortOrder, limit: number, offset: number): Promise<{ items: T[]; total: number }> {
    const [{ total }]: Array<{ total: number }> = await this.dataSource.query(`SELECT count(*)::int AS total FROM ${table} ${conditions.where}`, conditions.params);
    const direction = sort.descending ? 'DESC' : 'ASC';
    const order = sort.column === 'id' ? `id ${direction}` : `${sort.column} ${direction}, id ${direction}`;
    const limitParam = conditions.next();
    const items: T[] = await this.dataSource.query(
      `SELECT ${columns} FROM ${table} ${conditions.where} ORDER BY ${order} LIMIT ${limitParam} OFFSET $${conditions.params.length + 2}`,
      [...conditions.params, limit, offset],
    );
    return { items, total: total ?? 0 };
  }
}
