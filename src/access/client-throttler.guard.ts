import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest } from 'src/access/access.guard';

/** Rate limits per API client; anonymous requests (the token endpoint) per address. */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { principal, ip } = request as unknown as AuthenticatedRequest;
    return Promise.resolve(principal ? `client:${principal.clientId}` : `ip:${ip ?? 'unknown'}`);
  }
}
