import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray } from 'class-validator';
import {
  ValidateBoolean,
  ValidateBrin,
  ValidateDate,
  ValidateEnum,
  ValidateInt,
  ValidateString,
  ValidateVestiging,
} from 'src/common/property.decorators';
import { END_REASONS, EndReason, EXIT_REASONS, ExitReason, MAX_BATCH_RECORDS, ONDERWIJSSOORTEN, Onderwijssoort, PRIOR_DIPLOMA_TYPES, PriorDiplomaType } from 'src/records/codes';
import { PROFILE_PATTERN } from 'src/records/kinds/leavers';
import { PROGRAMME_CODE_PATTERN, PROGRAMME_LEVELS, ProgrammeLevel, RECORD_SECTORS, RecordSector, STUDY_FORMS, StudyForm } from 'src/programmes/programme-codes';
import { PSEUDONYM_PATTERN } from 'src/pseudonyms/pseudonym';

/*
 * The records of a batch are checked row by row by the ingest validator (one pass, all errors
 * of the batch in one response, also for CSV). The decorators below document the fields in
 * OpenAPI and state the shape rules; a unit test keeps them and the validator in agreement.
 */

const PSEUDONYM_DESCRIPTION =
  'hex(HMAC-SHA256(K, id)) computed before upload: 64 lowercase hexadecimal characters. ' +
  'A raw BSN or onderwijsnummer is refused (codes looks_like_bsn, looks_like_onderwijsnummer) and never stored or logged.';

export class EnrolmentRecordDto {
  @ValidateString({ minLength: 64, maxLength: 64, pattern: PSEUDONYM_PATTERN, description: PSEUDONYM_DESCRIPTION, example: 'a3f1…' })
  pseudonym!: string;

  @ValidateBrin({ optional: true, description: 'Must be the BRIN of the institution the client acts for; another BRIN refuses the whole batch (403).' })
  receivingBrin?: string;

  @ValidateVestiging({ optional: true, description: 'A vestiging of the receiving institution.' })
  receivingVestiging?: string;

  @ValidateString({ minLength: 5, maxLength: 5, pattern: PROGRAMME_CODE_PATTERN, description: 'crebo (mbo) or CROHO (hbo, wo); must be known in GET /v1/programmes for the sector.', example: '34567' })
  programmeCode!: string;

  @ValidateEnum(RECORD_SECTORS)
  sector!: RecordSector;

  @ValidateEnum(PROGRAMME_LEVELS, { description: 'mbo: `1`–`4`; hbo: `ad`, `bachelor`, `master`; wo: `bachelor`, `master`.' })
  level!: ProgrammeLevel;

  @ValidateEnum(STUDY_FORMS, { description: 'mbo: `bol`, `bbl`; hbo and wo: `voltijd`, `deeltijd`, `duaal`.' })
  form!: StudyForm;

  @ValidateDate({ description: 'Start of the enrolment; its academic year is the cohort (August–July), 2000 up to next year.' })
  startDate!: string;

  @ValidateDate({ optional: true, description: 'End of the enrolment; absent while enrolled; not before startDate.' })
  endDate?: string;

  @ValidateEnum(END_REASONS, { optional: true, description: 'Only together with endDate.' })
  endReason?: EndReason;

  @ValidateEnum(EXIT_REASONS, { optional: true, description: 'The reason from the exit interview; only with endReason `uitgeschreven`.' })
  exitReason?: ExitReason;

  @ValidateBrin({ description: 'The supplying school (vooropleiding).' })
  priorBrin!: string;

  @ValidateVestiging({ optional: true, description: 'A vestiging of priorBrin.' })
  priorVestiging?: string;

  @ValidateEnum(PRIOR_DIPLOMA_TYPES)
  priorDiplomaType!: PriorDiplomaType;

  @ValidateInt({ min: 1950, max: 2100, description: 'Year of the prior diploma; not after the year of startDate.' })
  priorDiplomaYear!: number;
}

export class LeaverRecordDto {
  @ValidateString({ minLength: 64, maxLength: 64, pattern: PSEUDONYM_PATTERN, description: PSEUDONYM_DESCRIPTION })
  pseudonym!: string;

  @ValidateVestiging({ optional: true, description: 'A vestiging of the supplying institution the client acts for.' })
  supplyingVestiging?: string;

  @ValidateInt({ min: 2000, max: 2100, description: 'School year of leaving: 2023 = 2023-24; not later than the current one.' })
  schoolYear!: number;

  @ValidateEnum(ONDERWIJSSOORTEN)
  onderwijssoort!: Onderwijssoort;

  @ValidateString({ optional: true, maxLength: 64, pattern: PROFILE_PATTERN, description: 'Profile or sector within the onderwijssoort, e.g. `NT/NG`.' })
  profile?: string;

  @ValidateBoolean({ description: 'Whether the pupil left with a diploma.' })
  diploma!: boolean;
}

const BATCH_DESCRIPTION = `1 to ${MAX_BATCH_RECORDS.toLocaleString('en')} records; more answers 413. All-or-nothing: one invalid record writes nothing, and every error of the batch is listed with a JSON pointer.`;

export class EnrolmentBatchDto {
  @ApiProperty({ type: EnrolmentRecordDto, isArray: true, minItems: 1, maxItems: MAX_BATCH_RECORDS, description: BATCH_DESCRIPTION })
  @IsArray()
  @ArrayMinSize(1)
  records!: unknown[];
}

export class LeaverBatchDto {
  @ApiProperty({ type: LeaverRecordDto, isArray: true, minItems: 1, maxItems: MAX_BATCH_RECORDS, description: BATCH_DESCRIPTION })
  @IsArray()
  @ArrayMinSize(1)
  records!: unknown[];
}

export class BatchResultDto {
  @ApiProperty({ format: 'uuid', description: 'Id of the batch: GET /v1/uploads/{id}, DELETE /v1/batches/{id}.' }) batchId!: string;
  @ApiProperty({ description: 'Records received.' }) rows!: number;
  @ApiProperty({ description: 'New records.' }) inserted!: number;
  @ApiProperty({ description: 'Existing records (same natural key) whose values changed.' }) updated!: number;
  @ApiProperty({ description: 'Existing records sent again without a change.' }) unchanged!: number;
}

export class EnrolmentDto {
  @ApiProperty({ description: 'Record id (string: a 64-bit integer).' }) id!: string;
  @ApiProperty() pseudonym!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) receivingVestiging!: string | null;
  @ApiProperty() programmeCode!: string;
  @ApiProperty({ enum: RECORD_SECTORS }) sector!: RecordSector;
  @ApiProperty({ enum: PROGRAMME_LEVELS }) level!: ProgrammeLevel;
  @ApiProperty({ enum: STUDY_FORMS }) form!: StudyForm;
  @ApiProperty({ format: 'date' }) startDate!: string;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true }) endDate!: string | null;
  @ApiPropertyOptional({ enum: END_REASONS, nullable: true }) endReason!: EndReason | null;
  @ApiPropertyOptional({ enum: EXIT_REASONS, nullable: true }) exitReason!: ExitReason | null;
  @ApiProperty({ description: 'Academic year of startDate (2023 = 2023-24).' }) cohort!: number;
  @ApiProperty() priorBrin!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) priorVestiging!: string | null;
  @ApiProperty({ enum: PRIOR_DIPLOMA_TYPES }) priorDiplomaType!: PriorDiplomaType;
  @ApiProperty() priorDiplomaYear!: number;
  @ApiProperty({ format: 'uuid' }) createdBatchId!: string;
  @ApiProperty({ format: 'uuid' }) updatedBatchId!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class LeaverDto {
  @ApiProperty({ description: 'Record id (string: a 64-bit integer).' }) id!: string;
  @ApiProperty() pseudonym!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) supplyingVestiging!: string | null;
  @ApiProperty() schoolYear!: number;
  @ApiProperty({ enum: ONDERWIJSSOORTEN }) onderwijssoort!: Onderwijssoort;
  @ApiPropertyOptional({ type: String, nullable: true }) profile!: string | null;
  @ApiProperty() diploma!: boolean;
  @ApiProperty({ format: 'uuid' }) createdBatchId!: string;
  @ApiProperty({ format: 'uuid' }) updatedBatchId!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class EnrolmentPageDto {
  @ApiProperty({ type: EnrolmentDto, isArray: true }) items!: EnrolmentDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class LeaverPageDto {
  @ApiProperty({ type: LeaverDto, isArray: true }) items!: LeaverDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
