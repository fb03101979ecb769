import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional } from 'class-validator';
import { PageQueryDto } from 'src/common/paging';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString({ strict: true })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString({ strict: true })
  until?: string;
}

export class AuditEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty() occurredAt!: Date;
  @ApiProperty() requestId!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) clientId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) institutionId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) regionId!: string | null;
  @ApiProperty() method!: string;
  @ApiProperty() route!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) requiredScope!: string | null;
  @ApiProperty({ enum: ['allowed', 'denied', 'rejected', 'failed'] }) outcome!: string;
  @ApiProperty() statusCode!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) detail!: Record<string, unknown>;
}

export class AuditPageDto {
  @ApiProperty({ type: AuditEntryDto, isArray: true }) items!: AuditEntryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
