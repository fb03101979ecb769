import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { sql } from 'src/database/sql';

/**
 * The counters that triggers raise when what views are computed from changes (`view_versions`,
 * see ViewVersionEntity) and the database's date, which decides current memberships: what a kept
 * view is checked against (src/insights/view-cache.ts).
 */
export interface ViewCounters {
  today: string;
  versions: Map<string, string>;
}

/** Columns that read the counters beside another statement's row; turn them into counters with `viewCountersOf`. */
export const VIEW_COUNTER_COLUMNS = sql`CURRENT_DATE::text AS "countersToday", (SELECT coalesce(json_object_agg(scope, version::text), '{}'::json) FROM view_versions) AS "counters"`;

export interface ViewCounterColumns {
  countersToday: string;
  counters: Record<string, string>;
}

export const viewCountersOf = (row: ViewCounterColumns): ViewCounters => ({ today: row.countersToday, versions: new Map(Object.entries(row.counters)) });

/**
 * The counters a read request has already read, so that it need not read them twice: the guard's
 * statement that reads the caller's API client reads them too (one round trip instead of two),
 * and the view cache takes them from there. Only for GET and HEAD, which change nothing: a
 * request that wrote and then read a view would otherwise check it against counters older than
 * its own write. Counters read before the view is looked up are as good as counters read then:
 * a kept view is only served while they are the ones it was computed with.
 */
const perRequest = new AsyncLocalStorage<{ counters?: ViewCounters }>();

/** Express middleware: gives every read request its own place for the counters it reads. */
export const viewCounterScope = (request: Request, _response: Response, next: NextFunction): void => {
  if (request.method === 'GET' || request.method === 'HEAD') perRequest.run({}, next);
  else next();
};

/** Keeps the counters this request read (the first ones only); outside a read request it does nothing. */
export const noteViewCounters = (counters: ViewCounters): void => {
  const store = perRequest.getStore();
  if (store && !store.counters) store.counters = counters;
};

/** The counters this request has read already, if any. */
export const viewCountersOfRequest = (): ViewCounters | undefined => perRequest.getStore()?.counters;
