import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import { Principal } from 'src/access/principal';
import { SessionAuthenticator } from 'src/access/session-authenticator';
import { AuditWriter } from 'src/audit/audit-writer';
import { ProblemException } from 'src/common/problem';
import { problem } from 'src/common/problems';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { IdentityProviderConfig } from 'src/config/sign-in-config';
import { hashCode, PeopleService, SignInRefusal } from 'src/people/people.service';
import { RoleRow } from 'src/people/people.repository';
import { IdentityProviderDto, SessionDto, SessionRoleDto } from 'src/session/dto/session.dto';
import { IdentityProviderUnavailableError, IdentityProviders } from 'src/session/identity-providers';
import { SessionCookies } from 'src/session/session-cookies';
import { SessionsRepository } from 'src/session/sessions.repository';
import { WebSessionEntity } from 'src/session/web-session.entity';

/** A sign-in must come back from the provider within this time. */
const SIGN_IN_WINDOW_MS = 10 * 60_000;
/** The last-seen time is written at most this often per session (not on every request). */
const TOUCH_EVERY_MS = 30_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why a sign-in ended without a session, as the sign-in page reads it from its address. */
export type SignInFailure = SignInRefusal | 'state' | 'provider-error' | 'response' | 'unavailable';

const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
};
const ended = (detail: string): ProblemException => problem('session-ended', detail);

/** The order in which a person's roles are chosen at sign-in: the widest view first. */
const ROLE_ORDER: Record<RoleRow['role'], number> = { coordinator: 0, editor: 1, reader: 2 };

/**
 * Sign-in through OpenID Connect (authorization code with PKCE, state and nonce) and the server-side
 * session that follows it. The browser holds an opaque token in an HttpOnly cookie; the provider's
 * tokens are used once, to read who signed in, and are never stored or sent to the browser.
 */
@Injectable()
export class SessionService implements SessionAuthenticator {
  private readonly logger = new Logger(SessionService.name);
  readonly cookies: SessionCookies;

  constructor(
    private readonly providers: IdentityProviders,
    private readonly repository: SessionsRepository,
    private readonly people: PeopleService,
    private readonly audit: AuditWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cookies = new SessionCookies(config.signIn);
  }

  listProviders(): { items: IdentityProviderDto[] } {
    return {
      items: this.providers.list().map((provider) => ({
        id: provider.id,
        name: provider.name,
        development: provider.development === true,
        signInUrl: `/v1/session/sign-in/${provider.id}`,
      })),
    };
  }

  /** Starts a sign-in: the provider's authorization address, and the value that binds the sign-in to this browser. */
  async startSignIn(providerId: string, invitation: string | undefined): Promise<{ location: string; binding: string; maxAgeMs: number }> {
    const provider = this.providers.require(providerId);
    const configuration = await this.providers.configuration(provider);
    await this.repository.deleteExpired(this.config.signIn.sessionIdleSeconds);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const binding = randomBytes(32).toString('base64url');
    await this.repository.insertAttempt({
      state,
      nonce,
      codeVerifier,
      provider: provider.id,
      bindingHash: hashCode(binding),
      invitationHash: invitation ? hashCode(invitation) : null,
      expiresAt: new Date(Date.now() + SIGN_IN_WINDOW_MS),
    });
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.providers.redirectUri(provider),
      scope: provider.scopes.join(' '),
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { location: url.href, binding, maxAgeMs: SIGN_IN_WINDOW_MS };
  }

  /**
   * Ends a sign-in: checks that the callback belongs to a sign-in this browser started (state and
   * its cookie), redeems the code with the PKCE verifier, verifies the ID token (issuer, audience,
   * signature, nonce), and asks PeopleService what the person may do.
   */
  async finishSignIn(providerId: string, request: Request): Promise<{ session?: { token: string; expiresAt: Date }; failure?: SignInFailure }> {
    const provider = this.providers.require(providerId);
    const currentUrl = new URL(`${this.config.signIn.publicUrl}${request.originalUrl}`);
    const state = currentUrl.searchParams.get('state');
    const binding = this.cookies.read(request, this.cookies.signIn);
    const attempt = state ? await this.repository.takeAttempt(state) : undefined;
    if (!attempt || !binding || !sameSecret(attempt.bindingHash, hashCode(binding)) || attempt.provider !== provider.id || attempt.expiresAt.getTime() < Date.now()) {
      return this.refuse(provider, 'state');
    }
    if (currentUrl.searchParams.has('error')) return this.refuse(provider, 'provider-error', { error: currentUrl.searchParams.get('error')?.slice(0, 64) });

    let claims: Record<string, unknown>;
    try {
      const configuration = await this.providers.configuration(provider);
      const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      // Federations often release attributes at the userinfo endpoint only.
      if (provider.institutionClaim && claims[provider.institutionClaim] === undefined && configuration.serverMetadata().userinfo_endpoint) {
        const userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, String(claims.sub));
        claims = { ...userinfo, ...claims };
      }
    } catch (error) {
      if (error instanceof IdentityProviderUnavailableError) return this.refuse(provider, 'unavailable');
      this.logger.warn({ provider: provider.id, reason: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown' }, 'sign-in response refused');
      return this.refuse(provider, 'response');
    }
    const subject = typeof claims.sub === 'string' ? claims.sub : undefined;
    if (!subject || subject.length > 255) return this.refuse(provider, 'response');
    const institution = provider.institutionClaim ? claimValue(claims[provider.institutionClaim]) : undefined;
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : undefined;

    const result = await this.people.signIn({
      provider: provider.id,
      subject,
      ...(institution ? { institution: { kind: provider.institutionClaimKind, value: institution } } : {}),
      ...(name ? { name } : {}),
      ...(attempt.invitationHash ? { invitationHash: attempt.invitationHash } : {}),
    });
    if ('refused' in result) return this.refuse(provider, result.refused, { ...(institution ? { institutionClaim: institution.slice(0, 64) } : {}) }, result.person);

    const role = result.roles.find((candidate) => candidate.id === result.invitedRoleId) ?? [...result.roles].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role])[0];
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.signIn.sessionTtlSeconds * 1000);
    await this.repository.insertSession({
      tokenHash: hashCode(token),
      csrfToken: randomBytes(24).toString('base64url'),
      personId: result.person.id,
      roleId: role.id,
      provider: provider.id,
      expiresAt,
      lastSeenAt: now,
    });
    this.auditSignIn(provider, 'allowed', { person: result.person.displayName, personId: result.person.id, role: role.role, roleId: role.id }, role);
    return { session: { token, expiresAt } };
  }

  carriesSession(request: Request): boolean {
    return this.cookies.read(request, this.cookies.session) !== undefined;
  }

  async authenticate(request: Request): Promise<Principal> {
    const session = await this.requireSession(request);
    const principal = await this.people.principalFor(session.personId, session.roleId);
    if (!principal) throw ended('The role this session acted in was revoked: sign in again.');
    this.requireCsrf(request, session);
    return principal;
  }

  /** The session of the request, described for the web report. */
  async describe(request: Request): Promise<{ session: SessionDto; principal: Principal }> {
    const session = await this.requireSession(request);
    const principal = await this.people.principalFor(session.personId, session.roleId);
    const person = await this.people.findPerson(session.personId);
    if (!principal || !person) throw ended('The role this session acted in was revoked: sign in again.');
    const roles = await this.people.currentRoles(person.id);
    const role = roles.find((candidate) => candidate.id === session.roleId)!;
    return {
      principal,
      session: {
        person: { id: person.id, displayName: person.displayName, provider: person.provider },
        role: toSessionRole(role),
        roles: roles.map(toSessionRole),
        kind: principal.kind,
        scopes: principal.scopes,
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt,
        idleExpiresAt: new Date(Math.min(session.expiresAt.getTime(), Date.now() + this.config.signIn.sessionIdleSeconds * 1000)),
      },
    };
  }

  /** Switches the role the session acts in, to another current role of the same person. */
  async switchRole(request: Request, roleId: string): Promise<{ session: SessionDto; principal: Principal }> {
    const session = await this.requireSession(request);
    this.requireCsrf(request, session);
    const roles = await this.people.currentRoles(session.personId);
    if (!roles.some((role) => role.id === roleId)) {
      throw problem('not-found', `Role ${roleId} is not one of your roles.`);
    }
    await this.repository.setRole(session.id, roleId);
    return this.describe(request);
  }

  /** Ends the session of the request, if it has one. A state-changing call: it needs the CSRF token. */
  async signOut(request: Request): Promise<Principal | undefined> {
    const token = this.cookies.read(request, this.cookies.session);
    const session = token ? await this.repository.findSession(hashCode(token)) : null;
    if (!session) return undefined;
    this.requireCsrf(request, session);
    await this.repository.deleteSession(session.id);
    return (await this.people.principalFor(session.personId, session.roleId)) ?? undefined;
  }

  private async requireSession(request: Request): Promise<WebSessionEntity> {
    const token = this.cookies.read(request, this.cookies.session);
    if (!token) throw ended('Sign in first: this request carries no session.');
    const session = await this.repository.findSession(hashCode(token));
    if (!session) throw ended('The session has ended: sign in again.');
    const now = Date.now();
    if (session.expiresAt.getTime() <= now || session.lastSeenAt.getTime() + this.config.signIn.sessionIdleSeconds * 1000 <= now) {
      await this.repository.deleteSession(session.id);
      throw problem('session-expired', 'The session has expired: sign in again.');
    }
    if (now - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await this.repository.touchSession(session.id, new Date(now));
    return session;
  }

  /** A request that changes state with the cookie must also carry the session's CSRF token, which another site cannot read. */
  private requireCsrf(request: Request, session: WebSessionEntity): void {
    if (SAFE_METHODS.has(request.method)) return;
    const header = request.headers['x-csrf-token'];
    if (typeof header !== 'string' || !sameSecret(header, session.csrfToken)) {
      throw problem('csrf-token-missing', 'A state-changing request made with the session cookie needs the X-CSRF-Token header (GET /v1/session).', [
        { header: 'X-CSRF-Token', code: 'csrfToken', detail: 'missing or not the token of this session' },
      ]);
    }
  }

  private refuse(
    provider: IdentityProviderConfig,
    failure: SignInFailure,
    detail: Record<string, unknown> = {},
    person?: { id: string; displayName: string },
  ): { failure: SignInFailure } {
    this.auditSignIn(provider, 'denied', { reason: failure, ...detail, ...(person ? { person: person.displayName, personId: person.id } : {}) });
    return { failure };
  }

  /** One audit entry per sign-in, allowed or refused, naming the person when known. */
  private auditSignIn(provider: IdentityProviderConfig, outcome: 'allowed' | 'denied', detail: Record<string, unknown>, role?: RoleRow): void {
    this.audit.record({
      occurredAt: new Date(),
      requestId: randomBytes(8).toString('hex'),
      clientId: typeof detail.personId === 'string' ? `person:${detail.personId}` : null,
      institutionId: role && role.role !== 'coordinator' ? role.institutionId : null,
      regionId: role && role.role === 'coordinator' ? role.regionId : null,
      method: 'SIGN-IN',
      route: `session/sign-in/${provider.id}`,
      requiredScope: null,
      outcome,
      statusCode: outcome === 'allowed' ? 200 : 403,
      detail: { provider: provider.id, ...detail },
    });
  }
}

/** A claim's value as text: a string, or the first string of a list (multi-valued attributes). */
const claimValue = (value: unknown): string | undefined => {
  const first = Array.isArray(value) ? (value as unknown[]).find((item) => typeof item === 'string') : value;
  return typeof first === 'string' && first.trim().length > 0 && first.length <= 253 ? first.trim() : undefined;
};

const toSessionRole = (role: RoleRow): SessionRoleDto => ({
  id: role.id,
  role: role.role,
  regionCode: role.role === 'coordinator' ? role.regionCode : null,
  regionName: role.role === 'coordinator' ? role.regionName : null,
  institutionBrin: role.institutionBrin,
  institutionName: role.institutionName,
});
