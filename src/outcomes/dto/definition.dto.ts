import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, Max, Min } from 'class-validator';
import { ValidateBoolean, ValidateInt, ValidateString, ValidateUuid } from 'src/common/property.decorators';

export class CreateDefinitionSetDto {
  @ValidateString({ maxLength: 200, example: 'Definities 2025: voltijd, switchvenster 6 maanden' })
  name!: string;

  @ValidateString({ maxLength: 5000, optional: true, description: 'The coordinator’s explanation of why this version exists.' })
  notes?: string;

  @ValidateInt({ min: 1, max: 12, optional: true, description: 'Month of the reference date in cohort + 1 (default 10).' })
  referenceMonth?: number;

  @ValidateInt({ min: 1, max: 28, optional: true, description: 'Day of the reference date (default 1).' })
  referenceDay?: number;

  @ValidateInt({ min: 0, max: 24, optional: true, description: 'Months after the end date within which a new enrolment counts as a switch (default 12).' })
  switchWindowMonths?: number;

  @ValidateBoolean({ optional: true, description: 'Whether switchers also count as dropouts of the programme they left (default false).' })
  switchersCountAsUitval?: boolean;

  @ValidateBoolean({ optional: true, description: 'Count only a student’s first enrolment in a sector (default true).' })
  firstYearInSectorOnly?: boolean;

  @ValidateBoolean({ optional: true, description: 'Count only full-time enrolments in higher education (default false).' })
  voltijdOnly?: boolean;

  @ValidateInt({ min: 5, max: 100, optional: true, description: 'Suppression threshold k: cells with 0 < n < k are suppressed (default 10, never below 5).' })
  suppressionK?: number;

  @ValidateInt({ min: 2, max: 10, optional: true, description: 'Baseline length in cohorts (default 3).' })
  baselineCohorts?: number;

  @ValidateInt({ min: 1, max: 10, optional: true, description: 'Minimum baseline cohorts (default 2).' })
  minBaselineCohorts?: number;

  @ValidateInt({ min: 1, max: 100000, optional: true, description: 'Minimum pooled baseline n (default 30).' })
  minBaselineN?: number;

  @ValidateInt({ min: 1, max: 100000, optional: true, description: 'Minimum n of the current cohort (default 10).' })
  minCurrentN?: number;

  @ApiPropertyOptional({ minimum: 0.001, maximum: 0.25, description: 'False discovery rate q (default 0.05).' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.001)
  @Max(0.25)
  fdrQ?: number;

  @ApiPropertyOptional({ minimum: 0.05, maximum: 0.95, description: 'Supply break below this share of the baseline median n (default 0.5).' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.05)
  @Max(0.95)
  supplyLowRatio?: number;

  @ApiPropertyOptional({ minimum: 1.05, maximum: 20, description: 'Supply break above this multiple of the baseline median n (default 2).' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1.05)
  @Max(20)
  supplyHighRatio?: number;
}

export class ActivateDefinitionSetDto {
  @ValidateInt({ min: 2000, max: 2100, description: 'First cohort the version applies to; later versions are superseded. Must be after the last cohort the region has published.' })
  fromCohort!: number;
}

export class DefinitionIdParamDto {
  @ValidateUuid()
  id!: string;
}

export class DefinitionSetDto {
  @ApiProperty() id!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() version!: number;
  @ApiProperty() name!: string;
  @ApiProperty() notes!: string;
  @ApiProperty({ description: 'Human-readable description (Markdown) of every parameter.' }) description!: string;
  @ApiProperty({ example: '10-01' }) referenceDate!: string;
  @ApiProperty() switchWindowMonths!: number;
  @ApiProperty() switchersCountAsUitval!: boolean;
  @ApiProperty() firstYearInSectorOnly!: boolean;
  @ApiProperty() voltijdOnly!: boolean;
  @ApiProperty() suppressionK!: number;
  @ApiProperty() baselineCohorts!: number;
  @ApiProperty() minBaselineCohorts!: number;
  @ApiProperty() minBaselineN!: number;
  @ApiProperty() minCurrentN!: number;
  @ApiProperty() fdrQ!: number;
  @ApiProperty() supplyLowRatio!: number;
  @ApiProperty() supplyHighRatio!: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) effectiveFromCohort!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Last cohort it applies to, when a later version takes over.' }) effectiveToCohort!: number | null;
  @ApiProperty({ enum: ['draft', 'active', 'superseded'] }) status!: 'draft' | 'active' | 'superseded';
  @ApiPropertyOptional({ nullable: true, type: Date }) activatedAt!: Date | null;
  @ApiProperty() createdAt!: Date;
}

export class DefinitionSetListDto {
  @ApiProperty({ type: DefinitionSetDto, isArray: true }) items!: DefinitionSetDto[];
}

/** What every figure carries: which definitions produced it, and where to read them. */
export class DefinitionReferenceDto {
  @ApiProperty() id!: string;
  @ApiProperty() version!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '/v1/definitions/3f6c…' }) href!: string;
}
