import type { Request } from 'express';

/**
 * Keeps secrets out of problem documents. A problem echoes parts of the request (an unknown
 * property's name, a pointer, a message), and a request can carry a secret where a name is
 * expected: JSON sent as a form (`curl -d '{"client_secret": …}'` without a Content-Type) arrives
 * as one form field whose *name* is the whole JSON text. Every value of a field named like a
 * secret, found anywhere in the request, is masked wherever it appears in the document, and so is
 * any `secret: value` pair written out in the document's text.
 */

const REDACTED = '[redacted]';
/** Field names that hold a secret: client_secret, password, token, api_key, private key, credentials … */
const SECRET_NAME = /secret|passw(?:or)?d|token|api[-_]?key|private[-_]?key|credential|authori[sz]ation|signature/i;
/** A `name: value` or `name=value` pair with a secret-like name, written out in text. */
const SECRET_PAIR =
  /((?:["']?)[A-Za-z0-9_-]*(?:secret|passw(?:or)?d|token|api[-_]?key|private[-_]?key|credential)[A-Za-z0-9_-]*["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s&,;}"']+)/gi;
/** Shorter values are too common to mask everywhere (and too short to be secrets). */
const MIN_SECRET_LENGTH = 4;
const MAX_DEPTH = 8;

/** Every string inside `value`. */
function stringsIn(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') out.add(value);
  else if (typeof value === 'number') out.add(String(value));
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out, depth + 1);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) stringsIn(item, out, depth + 1);
}

/** A text that may itself be a JSON document or a form body, as data. */
function parseEmbedded(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return undefined;
    }
  }
  if (trimmed.includes('=')) return Object.fromEntries(new URLSearchParams(trimmed));
  return undefined;
}

/** The values of secret-named fields, also inside field names or values that are JSON or form text. */
function collectSecrets(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return;
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
  for (const [key, item] of entries) {
    if (SECRET_NAME.test(key)) stringsIn(item, out);
    // JSON sent as a form: the JSON text is a field name.
    if (key.length > 2) collectSecrets(parseEmbedded(key), out, depth + 1);
    if (typeof item === 'string' && item.length > 2) collectSecrets(parseEmbedded(item), out, depth + 1);
    else collectSecrets(item, out, depth + 1);
  }
}

/** The secrets a request carries: secret-named fields of its body and query, and its credentials. */
export function secretsOfRequest(request: Pick<Request, 'body' | 'query' | 'headers'>): string[] {
  const found = new Set<string>();
  collectSecrets(request.body, found);
  if (typeof request.body === 'string') collectSecrets(parseEmbedded(request.body), found);
  collectSecrets(request.query, found);
  const authorization = request.headers?.authorization;
  if (typeof authorization === 'string') {
    const [scheme, credentials = ''] = authorization.trim().split(/\s+/, 2);
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const separator = decoded.indexOf(':');
      if (separator >= 0) found.add(decoded.slice(separator + 1));
    } else if (credentials) found.add(credentials);
  }
  // Also as they appear inside JSON text and %-encoded, longest first so that no part is left over.
  const variants = new Set<string>();
  for (const secret of found) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    variants.add(secret);
    variants.add(JSON.stringify(secret).slice(1, -1));
    variants.add(encodeURIComponent(secret));
  }
  return [...variants].sort((a, b) => b.length - a.length);
}

const maskText = (text: string, secrets: string[]): string => {
  let masked = text;
  for (const secret of secrets) if (masked.includes(secret)) masked = masked.split(secret).join(REDACTED);
  return masked.replace(SECRET_PAIR, `$1${REDACTED}`);
};

/** A copy of `document` in which no string holds one of `secrets` or a written-out secret pair. */
export function redactSecrets<T>(document: T, secrets: string[], depth = 0): T {
  if (typeof document === 'string') return maskText(document, secrets) as T;
  if (depth > MAX_DEPTH || typeof document !== 'object' || document === null) return document;
  if (Array.isArray(document)) return document.map((item: unknown) => redactSecrets(item, secrets, depth + 1)) as T;
  return Object.fromEntries(Object.entries(document).map(([key, value]) => [key, redactSecrets(value, secrets, depth + 1)])) as T;
}
