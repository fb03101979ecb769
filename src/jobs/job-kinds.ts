/**
 * The catalogue of background work: every job kind with its payload, and every queue — the kinds
 * one handler takes together, how many at once, its retries and what follows it. This is the one
 * place that names a kind; producers enqueue with `JobQueue.enqueue(manager, kind, payload)`,
 * and each queue's handler is registered by the module that owns the work (`JobRunner.handle`).
 *
 * One exception lives in SQL: the trigger `region_memberships_queue_refresh` (migrations) writes
 * `refresh-region` jobs itself; a test holds its string to `JobKind.RefreshRegion`.
 */
export const JobKind = {
  /** An institution's records changed: refresh the summaries of its regions for these cohorts. */
  RefreshSummaries: 'refresh-summaries',
  /** A region's definitions or memberships changed: refresh all its cohorts. */
  RefreshRegion: 'refresh-region',
  /** Recurring: mark streamed uploads whose writer died as failed. */
  SweepAbandonedUploads: 'sweep-abandoned-uploads',
  /** Recurring: delete records past their region's retention. */
  SweepRetention: 'sweep-retention',
  /** Recurring: delete web sessions and sign-in attempts past their time. */
  SweepSessions: 'sweep-sessions',
} as const;
export type JobKind = (typeof JobKind)[keyof typeof JobKind];

export interface JobPayloads {
  [JobKind.RefreshSummaries]: {
    institutionId: string;
    /**
     * Cohorts whose figures may change; for leavers, their school year and the next (follow-up)
     * cohort. For the logs and the job list: the refresh itself takes the changed students from
     * `refresh_pending_students`, which the record tables' triggers fill.
     */
    cohorts: number[];
  };
  [JobKind.RefreshRegion]: { regionId: string };
  [JobKind.SweepAbandonedUploads]: Record<string, never>;
  [JobKind.SweepRetention]: Record<string, never>;
  [JobKind.SweepSessions]: Record<string, never>;
}

/**
 * Steps that run after a queue's handler, in the same attempt, with what the handler returned.
 * They are never queued on their own: a failing step fails the job, which is retried whole.
 */
export const JobStep = {
  /** Trendbreuk detection for the regions whose summaries were just refreshed. */
  DetectTrendBreaks: 'detect-trend-breaks',
} as const;
export type JobStep = (typeof JobStep)[keyof typeof JobStep];

export interface JobStepInputs {
  [JobStep.DetectTrendBreaks]: { regionIds: string[] };
}

const MINUTE = 60_000;

export interface QueueDefinition {
  /** The kinds this queue's handler takes, together in one batch. */
  readonly kinds: readonly JobKind[];
  /** Jobs claimed at once (a handler may merge them). */
  readonly batchSize: number;
  /**
   * A failed attempt is retried after `retryDelayMs`, up to `maxAttempts` attempts in all; a
   * recurring job never gives up (it runs again after `retryDelayMs`).
   */
  readonly maxAttempts?: number;
  readonly retryDelayMs: number;
  /**
   * A running job whose worker has not signed of life for this long is queued again. Workers
   * renew their claim while a handler runs, so this is about dead workers, not long jobs.
   */
  readonly staleAfterMs: number;
  /** Recurring: one job of this kind always waits, and runs again this long after it finished. */
  readonly everyMs?: number;
  /** Recurring: also run whenever a worker starts. */
  readonly runAtStart?: boolean;
  /** The step that follows the handler in the same attempt. */
  readonly then?: JobStep;
}

export const JOB_QUEUES = {
  /**
   * Summary refreshes. A batch is merged per region, so that a burst of uploads costs one
   * refresh; trendbreuk detection follows in the same attempt (if it fails, the refresh is retried
   * with it, so that a region's alerts never lag its summaries for good).
   */
  refresh: {
    kinds: [JobKind.RefreshSummaries, JobKind.RefreshRegion],
    batchSize: 100,
    maxAttempts: 5,
    retryDelayMs: 5_000,
    staleAfterMs: 5 * MINUTE,
    then: JobStep.DetectTrendBreaks,
  },
  /**
   * Runs every minute, and sooner when a young upload is about to outlive its grace period; and
   * at every start, because a restart is when a dead process's uploads are to be looked at.
   */
  'abandoned-uploads': {
    kinds: [JobKind.SweepAbandonedUploads],
    batchSize: 1,
    retryDelayMs: 30_000,
    staleAfterMs: MINUTE,
    everyMs: MINUTE,
    runAtStart: true,
  },
  /** Once a day. */
  retention: {
    kinds: [JobKind.SweepRetention],
    batchSize: 1,
    retryDelayMs: 15 * MINUTE,
    staleAfterMs: 5 * MINUTE,
    everyMs: 24 * 60 * MINUTE,
  },
  /**
   * Every hour: a session nobody uses again is refused when it is past its time, but its row (who
   * signed in, when last seen) should not outlive it by more than this.
   */
  sessions: {
    kinds: [JobKind.SweepSessions],
    batchSize: 1,
    retryDelayMs: 5 * MINUTE,
    staleAfterMs: 5 * MINUTE,
    everyMs: 60 * MINUTE,
  },
} as const satisfies Record<string, QueueDefinition>;
export type JobQueueName = keyof typeof JOB_QUEUES;

export type KindsOf<Q extends JobQueueName> = (typeof JOB_QUEUES)[Q]['kinds'][number];

/** A claimed job of one kind, with its typed payload. */
export interface Job<K extends JobKind = JobKind> {
  id: string;
  kind: K;
  payload: JobPayloads[K];
  attempts: number;
}

/** What a recurring handler may answer: run again sooner than `everyMs` from now. */
export interface RunAgain {
  runAgainAt: Date;
}

/** What a queue's handler returns: the input of its `then` step, an earlier next run, or nothing. */
export type HandlerOutput<Q extends JobQueueName> = (typeof JOB_QUEUES)[Q] extends { then: infer S extends JobStep }
  ? JobStepInputs[S]
  : (typeof JOB_QUEUES)[Q] extends { everyMs: number }
    ? RunAgain | void
    : void;

/** Takes a claimed batch; a distributed union, so that a handler can switch on `job.kind`. */
export type JobsOf<Q extends JobQueueName> = Array<{ [K in KindsOf<Q>]: Job<K> }[KindsOf<Q>]>;

export type JobHandler<Q extends JobQueueName> = (jobs: JobsOf<Q>) => Promise<HandlerOutput<Q>>;
export type StepHandler<S extends JobStep> = (input: JobStepInputs[S]) => Promise<void>;

export const JOB_QUEUE_NAMES = Object.keys(JOB_QUEUES) as JobQueueName[];

/** The queue a kind belongs to (every kind belongs to exactly one; a test holds this). */
export function queueOf(kind: JobKind): JobQueueName {
  const name = JOB_QUEUE_NAMES.find((queue) => (JOB_QUEUES[queue].kinds as readonly JobKind[]).includes(kind));
  if (!name) throw new Error(`job kind ${kind} belongs to no queue`);
  return name;
}

export const isJobKind = (value: string): value is JobKind => (Object.values(JobKind) as string[]).includes(value);
