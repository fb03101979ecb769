import type { Request } from 'express';
import { Principal } from 'src/access/principal';

/**
 * How the guard authenticates a request that carries a person's session cookie instead of a
 * bearer token. The session module (src/session) provides it; the guard, which must not import
 * that module, asks through this token.
 */
export const SESSION_AUTHENTICATOR = Symbol('SESSION_AUTHENTICATOR');

export interface SessionAuthenticator {
  /** Whether the request carries a session cookie at all. */
  carriesSession(request: Request): boolean;
  /**
   * The principal of the session's person in their current role. Throws a 401 problem when the
   * session has ended, and a 403 problem when a state-changing request lacks the session's
   * CSRF token.
   */
  authenticate(request: Request): Promise<Principal>;
}
