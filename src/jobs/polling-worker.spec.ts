import { PollingWorker } from 'src/jobs/polling-worker';
import { until } from 'test/utils/until';

/** A queue in memory: each item takes `workMs`; `drain` checks `stop` before each take. */
class FakeWorker extends PollingWorker {
  readonly taken: number[] = [];
  readonly finished: number[] = [];
  recoveries = 0;
  private next = 0;

  constructor(
    private readonly items: number,
    private readonly workMs: number,
    private readonly on = true,
  ) {
    super();
  }

  protected get enabled(): boolean {
    return this.on;
  }

  protected get pollMs(): number {
    return 5;
  }

  protected recover(): Promise<void> {
    this.recoveries++;
    return Promise.resolve();
  }

  protected async drain(stop: () => boolean): Promise<void> {
    while (this.next < this.items) {
      if (stop()) return;
      const item = this.next++;
      this.taken.push(item);
      await new Promise((resolve) => setTimeout(resolve, this.workMs));
      this.finished.push(item);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PollingWorker: the loop every queue shares', () => {
  it('recovers before it drains, and keeps polling', async () => {
    const worker = new FakeWorker(3, 1);
    await worker.onApplicationBootstrap();
    await until(() => worker.finished.length === 3 && worker.recoveries > 1);
    await worker.onApplicationShutdown();
    expect(worker.finished).toEqual([0, 1, 2]);
  });

  it('at shutdown finishes the item it holds, takes nothing new, and resolves after it', async () => {
    const worker = new FakeWorker(10, 50);
    await worker.onApplicationBootstrap();
    await until(() => worker.taken.length > 0);
    expect(worker.taken).toEqual([0]);
    await worker.onApplicationShutdown();
    expect(worker.finished).toEqual([0]);
    expect(worker.taken).toEqual([0]);
    expect(worker.stopping).toBe(true);
    await sleep(30);
    expect(worker.taken).toEqual([0]);
  });

  it('does not run where the worker is switched off', async () => {
    const worker = new FakeWorker(3, 1, false);
    await worker.onApplicationBootstrap();
    await sleep(30);
    await worker.onApplicationShutdown();
    expect(worker.taken).toEqual([]);
  });
});
