import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { notFound, ProblemFieldError, toPointer } from 'src/common/problem';
import { problem } from 'src/common/problems';
import { LEVELS_BY_SECTOR, RecordSector } from 'src/programmes/programme-codes';
import {
  AlertReferenceDto,
  ReferenceComparisonDto,
  ReferenceFigureBatchDto,
  ReferenceFigureRecordDto,
  ReferenceImportResultDto,
  ReferenceQueryDto,
  ReferenceSeriesDto,
  ReferenceSeriesListDto,
} from 'src/references/dto/reference.dto';
import { ComparableDefinition, referenceMovement, toComparison, toSeriesDto } from 'src/references/reference-comparison';
import { COLUMN_OF, readReferenceCsv } from 'src/references/reference-csv';
import type { ReferenceMetric } from 'src/references/reference-codes';
import { NewPoint, NewSeries, PointRow, ReferencesRepository, SeriesFilter, SeriesRow } from 'src/references/references.repository';

/** Where a record's value is: a JSON pointer, or a CSV line and column. */
type Locate = (index: number, field?: keyof ReferenceFigureRecordDto) => Pick<ProblemFieldError, 'pointer' | 'line' | 'column'>;

const SERIES_DESCRIPTION = ['sourceUrl', 'licence', 'definitions', 'synthetic', 'switchersCountAsUitval', 'firstYearInSectorOnly', 'referenceMonth', 'referenceDay'] as const;

function toNewSeries(record: ReferenceFigureRecordDto): NewSeries {
  const [month, day] = record.referenceDate ? record.referenceDate.split('-').map(Number) : [null, null];
  return {
    source: record.source.trim(),
    sourceUrl: record.sourceUrl,
    licence: record.licence,
    definitions: record.definitions,
    synthetic: record.synthetic ?? false,
    sector: record.sector,
    level: record.level ?? '',
    programmeGroup: record.programmeGroup?.trim() ?? '',
    priorEducation: record.priorEducation ?? '',
    instroom: record.instroom ?? 'all',
    metric: record.metric,
    switchersCountAsUitval: record.switchersCountAsUitval ?? null,
    firstYearInSectorOnly: record.firstYearInSectorOnly ?? null,
    referenceMonth: month,
    referenceDay: day,
  };
}

const seriesKey = (series: NewSeries): string =>
  JSON.stringify([series.source, series.sector, series.level, series.programmeGroup, series.priorEducation, series.instroom, series.metric]);

const invalid = (errors: ProblemFieldError[], where: string): ReturnType<typeof problem> =>
  problem('invalid-records', `${errors.length} invalid ${errors.length === 1 ? 'value' : 'values'} in the ${where}; nothing was written.`, errors, { errorCount: errors.length });

@Injectable()
export class ReferencesService {
  constructor(private readonly repository: ReferencesRepository) {}

  importBatch(dto: ReferenceFigureBatchDto): Promise<ReferenceImportResultDto> {
    return this.importRecords(dto.records, (index, field) => ({ pointer: toPointer(field === undefined ? ['records', index] : ['records', index, field]) }), 'records');
  }

  async importCsv(body: Readable & { headers: IncomingHttpHeaders }): Promise<ReferenceImportResultDto> {
    const { rows, errors } = await readReferenceCsv(body);
    if (errors.length > 0) throw invalid(errors, 'file');
    if (rows.length === 0) throw problem('invalid-records', 'The file holds no figures; nothing was written.', [{ line: 2, code: 'no_rows', detail: 'At least one figure is required.' }]);
    return this.importRecords(
      rows.map((row) => row.record),
      (index, field) => ({ line: rows[index].line, ...(field === undefined ? {} : { column: COLUMN_OF.get(field) ?? field }) }),
      'file',
    );
  }

  /** Checks what a single record cannot show (levels per sector, doubles, one description per series), then writes all or nothing. */
  private async importRecords(records: ReferenceFigureRecordDto[], locate: Locate, where: string): Promise<ReferenceImportResultDto> {
    const errors: ProblemFieldError[] = [];
    const series: NewSeries[] = [];
    const seriesIndex = new Map<string, { index: number; record: number }>();
    const points: NewPoint[] = [];
    const seenPoints = new Map<string, number>();
    records.forEach((record, i) => {
      if (record.level !== undefined && !LEVELS_BY_SECTOR[record.sector].includes(record.level)) {
        errors.push({ ...locate(i, 'level'), code: 'invalid_level', detail: `level must be one of ${LEVELS_BY_SECTOR[record.sector].join(', ')} for sector ${record.sector}.` });
      }
      const item = toNewSeries(record);
      const key = seriesKey(item);
      let known = seriesIndex.get(key);
      if (!known) {
        known = { index: series.length, record: i };
        seriesIndex.set(key, known);
        series.push(item);
      } else {
        const first = series[known.index];
        const differing = SERIES_DESCRIPTION.filter((field) => first[field] !== item[field]);
        if (differing.length > 0) {
          const field = differing[0] === 'referenceMonth' || differing[0] === 'referenceDay' ? 'referenceDate' : differing[0];
          errors.push({ ...locate(i, field), code: 'inconsistent_series', detail: `Same series as record ${known.record + 1} but another ${differing.join(', ')}: a series has one description.` });
        }
      }
      const pointKey = `${key}|${record.cohort}`;
      const firstPoint = seenPoints.get(pointKey);
      if (firstPoint !== undefined) errors.push({ ...locate(i, 'cohort'), code: 'duplicate_key', detail: `Same series and cohort as record ${firstPoint + 1}.` });
      else seenPoints.set(pointKey, i);
      points.push({ series: known.index, cohort: record.cohort, rate: record.rate, n: record.n ?? null });
    });
    if (errors.length > 0) throw invalid(errors, where);
    const { inserted, updated } = await this.repository.import(series, points);
    return { series: series.length, inserted, updated, unchanged: points.length - inserted - updated };
  }

  async list(query: ReferenceQueryDto): Promise<ReferenceSeriesListDto> {
    const rows = await this.repository.listSeries({ sectors: query.sector ? [query.sector] : undefined, metrics: query.metric ? [query.metric] : undefined });
    const points = await this.pointsOf(rows, query.cohortFrom, query.cohortTo);
    return { items: rows.map((row) => toSeriesDto(row, points.get(row.id) ?? [])) };
  }

  async get(id: string): Promise<ReferenceSeriesDto> {
    const [row] = await this.repository.listSeries({ ids: [id] });
    if (!row) throw notFound(`Reference series ${id}`);
    const points = await this.pointsOf([row], undefined, undefined);
    return toSeriesDto(row, points.get(row.id) ?? []);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.repository.deleteSeries(id))) throw notFound(`Reference series ${id}`);
  }

  /**
   * The references beside a view of the region: whole-sector series of the view's sectors (and of
   * its prior education types, where the source breaks them down), with their points over the
   * view's cohorts and how their definitions compare with the region's definition sets.
   */
  async forView(input: { sectors: RecordSector[]; priorEducation: string[]; from: number; to: number; definitions: ComparableDefinition[] }): Promise<ReferenceComparisonDto[]> {
    if (input.sectors.length === 0) return [];
    const rows = await this.repository.listSeries({ sectors: input.sectors, priorEducation: input.priorEducation, wholeSector: true });
    const points = await this.pointsOf(rows, input.from, input.to);
    return rows.filter((row) => points.has(row.id)).map((row) => toComparison(row, points.get(row.id)!, input.definitions));
  }

  /**
   * The references beside the rows of a view by level: for each sector × level of the view, the
   * series of that sector and level (all programme groups, all prior education, as a level row
   * counts them), compared with the region's definition sets as the whole-sector ones are.
   */
  async forLevels(input: { levels: Array<{ sector: string; level: string }>; from: number; to: number; definitions: ComparableDefinition[] }): Promise<ReferenceComparisonDto[]> {
    if (input.levels.length === 0) return [];
    const rows = await this.repository.listSeries({ levels: input.levels, priorEducation: [] });
    const points = await this.pointsOf(rows, input.from, input.to);
    return rows.filter((row) => points.has(row.id)).map((row) => toComparison(row, points.get(row.id)!, input.definitions));
  }

  /**
   * The national (or sector) trend of a trendbreuk's metric over the same cohorts: the
   * whole-sector series for all prior education, of the cell's sector or, for a cell over all
   * sectors, of every sector, each with whether it moved as the region did.
   */
  async forAlert(input: { metric: ReferenceMetric; sector: RecordSector | null; cohort: number; baselineCohorts: number[]; effectPp: number | null; definitions: ComparableDefinition[] }): Promise<AlertReferenceDto[]> {
    const filter: SeriesFilter = { metrics: [input.metric], priorEducation: [], wholeSector: true, ...(input.sector ? { sectors: [input.sector] } : {}) };
    const rows = await this.repository.listSeries(filter);
    const cohorts = [...input.baselineCohorts, input.cohort];
    const points = await this.pointsOf(rows, Math.min(...cohorts), Math.max(...cohorts));
    return rows
      .filter((row) => points.has(row.id))
      .map((row) => referenceMovement(toComparison(row, points.get(row.id)!, input.definitions), input.cohort, input.baselineCohorts, input.effectPp));
  }

  private async pointsOf(rows: SeriesRow[], from: number | undefined, to: number | undefined): Promise<Map<string, PointRow[]>> {
    const grouped = new Map<string, PointRow[]>();
    if (rows.length === 0) return grouped;
    for (const point of await this.repository.points(rows.map((row) => row.id), from, to)) grouped.set(point.series_id, [...(grouped.get(point.series_id) ?? []), point]);
    return grouped;
  }
}
