import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BRIN_PATTERN, ValidateBrin, ValidateDate, ValidateEnum, ValidateInt, ValidateNestedArray, ValidateNestedObject, ValidateString, ValidateStringArray, ValidateUuid } from 'src/common/property.decorators';
import { INTERVENTION_DIRECTIONS, INTERVENTION_METRICS, INTERVENTION_STATES, INTERVENTION_TYPES, InterventionDirection, InterventionMetric, InterventionState, InterventionType, Sector, SECTORS } from 'src/interventions/model';
import { EffectDto } from 'src/interventions/dto/effect.dto';

/** The first and last cohort an intervention may name. */
export const COHORT_RANGE = { min: 2000, max: 2100 } as const;
const BRIN_MESSAGE = 'each value of $property must be a BRIN code of 4 upper-case characters, e.g. 00AA';

export class TargetCellDto {
  @ValidateBrin({ description: 'The supplying school.' })
  supplier!: string;

  @ValidateBrin({ description: 'The receiving institution.' })
  receiver!: string;
}

/** Exactly one of cells, sector or programmes; a sector or programmes with the supplying schools whose pupils it reaches. */
export class TargetDto {
  @ValidateNestedArray(() => TargetCellDto, { optional: true, maxItems: 200, description: 'Supplier × receiver cells.' })
  cells?: TargetCellDto[];

  @ValidateEnum(SECTORS, { optional: true, description: 'A sector: the cells of `suppliers` with every receiver that teaches it.' })
  sector?: Sector;

  @ValidateStringArray({ optional: true, maxItems: 50, pattern: /^[0-9A-Za-z-]{1,12}$/, patternMessage: 'each value of $property must be a programme code (CROHO, crebo)', description: 'Programme codes: the cells of `suppliers` with every receiver that teaches one of them.' })
  programmes?: string[];

  @ValidateStringArray({ optional: true, maxItems: 100, pattern: BRIN_PATTERN, patternMessage: BRIN_MESSAGE, description: 'The supplying schools of a sector or programme target (BRIN).' })
  suppliers?: string[];
}

export class CreateInterventionDto {
  @ValidateString({ optional: true, maxLength: 32, description: 'Region code; needed when the caller belongs to several regions.' })
  region?: string;

  @ValidateEnum(INTERVENTION_TYPES)
  type!: InterventionType;

  @ValidateString({ maxLength: 200, example: 'Zachte landing: eerste 100 dagen' })
  title!: string;

  @ValidateString({ optional: true, minLength: 0, maxLength: 2000 })
  description?: string;

  @ValidateStringArray({ maxItems: 50, pattern: BRIN_PATTERN, patternMessage: BRIN_MESSAGE, description: 'The institutions that run it (BRIN); members of the region. An institution that registers is one of them.' })
  parties!: string[];

  @ValidateNestedObject(() => TargetDto, { description: 'Whom it reaches: exactly one of cells, sector or programmes.' })
  target!: TargetDto;

  @ValidateInt({ min: COHORT_RANGE.min, max: COHORT_RANGE.max, description: 'The first cohort the intervention reaches.' })
  firstCohort!: number;

  @ValidateEnum(INTERVENTION_METRICS, { description: 'The metric it should move (the metrics of the alerts).' })
  metric!: InterventionMetric;

  @ValidateEnum(INTERVENTION_DIRECTIONS)
  direction!: InterventionDirection;

  @ValidateDate({ description: 'When the parties review it.' })
  reviewDate!: string;
}

/** A change: any of the fields of a registration except the region. */
export class UpdateInterventionDto {
  @ValidateEnum(INTERVENTION_TYPES, { optional: true })
  type?: InterventionType;

  @ValidateString({ optional: true, maxLength: 200 })
  title?: string;

  @ValidateString({ optional: true, minLength: 0, maxLength: 2000 })
  description?: string;

  @ValidateStringArray({ optional: true, maxItems: 50, pattern: BRIN_PATTERN, patternMessage: BRIN_MESSAGE })
  parties?: string[];

  @ValidateNestedObject(() => TargetDto, { optional: true })
  target?: TargetDto;

  @ValidateInt({ optional: true, min: COHORT_RANGE.min, max: COHORT_RANGE.max })
  firstCohort?: number;

  @ValidateEnum(INTERVENTION_METRICS, { optional: true })
  metric?: InterventionMetric;

  @ValidateEnum(INTERVENTION_DIRECTIONS, { optional: true })
  direction?: InterventionDirection;

  @ValidateDate({ optional: true })
  reviewDate?: string;
}

export class InterventionIdParamDto {
  @ValidateUuid()
  id!: string;
}

export class InterventionListQueryDto {
  @ValidateString({ optional: true, maxLength: 32, description: 'Only this region.' })
  region?: string;

  @ValidateEnum(INTERVENTION_STATES, { optional: true })
  state?: InterventionState;

  @ValidateDate({ optional: true, description: 'Only those whose review date is on or before this date.' })
  reviewDueBy?: string;
}

export class InstitutionLabelDto {
  @ApiProperty() brin!: string;
  @ApiProperty() name!: string;
}

export class TargetCellLabelDto {
  @ApiProperty({ type: InstitutionLabelDto }) supplier!: InstitutionLabelDto;
  @ApiProperty({ type: InstitutionLabelDto }) receiver!: InstitutionLabelDto;
}

export class TargetViewDto {
  @ApiProperty({ enum: ['cells', 'sector', 'programmes'] }) kind!: 'cells' | 'sector' | 'programmes';
  @ApiProperty({ type: TargetCellLabelDto, isArray: true, description: 'Cells as registered (kind cells).' }) cells!: TargetCellLabelDto[];
  @ApiPropertyOptional({ enum: SECTORS, nullable: true }) sector!: Sector | null;
  @ApiProperty({ type: String, isArray: true }) programmes!: string[];
  @ApiProperty({ type: InstitutionLabelDto, isArray: true, description: 'Supplying schools of a sector or programme target.' }) suppliers!: InstitutionLabelDto[];
}

export class RegisteredByDto {
  @ApiProperty({ enum: ['region', 'institution'] }) kind!: 'region' | 'institution';
  @ApiPropertyOptional({ type: String, nullable: true, description: 'BRIN, when an institution registered it.' }) institution!: string | null;
}

export class InterventionDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Region code.' }) region!: string;
  @ApiProperty({ enum: INTERVENTION_TYPES }) type!: InterventionType;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: InstitutionLabelDto, isArray: true }) parties!: InstitutionLabelDto[];
  @ApiProperty({ type: TargetViewDto }) target!: TargetViewDto;
  @ApiProperty() firstCohort!: number;
  @ApiProperty({ enum: INTERVENTION_METRICS }) metric!: InterventionMetric;
  @ApiProperty({ enum: INTERVENTION_DIRECTIONS }) direction!: InterventionDirection;
  @ApiProperty({ format: 'date' }) reviewDate!: string;
  @ApiProperty({ description: 'The review date has come (active interventions only).' }) reviewDue!: boolean;
  @ApiProperty({ enum: INTERVENTION_STATES }) state!: InterventionState;
  @ApiProperty({ type: RegisteredByDto }) registeredBy!: RegisteredByDto;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class InterventionDetailDto extends InterventionDto {
  @ApiProperty({ type: EffectDto, description: 'Computed from the latest summaries, from the figures the caller can read.' }) effect!: EffectDto;
}

export class InterventionListDto {
  @ApiProperty({ type: InterventionDto, isArray: true }) items!: InterventionDto[];
  @ApiProperty() total!: number;
}
