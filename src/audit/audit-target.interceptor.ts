import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { AuditTarget, targetOfResponse, withAuditNotes } from 'src/audit/audit-target';
import type { AuditedRequest } from 'src/audit/audit.middleware';

/**
 * Gives every handled request an audit target that services may add to (`noteAuditTarget`),
 * and adds what the response body says: the rows returned, the batch written. What a service
 * noted wins over what the body suggests.
 */
@Injectable()
export class AuditTargetInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    const target: AuditTarget = {};
    request.auditTarget = target;
    return new Observable((subscriber) =>
      withAuditNotes(target, () =>
        next
          .handle()
          .pipe(tap((body: unknown) => Object.assign(target, { ...targetOfResponse(request.method, body), ...target })))
          .subscribe(subscriber),
      ),
    );
  }
}
