import { Module } from '@nestjs/common';
import { AccessRepository } from 'src/access/access.repository';
import { AccessService } from 'src/access/access.service';

/**
 * Who may see what. The route rules (`@Authenticated`, the global guard, the throttler) need no
 * module; the tenancy questions are answered by AccessService, which every feature imports.
 */
@Module({
  providers: [AccessRepository, AccessService],
  exports: [AccessService],
})
export class AccessModule {}
