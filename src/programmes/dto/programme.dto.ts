import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from 'src/common/paging';
import { ValidateEnum, ValidateInt, ValidateNestedArray, ValidateString } from 'src/common/property.decorators';
import { PROGRAMME_CODE_PATTERN, PROGRAMME_LEVELS, ProgrammeLevel, RECORD_SECTORS, RecordSector } from 'src/programmes/programme-codes';

export const MAX_PROGRAMMES_PER_BATCH = 10_000;

export class ProgrammeRecordDto {
  @ValidateString({ minLength: 5, maxLength: 5, pattern: PROGRAMME_CODE_PATTERN, patternMessage: '$property must be 5 digits', example: '25180' })
  code!: string;

  @ValidateEnum(RECORD_SECTORS)
  sector!: RecordSector;

  @ValidateString({ maxLength: 200, example: 'Software developer' })
  name!: string;

  @ValidateEnum(PROGRAMME_LEVELS, { description: 'mbo `1`–`4`; hbo `ad`, `bachelor`, `master`; wo `bachelor`, `master`.' })
  level!: ProgrammeLevel;

  @ValidateInt({ min: 1, max: 8, description: 'Nominal duration in years.' })
  nominalDurationYears!: number;

  @ValidateInt({ min: 1990, max: 2100, description: 'First cohort that can start the programme.' })
  validFromCohort!: number;

  @ValidateInt({ min: 1990, max: 2100, optional: true, nullable: true, description: 'Last cohort that can start it; absent while current.' })
  validToCohort?: number | null;
}

export class ProgrammeBatchDto {
  @ValidateNestedArray(() => ProgrammeRecordDto, { maxItems: MAX_PROGRAMMES_PER_BATCH })
  records!: ProgrammeRecordDto[];
}

export class ProgrammeSuccessorRecordDto {
  @ValidateString({ minLength: 5, maxLength: 5, pattern: PROGRAMME_CODE_PATTERN, patternMessage: '$property must be 5 digits' })
  oldCode!: string;

  @ValidateString({ minLength: 5, maxLength: 5, pattern: PROGRAMME_CODE_PATTERN, patternMessage: '$property must be 5 digits' })
  newCode!: string;

  @ValidateInt({ min: 1990, max: 2100, description: 'First cohort that starts in the new crebo.' })
  fromCohort!: number;
}

export class ProgrammeSuccessorBatchDto {
  @ValidateNestedArray(() => ProgrammeSuccessorRecordDto, { maxItems: MAX_PROGRAMMES_PER_BATCH })
  records!: ProgrammeSuccessorRecordDto[];
}

export class ProgrammeQueryDto extends PageQueryDto {
  @ValidateEnum(RECORD_SECTORS, { optional: true })
  sector?: RecordSector;

  @ValidateString({ minLength: 5, maxLength: 5, pattern: PROGRAMME_CODE_PATTERN, optional: true })
  code?: string;
}

export class ProgrammeDto {
  @ApiProperty() code!: string;
  @ApiProperty({ enum: RECORD_SECTORS }) sector!: RecordSector;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PROGRAMME_LEVELS }) level!: ProgrammeLevel;
  @ApiProperty() nominalDurationYears!: number;
  @ApiProperty() validFromCohort!: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) validToCohort!: number | null;
}

export class ProgrammeSuccessorDto {
  @ApiProperty() oldCode!: string;
  @ApiProperty() newCode!: string;
  @ApiProperty() fromCohort!: number;
}

export class ProgrammePageDto {
  @ApiProperty({ type: ProgrammeDto, isArray: true }) items!: ProgrammeDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class ProgrammeSuccessorListDto {
  @ApiProperty({ type: ProgrammeSuccessorDto, isArray: true }) items!: ProgrammeSuccessorDto[];
}

export class ProgrammeLoadResultDto {
  @ApiProperty() inserted!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() unchanged!: number;
}
