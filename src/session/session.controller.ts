import { Body, Controller, Get, Header, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiNoContentResponse, ApiOkResponse, ApiSeeOtherResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PublicRoute } from 'src/access/authenticated.decorator';
import type { AuthenticatedRequest } from 'src/access/access.guard';
import { IdentityProviderListDto, ProviderParamDto, SessionDto, SignInQueryDto, SwitchRoleDto } from 'src/session/dto/session.dto';
import { SessionService } from 'src/session/session.service';

/**
 * People sign in to the web report here, with their school account. These routes are public
 * because they create, describe and end the session themselves: each checks the session cookie
 * (and, when it changes state, the CSRF token). The API's other routes take the session like a
 * bearer token, through the guard.
 */
@ApiTags('session')
@Controller('session')
export class SessionController {
  constructor(private readonly service: SessionService) {}

  /** The identity providers a person can sign in with. */
  @Get('providers')
  @PublicRoute()
  @ApiOkResponse({ type: IdentityProviderListDto })
  listIdentityProviders(): IdentityProviderListDto {
    return this.service.listProviders();
  }

  /** Starts signing in: redirects the browser to the identity provider (authorization code with PKCE). */
  @Get('sign-in/:provider')
  @PublicRoute()
  @Header('Cache-Control', 'no-store')
  @ApiFoundResponse({ description: 'To the identity provider.' })
  async signIn(@Param() params: ProviderParamDto, @Query() query: SignInQueryDto, @Res() response: Response): Promise<void> {
    const start = await this.service.startSignIn(params.provider, query.invitation);
    this.service.cookies.setSignIn(response, start.binding, start.maxAgeMs);
    response.redirect(302, start.location);
  }

  /** Where the identity provider sends the browser back: to the web report, signed in, or to its sign-in page with the reason. */
  @Get('callback/:provider')
  @PublicRoute()
  @Header('Cache-Control', 'no-store')
  @ApiSeeOtherResponse({ description: 'To /app/ with a session cookie, or to /app/#/signin?error=<reason>.' })
  async callback(@Param() params: ProviderParamDto, @Req() request: Request, @Res() response: Response): Promise<void> {
    const result = await this.service.finishSignIn(params.provider, request);
    this.service.cookies.clearSignIn(response);
    if (result.session) {
      this.service.cookies.setSession(response, result.session.token, result.session.expiresAt);
      response.redirect(303, '/app/');
    } else {
      (request as Request & { auditDetail?: Record<string, unknown> }).auditDetail = { signIn: 'refused', reason: result.failure };
      response.redirect(303, `/app/#/signin?error=${result.failure ?? 'response'}`);
    }
  }

  /** The signed-in person, their current role and the CSRF token for state-changing calls. */
  @Get()
  @PublicRoute()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ description: 'No session, or it has ended (problem+json).' })
  async getSession(@Req() request: AuthenticatedRequest): Promise<SessionDto> {
    const { session, principal } = await this.service.describe(request);
    request.principal = principal;
    return session;
  }

  /** Acts in another of the person's roles from now on. Needs X-CSRF-Token. */
  @Put('role')
  @PublicRoute()
  @ApiOkResponse({ type: SessionDto })
  async switchRole(@Req() request: AuthenticatedRequest, @Body() dto: SwitchRoleDto): Promise<SessionDto> {
    const { session, principal } = await this.service.switchRole(request, dto.roleId);
    request.principal = principal;
    return session;
  }

  /** Ends the session (and clears its cookie). Needs X-CSRF-Token when there is a session to end. */
  @Post('sign-out')
  @PublicRoute()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Signed out (also when there was no session).' })
  async signOut(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: Response): Promise<void> {
    const principal = await this.service.signOut(request);
    if (principal) request.principal = principal;
    this.service.cookies.clearSession(response);
  }
}
