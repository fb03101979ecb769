import { ExecutionContext, HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { AttemptLimits } from 'src/access/attempt-limits';
import { ACCESS_RULE, AccessRule } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { SESSION_AUTHENTICATOR, SessionAuthenticator } from 'src/access/session-authenticator';
import { SigningKeyChangedError } from 'src/access/token-errors';
import { TOKEN_AUTHENTICATOR, TokenAuthenticator } from 'src/access/token-authenticator';
import { ProblemException, tooManyRequests } from 'src/common/problem';
import { problem } from 'src/common/problems';

export type AuthenticatedRequest = Request & { principal?: Principal; accessRule?: AccessRule };

/**
 * The one global guard. Deny by default: a route that declares no access rule is refused
 * (and the route-inventory test fails before such a route ships). Tokens are checked by the
 * `jwt` strategy, which the auth module (tokens and clients) registers. A request with a person's
 * session cookie and no bearer token is authenticated by the session module instead; either way
 * the result is a principal, and the same scopes decide.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: AttemptLimits,
    @Optional() @Inject(SESSION_AUTHENTICATOR) private readonly sessions?: SessionAuthenticator,
    @Optional() @Inject(TOKEN_AUTHENTICATOR) private readonly tokens?: TokenAuthenticator,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (!rule) {
      throw problem('forbidden', 'This route declares no access rule.');
    }
    request.accessRule = rule;
    if (rule.public) return true;

    let principal: Principal;
    try {
      if (!request.headers.authorization && this.sessions?.carriesSession(request)) {
        principal = await this.sessions.authenticate(request);
      } else {
        // A token this process verified before skips passport and the verification; any other,
        // or one the shortcut does not allow, is verified in full (which also says why it fails).
        const header = request.headers.authorization;
        const known = header?.startsWith('Bearer ') ? await this.tokens?.principalOfKnownToken(header.slice(7)) : undefined;
        if (known) {
          principal = known;
        } else {
          await super.canActivate(context);
          principal = request.user as Principal;
        }
      }
    } catch (error) {
      // Failed authentication is counted per address: past the limit the answer is 429, so a
      // flood of bad tokens is told to wait (a valid token from the same address still passes).
      if (error instanceof ProblemException && error.getStatus() === Number(HttpStatus.UNAUTHORIZED)) {
        const wait = this.limits.authenticationFailed(request.ip ?? 'unknown');
        if (wait > 0) throw tooManyRequests('Too many requests without a valid token from this address. Wait before trying again, and request a new token (POST /v1/auth/token).', wait);
      }
      throw error;
    }
    request.principal = principal;
    if (!rule.scopes.some((scope) => principal.scopes.includes(scope))) {
      throw problem(
        'insufficient-scope',
        `This route requires scope ${rule.scopes.join(' or ')}.`,
        undefined,
        { requiredScopes: rule.scopes },
      );
    }
    return true;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    // An error (not `info`) comes from checking the client's current state, e.g. the database is
    // unreachable: not the caller's fault, so not a 401 (the filter answers 503 or 500).
    if (error instanceof Error) throw error;
    if (error) throw new Error('the token could not be checked');
    if (!user) {
      const reason = info instanceof Error ? info.name : undefined;
      const detail =
        reason === 'TokenExpiredError'
          ? 'The token has expired.'
          : reason === 'NotBeforeError'
            ? 'The token is not valid yet.'
            : info instanceof Error && /No auth token/i.test(info.message)
              ? 'A bearer token is required (POST /v1/auth/token).'
              : info instanceof SigningKeyChangedError
                ? info.message
                : info instanceof Error && info.message === 'invalid signature'
                  ? "The token's signature does not match this service's signing key: it was not issued here, or before the key changed. Request a new token."
                  : 'The token is invalid, or its client was revoked.';
      throw problem('unauthorized', detail);
    }
    return user;
  }
}
