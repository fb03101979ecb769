import { Principal } from 'src/access/principal';

/**
 * A shortcut for bearer tokens this process has verified before: the auth module, which verifies
 * tokens, provides it; the guard, which must not import that module, asks through this token.
 */
export const TOKEN_AUTHENTICATOR = Symbol('TOKEN_AUTHENTICATOR');

export interface TokenAuthenticator {
  /**
   * The principal of a token verified in full before by this process, if it has not expired
   * since and its client, read now, still allows it. `undefined` in every other case: the guard
   * then verifies the token in full, which also says why it is refused.
   */
  principalOfKnownToken(token: string): Promise<Principal | undefined>;
}
