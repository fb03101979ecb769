import { Body, Controller, Header, Headers, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { AuthService } from 'src/auth/auth.service';
import { PublicRoute } from 'src/access/authenticated.decorator';
import { TokenRequestDto, TokenResponseDto } from 'src/auth/dto/token.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly service: AuthService) {}

  /** OAuth2 client credentials: exchange a client id and secret for a short-lived JWT. */
  @Post('token')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @PublicRoute()
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiHeader({
    name: 'authorization',
    required: false,
    description: 'HTTP Basic with the client id and secret (RFC 6749 §2.3.1, each form-urlencoded), instead of client_id and client_secret in the body.',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiTooManyRequestsResponse({
    description: 'Too many token requests from this address, or too many wrong secrets in a row for this client id (problem+json; header Retry-After).',
  })
  issueToken(@Body() body: TokenRequestDto, @Ip() address: string, @Headers('authorization') authorization?: string): Promise<TokenResponseDto> {
    return this.service.issueToken(body, address, authorization);
  }
}
