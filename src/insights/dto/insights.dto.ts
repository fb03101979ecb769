import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateEnum, ValidateQueryInt, ValidateString } from 'src/common/property.decorators';
import { METRICS, Metric, Protection, PROTECTIONS } from 'src/outcomes/figures';
import { REGION_CODE_PATTERN } from 'src/institutions/dto/institution.dto';
import { DefinitionReferenceDto } from 'src/outcomes/dto/definition.dto';
import { ReferenceComparisonDto } from 'src/references/dto/reference.dto';

export const ALUMNI_BREAKDOWNS = ['receiver', 'sector', 'programme', 'level', 'vestiging', 'diplomaType'] as const;
export const INTAKE_BREAKDOWNS = ['supplier', 'diplomaType', 'programme', 'level'] as const;
export type AlumniBreakdown = (typeof ALUMNI_BREAKDOWNS)[number];
export type IntakeBreakdown = (typeof INTAKE_BREAKDOWNS)[number];

class CohortWindowQueryDto {
  @ValidateString({ optional: true, maxLength: 32, pattern: REGION_CODE_PATTERN, description: 'Region code; may be left out when the institution belongs to one region.' })
  region?: string;

  @ValidateQueryInt({ optional: true, min: 2000, max: 2100, description: 'First cohort (default: 10 cohorts before the last).' })
  cohortFrom?: number;

  @ValidateQueryInt({ optional: true, min: 2000, max: 2100, description: 'Last cohort (default: the latest with data).' })
  cohortTo?: number;
}

export class AlumniQueryDto extends CohortWindowQueryDto {
  @ValidateEnum(ALUMNI_BREAKDOWNS, { optional: true, description: 'How to break down the alumni (default receiver); level: the programme level (mbo 1 = entree, 2–4, ad, bachelor, master).' })
  breakdown?: AlumniBreakdown;
}

export class IntakeQueryDto extends CohortWindowQueryDto {
  @ValidateEnum(INTAKE_BREAKDOWNS, { optional: true, description: 'How to break down the intake (default supplier); level: the programme level (mbo 1 = entree, 2–4, ad, bachelor, master).' })
  breakdown?: IntakeBreakdown;
}

export class RegionReportQueryDto {
  @ValidateQueryInt({ optional: true, min: 2000, max: 2100, description: 'Cohort of the matrix (default: the latest with data).' })
  cohort?: number;

  @ValidateQueryInt({ optional: true, min: 2000, max: 2100 })
  cohortFrom?: number;

  @ValidateQueryInt({ optional: true, min: 2000, max: 2100 })
  cohortTo?: number;
}

export class FlowsQueryDto {
  @ValidateString({ optional: true, maxLength: 32, pattern: REGION_CODE_PATTERN })
  region?: string;

  @ValidateQueryInt({ optional: true, min: 2000, max: 2100, description: 'Cohort (default: the latest with data).' })
  cohort?: number;

  @ValidateEnum(['alumni', 'intake'] as const, { optional: true, description: 'For institutions: flows of my alumni (default) or of my intake.' })
  perspective?: 'alumni' | 'intake';

  @ValidateEnum(['receiver', 'sector'] as const, { optional: true, description: 'Middle layer: receiving institution (default) or sector.' })
  via?: 'receiver' | 'sector';
}

export class FiguresDto {
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Instroom; null when suppressed.' }) n!: number | null;
  @ApiProperty({ description: 'True when withheld: 0 < n < k, or withheld to protect another cell. Every figure is then null, never 0.' }) suppressed!: boolean;
  @ApiProperty({
    enum: PROTECTIONS,
    description:
      'How the figures were protected (docs/disclosure-control.md). published: exact. suppressed: withheld, all figures null. ' +
      'perturbed: n and the other rates exact, but the split between switchExternal and uitval carries noise of at most ±3 students, ' +
      'because a record the reading institution adds could change it (an institution reads every split with noise, a coordinator exactly). ' +
      'split-withheld: as perturbed, but switchExternal and uitval are null and only their sum (left) is given (an institution reads the split in one breakdown only: alumni by receiver, intake by supplier).',
  })
  protection!: Protection;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Share of direct instroom (0–1).' }) direct!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Share uitval after year 1.' }) uitval!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) switchInternal!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) switchExternal!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Share still enrolled in the same programme in year 2.' }) enrolledYear2!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Share with a diploma in year 1.' }) diplomaYear1!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Diploma within nominal duration + 1 year, where known.' }) rendement!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Share that left without a diploma for another institution or for nothing: switchExternal + uitval.' }) left!: number | null;
}

export class BreakdownRowDto extends FiguresDto {
  @ApiProperty({ description: 'BRIN, sector, programme code, level (1–4, ad, bachelor, master; empty when unknown), vestiging or diploma type.' }) key!: string;
  @ApiProperty() label!: string;
}

export class CohortFiguresDto {
  @ApiProperty() cohort!: number;
  @ApiProperty({ type: DefinitionReferenceDto }) definitionSet!: DefinitionReferenceDto;
  @ApiProperty({ description: 'The threshold k of the cohort\'s definition set: cells with 0 < n < k are withheld.' }) suppressionK!: number;
  @ApiProperty({ type: FiguresDto }) total!: FiguresDto;
  @ApiProperty({ type: BreakdownRowDto, isArray: true }) rows!: BreakdownRowDto[];
  @ApiPropertyOptional({ type: FiguresDto, description: 'The region, all suppliers together, without the intake of the reader itself.' }) benchmarkTotal?: FiguresDto;
  @ApiPropertyOptional({ type: BreakdownRowDto, isArray: true, description: 'The region per prior diploma type, without the intake of the reader itself.' }) benchmark?: BreakdownRowDto[];
}

export class DoorstroomDto {
  @ApiProperty() schoolYear!: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) leavers!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) continued!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Share of leavers that started in the region the next cohort.' }) rate!: number | null;
  @ApiProperty() suppressed!: boolean;
  @ApiProperty({ enum: ['suppressed', 'perturbed'], description: 'Leavers are exact; continued carries noise of at most ±3, as it comes from other institutions\' records.' }) protection!: 'suppressed' | 'perturbed';
}

export class InstitutionRefDto {
  @ApiProperty() brin!: string;
  @ApiProperty() name!: string;
}

export class InsightsViewDto {
  @ApiProperty() region!: string;
  @ApiProperty({ type: InstitutionRefDto }) institution!: InstitutionRefDto;
  @ApiProperty() breakdown!: string;
  @ApiProperty({ type: DefinitionReferenceDto, isArray: true }) definitionSets!: DefinitionReferenceDto[];
  @ApiProperty({ type: Number, isArray: true, description: 'Cohorts from which another definition set applies (methodebreuk).' }) methodebreuken!: number[];
  @ApiProperty({ type: CohortFiguresDto, isArray: true }) cohorts!: CohortFiguresDto[];
  @ApiPropertyOptional({ type: DoorstroomDto, isArray: true, description: 'Suppliers with leaver data: share of leavers that continued in the region.' }) doorstroom?: DoorstroomDto[];
  @ApiProperty({
    type: ReferenceComparisonDto,
    isArray: true,
    description:
      'Published national or sector figures of the sectors (and prior education) of the view, over its cohorts, with their source, licence and definitions. ' +
      'Public figures, not region records: not suppressed. Where `comparable` is false their definitions differ from the region\'s and the comparison is indicative only.',
  })
  references!: ReferenceComparisonDto[];
  @ApiProperty({
    type: ReferenceComparisonDto,
    isArray: true,
    description:
      'With `breakdown=level`: the published series of a sector and level, for each sector × level the view holds (all programme groups, all prior education), ' +
      'over its cohorts. A row matches the series whose `level` is its key (a bachelor row can have an hbo and a wo series). Compared with the region\'s ' +
      'definitions as `references` are; empty for any other breakdown. `references` keeps the whole-sector series.',
  })
  levelReferences!: ReferenceComparisonDto[];
}

export class MatrixCellDto extends FiguresDto {
  @ApiProperty() supplier!: string;
  @ApiProperty() receiver!: string;
}

export class MatrixTotalDto extends FiguresDto {
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
}

export class TrendPointDto extends FiguresDto {
  @ApiProperty() cohort!: number;
  @ApiProperty({ type: DefinitionReferenceDto }) definitionSet!: DefinitionReferenceDto;
}

export class RegionReportDto {
  @ApiProperty() region!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ type: Number, nullable: true }) cohort!: number | null;
  @ApiPropertyOptional({ type: DefinitionReferenceDto, nullable: true }) definitionSet!: DefinitionReferenceDto | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'The threshold k of the cohort\'s definition set.' }) suppressionK!: number | null;
  @ApiProperty({ type: InstitutionRefDto, isArray: true }) suppliers!: InstitutionRefDto[];
  @ApiProperty({ type: InstitutionRefDto, isArray: true }) receivers!: InstitutionRefDto[];
  @ApiProperty({ type: MatrixCellDto, isArray: true, description: 'Supplier × receiver cells with instroom (only non-empty cells).' }) cells!: MatrixCellDto[];
  @ApiProperty({ type: MatrixTotalDto, isArray: true }) supplierTotals!: MatrixTotalDto[];
  @ApiProperty({ type: MatrixTotalDto, isArray: true }) receiverTotals!: MatrixTotalDto[];
  @ApiProperty({ type: FiguresDto }) total!: FiguresDto;
  @ApiProperty({ type: TrendPointDto, isArray: true, description: 'Region totals per cohort.' }) trend!: TrendPointDto[];
  @ApiProperty({ type: Number, isArray: true }) methodebreuken!: number[];
  @ApiProperty({ type: DefinitionReferenceDto, isArray: true }) definitionSets!: DefinitionReferenceDto[];
  @ApiProperty({
    type: ReferenceComparisonDto,
    isArray: true,
    description:
      'Published national or sector figures of the sectors (and prior education) of the view, over its cohorts, with their source, licence and definitions. ' +
      'Public figures, not region records: not suppressed. Where `comparable` is false their definitions differ from the region\'s and the comparison is indicative only.',
  })
  references!: ReferenceComparisonDto[];
}

export class FlowNodeDto {
  @ApiProperty() id!: string;
  @ApiProperty() label!: string;
  @ApiProperty({
    enum: ['supplier', 'receiver', 'sector', 'outcome', 'suppressed'],
    description: 'outcome:left joins switch extern and uitval in an institution\'s flows via sector (see FiguresDto.protection).',
  })
  kind!: string;
}

export class FlowLinkDto {
  @ApiProperty() source!: string;
  @ApiProperty() target!: string;
  @ApiProperty() value!: number;
}

export class FlowsDto {
  @ApiProperty() region!: string;
  @ApiPropertyOptional({ type: Number, nullable: true }) cohort!: number | null;
  @ApiPropertyOptional({ type: DefinitionReferenceDto, nullable: true }) definitionSet!: DefinitionReferenceDto | null;
  @ApiProperty({ type: FlowNodeDto, isArray: true }) nodes!: FlowNodeDto[];
  @ApiProperty({ type: FlowLinkDto, isArray: true, description: 'Withheld links (docs/disclosure-control.md) are merged into the "suppressed" node, never shown alone; a withheld source is left out.' }) links!: FlowLinkDto[];
}

export type { Metric };
export { METRICS };
