import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import type { MicroCell } from 'src/outcomes/disclosure/cells';
import type { PlanTask, WithheldCellKeys } from 'src/outcomes/disclosure/plan-thread';

/**
 * Makes the publication plans of a refresh on a thread of their own. A plan is seconds of CPU
 * for a large cohort; on the API's thread it held every request and every pool checkout behind
 * it (docs/reliability.md). One thread: plans of a region's cohorts run one after another as
 * before, and the API keeps the other core. The thread starts with the process's first refresh
 * and then stays (its start, with the solver's, is a few hundred milliseconds: as much as the
 * whole refresh after a small upload); idle, it does not keep the process alive. At shutdown,
 * plans already asked for are finished first, and a plan asked for later still gets its answer.
 */
@Injectable()
export class PublicationPlanner implements OnApplicationShutdown {
  private threads: Piscina<PlanTask, WithheldCellKeys> | undefined;
  /** Plans asked for and not yet answered (the pool's own close drops those still queued). */
  private readonly pending = new Set<Promise<unknown>>();
  /**
   * Set by shutdown: a plan asked for after it (a job still finishing its refresh) starts a
   * thread that closes again once it has no plan left, as nobody else would close it.
   */
  private stopped = false;
  /** The closes of pools begun so far: shutdown waits for them, also for one the last plan began. */
  private closing: Promise<void> = Promise.resolve();

  private readonly logger = new Logger(PublicationPlanner.name);

  /**
   * Starts the thread, if it is not running, without waiting for it: a refresh calls this before
   * its statements, so that the thread and its solver are loaded by the time the first plan is
   * asked for (in a process that has not planned yet, e.g. just after a restart).
   */
  prepare(): void {
    this.threads ??= this.startThreads();
  }

  plan(cells: MicroCell[], k: number): Promise<WithheldCellKeys> {
    this.threads ??= this.startThreads();
    const answer = this.threads.run({ cells, k });
    const done = (): void => {
      this.pending.delete(settled);
      if (this.stopped && this.pending.size === 0) {
        this.closeThreads().catch((error: unknown) => this.logger.warn({ err: error }, 'closing the publication plan thread failed'));
      }
    };
    const settled: Promise<unknown> = answer.then(done, done);
    this.pending.add(settled);
    return answer;
  }

  /** Whether a thread is running (or starting). */
  get running(): boolean {
    return this.threads !== undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.pending);
    await this.closeThreads();
  }

  private closeThreads(): Promise<void> {
    const threads = this.threads;
    this.threads = undefined;
    if (threads) this.closing = Promise.all([this.closing, threads.close()]).then(() => undefined);
    return this.closing;
  }

  /** The file the thread runs (a seam for the tests, which also give it a broken one). */
  protected threadFile(): string {
    return planThreadFile();
  }

  /**
   * A thread that fails outside a plan (e.g. while it starts) leaves the pool without threads and
   * its queued plans unanswered: such a pool is dropped, which fails those plans (their refresh
   * rolls back and its job is retried), and the next plan starts a new one.
   */
  private startThreads(): Piscina<PlanTask, WithheldCellKeys> {
    const threads = newThreads(this.threadFile());
    threads.on('error', (error: unknown) => {
      this.logger.error({ err: error }, 'a publication plan thread failed; the next plan starts a new one');
      if (this.threads === threads) this.threads = undefined;
      threads.destroy().catch(() => undefined);
    });
    return threads;
  }
}

function newThreads(filename: string): Piscina<PlanTask, WithheldCellKeys> {
  return new Piscina<PlanTask, WithheldCellKeys>({
    filename,
    minThreads: 1,
    maxThreads: 1,
    // An idle thread runs its event loop instead of blocking on Atomics.wait, so that what it
    // loads at its start (the solver) finishes before the first plan. Plans are few and large:
    // the faster hand-over of small tasks buys nothing here.
    atomics: 'disabled',
  });
}

/**
 * Built, the thread runs the compiled plan-thread.js next to this file. From the sources (the
 * tests, the scripts) it runs plan-thread.ts bundled by esbuild (a development dependency, as the
 * sources are) into one file under node_modules/.cache, from where the packages it requires
 * resolve: loading TypeScript itself in each new thread took about a second.
 */
function planThreadFile(): string {
  if (extname(__filename) !== '.ts') return join(__dirname, 'plan-thread.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only from the sources, where the development dependencies are installed
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  const root = resolve(__dirname, '../../..');
  const [output] = buildSync({
    entryPoints: [join(__dirname, 'plan-thread.ts')],
    tsconfig: join(root, 'tsconfig.json'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'error',
  }).outputFiles;
  const folder = join(root, 'node_modules', '.cache', 'doorstroom-plan-thread');
  const file = join(folder, `plan-thread-${createHash('sha256').update(output.contents).digest('hex').slice(0, 16)}.cjs`);
  if (!existsSync(file)) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(`${file}.${process.pid}`, output.contents);
    renameSync(`${file}.${process.pid}`, file);
  }
  return file;
}
