import { Injectable } from '@nestjs/common';
import { Page, page } from 'src/common/paging';
import { ProblemException, ProblemFieldError, toPointer } from 'src/common/problem';
import {
  ProgrammeBatchDto,
  ProgrammeDto,
  ProgrammeLoadResultDto,
  ProgrammeQueryDto,
  ProgrammeSuccessorBatchDto,
  ProgrammeSuccessorListDto,
} from 'src/programmes/dto/programme.dto';
import { CodeCatalogue, ProgrammeCatalogue } from 'src/programmes/programme-catalogue';
import { LEVELS_BY_SECTOR } from 'src/programmes/programme-codes';
import { ProgrammeRow, ProgrammesRepository } from 'src/programmes/programmes.repository';
import { problem } from 'src/common/problems';

/** Replicas pick up programmes loaded elsewhere within this time. */
const CATALOGUE_TTL_MS = 30_000;

const toProgrammeDto = (row: ProgrammeRow): ProgrammeDto => ({
  code: row.code,
  sector: row.sector,
  name: row.name,
  level: row.level,
  nominalDurationYears: row.nominal_duration_years,
  validFromCohort: row.valid_from_cohort,
  validToCohort: row.valid_to_cohort,
});

const invalid = (errors: ProblemFieldError[]): ProblemException =>
  problem(
    'invalid-records',
    `${errors.length} invalid ${errors.length === 1 ? 'value' : 'values'}; nothing was written.`,
    errors,
  );

@Injectable()
export class ProgrammesService {
  private cached: { catalogue: ProgrammeCatalogue; loadedAt: number } | undefined;

  constructor(private readonly repository: ProgrammesRepository) {}

  /** The programme codes per sector, cached briefly; one query per batch at most. */
  async catalogue(): Promise<ProgrammeCatalogue> {
    if (this.cached && Date.now() - this.cached.loadedAt < CATALOGUE_TTL_MS) return this.cached.catalogue;
    const catalogue = new CodeCatalogue(await this.repository.allCodes());
    this.cached = { catalogue, loadedAt: Date.now() };
    return catalogue;
  }

  async loadProgrammes(dto: ProgrammeBatchDto): Promise<ProgrammeLoadResultDto> {
    const errors: ProblemFieldError[] = [];
    const seen = new Map<string, number>();
    dto.records.forEach((record, i) => {
      if (!LEVELS_BY_SECTOR[record.sector].includes(record.level)) {
        errors.push({ pointer: toPointer(['records', i, 'level']), code: 'invalid_level', detail: `level must be one of ${LEVELS_BY_SECTOR[record.sector].join(', ')} for sector ${record.sector}.` });
      }
      if (record.validToCohort != null && record.validToCohort < record.validFromCohort) {
        errors.push({ pointer: toPointer(['records', i, 'validToCohort']), code: 'before_valid_from', detail: 'validToCohort is before validFromCohort.' });
      }
      const key = `${record.sector}:${record.code}`;
      const first = seen.get(key);
      if (first !== undefined) errors.push({ pointer: toPointer(['records', i]), code: 'duplicate_key', detail: `Same sector and code as record ${first}.` });
      else seen.set(key, i);
    });
    if (errors.length > 0) throw invalid(errors);
    const { inserted, updated } = await this.repository.upsertProgrammes(dto.records);
    this.cached = undefined;
    return { inserted, updated, unchanged: dto.records.length - inserted - updated };
  }

  /** crebo successors: both codes must be known mbo programmes. */
  async loadSuccessors(dto: ProgrammeSuccessorBatchDto): Promise<ProgrammeLoadResultDto> {
    const codes = [...new Set(dto.records.flatMap((record) => [record.oldCode, record.newCode]))];
    const known = await this.repository.existingCodes('mbo', codes);
    const errors: ProblemFieldError[] = [];
    const seen = new Map<string, number>();
    dto.records.forEach((record, i) => {
      if (record.oldCode === record.newCode) errors.push({ pointer: toPointer(['records', i, 'newCode']), code: 'same_code', detail: 'newCode equals oldCode.' });
      for (const field of ['oldCode', 'newCode'] as const) {
        if (!known.has(record[field])) errors.push({ pointer: toPointer(['records', i, field]), code: 'unknown_programme', detail: `${field} is not a known mbo programme (crebo).` });
      }
      const key = `${record.oldCode}:${record.newCode}`;
      const first = seen.get(key);
      if (first !== undefined) errors.push({ pointer: toPointer(['records', i]), code: 'duplicate_key', detail: `Same oldCode and newCode as record ${first}.` });
      else seen.set(key, i);
    });
    if (errors.length > 0) throw invalid(errors);
    const { inserted, updated } = await this.repository.upsertSuccessors(dto.records);
    return { inserted, updated, unchanged: dto.records.length - inserted - updated };
  }

  async listProgrammes(query: ProgrammeQueryDto): Promise<Page<ProgrammeDto>> {
    const { items, total } = await this.repository.listProgrammes({ sector: query.sector, code: query.code }, query.limit, query.offset);
    return page(items.map(toProgrammeDto), total, query);
  }

  async listSuccessors(): Promise<ProgrammeSuccessorListDto> {
    const rows = await this.repository.listSuccessors();
    return { items: rows.map((row) => ({ oldCode: row.old_code, newCode: row.new_code, fromCohort: row.from_cohort })) };
  }
}
