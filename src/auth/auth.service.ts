import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiClientEntity } from 'src/auth/api-client.entity';
import { ApiClientRepository } from 'src/auth/api-client.repository';
import { auditableName, noteAuditTarget } from 'src/audit/audit-target';
import { verifyClientSecret } from 'src/auth/client-secret';
import { TokenRequestDto, TokenResponseDto } from 'src/auth/dto/token.dto';
import { AttemptLimits } from 'src/access/attempt-limits';
import { Principal, principalOf } from 'src/access/principal';
import { isScope, Scope } from 'src/access/scopes';
import { signingKeyId } from 'src/auth/signing-key';
import { ProblemException, tooManyRequests } from 'src/common/problem';
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

/** A form-urlencoded part of HTTP Basic credentials; 400 when its %-encoding is broken or it holds NUL. */
const formDecoded = (part: string): string => {
  try {
    const decoded = decodeURIComponent(part);
    // PostgreSQL text cannot hold NUL; no client id or secret contains one.
    if (decoded.includes('\u0000')) throw new URIError('NUL');
    return decoded;
  } catch {
    throw problem(
      'invalid-request',
      'The HTTP Basic credentials are not valid form-urlencoded text (a % must start an escape of two hexadecimal digits that encode UTF-8).',
      [{ header: 'authorization', code: 'invalid_encoding', detail: 'client id or secret is not valid form-urlencoded UTF-8' }],
      { error: 'invalid_request' },
    );
  }
};

@Injectable()
export class AuthService {
  constructor(
    private readonly clients: ApiClientRepository,
    private readonly jwt: JwtService,
    private readonly limits: AttemptLimits,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** OAuth2 client credentials → a short-lived JWT. */
  async issueToken(request: TokenRequestDto, address: string, basicAuthorization?: string): Promise<TokenResponseDto> {
    const addressWait = this.limits.tokenRequested(address);
    if (addressWait > 0) throw tooManyRequests('Too many token requests from this address. A token is valid for its expires_in seconds: reuse it.', addressWait);
    const credentials = this.readCredentials(request, basicAuthorization);
    // Wrong secrets in a row make the client id wait before its secret is checked again (and
    // before argon2 spends its time on it).
    const clientWait = this.limits.clientWaiting(credentials.clientId);
    if (clientWait > 0) throw tooManyRequests('Too many wrong secrets in a row for this client id. Wait before trying again.', clientWait);
    noteAuditTarget({ client: auditableName(credentials.clientId) });
    const client = await this.clients.findActiveByClientId(credentials.clientId);
    const valid = await verifyClientSecret(client?.secretHash, credentials.secret);
    if (!client || !valid) {
      this.limits.clientFailed(credentials.clientId);
      throw invalidClient();
    }
    this.limits.clientSucceeded(credentials.clientId);

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
    const client = await this.clients.findActiveForRequest(claims.sub);
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
        return { clientId: formDecoded(decoded.slice(0, separator)), secret: formDecoded(decoded.slice(separator + 1)) };
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
