import { Injectable, Logger } from '@nestjs/common';
import { ClaimedJob, JobsRepository, REFRESH_SUMMARIES } from 'src/jobs/jobs.repository';
import { SummariesRepository } from 'src/outcomes/summaries.repository';

/** Recomputes a whole region (definition or membership change). */
export const REFRESH_REGION = 'refresh-region';

export interface RefreshRegionPayload {
  regionId: string;
}

/** Runs after a region's summaries were refreshed (trendbreuk detection hooks in here). */
export interface RefreshListener {
  afterRefresh(regionId: string, cohorts: number[]): Promise<void>;
}

// A switch may follow an enrolment that ended up to the switch window (≤ 24 months) after its
// cohort's reference date, so a change in cohort c can change outcomes of cohorts down to c − 3;
// and a new earlier enrolment changes who counts as first-year in every later cohort.
const COHORTS_BACK = 3;

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);

/**
 * Turns queued refresh jobs into summary refreshes, merging jobs of the same region so that a
 * burst of uploads costs one refresh. Durable: the jobs stay in the database until done.
 */
@Injectable()
export class RefreshService {
  private readonly logger = new Logger(RefreshService.name);
  private readonly listeners: RefreshListener[] = [];

  constructor(
    private readonly jobs: JobsRepository,
    private readonly summaries: SummariesRepository,
  ) {}

  addListener(listener: RefreshListener): void {
    this.listeners.push(listener);
  }

  /**
   * Claims and runs due refresh jobs until none are left, or until `stop` says so (checked
   * before each claim: a shutting-down worker finishes what it holds and takes nothing new);
   * returns how many jobs it ran.
   */
  async runPending(options: { maxJobs?: number; stop?: () => boolean } = {}): Promise<number> {
    let done = 0;
    for (;;) {
      if (options.stop?.()) return done;
      const claimed = await this.jobs.claim({ kinds: [REFRESH_SUMMARIES, REFRESH_REGION], limit: 100 });
      if (claimed.length === 0) return done;
      await this.runJobs(claimed);
      done += claimed.length;
      if (options.maxJobs !== undefined && done >= options.maxJobs) return done;
    }
  }

  /** Refreshes every cohort of every region (after a restore, or from the command line). */
  async refreshAll(): Promise<void> {
    for (const regionId of await this.summaries.allRegionIds()) await this.refreshRegion(regionId, 'all');
  }

  private async runJobs(claimed: ClaimedJob[]): Promise<void> {
    const plan = new Map<string, Set<number> | 'all'>();
    const merge = (regionId: string, cohorts: number[] | 'all'): void => {
      const current = plan.get(regionId);
      if (current === 'all' || cohorts === 'all') {
        plan.set(regionId, 'all');
        return;
      }
      const set = current ?? new Set<number>();
      for (const cohort of cohorts) set.add(cohort);
      plan.set(regionId, set);
    };
    for (const job of claimed) {
      const payload = job.payload;
      if (job.kind === REFRESH_REGION && typeof payload.regionId === 'string') {
        merge(payload.regionId, 'all');
      } else if (job.kind === REFRESH_SUMMARIES && typeof payload.institutionId === 'string') {
        const cohorts = Array.isArray(payload.cohorts) ? payload.cohorts.filter((cohort): cohort is number => Number.isInteger(cohort)) : [];
        for (const regionId of await this.summaries.regionIdsEverJoinedBy(payload.institutionId)) merge(regionId, cohorts.length > 0 ? cohorts : 'all');
      }
    }
    try {
      for (const [regionId, cohorts] of plan) await this.refreshRegion(regionId, cohorts === 'all' ? 'all' : [...cohorts]);
      for (const job of claimed) await this.jobs.complete(job.id);
    } catch (error) {
      this.logger.error({ err: error, jobs: claimed.map((job) => job.id) }, 'summary refresh failed; will retry');
      for (const job of claimed) await this.jobs.fail(job.id, error instanceof Error ? error.message : String(error), { retryDelayMs: 5_000 });
    }
  }

  /** Recomputes the summaries of a region for the cohorts a change can affect. */
  async refreshRegion(regionId: string, changed: number[] | 'all'): Promise<number[]> {
    const started = Date.now();
    const records = await this.summaries.recordRange(regionId);
    const summarised = await this.summaries.summarisedRange(regionId);
    const known = [records, summarised].filter((item): item is { min: number; max: number } => item !== null);
    if (known.length === 0) return [];
    const lowest = Math.min(...known.map((item) => item.min));
    const highest = Math.max(...known.map((item) => item.max));
    const from = changed === 'all' || changed.length === 0 ? lowest : Math.max(lowest, Math.min(...changed) - COHORTS_BACK);
    const cohorts = range(from, highest);
    await this.summaries.refresh(regionId, cohorts);
    const durationMs = Date.now() - started;
    await this.summaries.recordDuration(regionId, durationMs);
    this.logger.log({ regionId, cohorts: cohorts.length, durationMs }, 'summaries refreshed');
    for (const listener of this.listeners) await listener.afterRefresh(regionId, cohorts);
    return cohorts;
  }
}
