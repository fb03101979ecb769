import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { JobsRepository } from 'src/jobs/jobs.repository';
import { RefreshService } from 'src/outcomes/refresh.service';

// A job running longer than this belongs to a worker that died; it is queued again.
const STALE_AFTER_MS = 15 * 60_000;

/** Polls the durable job queue in the background; stops cleanly on shutdown. */
@Injectable()
export class RefreshWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RefreshWorker.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly refresh: RefreshService,
    private readonly jobs: JobsRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.worker.enabled) return;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule(this.config.worker.pollMs);
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    try {
      await this.jobs.requeueStale(STALE_AFTER_MS);
      await this.refresh.runPending({ stop: () => this.stopped });
    } catch (error) {
      // The database may be away for a moment; the jobs wait in the queue.
      this.logger.warn({ err: error }, 'background refresh could not run');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
