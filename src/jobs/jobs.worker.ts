import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { JobRunner } from 'src/jobs/job-runner';
import { PollingWorker } from 'src/jobs/polling-worker';

// Looking for jobs of vanished workers scans the running ones; once in a while is enough.
const RECOVER_EVERY_MS = 30_000;

/** Runs the durable jobs of every queue in the background (see `job-kinds.ts`). */
@Injectable()
export class JobsWorker extends PollingWorker {
  private lastRecovery = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runner: JobRunner,
  ) {
    super();
  }

  protected get enabled(): boolean {
    return this.config.worker.enabled;
  }

  protected get pollMs(): number {
    return this.config.worker.pollMs;
  }

  protected override prepare(): Promise<void> {
    return this.runner.scheduleRecurring();
  }

  protected async recover(): Promise<void> {
    if (Date.now() - this.lastRecovery < RECOVER_EVERY_MS) return;
    await this.runner.requeueStale();
    this.lastRecovery = Date.now();
  }

  protected drain(stop: () => boolean): Promise<number> {
    return this.runner.runDue({ stop });
  }
}
