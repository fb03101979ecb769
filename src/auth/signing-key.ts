import { createHmac } from 'node:crypto';

/**
 * The `kid` of tokens signed with `secret`: a short HMAC of a fixed label, so that a token
 * names the key it was signed with without saying anything about the key that the token's own
 * signature does not already.
 */
export const signingKeyId = (secret: string): string => createHmac('sha256', secret).update('doorstroom token signing key').digest('hex').slice(0, 16);

/** The `kid` in a token's header, if it has one; never throws. */
export function tokenKeyId(rawToken: unknown): string | undefined {
  if (typeof rawToken !== 'string') return undefined;
  const header = rawToken.split('.', 1)[0];
  try {
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof parsed.kid === 'string' ? parsed.kid : undefined;
  } catch {
    return undefined;
  }
}
