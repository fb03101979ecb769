import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { PROBLEM_CONTENT_TYPE, ProblemDocument, ProblemException, problemTypeUri } from 'src/common/problem';
import { redactSecrets, secretsOfRequest } from 'src/common/secret-redaction';

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

const slug = (status: number): string => (TITLES[status] ?? 'error').toLowerCase().replace(/\s+/g, '-');

// Errors from body-parser and similar middleware carry a status and a `type`.
interface MiddlewareError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

const isMiddlewareError = (error: unknown): error is Error & MiddlewareError =>
  error instanceof Error && (typeof (error as MiddlewareError).status === 'number' || typeof (error as MiddlewareError).statusCode === 'number');

// pg error codes that mean the database is unreachable or shutting down, not a bug.
const UNAVAILABLE_PG_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '53300']);
// pg error codes that mean the database did not answer in time: statement_timeout (or an
// administrator's cancel) and lock_timeout. The statement was rolled back; retrying may work.
const TIMEOUT_PG_CODES = new Set(['57014', '55P03']);
const isDatabaseTimeout = (error: unknown): boolean => {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && TIMEOUT_PG_CODES.has(code);
};

const isDatabaseUnavailable = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  // TypeORM releases a transaction's connection when the server ends it (restart, failover);
  // the next statement of that transaction (often COMMIT) then fails with one of these errors.
  // The server has rolled the transaction back: nothing was written.
  if (error instanceof QueryRunnerAlreadyReleasedError || error instanceof QueryRunnerProviderAlreadyReleasedError) return true;
  const code = (error as { code?: string }).code;
  if (code && UNAVAILABLE_PG_CODES.has(code)) return true;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(error.message);
};

/** Renders every error as RFC 9457 problem+json; never leaks a stack trace or internal message. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    // A problem echoes parts of the request; never a secret that came with it.
    const document = redactSecrets(this.toDocument(exception, request), secretsOfRequest(request));
    if (document.status >= 500) {
      this.logger.error({ err: exception, requestId: request.id }, 'request failed');
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    if (document.status === 503) response.setHeader('Retry-After', '5');
    if (document.status === 429 && typeof document.retryAfter === 'number') response.setHeader('Retry-After', String(document.retryAfter));
    response.status(document.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(document));
  }

  private toDocument(exception: unknown, request: Request): ProblemDocument {
    const instance = request.originalUrl?.split('?')[0];
    const requestId = typeof request.id === 'string' || typeof request.id === 'number' ? String(request.id) : undefined;
    const base = (document: ProblemDocument): ProblemDocument => ({ ...document, ...(requestId ? { requestId } : {}) });

    if (exception instanceof ProblemException) return base(exception.toDocument(instance));
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const bodyMessage = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      const message = Array.isArray(bodyMessage) ? bodyMessage.map(String).join('; ') : typeof bodyMessage === 'string' ? bodyMessage : exception.message;
      return base({ type: problemTypeUri(slug(status)), title: TITLES[status] ?? 'Error', status, detail: message, instance });
    }
    if (isMiddlewareError(exception)) {
      const status = exception.status ?? exception.statusCode ?? 500;
      if (status < 500) {
        const detail =
          exception.type === 'entity.parse.failed'
            ? 'The request body is not valid JSON.'
            : exception.type === 'entity.too.large'
              ? 'The request body is larger than the service accepts.'
              : exception.expose
                ? exception.message
                : undefined;
        return base({ type: problemTypeUri(slug(status)), title: TITLES[status] ?? 'Error', status, detail, instance });
      }
    }
    if (isDatabaseTimeout(exception)) {
      return base({
        type: problemTypeUri('service-unavailable'),
        title: TITLES[503],
        status: HttpStatus.SERVICE_UNAVAILABLE,
        detail: 'The database did not answer in time (statement timeout); nothing was written. Retry later.',
        instance,
      });
    }
    if (isDatabaseUnavailable(exception)) {
      return base({
        type: problemTypeUri('service-unavailable'),
        title: TITLES[503],
        status: HttpStatus.SERVICE_UNAVAILABLE,
        detail: 'The database is not reachable right now; nothing was written. Retry later.',
        instance,
      });
    }
    return base({
      type: problemTypeUri('internal-server-error'),
      title: TITLES[500],
      status: 500,
      detail: 'An unexpected error occurred. The request id identifies it in the service logs.',
      instance,
    });
  }
}
