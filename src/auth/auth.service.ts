import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiClientEntity } from 'src/auth/api-client.entity';
import { ApiClientRepository } from 'src/auth/api-client.repository';
import { verifyClientSecret } from 'src/auth/client-secret';
import { TokenRequestDto, TokenResponseDto } from 'src/auth/dto/token.dto';
import { Principal, principalOf } from 'src/access/principal';
import { isScope, Scope } from 'src/access/scopes';
import { signingKeyId } from 'src/auth/signing-key';
import { ProblemException } from 'src/common/problem';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { problem } from 'src/common/problems';

/** Claims of a token issued by this service. */
export interface AccessTokenClaims {
  sub: string;
  scope: string;
  inst?: string;
  region?: string;
  iat: number;
}

const invalidClient = (): ProblemException =>
  problem('invalid-client', 'Unknown client, wrong secret, or revoked client.', undefined, {
    error: 'invalid_client',
  });

@Injectable()
export class AuthService {
  constructor(
    private readonly clients: ApiClientRepository,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** OAuth2 client credentials → a short-lived JWT. */
  async issueToken(request: TokenRequestDto, basicAuthorization?: string): Promise<TokenResponseDto> {
    const credentials = this.readCredentials(request, basicAuthorization);
    const client = await this.clients.findActiveByClientId(credentials.clientId);
    const valid = await verifyClientSecret(client?.secretHash, credentials.secret);
    if (!client || !valid) throw invalidClient();

    const granted = this.grantScopes(client, request.scope);
    const claims: Omit<AccessTokenClaims, 'iat'> = {
      sub: client.clientId,
      scope: granted.join(' '),
      ...(client.institutionId ? { inst: client.institutionId } : {}),
      ...(client.regionId ? { region: client.regionId } : {}),
    };
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: 'HS256',
      secret: this.config.auth.jwtSecret,
      issuer: this.config.auth.issuer,
      audience: this.config.auth.audience,
      expiresIn: this.config.auth.tokenTtlSeconds,
      keyid: signingKeyId(this.config.auth.jwtSecret),
    });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.config.auth.tokenTtlSeconds, scope: claims.scope };
  }

  /**
   * Turns verified token claims into a principal, re-checking the client in the database so
   * that a revoked client or a rotated secret ends its tokens at once.
   */
  async principalFromClaims(claims: AccessTokenClaims): Promise<Principal | null> {
    const client = await this.clients.findActiveByClientId(claims.sub);
    if (!client) return null;
    // Tokens issued before the last rotation die with the old secret (iat has second precision).
    if (claims.iat * 1000 < Math.floor(client.secretRotatedAt.getTime() / 1000) * 1000) return null;
    if ((claims.inst ?? null) !== client.institutionId || (claims.region ?? null) !== client.regionId) return null;
    const current = new Set(client.scopes);
    const scopes = claims.scope.split(' ').filter((scope): scope is Scope => isScope(scope) && current.has(scope));
    return principalOf({ clientId: client.clientId, institutionId: client.institutionId, regionId: client.regionId, scopes });
  }

  private readCredentials(request: TokenRequestDto, basicAuthorization?: string): { clientId: string; secret: string } {
    if (basicAuthorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(basicAuthorization.slice(6).trim(), 'base64').toString('utf8');
      const separator = decoded.indexOf(':');
      if (separator > 0) {
        // RFC 6749 §2.3.1: both parts are form-urlencoded inside Basic.
        return {
          clientId: decodeURIComponent(decoded.slice(0, separator)),
          secret: decodeURIComponent(decoded.slice(separator + 1)),
        };
      }
      throw invalidClient();
    }
    if (!request.client_id || !request.client_secret) {
      throw problem(
        'invalid-request',
        'Send client_id and client_secret in the body or with HTTP Basic authentication.',
        [
          ...(request.client_id ? [] : [{ pointer: '#/client_id', code: 'isDefined', detail: 'client_id is required' }]),
          ...(request.client_secret ? [] : [{ pointer: '#/client_secret', code: 'isDefined', detail: 'client_secret is required' }]),
        ],
        { error: 'invalid_request' },
      );
    }
    return { clientId: request.client_id, secret: request.client_secret };
  }

  private grantScopes(client: ApiClientEntity, requested?: string): string[] {
    if (!requested) return [...client.scopes];
    const wanted = [...new Set(requested.split(' '))];
    const unknown = wanted.filter((scope) => !client.scopes.includes(scope));
    if (unknown.length > 0) {
      throw problem('invalid-scope', `This client may not request: ${unknown.join(', ')}.`, [
        { pointer: '#/scope', code: 'invalid_scope', detail: `not granted to this client: ${unknown.join(', ')}` },
      ], { error: 'invalid_scope' });
    }
    return wanted;
  }
}
