import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Request } from 'express';
import { AccessTokenClaims, AuthService } from 'src/auth/auth.service';
import { KnownTokens } from 'src/auth/known-tokens';
import { Principal } from 'src/access/principal';
import { SigningKeyChangedError } from 'src/access/token-errors';
import { signingKeyId, tokenKeyId } from 'src/auth/signing-key';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';

const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * Verifies tokens of the built-in issuer with a pinned algorithm, issuer, audience and expiry.
 * A second strategy for an external OpenID Connect issuer (keys from its JWKS, e.g. via
 * jwks-rsa's passport helper) can be registered beside this one; the guard tries them in turn.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly auth: AuthService,
    private readonly knownTokens: KnownTokens,
  ) {
    const key = createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')) as unknown as Buffer;
    const keyId = signingKeyId(config.auth.jwtSecret);
    super({
      jwtFromRequest: bearerToken,
      passReqToCallback: true,
      // A KeyObject, not the string: jsonwebtoken first tries a string as a public key and throws
      // and catches on every verification before it falls back to a secret key. The types of
      // passport-jwt do not list KeyObject, which it passes on to jsonwebtoken unchanged.
      // A token that names another signing key was signed before a restart with a new key.
      secretOrKeyProvider: (_request: unknown, rawToken: unknown, done: (error: Error | null, key?: Buffer) => void) => {
        const kid = tokenKeyId(rawToken);
        if (kid !== undefined && kid !== keyId) done(new SigningKeyChangedError());
        else done(null, key);
      },
      algorithms: ['HS256'],
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: 5, maxAge: `${config.auth.tokenTtlSeconds + 5}s` },
    });
  }

  async validate(request: Request, claims: AccessTokenClaims): Promise<Principal | false> {
    if (typeof claims.sub !== 'string' || typeof claims.scope !== 'string' || typeof claims.iat !== 'number') return false;
    const principal = await this.auth.principalFromClaims(claims);
    if (!principal) return false;
    // The next requests with this token skip the verification above (src/auth/known-tokens.ts).
    const token = bearerToken(request);
    if (token) this.knownTokens.remember(token, claims);
    return principal;
  }
}
