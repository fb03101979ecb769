import { HttpException, HttpStatus } from '@nestjs/common';

/** One invalid field, row or parameter. Exactly one locator is set. */
export interface ProblemFieldError {
  /** JSON pointer into the request body, as a URI fragment (`#/rows/3/startDate`). */
  pointer?: string;
  /** A query or path parameter. */
  parameter?: string;
  /** A request header. */
  header?: string;
  /** A line and column of an uploaded CSV file (line 1 is the header). */
  line?: number;
  column?: string;
  /** Machine-readable reason, e.g. `isDateString` or `looks_like_bsn`. */
  code?: string;
  detail: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://doorstroom.nl/problems/';

/** An RFC 9457 problem, thrown from services and rendered by the global exception filter. */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly problemType: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: ProblemFieldError[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super({ type: problemType, title, detail, errors }, status);
  }

  toDocument(instance?: string): ProblemDocument {
    return {
      type: problemTypeUri(this.problemType),
      title: this.title,
      status: this.getStatus(),
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.errors && this.errors.length > 0 ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

export const problemTypeUri = (slug: string): string => `${PROBLEM_TYPE_BASE}${slug}`;

/** Escapes one segment of a JSON pointer (RFC 6901). */
export const escapePointerSegment = (segment: string | number): string =>
  String(segment).replace(/~/g, '~0').replace(/\//g, '~1');

export const toPointer = (segments: Array<string | number>): string =>
  `#/${segments.map(escapePointerSegment).join('/')}`;

/** 429 with the seconds to wait, which the filter also sends as `Retry-After`. */
export const tooManyRequests = (detail: string, retryAfterSeconds: number, extensions: Record<string, unknown> = {}): ProblemException =>
  new ProblemException(HttpStatus.TOO_MANY_REQUESTS, 'too-many-requests', 'Too many requests', detail, undefined, { ...extensions, retryAfter: retryAfterSeconds });

export const notFound = (what: string): ProblemException =>
  new ProblemException(HttpStatus.NOT_FOUND, 'not-found', 'Not found', `${what} does not exist or is not visible to you.`);
