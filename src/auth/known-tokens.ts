import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Principal } from 'src/access/principal';
import { TokenAuthenticator } from 'src/access/token-authenticator';
import { AccessTokenClaims, AuthService } from 'src/auth/auth.service';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';

interface KnownToken {
  claims: AccessTokenClaims;
  /** Seconds since the epoch from which the token is verified in full again (it expires around then). */
  until: number;
}

/**
 * Tokens whose signature, issuer, audience and key this process has verified, with their claims.
 * None of that can change for the same token text while the process runs (its signing key is
 * fixed), so a known token is not verified again: only its expiry is checked, a little before the
 * verifier would refuse it, and its client's current state is read on every request as before, so
 * a revoked client or a rotated secret still ends its tokens at once.
 */
@Injectable()
export class KnownTokens implements TokenAuthenticator {
  private readonly known = new LRUCache<string, KnownToken>({ max: 10_000 });
  private readonly maxAgeSeconds: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly auth: AuthService,
  ) {
    this.maxAgeSeconds = config.auth.tokenTtlSeconds;
  }

  /** Called with a token that has just passed full verification and whose client allowed it. */
  remember(token: string, claims: AccessTokenClaims & { exp?: unknown }): void {
    if (typeof claims.exp !== 'number') return;
    // The verifier refuses from exp + 5 s (its clock tolerance) and from iat + max age + 10 s.
    this.known.set(token, { claims, until: Math.min(claims.exp, claims.iat + this.maxAgeSeconds) });
  }

  async principalOfKnownToken(token: string): Promise<Principal | undefined> {
    const known = this.known.get(token);
    if (!known) return undefined;
    if (Math.floor(Date.now() / 1000) >= known.until) {
      this.known.delete(token);
      return undefined;
    }
    const principal = await this.auth.principalFromClaims(known.claims);
    // Refused now (a revoked client, a rotated secret): the full verification says so from here on.
    if (!principal) this.known.delete(token);
    return principal ?? undefined;
  }
}
