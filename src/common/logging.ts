import { RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { redactPath, serializeError } from 'src/common/log-redaction';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * The request's id: the caller's X-Request-Id when it is well-formed, else a new one; set once
 * (by the audit trail, before the body is read) and reused by the request log.
 */
export function assignRequestId(request: IncomingMessage & { id?: unknown }, response: ServerResponse): string {
  if (typeof request.id === 'string') return request.id;
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  request.id = id;
  if (!response.headersSent) response.setHeader('X-Request-Id', id);
  return id;
}

/** Structured JSON logs with a request id; credentials and bodies are never logged. `destination`: default stdout. */
export function buildLoggerOptions(config: { logLevel: string }, destination?: DestinationStream): Params {
  const options: Options = {
    level: config.logLevel,
    genReqId: (request: IncomingMessage, response: ServerResponse) => assignRequestId(request, response),
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    serializers: {
      // The query string can carry filters, a path segment a pseudonym or a raw identifier sent
      // by mistake: the logged path has them masked (src/common/log-redaction.ts).
      req: (request: { id: unknown; method: string; url: string; headers: Record<string, unknown> }) => ({
        id: request.id,
        method: request.method,
        path: redactPath(request.url),
        userAgent: request.headers['user-agent'],
      }),
      // Never a failed query's parameters or PostgreSQL's detail: they hold pseudonyms.
      err: serializeError,
    },
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info'),
    autoLogging: { ignore: (request) => (request.url ?? '').startsWith('/health') },
    quietReqLogger: true,
  };
  return {
    pinoHttp: destination ? [options, destination] : options,
    forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
    exclude: [],
  };
}
