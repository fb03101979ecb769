import { HttpStatus } from '@nestjs/common';
import { ProblemException, ProblemFieldError } from 'src/common/problem';

/*
 * The problem catalogue: every problem type the service answers with, its HTTP status and its
 * title, in one place. A type is the last segment of the problem's `type` URI
 * (https://doorstroom.nl/problems/<type>), which clients may switch on; its status and title
 * never vary. Throw with `problem(type, detail, errors?, extensions?)`.
 */
export const PROBLEMS = {
  // 400: the request itself is wrong
  'invalid-request': { status: HttpStatus.BAD_REQUEST, title: 'Invalid request' },
  'invalid-scope': { status: HttpStatus.BAD_REQUEST, title: 'Invalid scope' },
  'invalid-pseudonym': { status: HttpStatus.BAD_REQUEST, title: 'Invalid request' },
  'invalid-idempotency-key': { status: HttpStatus.BAD_REQUEST, title: 'Invalid request' },
  'malformed-csv': { status: HttpStatus.BAD_REQUEST, title: 'Malformed CSV' },
  'upload-aborted': { status: HttpStatus.BAD_REQUEST, title: 'Invalid request' },
  // 401: who is calling is not established
  unauthorized: { status: HttpStatus.UNAUTHORIZED, title: 'Unauthorized' },
  'invalid-client': { status: HttpStatus.UNAUTHORIZED, title: 'Invalid client' },
  'session-ended': { status: HttpStatus.UNAUTHORIZED, title: 'Unauthorized' },
  'session-expired': { status: HttpStatus.UNAUTHORIZED, title: 'Unauthorized' },
  // 403: the caller may not do this, whatever the object
  forbidden: { status: HttpStatus.FORBIDDEN, title: 'Forbidden' },
  'insufficient-scope': { status: HttpStatus.FORBIDDEN, title: 'Forbidden' },
  'institution-required': { status: HttpStatus.FORBIDDEN, title: 'Forbidden' },
  'institution-view': { status: HttpStatus.FORBIDDEN, title: 'Forbidden' },
  'coordinator-view': { status: HttpStatus.FORBIDDEN, title: 'Forbidden' },
  'other-institution': { status: HttpStatus.FORBIDDEN, title: 'Forbidden' },
  'intervention-party': { status: HttpStatus.FORBIDDEN, title: 'Forbidden' },
  'csrf-token-missing': { status: HttpStatus.FORBIDDEN, title: 'Forbidden' },
  // 404: missing, or another tenant's (the two answer alike)
  'not-found': { status: HttpStatus.NOT_FOUND, title: 'Not found' },
  // 409: the object's state does not allow it now
  conflict: { status: HttpStatus.CONFLICT, title: 'Conflict' },
  'batch-not-deletable': { status: HttpStatus.CONFLICT, title: 'Conflict' },
  'idempotency-key-in-use': { status: HttpStatus.CONFLICT, title: 'Conflict' },
  'invalid-transition': { status: HttpStatus.CONFLICT, title: 'Conflict' },
  'published-cohorts': { status: HttpStatus.CONFLICT, title: 'Cohort already published' },
  // 413, 415: the payload
  'batch-too-large': { status: HttpStatus.PAYLOAD_TOO_LARGE, title: 'Payload too large' },
  'upload-too-large': { status: HttpStatus.PAYLOAD_TOO_LARGE, title: 'Payload too large' },
  'unsupported-media-type': { status: HttpStatus.UNSUPPORTED_MEDIA_TYPE, title: 'Unsupported media type' },
  // Answered by the HTTP server before any route (src/common/client-errors.ts); Nest has no name for 431.
  'request-head-too-large': { status: 431 as HttpStatus, title: 'Request header fields too large' },
  'request-timeout': { status: HttpStatus.REQUEST_TIMEOUT, title: 'Request timeout' },
  // 422: well-formed, but the content is refused
  'invalid-records': { status: HttpStatus.UNPROCESSABLE_ENTITY, title: 'Invalid records' },
  'idempotency-key-reused': { status: HttpStatus.UNPROCESSABLE_ENTITY, title: 'Unprocessable content' },
  // 429: too many attempts; the problem says when to try again
  'too-many-requests': { status: HttpStatus.TOO_MANY_REQUESTS, title: 'Too many requests' },
} as const satisfies Record<string, { status: HttpStatus; title: string }>;

export type ProblemType = keyof typeof PROBLEMS;

/** The problem of a catalogued type, with its status and title from the catalogue. */
export function problem(type: ProblemType, detail?: string, errors?: ProblemFieldError[], extensions?: Record<string, unknown>): ProblemException {
  const { status, title } = PROBLEMS[type];
  return new ProblemException(status, type, title, detail, errors, extensions);
}
