import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional } from 'class-validator';
import { AUDIT_OUTCOMES } from 'src/audit/audit-entry.entity';
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

export class AuditTargetDto {
  @ApiPropertyOptional({ description: 'Region code.' }) region?: string;
  @ApiPropertyOptional({ description: 'BRIN.' }) institution?: string;
  @ApiPropertyOptional() cohort?: number;
  @ApiPropertyOptional() cohortFrom?: number;
  @ApiPropertyOptional() cohortTo?: number;
  @ApiPropertyOptional({ description: 'How a view was broken down.' }) breakdown?: string;
  @ApiPropertyOptional({ description: 'Record kind.' }) kind?: string;
  @ApiPropertyOptional({ description: 'The collection of the object the path names (enrolments, batches, alerts, …).' }) resource?: string;
  @ApiPropertyOptional({ description: 'The object the path names; `[withheld]` when a refused request named something that could be a raw identifier.' }) id?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The batch a write created.' }) batchId?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    description: 'Other query parameters; a value that could identify a student (a pseudonym, a long number) is `[withheld]`.',
  })
  filters?: Record<string, string | number>;
  @ApiPropertyOptional({ description: 'Rows returned (page items, view rows, report cells, flow links; 1 for one object).' }) rows?: number;
  @ApiPropertyOptional({ description: 'Rows matching the filters of a page.' }) total?: number;
  @ApiPropertyOptional({ description: 'Records written or erased.' }) written?: number;
  @ApiPropertyOptional({ description: 'The API client a token request named.' }) client?: string;
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
  @ApiProperty({ enum: AUDIT_OUTCOMES, description: 'allowed: served; denied: 401, 403, 429; rejected: other 4xx; failed: 5xx; aborted: the client went away first.' })
  outcome!: string;
  @ApiProperty() statusCode!: number;
  @ApiProperty({ type: AuditTargetDto, description: 'What the request touched; never a student-level value.' }) target!: AuditTargetDto;
  @ApiProperty({ type: 'object', additionalProperties: true }) detail!: Record<string, unknown>;
}

export class AuditPageDto {
  @ApiProperty({ type: AuditEntryDto, isArray: true }) items!: AuditEntryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
