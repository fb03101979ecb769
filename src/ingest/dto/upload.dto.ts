import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from 'src/common/paging';
import { ValidateEnum, ValidateString, ValidateUuid } from 'src/common/property.decorators';
import { RECORD_KINDS, RecordKindName } from 'src/records/codes';
import { BATCH_SOURCES, BATCH_STATUSES, BatchSource, BatchStatus } from 'src/ingest/ingest-batch.entity';

export class BatchQueryDto extends PageQueryDto {
  @ValidateEnum(RECORD_KINDS, { optional: true })
  kind?: RecordKindName;

  @ValidateEnum(BATCH_STATUSES, { optional: true })
  status?: BatchStatus;
}

export class UploadQueryDto {
  @ValidateEnum(RECORD_KINDS, { description: 'What the CSV file holds.' })
  kind!: RecordKindName;
}

export class BatchIdParamDto {
  @ValidateUuid()
  id!: string;
}

export class PseudonymParamDto {
  // Checked by the service, which explains a value that looks like a raw identifier.
  @ValidateString({ maxLength: 128, description: 'The pseudonym to erase (64 lowercase hexadecimal characters).' })
  pseudonym!: string;
}

export class BatchDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: RECORD_KINDS }) kind!: RecordKindName;
  @ApiProperty({ enum: BATCH_SOURCES }) source!: BatchSource;
  @ApiProperty({ enum: BATCH_STATUSES, description: '`receiving` while a CSV upload runs; then `committed` or `failed` (also when the upload was cut off by a crash: its rows were rolled back); `deleted` after DELETE /v1/batches/{id}.' })
  status!: BatchStatus;
  @ApiProperty({ description: 'The API client that sent it.' }) clientId!: string;
  @ApiProperty({ description: 'Rows received so far (progress while receiving).' }) rows!: number;
  @ApiProperty() inserted!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() unchanged!: number;
  @ApiProperty({ description: 'Rows removed by deleting the batch.' }) deleted!: number;
  @ApiProperty({ description: 'Invalid values found (a failed batch).' }) errorCount!: number;
  @ApiProperty() startedAt!: Date;
  @ApiPropertyOptional({ type: Date, nullable: true }) finishedAt!: Date | null;
}

export class BatchPageDto {
  @ApiProperty({ type: BatchDto, isArray: true }) items!: BatchDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class BatchDeletedDto {
  @ApiProperty({ format: 'uuid' }) batchId!: string;
  @ApiProperty({ enum: RECORD_KINDS }) kind!: RecordKindName;
  @ApiProperty({ description: 'Records removed: those the batch created (records it only updated stay).' }) deleted!: number;
}

export class ErasureResultDto {
  @ApiProperty() enrolmentsDeleted!: number;
  @ApiProperty() leaversDeleted!: number;
  @ApiProperty({ description: 'Rows of alumni survey answers erased.' }) surveyAnswersDeleted!: number;
}
