import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** OAuth2 client-credentials request (RFC 6749 §4.4), as form fields or JSON. */
export class TokenRequestDto {
  @ApiProperty({ enum: ['client_credentials'] })
  @IsIn(['client_credentials'], { message: 'grant_type must be client_credentials' })
  grant_type!: string;

  @ApiPropertyOptional({ description: 'Client id; may instead be sent with HTTP Basic authentication.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  client_id?: string;

  @ApiPropertyOptional({ description: 'Client secret; may instead be sent with HTTP Basic authentication.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  client_secret?: string;

  @ApiPropertyOptional({ description: 'Space-separated subset of the client’s scopes; default all of them.', example: 'records:write records:read' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z:]+( [a-z:]+)*$/, { message: 'scope must be a space-separated list of scope names' })
  @MaxLength(500)
  scope?: string;
}

export class TokenResponseDto {
  @ApiProperty()
  access_token!: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type!: 'Bearer';

  @ApiProperty({ description: 'Lifetime in seconds.' })
  expires_in!: number;

  @ApiProperty({ description: 'Space-separated scopes granted.' })
  scope!: string;
}
