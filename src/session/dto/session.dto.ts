import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES, RoleName } from 'src/access/roles';
import { SCOPES } from 'src/access/scopes';
import { ValidateString, ValidateUuid } from 'src/common/property.decorators';

export class IdentityProviderDto {
  @ApiProperty({ example: 'surfconext' }) id!: string;
  @ApiProperty({ example: 'SURFconext' }) name!: string;
  @ApiProperty({ description: 'The built-in development provider with demo people (never in production).' }) development!: boolean;
  @ApiProperty({ example: '/v1/session/sign-in/surfconext', description: 'Open this address in the browser to sign in.' }) signInUrl!: string;
}

export class IdentityProviderListDto {
  @ApiProperty({ type: () => IdentityProviderDto, isArray: true }) items!: IdentityProviderDto[];
}

export class SignInQueryDto {
  @ValidateString({ optional: true, maxLength: 64, pattern: /^[A-Za-z0-9_-]+$/, description: 'An invitation code the person follows.' })
  invitation?: string;
}

export class ProviderParamDto {
  @ValidateString({ maxLength: 32, pattern: /^[a-z][a-z0-9-]{0,31}$/ })
  provider!: string;
}

export class SessionRoleDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ROLES }) role!: RoleName;
  @ApiPropertyOptional({ nullable: true, type: String }) regionCode!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) regionName!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) institutionBrin!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) institutionName!: string | null;
}

export class SessionPersonDto {
  @ApiProperty() id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty() provider!: string;
}

export class SessionDto {
  @ApiProperty({ type: () => SessionPersonDto }) person!: SessionPersonDto;
  @ApiProperty({ type: () => SessionRoleDto, description: 'The role the person acts in now.' }) role!: SessionRoleDto;
  @ApiProperty({ type: () => SessionRoleDto, isArray: true, description: 'Every current role; PUT /v1/session/role switches.' }) roles!: SessionRoleDto[];
  @ApiProperty({ enum: ['institution', 'region'], description: 'What kind of principal the role makes the person.' }) kind!: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty({ description: 'Send it as X-CSRF-Token with every state-changing request made with the session cookie.' }) csrfToken!: string;
  @ApiProperty({ description: 'The session ends at this time at the latest.' }) expiresAt!: Date;
  @ApiProperty({ description: 'Without a request until this time, the session ends earlier.' }) idleExpiresAt!: Date;
}

export class SwitchRoleDto {
  @ValidateUuid({ description: 'One of the roles of GET /v1/session.' })
  roleId!: string;
}
