import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { AuditOutcome } from 'src/audit/audit-entry.entity';
import { AuditWriter } from 'src/audit/audit-writer';
import type { AuthenticatedRequest } from 'src/access/access.guard';
import { tenantColumnsOf } from 'src/access/principal';

export const outcomeOf = (status: number): AuditOutcome =>
  status >= 500 ? 'failed' : status === 401 || status === 403 || status === 429 ? 'denied' : status >= 400 ? 'rejected' : 'allowed';

/** Data the handler attaches for the audit entry: what was read or written, never values. */
export type AuditDetailRequest = AuthenticatedRequest & { auditDetail?: Record<string, unknown> };

/** Appends one audit entry for every API request when its response is finished. */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  constructor(private readonly writer: AuditWriter) {}

  use(request: AuditDetailRequest, response: Response, next: NextFunction): void {
    // Only the API is audited; health probes and the documentation are not data.
    if (!request.originalUrl.startsWith('/v1/')) return next();
    const startedAt = new Date();
    response.on('finish', () => {
      const principal = request.principal;
      const rule = request.accessRule;
      const routePath = (request.route as { path?: string } | undefined)?.path;
      this.writer.record({
        occurredAt: startedAt,
        requestId: typeof request.id === 'string' || typeof request.id === 'number' ? String(request.id) : '',
        clientId: principal?.clientId ?? null,
        ...(principal ? tenantColumnsOf(principal) : { institutionId: null, regionId: null }),
        method: request.method,
        route: `${request.baseUrl ?? ''}${routePath ?? '(unmatched)'}`.slice(0, 300),
        requiredScope: rule && !rule.public ? rule.scopes.join(' ').slice(0, 300) : null,
        outcome: outcomeOf(response.statusCode),
        statusCode: response.statusCode,
        // A person's entries name them (their client id is `person:<id>`).
        detail: { ...(principal?.person ? { person: principal.person.name } : {}), ...(request.auditDetail ?? {}), durationMs: Date.now() - startedAt.getTime() },
      });
    });
    next();
  }
}
