import { Injectable } from '@nestjs/common';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { Page, page } from 'src/common/paging';
import { notFound } from 'src/common/problem';
import { requirePseudonym } from 'src/pseudonyms/pseudonym';
import { ENROLMENT_SORTS, EnrolmentQueryDto, LEAVER_SORTS, LeaverQueryDto } from 'src/records/dto/record-query.dto';
import { EnrolmentDto, LeaverDto } from 'src/records/dto/record.dto';
import { ENROLMENTS } from 'src/records/kinds/enrolments';
import { LEAVERS } from 'src/records/kinds/leavers';
import type { KeyedChunk, RecordKind } from 'src/records/kinds/record-kind';
import { RecordRow, RecordsRepository, SortColumn, SortOrder } from 'src/records/records.repository';

const ENROLMENT_SORT_COLUMNS: Record<string, SortColumn> = { id: 'id', startDate: 'start_date', cohort: 'cohort', updatedAt: 'updated_at' };
const LEAVER_SORT_COLUMNS: Record<string, SortColumn> = { id: 'id', schoolYear: 'school_year', updatedAt: 'updated_at' };

/** A sort key from a fixed list (`-` = descending) → its column; the lists are checked by the DTOs. */
const sortOrder = (key: string | undefined, columns: Record<string, SortColumn>, allowed: readonly string[]): SortOrder => {
  const chosen = key !== undefined && allowed.includes(key) ? key : 'id';
  const descending = chosen.startsWith('-');
  return { column: columns[descending ? chosen.slice(1) : chosen], descending };
};

/** A stored record as the API shows it: the kind's columns under their JSON names, with id and provenance. */
function toRecordDto<T>(kind: RecordKind<KeyedChunk>, row: RecordRow): T {
  const dto: Record<string, unknown> = { id: row.id };
  for (const { json, column } of kind.columns) dto[json] = row[column];
  Object.assign(dto, { createdBatchId: row.created_batch_id, updatedBatchId: row.updated_batch_id, createdAt: row.created_at, updatedAt: row.updated_at });
  return dto as T;
}

/** An institution's own records, paged; every query carries the caller's institution, another's record answers 404. */
@Injectable()
export class RecordsService {
  constructor(
    private readonly records: RecordsRepository,
    private readonly access: AccessService,
  ) {}

  async listEnrolments(auth: Principal, query: EnrolmentQueryDto): Promise<Page<EnrolmentDto>> {
    const { id } = await this.access.uploaderOf(auth);
    if (query.pseudonym !== undefined) requirePseudonym(query.pseudonym);
    const { items, total } = await this.records.listEnrolments(
      id,
      { cohort: query.cohort, pseudonym: query.pseudonym, programmeCode: query.programmeCode },
      sortOrder(query.sort, ENROLMENT_SORT_COLUMNS, ENROLMENT_SORTS),
      query.limit,
      query.offset,
    );
    return page(items.map((row) => toRecordDto<EnrolmentDto>(ENROLMENTS, row)), total, query);
  }

  async getEnrolment(auth: Principal, recordId: string): Promise<EnrolmentDto> {
    const { id } = await this.access.uploaderOf(auth);
    const enrolment = await this.records.getEnrolment(id, recordId);
    if (!enrolment) throw notFound(`Enrolment ${recordId}`);
    return toRecordDto(ENROLMENTS, enrolment);
  }

  async listLeavers(auth: Principal, query: LeaverQueryDto): Promise<Page<LeaverDto>> {
    const { id } = await this.access.uploaderOf(auth);
    if (query.pseudonym !== undefined) requirePseudonym(query.pseudonym);
    const { items, total } = await this.records.listLeavers(
      id,
      { schoolYear: query.schoolYear, pseudonym: query.pseudonym },
      sortOrder(query.sort, LEAVER_SORT_COLUMNS, LEAVER_SORTS),
      query.limit,
      query.offset,
    );
    return page(items.map((row) => toRecordDto<LeaverDto>(LEAVERS, row)), total, query);
  }

  async getLeaver(auth: Principal, recordId: string): Promise<LeaverDto> {
    const { id } = await this.access.uploaderOf(auth);
    const leaver = await this.records.getLeaver(id, recordId);
    if (!leaver) throw notFound(`Leaver ${recordId}`);
    return toRecordDto(LEAVERS, leaver);
  }
}
