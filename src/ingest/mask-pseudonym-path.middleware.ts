import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const PSEUDONYM_SEGMENT = /^(\/v1\/pseudonyms\/)[^/?#]*/;

/**
 * DELETE /v1/pseudonyms/{pseudonym} carries the pseudonym (or, by mistake, a raw BSN) in its
 * path. Problem documents echo the request path as `instance`; this replaces the segment
 * first, so that an error response never repeats the value. Routing uses `url`, not
 * `originalUrl`, and the audit log records the route pattern, so neither is affected.
 */
@Injectable()
export class MaskPseudonymPathMiddleware implements NestMiddleware {
  use(request: Request, _response: Response, next: NextFunction): void {
    if (request.originalUrl) request.originalUrl = request.originalUrl.replace(PSEUDONYM_SEGMENT, '$1{pseudonym}');
    next();
  }
}
