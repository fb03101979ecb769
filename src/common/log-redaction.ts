/**
 * What may reach a log line. Student identifiers are personal data in every form: a raw BSN or
 * onderwijsnummer sent by mistake, and the pseudonym itself. Logs keep what traces a request or a
 * failure (method, path shape, error class, SQLSTATE, constraint, SQL text), never the values.
 */

const REDACTED = '[redacted]';

/** 8 or more digits, also with single separators as people write them (1234.56.782, 249 566 758). */
const DIGIT_RUN = /\d(?:[\s.-]?\d){7,}/g;
/** Long hexadecimal runs: a pseudonym is 64 of them (a UUID has at most 12 in a row). */
const HEX_RUN = /[0-9a-fA-F]{32,}/g;

/** The text with every digit run that could be an identifier and every pseudonym-like hex run masked. */
export const redactText = (text: string): string => text.replace(HEX_RUN, REDACTED).replace(DIGIT_RUN, REDACTED);

export const containsIdentifier = (text: string): boolean => {
  DIGIT_RUN.lastIndex = 0;
  HEX_RUN.lastIndex = 0;
  return DIGIT_RUN.test(text) || HEX_RUN.test(text);
};

/** A UUID (batch and upload ids) is not an identifier of a person, even when a group is all digits. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Decodes %-escapes a few times over (double encoding), keeping the text where an escape is broken. */
function decodeRepeatedly(segment: string): string {
  let current = segment;
  for (let round = 0; round < 3 && current.includes('%'); round++) {
    try {
      const decoded = decodeURIComponent(current);
      if (decoded === current) break;
      current = decoded;
    } catch {
      break;
    }
  }
  return current;
}

/**
 * The path of a request as it may be logged: without the query string (filters can name a
 * pseudonym), the pseudonym segment of /v1/pseudonyms/{pseudonym} always replaced, and every
 * other segment that holds an identifier-like value, also %-encoded, replaced.
 */
export function redactPath(url: string): string {
  const path = url.split('?', 1)[0].split('#', 1)[0];
  const segments = path.split('/');
  return segments
    .map((segment, index) => {
      if (index > 0 && segments[index - 1] === 'pseudonyms' && segment !== '') return '{pseudonym}';
      if (UUID.test(segment)) return segment;
      return containsIdentifier(decodeRepeatedly(segment)) ? '{redacted}' : segment;
    })
    .join('/')
    .slice(0, 500);
}

/** Fields of an error that say what failed and where, never with which values. */
const SAFE_FIELDS = ['code', 'severity', 'constraint', 'table', 'column', 'schema', 'dataType', 'routine', 'errno', 'syscall', 'status', 'statusCode', 'expose'] as const;
/** SQLSTATE: five digits or capitals. */
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** In PostgreSQL's messages a value follows a colon in double quotes: `invalid input syntax for type uuid: "…"`. */
const QUOTED_VALUE = /:\s*"(?:[^"\\]|\\.)*"/g;

function pickSafe(source: Record<string, unknown>, target: Record<string, unknown>): void {
  for (const field of SAFE_FIELDS) {
    const value = source[field];
    if (typeof value === 'number' || typeof value === 'boolean') target[field] = value;
    else if (typeof value === 'string') target[field] = redactText(value).slice(0, 200);
  }
}

/**
 * The log form of an error (pino's `err`). Unlike pino's default it copies no properties it does
 * not know: a failed query's bound parameters (TypeORM's QueryFailedError.parameters), PostgreSQL's
 * `detail` ("Key (pseudonym)=(…) already exists", "Failing row contains (…)") and `where`, and a
 * body parser's `body` are left out; messages and stacks are masked like any other text.
 */
export function serializeError(value: unknown, depth = 0): Record<string, unknown> {
  // pino-http hands its own serialisation of the error over, with the original as `raw`.
  const raw = typeof value === 'object' && value !== null ? (value as { raw?: unknown }).raw : undefined;
  const error = raw instanceof Error ? raw : value;
  if (!(error instanceof Error)) return { type: typeof error, message: redactText(String(error)).slice(0, 1000) };
  const fields = error as unknown as Record<string, unknown>;
  const driver = typeof fields.driverError === 'object' && fields.driverError !== null ? (fields.driverError as Record<string, unknown>) : undefined;
  const code = fields.code ?? driver?.code;
  const fromDatabase = driver !== undefined || (typeof code === 'string' && SQLSTATE.test(code));
  const clean = (text: string): string => redactText(fromDatabase ? text.replace(QUOTED_VALUE, `: "${REDACTED}"`) : text);

  const out: Record<string, unknown> = { type: error.name || error.constructor.name, message: clean(error.message).slice(0, 1000) };
  if (error.stack) out.stack = clean(error.stack).slice(0, 4000);
  pickSafe(fields, out);
  // body-parser's kind of failure (entity.parse.failed, …); `type` is the error's class, as in pino.
  if (typeof fields.type === 'string') out.kind = fields.type.slice(0, 100);
  if (typeof fields.query === 'string') out.query = redactText(fields.query).slice(0, 2000);
  if (driver) {
    const safeDriver: Record<string, unknown> = {};
    pickSafe(driver, safeDriver);
    out.driverError = safeDriver;
  }
  if (fields.cause !== undefined && depth < 3) out.cause = serializeError(fields.cause, depth + 1);
  return out;
}
