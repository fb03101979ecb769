import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { empty, ident, join, query, queryOne, Sql, sql } from 'src/database/sql';
import { ENROLMENTS } from 'src/records/kinds/enrolments';
import { LEAVERS } from 'src/records/kinds/leavers';
import type { KeyedChunk, RecordKind } from 'src/records/kinds/record-kind';

export interface EnrolmentFilter {
  cohort?: number;
  pseudonym?: string;
  programmeCode?: string;
}

export interface LeaverFilter {
  schoolYear?: number;
  pseudonym?: string;
}

/** The columns a list of records may be sorted by. */
export const SORT_COLUMNS = ['id', 'start_date', 'cohort', 'school_year', 'updated_at'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export interface SortOrder {
  column: SortColumn;
  descending: boolean;
}

/** A stored record: its kind's columns (dates as YYYY-MM-DD text) under their column names, with id and provenance. */
export interface RecordRow {
  id: string;
  created_batch_id: string;
  updated_batch_id: string;
  created_at: Date;
  updated_at: Date;
  [column: string]: unknown;
}

export interface RowPage<T> {
  items: T[];
  total: number;
}

const TABLES = [ENROLMENTS.table, LEAVERS.table];

const recordColumns = (kind: RecordKind<KeyedChunk>): Sql => {
  const names = kind.columns.map(({ column }) => column);
  const stored = kind.columns.map(({ column, type }) =>
    type === 'date' ? sql`to_char(${ident(column, names)}, 'YYYY-MM-DD') AS ${ident(column, names)}` : sql`${ident(column, names)}`,
  );
  return sql`id::text AS id, ${join(stored)}, created_batch_id, updated_batch_id, created_at, updated_at`;
};

const ENROLMENT_COLUMNS = recordColumns(ENROLMENTS);
const LEAVER_COLUMNS = recordColumns(LEAVERS);

/** `AND column = value` for each filter that is set. */
const filters = (conditions: Array<[Sql, unknown]>): Sql =>
  join(
    conditions.flatMap(([column, value]) => (value === undefined ? [] : [sql` AND ${column} = ${value as string | number}`])),
    empty,
  );

/** Reads of an institution's own records; every query starts with institution_id. */
@Injectable()
export class RecordsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  listEnrolments(institutionId: string, filter: EnrolmentFilter, sort: SortOrder, limit: number, offset: number): Promise<RowPage<RecordRow>> {
    const where = filters([
      [sql`cohort`, filter.cohort],
      [sql`pseudonym`, filter.pseudonym],
      [sql`programme_code`, filter.programmeCode],
    ]);
    return this.list(ENROLMENTS.table, ENROLMENT_COLUMNS, institutionId, where, sort, limit, offset);
  }

  getEnrolment(institutionId: string, id: string): Promise<RecordRow | undefined> {
    return queryOne(this.dataSource, sql`SELECT ${ENROLMENT_COLUMNS} FROM enrolments WHERE institution_id = ${institutionId} AND id = ${id}`);
  }

  listLeavers(institutionId: string, filter: LeaverFilter, sort: SortOrder, limit: number, offset: number): Promise<RowPage<RecordRow>> {
    const where = filters([
      [sql`school_year`, filter.schoolYear],
      [sql`pseudonym`, filter.pseudonym],
    ]);
    return this.list(LEAVERS.table, LEAVER_COLUMNS, institutionId, where, sort, limit, offset);
  }

  getLeaver(institutionId: string, id: string): Promise<RecordRow | undefined> {
    return queryOne(this.dataSource, sql`SELECT ${LEAVER_COLUMNS} FROM leavers WHERE institution_id = ${institutionId} AND id = ${id}`);
  }

  /** One page and the total; the tenant condition comes first and is never optional. */
  private async list<T>(table: string, columns: Sql, institutionId: string, where: Sql, sort: SortOrder, limit: number, offset: number): Promise<RowPage<T>> {
    const from = sql`FROM ${ident(table, TABLES)} WHERE institution_id = ${institutionId}${where}`;
    const [{ total }] = await query<{ total: number }>(this.dataSource, sql`SELECT count(*)::int AS total ${from}`);
    const direction = sort.descending ? sql`DESC` : sql`ASC`;
    const column = ident(sort.column, SORT_COLUMNS);
    const order = sort.column === 'id' ? sql`id ${direction}` : sql`${column} ${direction}, id ${direction}`;
    const items = await query<T>(this.dataSource, sql`SELECT ${columns} ${from} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`);
    return { items, total: total ?? 0 };
  }
}
