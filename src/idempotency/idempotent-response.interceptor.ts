import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';
import { IdempotentResponse, REPLAYED_HEADER } from 'src/idempotency/idempotency.service';

/** Sends an IdempotentResponse with its status, marking a replay with `Idempotent-Replayed: true`. */
@Injectable()
export class IdempotentResponseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof IdempotentResponse)) return result;
        const response = context.switchToHttp().getResponse<Response>();
        response.status(result.status);
        if (result.replayed) response.setHeader(REPLAYED_HEADER, 'true');
        return (result as IdempotentResponse<unknown>).body;
      }),
    );
  }
}
