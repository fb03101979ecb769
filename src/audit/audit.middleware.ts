import { Injectable } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import passport from 'passport';
import { AuditOutcome } from 'src/audit/audit-entry.entity';
import { AuditTarget, boundedTarget, targetOfRequest } from 'src/audit/audit-target';
import { AuditWriter } from 'src/audit/audit-writer';
import type { NewAuditEntry } from 'src/audit/audit.repository';
import { recordedRoute, RoutePatterns, UNMATCHED_ROUTE } from 'src/audit/route-patterns';
import type { AuthenticatedRequest } from 'src/access/access.guard';
import { Principal, tenantColumnsOf } from 'src/access/principal';
import { assignRequestId } from 'src/common/logging';

export const outcomeOf = (status: number): AuditOutcome =>
  status >= 500 ? 'failed' : status === 401 || status === 403 || status === 429 ? 'denied' : status >= 400 ? 'rejected' : 'allowed';

/** What the handler learned for the audit entry: the response's rows, what a service noted. */
export type AuditedRequest = AuthenticatedRequest & { auditTarget?: AuditTarget; auditDetail?: Record<string, unknown> };

/**
 * Appends one audit entry for every API request, when its response is finished or the client
 * went away. It runs before anything else that can answer (the body parsers, the guards), so a
 * body that is not JSON (400), too large (413), an unknown route (404) and every refusal by the
 * guards (401, 403, 429) are audited like served requests.
 */
@Injectable()
export class AuditMiddleware {
  private routes: RoutePatterns | undefined;

  constructor(private readonly writer: AuditWriter) {}

  /** Installs the middleware in front of the body parsers; call before `useBodyParser`. */
  install(app: NestExpressApplication): void {
    this.routes = new RoutePatterns(app.getHttpAdapter().getInstance());
    app.use((request: Request, response: Response, next: NextFunction) => this.use(request, response, next));
  }

  use(request: AuditedRequest, response: Response, next: NextFunction): void {
    // Only the API is audited; health probes, the documentation and the web report's files are not data.
    if (!request.originalUrl.startsWith('/v1/')) return next();
    const startedAt = new Date();
    // The id the log line and the problem document carry, also for requests that never reach the logger.
    assignRequestId(request, response);
    response.once('close', () => {
      const aborted = !response.writableFinished;
      const principal = request.principal;
      if (principal || !request.headers.authorization) {
        this.writer.record(this.entryOf(request, response, principal, startedAt, aborted));
      } else {
        // Refused before the guard ran (bad body): whose token it carried, checked as the guard checks it.
        this.writer.record(this.principalOfToken(request, response).then((verified) => this.entryOf(request, response, verified, startedAt, aborted)));
      }
    });
    next();
  }

  private entryOf(request: AuditedRequest, response: Response, principal: Principal | undefined, startedAt: Date, aborted: boolean): NewAuditEntry {
    const rule = request.accessRule;
    const routePath = (request.route as { path?: unknown } | undefined)?.path;
    const route =
      typeof routePath === 'string'
        ? recordedRoute(`${request.baseUrl ?? ''}${routePath}`)
        : (this.routes?.patternOf(request.method, request.path) ?? UNMATCHED_ROUTE);
    const status = response.statusCode;
    const served = !aborted && status >= 200 && status < 300;
    const target = boundedTarget({
      ...targetOfRequest(route === UNMATCHED_ROUTE ? undefined : route, route === UNMATCHED_ROUTE ? undefined : (request.params), request.query, served),
      ...(request.auditTarget ?? {}),
    });
    return {
      occurredAt: startedAt,
      requestId: typeof request.id === 'string' || typeof request.id === 'number' ? String(request.id) : '',
      clientId: principal?.clientId ?? null,
      ...(principal ? tenantColumnsOf(principal) : { institutionId: null, regionId: null }),
      method: request.method.slice(0, 10),
      route: route.slice(0, 300),
      requiredScope: rule && !rule.public ? rule.scopes.join(' ').slice(0, 300) : null,
      outcome: aborted ? 'aborted' : outcomeOf(status),
      statusCode: status,
      target,
      // A person's entries name them (their client id is `person:<id>`); a refused sign-in says why.
      detail: {
        ...(principal?.person ? { person: principal.person.name } : {}),
        ...(request.auditDetail ?? {}),
        durationMs: Date.now() - startedAt.getTime(),
        ...(aborted ? { aborted: true } : {}),
      },
    };
  }

  /** The principal of the request's bearer token if the token is valid now; never throws. */
  private principalOfToken(request: Request, response: Response): Promise<Principal | undefined> {
    return new Promise((resolve) => {
      try {
        const authenticate = passport.authenticate('jwt', { session: false }, (error: unknown, user: unknown) => {
          resolve(!error && user ? (user as Principal) : undefined);
        }) as (request: Request, response: Response, next: (error?: unknown) => void) => void;
        authenticate(request, response, () => resolve(undefined));
      } catch {
        resolve(undefined);
      }
    });
  }
}
