import { createHmac } from 'node:crypto';
import { isValidBsn, isValidOnderwijsnummer } from './bsn';
import { problem } from 'src/common/problems';

/** The only accepted form of a student pseudonym: hex(HMAC-SHA256), lowercase, 64 chars. */
export const PSEUDONYM_PATTERN = /^[0-9a-f]{64}$/;

/** The network key must carry at least 256 bits, the output size of SHA-256. */
export const MIN_KEY_BYTES = 32;

export type PseudonymCheck =
  | { ok: true }
  | {
      ok: false;
      reason: 'looks_like_bsn' | 'looks_like_onderwijsnummer' | 'not_a_pseudonym';
      /** Why the value was rejected. Never contains the value: it may be a raw identifier. */
      message: string;
    };

/**
 * Canonical form of a student identifier before hashing. Every institution must produce
 * the same bytes for the same student, or the pseudonyms do not link:
 * - trim, and drop spaces, dots and hyphens, which appear in formatted BSNs ("1234.56.782");
 * - left-pad an 8-digit number to 9 digits: a BSN that starts with 0 often arrives without
 *   it (spreadsheets store it as a number), and "12345672" and "012345672" are the same BSN.
 *   Padding any 8-digit number (not only ones passing the 11-proef) keeps this a purely
 *   formatting step, independent of validation.
 * Letters are left as they are: BSN, onderwijsnummer and PGN are numeric.
 * Throws on an identifier that is empty after normalisation, which would otherwise give
 * every blank cell of a file the same pseudonym and link unrelated students.
 */
export function normaliseIdentifier(id: string): string {
  if (typeof id !== 'string') {
    throw new TypeError('normaliseIdentifier: identifier must be a string');
  }
  const compact = id.trim().replace(/[\s.-]/g, '');
  if (compact.length === 0) {
    throw new RangeError('normaliseIdentifier: identifier is empty');
  }
  return /^[0-9]{8}$/.test(compact) ? `0${compact}` : compact;
}

/** hex(HMAC-SHA256(key, message)), the primitive under the pseudonym; no key policy here. */
export function hmacSha256Hex(key: Buffer, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('hex');
}

/** Throws when the key is shorter than 256 bits. The message names the length, never the key. */
export function assertKeyStrength(key: Buffer): void {
  if (!Buffer.isBuffer(key)) {
    throw new TypeError('pseudonym key must be a Buffer');
  }
  if (key.length < MIN_KEY_BYTES) {
    throw new RangeError(
      `pseudonym key is ${key.length} bytes; at least ${MIN_KEY_BYTES} bytes (256 bits) are required`,
    );
  }
}

/** The pseudonym of a student: hex(HMAC-SHA256(K, normalise(id))). */
export function pseudonymise(id: string, key: Buffer): string {
  assertKeyStrength(key);
  return hmacSha256Hex(key, normaliseIdentifier(id));
}

/**
 * Decide whether an uploaded value is acceptable as a pseudonym. A value that looks like a
 * raw identifier gets its own reason, so the uploader learns that it forgot to pseudonymise;
 * the message never repeats the value, because the caller may log or return it.
 */
export function checkPseudonym(value: string): PseudonymCheck {
  if (typeof value === 'string' && PSEUDONYM_PATTERN.test(value)) return { ok: true };
  if (typeof value !== 'string') {
    return {
      ok: false,
      reason: 'not_a_pseudonym',
      message: 'A pseudonym must be a string of 64 lowercase hexadecimal characters.',
    };
  }
  const compact = value.trim().replace(/[\s.-]/g, '');
  if (/^[0-9]{8,9}$/.test(compact)) {
    if (isValidBsn(compact)) {
      return {
        ok: false,
        reason: 'looks_like_bsn',
        message:
          'The value looks like a BSN (it passes the 11-proef). Raw identifiers are not accepted: ' +
          'compute the pseudonym hex(HMAC-SHA256(K, id)) with the network key before uploading.',
      };
    }
    if (isValidOnderwijsnummer(compact)) {
      return {
        ok: false,
        reason: 'looks_like_onderwijsnummer',
        message:
          'The value looks like an onderwijsnummer. Raw identifiers are not accepted: ' +
          'compute the pseudonym hex(HMAC-SHA256(K, id)) with the network key before uploading.',
      };
    }
  }
  if (/^[0-9a-fA-F]{64}$/.test(value)) {
    return {
      ok: false,
      reason: 'not_a_pseudonym',
      message: 'A pseudonym must use lowercase hexadecimal characters; uppercase letters are not accepted.',
    };
  }
  return {
    ok: false,
    reason: 'not_a_pseudonym',
    message: 'A pseudonym must be exactly 64 lowercase hexadecimal characters (hex-encoded HMAC-SHA256).',
  };
}

/** 400 for a path or query parameter that is not a pseudonym, explaining a raw identifier without repeating it. */
export function requirePseudonym(value: string, parameter = 'pseudonym'): void {
  const check = checkPseudonym(value);
  if (check.ok) return;
  throw problem('invalid-pseudonym', check.message, [{ parameter, code: check.reason, detail: check.message }]);
}
