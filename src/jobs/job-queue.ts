import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobKind, JobPayloads } from 'src/jobs/job-kinds';
import { JobsRepository } from 'src/jobs/jobs.repository';

/** The one way to queue background work: a kind from the catalogue with its typed payload. */
@Injectable()
export class JobQueue {
  constructor(private readonly repository: JobsRepository) {}

  /**
   * Queues a job in the caller's transaction (pass its manager): the job exists exactly when the
   * change it follows is committed.
   */
  enqueue<K extends JobKind>(manager: EntityManager, kind: K, payload: JobPayloads[K], options: { runAfter?: Date } = {}): Promise<string> {
    return this.repository.insert(manager, kind, payload, options);
  }
}
