import { Module } from '@nestjs/common';
import { IdempotencyRepository } from 'src/idempotency/idempotency.repository';
import { IdempotencyService } from 'src/idempotency/idempotency.service';

/** Idempotency-Key handling: the one unit of work of an idempotent write (runIdempotent). */
@Module({
  providers: [IdempotencyRepository, IdempotencyService],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
