import { HttpStatus } from '@nestjs/common';
import { ProblemException } from 'src/common/problem';

/**
 * The process-wide "stop now" signal. On SIGTERM the service first lets in-flight requests
 * finish; shortly before SHUTDOWN_TIMEOUT_MS runs out, main.ts aborts this signal, and work that
 * could outlast the deadline (a streamed upload whose client is still sending) gives up: it rolls
 * back and answers 503, instead of being cut off mid-transaction by the exit without an answer.
 */
const controller = new AbortController();

export const shutdownSignal: AbortSignal = controller.signal;

/** The service is stopping and did not finish this request in time; nothing was written. */
export class ServiceStoppingError extends ProblemException {
  constructor() {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      'service-stopping',
      'Service unavailable',
      'The service is shutting down and could not finish this request in time; nothing was written. Retry: the same Idempotency-Key may be used.',
    );
  }
}

/** Called by main.ts when the shutdown deadline approaches. */
export function abortLongRunningWork(): void {
  if (!controller.signal.aborted) controller.abort(new ServiceStoppingError());
}
