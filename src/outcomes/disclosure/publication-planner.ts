import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { extname, join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import type { MicroCell } from 'src/outcomes/disclosure/cells';
import type { PlanTask, WithheldCellKeys } from 'src/outcomes/disclosure/plan-thread';

/**
 * Makes the publication plans of a refresh on a thread of their own. A plan is seconds of CPU
 * for a large cohort; on the API's thread it held every request and every pool checkout behind
 * it (docs/reliability.md). One thread: plans of a region's cohorts run one after another as
 * before, and the API keeps the other core. The thread starts with the process's first plan and
 * then stays (its start, with the solver's, is a few hundred milliseconds: as much as the whole
 * refresh after a small upload); idle, it does not keep the process alive. At shutdown, plans
 * already asked for are finished first.
 */
@Injectable()
export class PublicationPlanner implements OnApplicationShutdown {
  private threads: Piscina<PlanTask, WithheldCellKeys> | undefined;
  /** Plans asked for and not yet answered (the pool's own close drops those still queued). */
  private readonly pending = new Set<Promise<unknown>>();

  private readonly logger = new Logger(PublicationPlanner.name);

  plan(cells: MicroCell[], k: number): Promise<WithheldCellKeys> {
    this.threads ??= this.startThreads();
    const answer = this.threads.run({ cells, k });
    const settled: Promise<unknown> = answer.then(
      () => this.pending.delete(settled),
      () => this.pending.delete(settled),
    );
    this.pending.add(settled);
    return answer;
  }

  async onApplicationShutdown(): Promise<void> {
    const threads = this.threads;
    this.threads = undefined;
    await Promise.all(this.pending);
    await threads?.close();
  }

  /**
   * A thread that fails outside a plan (e.g. while it starts) leaves the pool without threads and
   * its queued plans unanswered: such a pool is dropped, which fails those plans (their refresh
   * rolls back and its job is retried), and the next plan starts a new one.
   */
  private startThreads(): Piscina<PlanTask, WithheldCellKeys> {
    const threads = newThreads();
    threads.on('error', (error: unknown) => {
      this.logger.error({ err: error }, 'a publication plan thread failed; the next plan starts a new one');
      if (this.threads === threads) this.threads = undefined;
      threads.destroy().catch(() => undefined);
    });
    return threads;
  }
}

function newThreads(): Piscina<PlanTask, WithheldCellKeys> {
  // Built, the thread runs the compiled plan-thread.js next to this file; from the sources (the
  // tests, the scripts) it runs plan-thread.ts through the same TypeScript loader as they do.
  const fromSources = extname(__filename) === '.ts';
  return new Piscina<PlanTask, WithheldCellKeys>({
    filename: join(__dirname, `plan-thread${extname(__filename)}`),
    minThreads: 1,
    maxThreads: 1,
    ...(fromSources && {
      execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
      env: { ...process.env, TS_NODE_PROJECT: resolve(__dirname, '../../../tsconfig.json') },
    }),
  });
}
