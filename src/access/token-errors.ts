/**
 * Why the guard refuses a token, where the reason needs more than the JWT library's message.
 * The auth module raises it; the guard (which must not import auth) reports it.
 */

/** The token names a signing key this service does not have (any more). */
export class SigningKeyChangedError extends Error {
  constructor() {
    super(
      'The token was signed with a key this service no longer uses: the service restarted with another signing key ' +
        '(JWT_SECRET changed, or it is not set and the key was not kept). Request a new token (POST /v1/auth/token).',
    );
    this.name = 'SigningKeyChangedError';
  }
}
