import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  Job,
  JOB_QUEUE_NAMES,
  JOB_QUEUES,
  JobHandler,
  JobKind,
  JobQueueName,
  JobStep,
  QueueDefinition,
  queueOf,
  RunAgain,
  StepHandler,
} from 'src/jobs/job-kinds';
import { ClaimedJob, JobsRepository } from 'src/jobs/jobs.repository';

// Stored without their queue's types; `run` hands each exactly the jobs of its own queue.
type AnyHandler = (jobs: never) => Promise<unknown>;
type AnyStep = (input: never) => Promise<void>;

const DEFAULT_MAX_ATTEMPTS = 5;

const isRunAgain = (value: unknown): value is RunAgain => typeof value === 'object' && value !== null && (value as RunAgain).runAgainAt instanceof Date;
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs queued jobs with the handlers their modules registered: claims the queue of the oldest
 * due job (a whole batch of its kinds), runs the handler and its `then` step, and records the
 * outcome — done, retried with the queue's delay, failed for good, or (recurring) waiting for its
 * next run. The worker calls `runDue` on a timer; tests call it directly.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobRunner.name);
  private readonly handlers = new Map<JobQueueName, AnyHandler>();
  private readonly steps = new Map<JobStep, AnyStep>();

  constructor(private readonly repository: JobsRepository) {}

  /** Registers the handler of a queue (once; a module registers the work it owns). */
  handle<Q extends JobQueueName>(queue: Q, handler: JobHandler<Q>): void {
    if (this.handlers.has(queue)) throw new Error(`job queue ${queue} has a handler already`);
    this.handlers.set(queue, handler);
  }

  /** Registers the handler of a step that follows a queue's handler. */
  handleStep<S extends JobStep>(step: S, handler: StepHandler<S>): void {
    if (this.steps.has(step)) throw new Error(`job step ${step} has a handler already`);
    this.steps.set(step, handler);
  }

  /** Modules register in their init hooks; a queue nobody handles would fill up silently, so refuse to start. */
  onApplicationBootstrap(): void {
    const missing = this.missingHandlers();
    if (missing.length > 0) throw new Error(`background work without a handler: ${missing.join(', ')}`);
  }

  /** Queues, and the steps they need, that nothing handles. */
  missingHandlers(): string[] {
    const missing: string[] = [];
    for (const name of JOB_QUEUE_NAMES) {
      const queue: QueueDefinition = JOB_QUEUES[name];
      if (!this.handlers.has(name)) missing.push(`queue ${name}`);
      if (queue.then && !this.steps.has(queue.then)) missing.push(`step ${queue.then}`);
    }
    return missing;
  }

  /**
   * Claims and runs due jobs until none are left, or until `stop` says so (checked before each
   * claim: a shutting-down worker finishes what it holds and takes nothing new); returns how many
   * jobs it ran.
   */
  async runDue(options: { stop?: () => boolean } = {}): Promise<number> {
    const kinds = [...this.handlers.keys()].flatMap((name) => JOB_QUEUES[name].kinds);
    let done = 0;
    for (;;) {
      if (options.stop?.()) return done;
      const kind = await this.repository.nextDueKind(kinds);
      if (kind === null) return done;
      const name = queueOf(kind as JobKind);
      const queue: QueueDefinition = JOB_QUEUES[name];
      const claimed = await this.repository.claim({ kinds: queue.kinds, limit: queue.batchSize });
      if (claimed.length === 0) continue;
      await this.run(name, claimed);
      done += claimed.length;
    }
  }

  /** Queues jobs again whose worker vanished (their claim was not renewed in time). */
  async requeueStale(): Promise<number> {
    let requeued = 0;
    for (const name of JOB_QUEUE_NAMES) {
      const queue: QueueDefinition = JOB_QUEUES[name];
      requeued += await this.repository.requeueStale(queue.staleAfterMs, queue.kinds);
    }
    if (requeued > 0) this.logger.warn({ requeued }, 'jobs of a vanished worker queued again');
    return requeued;
  }

  /** Makes sure every recurring kind has its waiting job (at a worker's start). */
  async scheduleRecurring(): Promise<void> {
    for (const name of JOB_QUEUE_NAMES) {
      const queue: QueueDefinition = JOB_QUEUES[name];
      if (queue.everyMs === undefined) continue;
      for (const kind of queue.kinds) await this.repository.ensureRecurring(kind, { dueNow: queue.runAtStart === true });
    }
  }

  private async run(name: JobQueueName, claimed: ClaimedJob[]): Promise<void> {
    const queue: QueueDefinition = JOB_QUEUES[name];
    const handler = this.handlers.get(name)!;
    const ids = claimed.map((job) => job.id);
    const jobs = claimed.map((job): Job => ({ id: job.id, kind: job.kind as JobKind, payload: job.payload as Job['payload'], attempts: job.attempts }));
    // Renew the claim while the work runs, so that a long job is never taken for a dead one.
    const heartbeat = setInterval(() => {
      this.repository.heartbeat(ids).catch((error: unknown) => this.logger.warn({ err: error, queue: name }, 'job heartbeat failed'));
    }, Math.max(1_000, Math.floor(queue.staleAfterMs / 5)));
    let output: unknown;
    try {
      output = await handler(jobs as never);
      if (queue.then) await this.steps.get(queue.then)!(output as never);
    } catch (error) {
      clearInterval(heartbeat);
      this.logger.error({ err: error, queue: name, jobs: ids }, 'job failed; will retry');
      for (const job of claimed) {
        if (queue.everyMs !== undefined) await this.repository.rearm(job.id, new Date(Date.now() + queue.retryDelayMs), messageOf(error));
        else await this.repository.fail(job.id, messageOf(error), { retryDelayMs: queue.retryDelayMs, maxAttempts: queue.maxAttempts ?? DEFAULT_MAX_ATTEMPTS });
      }
      return;
    }
    clearInterval(heartbeat);
    for (const job of claimed) {
      if (queue.everyMs === undefined) {
        await this.repository.complete(job.id);
        continue;
      }
      const regular = Date.now() + queue.everyMs;
      const next = isRunAgain(output) ? Math.min(regular, output.runAgainAt.getTime()) : regular;
      await this.repository.rearm(job.id, new Date(next), null);
    }
  }
}
