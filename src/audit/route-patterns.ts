/**
 * The route pattern a request would have reached, for requests refused before routing (a body
 * that is not JSON, or too large): their entry names `/v1/enrolments/:id`, never the raw path,
 * which may carry an identifier sent by mistake. Reads the Express router's own table, so it
 * matches exactly as the router would.
 */

interface RouteLayer {
  route?: { path?: unknown; methods?: Record<string, boolean> };
  match?: (path: string) => boolean;
}

interface ExpressWithRouter {
  router?: { stack?: RouteLayer[] };
}

export const UNMATCHED_ROUTE = '(unmatched)';

export class RoutePatterns {
  constructor(private readonly express: unknown) {}

  /** The pattern of the first route that matches, skipping catch-alls; `(unmatched)` when none does. */
  patternOf(method: string, path: string): string {
    const stack = (this.express as ExpressWithRouter).router?.stack ?? [];
    const verb = method.toLowerCase();
    for (const layer of stack) {
      const route = layer.route;
      if (!route || typeof route.path !== 'string' || route.path.includes('*') || typeof layer.match !== 'function') continue;
      const methods = route.methods ?? {};
      if (!methods[verb] && !methods._all && !(verb === 'head' && methods.get)) continue;
      try {
        if (layer.match(path)) return route.path;
      } catch {
        // A path the router cannot decode (a broken %-escape) matches nothing.
      }
    }
    return UNMATCHED_ROUTE;
  }
}

/** A route pattern as recorded: a catch-all (the not-found handler) counts as no route. */
export const recordedRoute = (pattern: string | undefined): string => (pattern === undefined || pattern.includes('*') ? UNMATCHED_ROUTE : pattern);
