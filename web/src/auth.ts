// The one module that owns "who is signed in". People sign in with their school account: the
// service runs the OpenID Connect flow and keeps the session on the server; this page holds only
// what GET /v1/session describes (the person, their roles, the CSRF token) in memory, and the
// browser sends the HttpOnly session cookie by itself. API clients can still sign in with client
// credentials or a pasted token; that token lives in sessionStorage only (gone with the tab).

import { ApiError, readProblem, send } from './errors';
import type { TokenResponse } from './types';

export type TokenSource = 'client-credentials' | 'pasted-token' | 'school-account';
export type PrincipalKind = 'region' | 'institution' | 'platform';

export interface PersonRole {
  id: string;
  role: 'coordinator' | 'reader' | 'editor';
  regionCode: string | null;
  regionName: string | null;
  institutionBrin: string | null;
  institutionName: string | null;
}

export interface Session {
  /** The bearer token of an API client; null for a person, whose session is the HttpOnly cookie. */
  accessToken: string | null;
  source: TokenSource;
  /** Who the pages say is signed in: the client id, or the person's name. */
  clientId: string;
  scopes: string[];
  kind: PrincipalKind;
  /** Milliseconds since the epoch; the token is useless after it. */
  expiresAt: number;
  /** Changes whenever what the session may see changes (another token, another role). */
  key: string;
  /** A person's session: the token to send as X-CSRF-Token, the current role and every role. */
  csrfToken?: string;
  role?: PersonRole;
  roles?: PersonRole[];
}

/** GET /v1/session, as far as this page reads it. */
interface SessionResponse {
  person: { id: string; displayName: string; provider: string };
  role: PersonRole;
  roles: PersonRole[];
  kind: 'institution' | 'region';
  scopes: string[];
  csrfToken: string;
  expiresAt: string;
}

export interface IdentityProvider {
  id: string;
  name: string;
  development: boolean;
  signInUrl: string;
}

const STORAGE_KEY = 'doorstroom.session';
type Listener = (session: Session | null, reason: SignOutReason | null) => void;
export type SignOutReason = 'signed-out' | 'expired';
const listeners: Listener[] = [];

/** A pasted token that cannot be used: not a JWT at all, or already expired. */
export class SignInError extends Error {
  constructor(readonly reason: 'invalid-token' | 'expired') {
    super(reason);
  }
}

/** A person's session (cookie), described by the service; kept in memory only. */
let personSession: Session | null = null;

/** The current session, or null when there is none or its token has expired. */
export function currentSession(): Session | null {
  if (personSession) {
    if (personSession.expiresAt > Date.now()) return personSession;
    personSession = null;
    signOut('expired');
    return null;
  }
  let raw: string | null = null;
  try {
    raw = sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as Session;
    if (typeof session.accessToken !== 'string' || typeof session.expiresAt !== 'number') return null;
    if (session.expiresAt <= Date.now()) {
      signOut('expired');
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

/** The bearer token for an API call, or null (then the caller is sent to sign in). */
export const accessToken = (): string | null => currentSession()?.accessToken ?? null;

/** The headers that authenticate an API call: the bearer token, or for a person (cookie) the CSRF token on state-changing calls. */
export function authHeaders(method: string): Record<string, string> | null {
  const session = currentSession();
  if (!session) return null;
  if (session.accessToken) return { Authorization: `Bearer ${session.accessToken}` };
  return method === 'GET' || method === 'HEAD' ? {} : { 'X-CSRF-Token': session.csrfToken ?? '' };
}

export const hasScope = (scope: string): boolean => currentSession()?.scopes.includes(scope) ?? false;

export function onSessionChange(listener: Listener): void {
  listeners.push(listener);
}

function fromResponse(body: SessionResponse): Session {
  return {
    accessToken: null,
    source: 'school-account',
    clientId: body.person.displayName,
    scopes: body.scopes,
    kind: body.kind,
    expiresAt: new Date(body.expiresAt).getTime(),
    key: `person:${body.person.id}:${body.role.id}`,
    csrfToken: body.csrfToken,
    role: body.role,
    roles: body.roles,
  };
}

/**
 * Asks the service whether this browser has a person's session (after the provider sent it back,
 * or on a reload). No session is not an error: the sign-in page follows.
 */
export async function restorePersonSession(): Promise<Session | null> {
  try {
    const response = await send('/v1/session', { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' });
    if (!response.ok) return null;
    personSession = fromResponse((await response.json()) as SessionResponse);
    // A person's session replaces a token pasted earlier in this tab.
    sessionStorage.removeItem(STORAGE_KEY);
    return personSession;
  } catch {
    return null;
  }
}

/** The identity providers people sign in with; an empty list when the service has none or cannot say. */
export async function identityProviders(): Promise<IdentityProvider[]> {
  try {
    const response = await send('/v1/session/providers', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) return [];
    return ((await response.json()) as { items: IdentityProvider[] }).items;
  } catch {
    return [];
  }
}

/** Acts in another of the person's roles: the service changes the session, the pages follow. */
export async function switchRole(roleId: string): Promise<Session> {
  const headers = authHeaders('PUT');
  if (!headers || !personSession) throw new ApiError(401, null);
  const response = await send('/v1/session/role', {
    method: 'PUT',
    headers: { ...headers, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ roleId }),
    cache: 'no-store',
    credentials: 'same-origin',
  });
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401) endLocally('expired');
    throw new ApiError(response.status, problem);
  }
  personSession = fromResponse((await response.json()) as SessionResponse);
  for (const listener of listeners) listener(personSession, null);
  return personSession;
}

/** Client credentials → token (RFC 6749 §4.4), as any API client would get one. */
export async function signInWithClientCredentials(clientId: string, clientSecret: string): Promise<Session> {
  const response = await send('/v1/auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
    cache: 'no-store',
  });
  if (!response.ok) throw new ApiError(response.status, await readProblem(response));
  const token = (await response.json()) as TokenResponse;
  return establish(token.access_token, 'client-credentials');
}

/** A token obtained elsewhere (Swagger UI, curl, a later IdP flow). */
export function signInWithToken(token: string): Session {
  return establish(token.trim().replace(/^Bearer\s+/i, ''), 'pasted-token');
}

/**
 * Keeps a token as the session. The claims are read only to choose pages and to know when the
 * token expires; the API verifies every token itself.
 */
export function establish(token: string, source: TokenSource): Session {
  const claims = decodeClaims(token);
  if (!claims) throw new SignInError('invalid-token');
  const session: Session = {
    accessToken: token,
    source,
    clientId: typeof claims.sub === 'string' ? claims.sub : '?',
    scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
    kind: typeof claims.region === 'string' ? 'region' : typeof claims.inst === 'string' ? 'institution' : 'platform',
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 15 * 60_000,
    key: token,
  };
  if (session.expiresAt <= Date.now()) throw new SignInError('expired');
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  for (const listener of listeners) listener(session, null);
  return session;
}

/**
 * Signs out. A person's session is ended on the server (the cookie alone would not end it);
 * the page forgets the session at once either way.
 */
export function signOut(reason: SignOutReason = 'signed-out'): void {
  const session = personSession;
  if (session && reason === 'signed-out') {
    void send('/v1/session/sign-out', { method: 'POST', headers: { 'X-CSRF-Token': session.csrfToken ?? '' }, cache: 'no-store', credentials: 'same-origin' })
      .catch(() => undefined)
      .then(() => endLocally(reason));
    return;
  }
  endLocally(reason);
}

function endLocally(reason: SignOutReason): void {
  personSession = null;
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
  for (const listener of listeners) listener(null, reason);
}

function decodeClaims(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      Array.from(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=')), (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
    );
    const claims: unknown = JSON.parse(json);
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
