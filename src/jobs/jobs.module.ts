import { Module } from '@nestjs/common';
import { JobQueue } from 'src/jobs/job-queue';
import { JobRunner } from 'src/jobs/job-runner';
import { JobsRepository } from 'src/jobs/jobs.repository';
import { JobsWorker } from 'src/jobs/jobs.worker';

/**
 * Background work as one capability: the catalogue of kinds (`job-kinds.ts`), the typed
 * `JobQueue.enqueue` producers call in their transaction, the `JobRunner` that modules register
 * their handlers with, and the one worker that runs them.
 */
@Module({
  providers: [JobsRepository, JobQueue, JobRunner, JobsWorker],
  exports: [JobsRepository, JobQueue, JobRunner],
})
export class JobsModule {}
