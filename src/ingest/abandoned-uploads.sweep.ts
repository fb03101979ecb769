import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { UploadsRepository } from 'src/ingest/uploads.repository';
import { RunAgain } from 'src/jobs/job-kinds';
import { JobRunner } from 'src/jobs/job-runner';

/**
 * The recurring job that writes down uploads cut off by a crash as failed (their rows were rolled
 * back with their transaction). Reads already show such a batch as failed; this makes it so in
 * the database. It looks again as soon as the youngest upload still receiving outlives its grace
 * period, so a dead upload is marked within a poll of that moment, not a whole interval later.
 */
@Injectable()
export class AbandonedUploadsSweep implements OnModuleInit {
  private readonly logger = new Logger(AbandonedUploadsSweep.name);

  constructor(
    private readonly repository: UploadsRepository,
    private readonly runner: JobRunner,
  ) {}

  onModuleInit(): void {
    this.runner.handle('abandoned-uploads', async (): Promise<RunAgain | void> => {
      const { runAgainAt } = await this.sweep();
      return runAgainAt ? { runAgainAt } : undefined;
    });
  }

  /** Returns how many uploads it marked failed, and when to look again if sooner than usual. */
  async sweep(): Promise<{ failed: number; runAgainAt?: Date }> {
    const failed = await this.repository.failAbandonedUploads();
    if (failed > 0) this.logger.warn({ failed }, 'uploads whose writer died marked as failed');
    const next = await this.repository.nextAbandonedCheck();
    return next ? { failed, runAgainAt: next } : { failed };
  }
}
