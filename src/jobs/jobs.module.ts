import { Module } from '@nestjs/common';
import { JobsRepository } from 'src/jobs/jobs.repository';

/** The durable job queue; producers enqueue in their transaction, workers claim and complete. */
@Module({
  providers: [JobsRepository],
  exports: [JobsRepository],
})
export class JobsModule {}
