import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES, RoleName } from 'src/access/roles';
import { ValidateBrin, ValidateEnum, ValidateInt, ValidateString, ValidateUuid } from 'src/common/property.decorators';
import { REGION_CODE_PATTERN } from 'src/institutions/dto/institution.dto';

/** A role to grant: coordinator names a region, reader and editor an institution. */
export class RoleRequestDto {
  @ValidateEnum(ROLES, { description: 'coordinator of a region; reader or editor for an institution.' })
  role!: RoleName;

  @ValidateString({ optional: true, maxLength: 32, pattern: REGION_CODE_PATTERN, description: 'The region, for a coordinator.' })
  regionCode?: string;

  @ValidateBrin({ optional: true, description: 'The institution, for a reader or editor.' })
  institutionBrin?: string;
}

export class CreateInvitationDto extends RoleRequestDto {
  @ValidateString({ maxLength: 200, example: 'J. Jansen, decaan', description: 'How the invitee is named in lists and the audit log.' })
  label!: string;

  @ValidateInt({ optional: true, min: 1, max: 30, description: 'Days the invitation can be accepted (default 7).' })
  validDays?: number;
}

export class RenamePersonDto {
  @ValidateString({ maxLength: 200, example: 'J. Jansen, decaan' })
  displayName!: string;
}

export class PersonIdParamDto {
  @ValidateUuid()
  id!: string;
}

export class RoleParamsDto {
  @ValidateUuid()
  id!: string;

  @ValidateUuid()
  roleId!: string;
}

export class RoleDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ROLES }) role!: RoleName;
  @ApiPropertyOptional({ nullable: true, type: String }) regionCode!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) institutionBrin!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) institutionName!: string | null;
  @ApiProperty({ enum: ['direct', 'invitation', 'automatic'] }) grantedVia!: string;
  @ApiProperty({ description: 'Who granted it: a client id, person:<id>, cli or automatic.' }) grantedBy!: string;
  @ApiProperty() grantedAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) revokedAt!: Date | null;
}

export class PersonDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The identity provider (an id of OIDC_PROVIDERS).' }) provider!: string;
  @ApiProperty({ description: 'The subject the provider asserts.' }) subject!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty() createdAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastSignInAt!: Date | null;
  @ApiProperty({ type: () => RoleDto, isArray: true, description: 'Roles within what the caller manages, current and revoked.' }) roles!: RoleDto[];
}

export class PersonPageDto {
  @ApiProperty({ type: () => PersonDto, isArray: true }) items!: PersonDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class InvitationDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ROLES }) role!: RoleName;
  @ApiPropertyOptional({ nullable: true, type: String }) regionCode!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) institutionBrin!: string | null;
  @ApiProperty() label!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() expiresAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) acceptedAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String }) acceptedByPersonId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) revokedAt!: Date | null;
}

export class CreatedInvitationDto extends InvitationDto {
  @ApiProperty({ description: 'The one-time code; shown once, only its hash is stored.' }) code!: string;
  @ApiProperty({ description: 'The address to send to the invitee: the sign-in page with the code.' }) invitationUrl!: string;
}

export class InvitationPageDto {
  @ApiProperty({ type: () => InvitationDto, isArray: true }) items!: InvitationDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
