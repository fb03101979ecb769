import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Doorstroom-Signature';
export const TIMESTAMP_HEADER = 'Doorstroom-Timestamp';

/** A new webhook secret: 32 random bytes (256 bits), base64url, with a recognisable prefix. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. The key is the secret string as UTF-8,
 * the timestamp is Unix seconds as sent in Doorstroom-Timestamp, the body is the exact request body.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): checks a signature in constant time and the timestamp's age. */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string, options: { toleranceSeconds?: number; now?: number } = {}): boolean {
  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > tolerance) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
