// The one module that owns "get a token". Today: OAuth2 client credentials against
// POST /v1/auth/token, or a token pasted by the user. An education IdP (OpenID Connect,
// authorization code + PKCE) replaces this by providing another `signIn…` that ends in
// `establish(accessToken, source)`; nothing else in the front end knows where tokens come from.
// The token lives in sessionStorage only: gone with the tab, never in localStorage or a cookie.

import { ApiError, readProblem, send } from './errors';
import type { TokenResponse } from './types';

export type TokenSource = 'client-credentials' | 'pasted-token';
export type PrincipalKind = 'region' | 'institution' | 'platform';

export interface Session {
  accessToken: string;
  source: TokenSource;
  clientId: string;
  scopes: string[];
  kind: PrincipalKind;
  /** Milliseconds since the epoch; the token is useless after it. */
  expiresAt: number;
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

/** The current session, or null when there is none or its token has expired. */
export function currentSession(): Session | null {
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

export const hasScope = (scope: string): boolean => currentSession()?.scopes.includes(scope) ?? false;

export function onSessionChange(listener: Listener): void {
  listeners.push(listener);
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
  };
  if (session.expiresAt <= Date.now()) throw new SignInError('expired');
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  for (const listener of listeners) listener(session, null);
  return session;
}

export function signOut(reason: SignOutReason = 'signed-out'): void {
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
