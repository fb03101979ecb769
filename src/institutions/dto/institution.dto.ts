import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ValidateBoolean,
  ValidateBrin,
  ValidateDate,
  ValidateEnumArray,
  ValidateInt,
  ValidateNestedArray,
  ValidateString,
  ValidateVestiging,
} from 'src/common/property.decorators';
import { SECTORS, Sector } from 'src/institutions/institution.entity';

export const REGION_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

export class VestigingDto {
  @ValidateVestiging()
  code!: string;

  @ValidateString({ maxLength: 200 })
  name!: string;
}

export class CreateRegionDto {
  @ValidateString({ maxLength: 32, pattern: REGION_CODE_PATTERN, patternMessage: '$property must be 2–32 upper-case letters, digits or hyphens', example: 'RMN' })
  code!: string;

  @ValidateString({ maxLength: 200, example: 'Regio Midden-Nederland' })
  name!: string;

  @ValidateInt({ min: 12, max: 600, optional: true, description: 'How long student-level records are kept, in months.' })
  retentionMonths?: number;
}

export class UpdateRegionDto {
  @ValidateString({ maxLength: 200, optional: true })
  name?: string;

  @ValidateInt({ min: 12, max: 600, optional: true })
  retentionMonths?: number;

  @ValidateBoolean({ optional: true, description: 'People whose identity provider asserts a member institution become its readers when they sign in.' })
  autoGrantReaders?: boolean;
}

export class RegionDto {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() retentionMonths!: number;
  @ApiProperty({ description: 'People of member institutions become readers when they sign in.' }) autoGrantReaders!: boolean;
  @ApiProperty() createdAt!: Date;
}

export class CreateInstitutionDto {
  @ValidateBrin()
  brin!: string;

  @ValidateString({ maxLength: 200, example: 'Voorbeeld College' })
  name!: string;

  @ValidateEnumArray(SECTORS, { description: 'Sectors the institution offers.' })
  sectors!: Sector[];

  @ValidateNestedArray(() => VestigingDto, { optional: true, minItems: 0, maxItems: 200 })
  vestigingen?: VestigingDto[];
}

export class UpdateInstitutionDto {
  @ValidateString({ maxLength: 200, optional: true })
  name?: string;

  @ValidateEnumArray(SECTORS, { optional: true })
  sectors?: Sector[];

  @ValidateNestedArray(() => VestigingDto, { optional: true, minItems: 0, maxItems: 200 })
  vestigingen?: VestigingDto[];

  @ValidateString({
    optional: true,
    nullable: true,
    maxLength: 253,
    pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i,
    example: 'hva.nl',
    description: "The institution's home organisation in the identity federations (SURFconext schac_home_organization); null removes it.",
  })
  homeOrganization?: string | null;
}

export class InstitutionDto {
  @ApiProperty() id!: string;
  @ApiProperty() brin!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: SECTORS, isArray: true }) sectors!: Sector[];
  @ApiProperty({ type: VestigingDto, isArray: true }) vestigingen!: VestigingDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) homeOrganization!: string | null;
  @ApiProperty() createdAt!: Date;
}

export class MembershipRequestDto {
  @ValidateDate({ description: 'From when the institution shares data in the region.' })
  startDate!: string;

  @ValidateDate({ optional: true, nullable: true })
  endDate?: string | null;
}

export class MembershipDto {
  @ApiProperty() regionCode!: string;
  @ApiProperty() brin!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty({ format: 'date' }) startDate!: string;
  @ApiPropertyOptional({ format: 'date', nullable: true, type: String }) endDate!: string | null;
}

export class RegionPageDto {
  @ApiProperty({ type: RegionDto, isArray: true }) items!: RegionDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class InstitutionPageDto {
  @ApiProperty({ type: InstitutionDto, isArray: true }) items!: InstitutionDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class MembershipListDto {
  @ApiProperty({ type: MembershipDto, isArray: true }) items!: MembershipDto[];
}
