import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateBoolean, ValidateEnum, ValidateInt, ValidateNestedArray, ValidateNumber, ValidateQueryInt, ValidateString, ValidateUuid } from 'src/common/property.decorators';
import { PROGRAMME_LEVELS, ProgrammeLevel, RECORD_SECTORS, RecordSector } from 'src/programmes/programme-codes';
import { PRIOR_DIPLOMA_TYPES, PriorDiplomaType } from 'src/records/codes';
import {
  MAX_REFERENCE_FIGURES,
  REFERENCE_DATE_PATTERN,
  REFERENCE_DIFFERENCE_CODES,
  REFERENCE_INSTROOM,
  REFERENCE_METRICS,
  ReferenceDifferenceCode,
  ReferenceInstroom,
  ReferenceMetric,
  SOURCE_URL_PATTERN,
} from 'src/references/reference-codes';

/** One published figure: a series (source, what it covers, its definitions) at one cohort. */
export class ReferenceFigureRecordDto {
  @ValidateString({ maxLength: 200, example: 'DUO open onderwijsdata', description: 'Who published the figure.' })
  source!: string;

  @ValidateString({ maxLength: 500, pattern: SOURCE_URL_PATTERN, patternMessage: '$property must be an http(s) address', example: 'https://duo.nl/open_onderwijsdata/' })
  sourceUrl!: string;

  @ValidateString({ maxLength: 200, example: 'CC BY 4.0' })
  licence!: string;

  @ValidateString({
    maxLength: 4000,
    description: "The source's own definitions in words: what counts as uitval and switch, direct or indirect instroom, the reference date.",
  })
  definitions!: string;

  @ValidateBoolean({ optional: true, description: 'A made-up series (demo data), shown as "synthetisch voorbeeld, geen echte cijfers". Default false.' })
  synthetic?: boolean;

  @ValidateEnum(RECORD_SECTORS)
  sector!: RecordSector;

  @ValidateEnum(PROGRAMME_LEVELS, { optional: true, description: 'mbo niveau or ho level; absent for the whole sector.' })
  level?: ProgrammeLevel;

  @ValidateString({ maxLength: 100, optional: true, description: 'A programme group as the source names it (e.g. "techniek"); absent for all.' })
  programmeGroup?: string;

  @ValidateEnum(PRIOR_DIPLOMA_TYPES, { optional: true, description: 'Prior education type, where the source breaks it down; absent for all.' })
  priorEducation?: PriorDiplomaType;

  @ValidateEnum(REFERENCE_INSTROOM, { optional: true, description: 'Which instroom the figure counts (default all).' })
  instroom?: ReferenceInstroom;

  @ValidateBoolean({ optional: true, nullable: true, description: 'Whether the source counts switchers as uitval; absent when it does not say.' })
  switchersCountAsUitval?: boolean | null;

  @ValidateBoolean({ optional: true, nullable: true, description: "Whether only a student's first enrolment in the sector counts; absent when the source does not say." })
  firstYearInSectorOnly?: boolean | null;

  @ValidateString({ maxLength: 5, optional: true, nullable: true, pattern: REFERENCE_DATE_PATTERN, patternMessage: '$property must be MM-DD', example: '10-01', description: 'Reference date (peildatum) in the year after the cohort starts, MM-DD.' })
  referenceDate?: string | null;

  @ValidateInt({ min: 2000, max: 2100 })
  cohort!: number;

  @ValidateEnum(REFERENCE_METRICS, { description: 'The metric, named as in the views; `switch` is internal and external switch together.' })
  metric!: ReferenceMetric;

  @ValidateNumber({ min: 0, max: 1, description: 'The published rate, 0–1.' })
  rate!: number;

  @ValidateInt({ min: 0, max: 10_000_000, optional: true, nullable: true, description: 'n, where the source publishes it.' })
  n?: number | null;
}

export class ReferenceFigureBatchDto {
  @ValidateNestedArray(() => ReferenceFigureRecordDto, { maxItems: MAX_REFERENCE_FIGURES })
  records!: ReferenceFigureRecordDto[];
}

export class ReferenceImportResultDto {
  @ApiProperty({ description: 'Series the import touched.' }) series!: number;
  @ApiProperty({ description: 'Figures (series × cohort) added.' }) inserted!: number;
  @ApiProperty({ description: 'Figures whose rate or n changed.' }) updated!: number;
  @ApiProperty() unchanged!: number;
}

export class ReferenceQueryDto {
  @ValidateEnum(RECORD_SECTORS, { optional: true })
  sector?: RecordSector;

  @ValidateEnum(REFERENCE_METRICS, { optional: true })
  metric?: ReferenceMetric;

  @ValidateQueryInt({ optional: true, min: 2000, max: 2100, description: 'First cohort of the points.' })
  cohortFrom?: number;

  @ValidateQueryInt({ optional: true, min: 2000, max: 2100, description: 'Last cohort of the points.' })
  cohortTo?: number;
}

export class ReferenceIdParamDto {
  @ValidateUuid()
  id!: string;
}

export class ReferencePointDto {
  @ApiProperty() cohort!: number;
  @ApiProperty({ description: 'The published rate, 0–1.' }) rate!: number;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'n, where published.' }) n!: number | null;
}

export class ReferenceSeriesDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() source!: string;
  @ApiProperty() sourceUrl!: string;
  @ApiProperty() licence!: string;
  @ApiProperty({ description: "The source's definitions in words." }) definitions!: string;
  @ApiProperty({ description: 'True for a made-up series: never real figures.' }) synthetic!: boolean;
  @ApiProperty({ description: 'What the report shows as the series name: source, scope and, for a synthetic series, that it is synthetic.' }) label!: string;
  @ApiProperty({ enum: RECORD_SECTORS }) sector!: RecordSector;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'null: the whole sector.' }) level!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) programmeGroup!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) priorEducation!: string | null;
  @ApiProperty({ enum: REFERENCE_INSTROOM }) instroom!: ReferenceInstroom;
  @ApiProperty({ enum: REFERENCE_METRICS }) metric!: ReferenceMetric;
  @ApiPropertyOptional({ type: Boolean, nullable: true }) switchersCountAsUitval!: boolean | null;
  @ApiPropertyOptional({ type: Boolean, nullable: true }) firstYearInSectorOnly!: boolean | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'MM-DD.' }) referenceDate!: string | null;
  @ApiProperty({ type: ReferencePointDto, isArray: true }) points!: ReferencePointDto[];
}

export class ReferenceSeriesListDto {
  @ApiProperty({ type: ReferenceSeriesDto, isArray: true }) items!: ReferenceSeriesDto[];
}

export class DifferenceDefinitionSetDto {
  @ApiProperty() name!: string;
  @ApiProperty() version!: number;
}

/** One way a series' definitions differ from the region's, with the values involved. */
export class ReferenceDifferenceDto {
  @ApiProperty({
    enum: REFERENCE_DIFFERENCE_CODES,
    description:
      'instroom: the reference counts only direct or indirect instroom, the region all. national-scope: the reference follows students across the country, ' +
      'the region sees only its members, so an overstap out of the region counts as uitval there (uitval and switch metrics). switchers: switchers count as uitval ' +
      'in one and not the other. first-year: only the first enrolment in the sector, or returning students too. reference-date: another peildatum. ' +
      'switchers-unstated, first-year-unstated, reference-date-unstated: the source does not say. New codes may be added: show `text` for a code you do not know.',
  })
  code!: ReferenceDifferenceCode;
  @ApiProperty({ description: 'The difference as a Dutch sentence, as in `differences`.' })
  text!: string;
  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'boolean' }],
    nullable: true,
    description: "The reference's value: instroom `direct` or `indirect`; switchers and first-year a boolean (switchersCountAsUitval, firstYearInSectorOnly); reference-date MM-DD; otherwise null.",
  })
  reference!: string | boolean | null;
  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'boolean' }],
    nullable: true,
    description: "The region's value, alike: instroom `all`; switchers and first-year the definition set's boolean; reference-date MM-DD; otherwise null.",
  })
  region!: string | boolean | null;
  @ApiPropertyOptional({ type: DifferenceDefinitionSetDto, nullable: true, description: "The region's definition set the value is from (switchers, first-year, reference-date); otherwise null." })
  definitionSet!: DifferenceDefinitionSetDto | null;
}

/** A reference series beside a view of the region: with how its definitions compare to the region's. */
export class ReferenceComparisonDto extends ReferenceSeriesDto {
  @ApiProperty({ description: "True when the series' definitions match the region's definition set on every point that can be compared; otherwise the comparison is indicative only." })
  comparable!: boolean;
  @ApiProperty({ type: String, isArray: true, description: "How the series' definitions differ from the region's, as Dutch sentences for the report; `differenceDetails` gives the same differences, in the same order, by code." })
  differences!: string[];
  @ApiProperty({ type: ReferenceDifferenceDto, isArray: true, description: 'The differences by code with the values involved, in the order of `differences`: for a client that words them itself (another language).' })
  differenceDetails!: ReferenceDifferenceDto[];
}

/** Whether the reference moved over the same cohorts as a region's trendbreuk. */
export class AlertReferenceDto extends ReferenceComparisonDto {
  @ApiPropertyOptional({ type: Number, nullable: true, description: "Mean of the reference's rates over the alert's baseline cohorts (those it publishes)." }) baselineRate!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: "The reference's rate in the alert's cohort." }) currentRate!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'currentRate − baselineRate, in percentage points.' }) changePp!: number | null;
  @ApiProperty({
    enum: ['region-only', 'reference-too', 'unknown'],
    description:
      'region-only: the reference moved less than half as far as the region, or the other way; reference-too: it moved the same way by at least half the region\'s change; ' +
      'unknown: the reference lacks the cohort or every baseline cohort.',
  })
  verdict!: 'region-only' | 'reference-too' | 'unknown';
}
