import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateEnum, ValidateQueryInt, ValidateString } from 'src/common/property.decorators';
import { REGION_CODE_PATTERN } from 'src/institutions/dto/institution.dto';
import { DefinitionReferenceDto } from 'src/outcomes/dto/definition.dto';
import { REASON_PROTECTIONS, ReasonProtection } from 'src/outcomes/disclosure/reasons';
import { EXIT_REASONS, ExitReason } from 'src/records/codes';

export class ReasonsQueryDto {
  @ValidateString({ optional: true, maxLength: 32, pattern: REGION_CODE_PATTERN, description: 'Region code; may be left out when the institution belongs to one region.' })
  region?: string;

  @ValidateEnum(['alumni', 'intake'] as const, { optional: true, description: 'For institutions: the leavers among my alumni by receiver (default) or among my intake by supplier.' })
  perspective?: 'alumni' | 'intake';

  @ValidateQueryInt({ optional: true, min: 2000, max: 2100, description: 'First cohort (default: 10 cohorts before the last).' })
  cohortFrom?: number;

  @ValidateQueryInt({ optional: true, min: 2000, max: 2100, description: 'Last cohort (default: the latest with data).' })
  cohortTo?: number;
}

const PROTECTION =
  'published: exact (coordinators); perturbed: cell-key noise of at most ±3 on every count (institutions; the same figure on every reading), so the counts need not add up to the leavers; suppressed: withheld (the cell is withheld, it has fewer than k leavers, the count is below k, or it would give a withheld count away from the leavers minus the shown ones).';

export class ReasonCountDto {
  @ApiProperty({ enum: EXIT_REASONS }) reason!: ExitReason;
  @ApiProperty({ description: 'What the reason is called in the web report (Dutch).' }) label!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Leavers with this reason; null when withheld. Every reason is listed, also with 0.' }) n!: number | null;
  @ApiProperty({ enum: REASON_PROTECTIONS, description: PROTECTION }) protection!: ReasonProtection;
}

export class ReasonCellDto {
  @ApiProperty({ description: 'BRIN of the supplying school.' }) supplier!: string;
  @ApiProperty() supplierName!: string;
  @ApiProperty({ description: 'BRIN of the receiving institution.' }) receiver!: string;
  @ApiProperty() receiverName!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Leavers of the cell (switch internal, switch external and uitval after year 1); null where the cell is withheld.' }) leavers!: number | null;
  @ApiProperty({ enum: REASON_PROTECTIONS, description: 'How the reasons of the cell as a whole were protected.' }) protection!: ReasonProtection;
  @ApiProperty({ type: ReasonCountDto, isArray: true }) reasons!: ReasonCountDto[];
}

export class ReasonCohortDto {
  @ApiProperty() cohort!: number;
  @ApiProperty({ type: DefinitionReferenceDto }) definitionSet!: DefinitionReferenceDto;
  @ApiProperty() suppressionK!: number;
  @ApiProperty({ type: ReasonCellDto, isArray: true }) cells!: ReasonCellDto[];
}

export class ReasonsDto {
  @ApiProperty() region!: string;
  @ApiProperty({ enum: ['region', 'supplier', 'receiver'], description: 'region: every supplier × receiver cell (coordinators); supplier: my alumni by receiver; receiver: my intake by supplier.' })
  scope!: 'region' | 'supplier' | 'receiver';
  @ApiPropertyOptional({ type: String, nullable: true, description: 'BRIN of the calling institution; null for the region.' }) institution!: string | null;
  @ApiProperty({ type: ReasonCohortDto, isArray: true }) cohorts!: ReasonCohortDto[];
}
