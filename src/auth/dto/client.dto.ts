import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateBrin, ValidateEnumArray, ValidateString } from 'src/common/property.decorators';
import { SCOPES, Scope } from 'src/access/scopes';

export class CreateClientDto {
  @ValidateString({ maxLength: 200, example: 'SIS-koppeling Voorbeeld College' })
  name!: string;

  @ValidateBrin({ optional: true, description: 'The institution this client acts for.' })
  institutionBrin?: string;

  @ValidateString({ optional: true, maxLength: 32, description: 'The region this client coordinates.' })
  regionCode?: string;

  @ValidateEnumArray(SCOPES, { description: 'Scopes the client may request.' })
  scopes!: Scope[];
}

export class ClientDto {
  @ApiProperty() clientId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['institution', 'region', 'platform'] }) kind!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) institutionBrin!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) regionCode!: string | null;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty() secretRotatedAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) revokedAt!: Date | null;
  @ApiProperty() createdAt!: Date;
}

export class ClientWithSecretDto extends ClientDto {
  @ApiProperty({ description: 'Shown once; only a hash is stored.' })
  clientSecret!: string;
}

export class ClientPageDto {
  @ApiProperty({ type: ClientDto, isArray: true }) items!: ClientDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class ClientIdParamDto {
  @ValidateString({ maxLength: 64, pattern: /^[a-z0-9-]+$/ })
  clientId!: string;
}
