import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * A background loop over a durable queue in the database, the same for every queue: poll every
 * `pollMs`; before each round, recover work whose worker vanished; at shutdown, finish what is
 * held and take nothing new (`stopping` is checked before every claim), then resolve.
 */
export abstract class PollingWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  /** Whether this process polls at all (the worker can be switched off per process). */
  protected abstract get enabled(): boolean;
  /** Pause between two rounds. */
  protected abstract get pollMs(): number;
  /** Before a round: put back work claimed by workers that died. */
  protected abstract recover(): Promise<void>;
  /** One round: claim and run due work until none is left or `stop()` says so. */
  protected abstract drain(stop: () => boolean): Promise<unknown>;
  /** Once, when the loop starts (e.g. create recurring jobs); failures are logged and retried next start. */
  protected async prepare(): Promise<void> {}

  get stopping(): boolean {
    return this.stopped;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    await this.prepare().catch((error: unknown) => this.logger.warn({ err: error }, 'background worker could not prepare'));
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => {
        this.running = undefined;
        this.schedule(this.pollMs);
      });
    }, delayMs);
  }

  private async round(): Promise<void> {
    try {
      await this.recover();
      await this.drain(() => this.stopped);
    } catch (error) {
      // The database may be away for a moment; the work waits in its queue.
      this.logger.warn({ err: error }, 'background work could not run');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
