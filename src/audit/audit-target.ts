import { AsyncLocalStorage } from 'node:async_hooks';
import { containsIdentifier } from 'src/common/log-redaction';
import { BRIN_PATTERN } from 'src/common/property.decorators';
import { REGION_CODE_PATTERN } from 'src/institutions/dto/institution.dto';

/**
 * What a request touched, as its audit entry records it: the region, institution, cohorts and
 * breakdown it asked for, the record, batch or other object it named, and how many rows it
 * returned or wrote. Never a student-level value: no pseudonym (a pseudonym filter is recorded
 * as `[withheld]`), and no value that could be a raw identifier (runs of 8 or more digits, long
 * hexadecimal runs), which a caller may have sent by mistake.
 */
export interface AuditTarget {
  /** Region code, from the path or the query. */
  region?: string;
  /** BRIN, from the path or the query. */
  institution?: string;
  cohort?: number;
  cohortFrom?: number;
  cohortTo?: number;
  /** How a view was broken down (`breakdown`, `via`, `perspective`). */
  breakdown?: string;
  /** Record kind of an upload or a batch list. */
  kind?: string;
  /** The collection the path's object belongs to (`enrolments`, `batches`, `alerts`, …). */
  resource?: string;
  /** The object the path names: a record, batch, upload, alert, definition set, webhook or API client. */
  id?: string;
  /** The batch a write created. */
  batchId?: string;
  /** Other query parameters: their values when harmless (sort keys, codes, paging), else `[withheld]`. */
  filters?: Record<string, string | number>;
  /** Rows returned: items of a page, breakdown rows of a view, cells of a report, links of a flow diagram; 1 for one object. */
  rows?: number;
  /** All rows matching a page's filters. */
  total?: number;
  /** Records written (inserted or updated) or erased. */
  written?: number;
  /** The API client a token request named (a public id, never its secret). */
  client?: string;
}

export const WITHHELD = '[withheld]';

const notes = new AsyncLocalStorage<AuditTarget>();

/**
 * Adds to the audit target of the request being handled; a service calls this when it knows
 * more than the route says (say, what an erasure deleted). Outside a request it does nothing.
 */
export function noteAuditTarget(target: AuditTarget): void {
  const current = notes.getStore();
  if (current) Object.assign(current, target);
}

/** Runs `work` (a request's handler) with `target` as the object `noteAuditTarget` fills. */
export const withAuditNotes = <T>(target: AuditTarget, work: () => T): T => notes.run(target, work);

const isRegionCode = (value: string): boolean => REGION_CODE_PATTERN.test(value) && !containsIdentifier(value);
const isBrin = (value: string): boolean => BRIN_PATTERN.test(value);
const YEAR = /^(19|20|21)[0-9]{2}$/;
/** Enumerations and codes: a letter first (a raw identifier is digits), or a short number (paging, programme codes). */
const HARMLESS_VALUE = /^(?:-?[A-Za-z][A-Za-z0-9_.:-]{0,63}|[0-9]{1,6})$/;
const QUERY_KEY = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const OBJECT_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[1-9][0-9]{0,18}|[a-z][a-z0-9_-]{0,63})$/i;
/** Never recorded, whatever their value. */
const SECRET_KEYS = new Set(['pseudonym', 'client_secret', 'secret', 'token', 'access_token', 'code_verifier', 'state', 'nonce', 'invitation', 'id_token']);
/** The sign-in routes of people: their query carries credentials (the provider's authorization `code`, an invitation code), so no value is recorded. */
const SIGN_IN_ROUTE = /^\/?v1\/session\//;
const MAX_FILTERS = 20;

const harmless = (value: string): boolean => HARMLESS_VALUE.test(value) && !containsIdentifier(value);

/**
 * The target as far as the request itself names it: the route's path parameters and the query.
 * `served`: the request was answered 2xx, so an object id in its path is a real id of the
 * caller's (a long record id is then kept; on a refusal it could be a mistyped BSN).
 */
export function targetOfRequest(routePattern: string | undefined, params: Record<string, unknown> | undefined, query: unknown, served: boolean): AuditTarget {
  const target: AuditTarget = {};
  const secretQuery = routePattern !== undefined && SIGN_IN_ROUTE.test(routePattern);
  for (const [name, raw] of Object.entries(params ?? {})) {
    if (typeof raw !== 'string') continue;
    if (name === 'code' && isRegionCode(raw)) target.region = raw;
    else if (name === 'brin' && isBrin(raw)) target.institution = raw;
    else if (name === 'id' || name === 'clientId') {
      target.resource = resourceOf(routePattern, name);
      target.id = OBJECT_ID.test(raw) && (served || !containsIdentifier(raw)) ? raw : WITHHELD;
    }
    // Every other parameter (the pseudonym of an erasure) is left out.
  }
  if (query && typeof query === 'object') {
    let filters = 0;
    for (const [key, raw] of Object.entries(query as Record<string, unknown>)) {
      if (!QUERY_KEY.test(key)) continue;
      const value = typeof raw === 'string' && !secretQuery ? raw : undefined;
      if (value !== undefined && (key === 'cohort' || key === 'cohortFrom' || key === 'cohortTo' || key === 'schoolYear') && YEAR.test(value)) {
        target[key === 'schoolYear' ? 'cohort' : key] = Number(value);
      } else if (value !== undefined && key === 'region' && isRegionCode(value)) {
        target.region = value;
      } else if (value !== undefined && key === 'institution' && isBrin(value)) {
        target.institution = value;
      } else if (value !== undefined && (key === 'breakdown' || key === 'via' || key === 'perspective') && harmless(value)) {
        target.breakdown = target.breakdown ? `${target.breakdown},${value}` : value;
      } else if (value !== undefined && key === 'kind' && harmless(value)) {
        target.kind = value;
      } else if (filters < MAX_FILTERS) {
        filters++;
        target.filters ??= {};
        target.filters[key] = value !== undefined && !SECRET_KEYS.has(key) && harmless(value) ? (/^[0-9]+$/.test(value) ? Number(value) : value) : WITHHELD;
      }
    }
  }
  return target;
}

/** The path segment before the id: `/v1/enrolments/:id` → `enrolments`. */
function resourceOf(routePattern: string | undefined, parameter: string): string | undefined {
  if (!routePattern) return undefined;
  const segments = routePattern.split('/');
  const index = segments.indexOf(`:${parameter}`);
  return index > 0 ? segments[index - 1]?.replace(/[^A-Za-z0-9_-]/g, '') || undefined : undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const count = (value: unknown): number | undefined => (Array.isArray(value) ? value.length : undefined);

/**
 * What a response body says about the rows it returned or wrote, for the shapes the API
 * answers with: a page (`items`, `total`), a view (`cohorts[].rows`), a report (`cells`), a flow
 * diagram (`links`), a batch result (`batchId`, `inserted`, `updated`), an erasure (`…Deleted`),
 * a list, or one object read.
 */
export function targetOfResponse(method: string, body: unknown): AuditTarget {
  if (Array.isArray(body)) return { rows: body.length };
  if (!isObject(body)) return {};
  const items = count(body.items);
  if (items !== undefined) return { rows: items, ...(typeof body.total === 'number' ? { total: body.total } : {}) };
  if (Array.isArray(body.cohorts)) {
    const rows = body.cohorts.reduce<number>((sum, cohort) => sum + (isObject(cohort) ? (count(cohort.rows) ?? 0) : 0), 0);
    return { rows };
  }
  const cells = count(body.cells) ?? count(body.links);
  if (cells !== undefined) return { rows: cells };
  if (typeof body.batchId === 'string' && typeof body.inserted === 'number' && typeof body.updated === 'number') {
    return { batchId: body.batchId, written: body.inserted + body.updated };
  }
  const deleted = Object.entries(body).filter(([key, value]) => key.endsWith('Deleted') && typeof value === 'number');
  if (deleted.length > 0) return { written: deleted.reduce((sum, [, value]) => sum + (value as number), 0) };
  return method === 'GET' ? { rows: 1 } : {};
}

/** A name the caller chose (an API client id) as the audit may keep it; `[withheld]` if it could be an identifier. */
export const auditableName = (value: unknown): string => (typeof value === 'string' && harmless(value) ? value : WITHHELD);

/** Keeps the target small: at most 2 kB of JSON, or only its counts. */
export function boundedTarget(target: AuditTarget): AuditTarget {
  const json = JSON.stringify(target);
  if (json.length <= 2_000) return target;
  const { region, institution, cohort, cohortFrom, cohortTo, resource, id, batchId, rows, total, written } = target;
  return { region, institution, cohort, cohortFrom, cohortTo, resource, id, batchId, rows, total, written };
}
