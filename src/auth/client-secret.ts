import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/** A new client secret: 256 random bits, URL-safe, shown to the caller exactly once. */
export const generateClientSecret = (): string => randomBytes(32).toString('base64url');

export const generateClientId = (prefix: string): string =>
  `${prefix.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'client'}-${randomBytes(6).toString('hex')}`;

// OWASP's argon2id baseline (19 MiB, t=2): strong, yet cheap enough for a token endpoint.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashClientSecret = (secret: string): Promise<string> => argon2.hash(secret, HASH_OPTIONS);

// Verified against for unknown client ids, so that a miss costs as much time as a hit.
let dummyHash: Promise<string> | undefined;

export async function verifyClientSecret(hash: string | undefined, secret: string): Promise<boolean> {
  dummyHash ??= argon2.hash(generateClientSecret(), HASH_OPTIONS);
  const target = hash ?? (await dummyHash);
  try {
    const matches = await argon2.verify(target, secret);
    return hash !== undefined && matches;
  } catch {
    return false;
  }
}
