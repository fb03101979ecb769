import { Body, Controller, Header, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  issueToken(@Body() body: TokenRequestDto, @Headers('authorization') authorization?: string): Promise<TokenResponseDto> {
    return this.service.issueToken(body, authorization);
  }
}
