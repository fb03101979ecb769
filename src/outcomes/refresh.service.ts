import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JobKind, JobsOf, JobStep, JobStepInputs } from 'src/jobs/job-kinds';
import { JobRunner } from 'src/jobs/job-runner';
import { planPublication } from 'src/outcomes/disclosure/publication-plan';
import { CohortCells, SummariesRepository } from 'src/outcomes/summaries.repository';

// A switch may follow an enrolment that ended up to the switch window (≤ 24 months) after its
// cohort's reference date, so a change in cohort c can change outcomes of cohorts down to c − 3;
// and a new earlier enrolment changes who counts as first-year in every later cohort.
const COHORTS_BACK = 3;

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);

/**
 * Handles the refresh queue: turns queued refresh jobs into summary refreshes, merging the jobs
 * of one batch per region so that a burst of uploads costs one refresh. Durable: the jobs stay in
 * the database until done. Trendbreuk detection follows as the queue's `then` step (see
 * `job-kinds.ts`), with the regions refreshed here.
 */
@Injectable()
export class RefreshService implements OnModuleInit {
  private readonly logger = new Logger(RefreshService.name);

  constructor(
    private readonly summaries: SummariesRepository,
    private readonly runner: JobRunner,
  ) {}

  onModuleInit(): void {
    this.runner.handle('refresh', (jobs) => this.runJobs(jobs));
  }

  /** Refreshes every cohort of every region (after a restore, or from the command line). */
  async refreshAll(): Promise<void> {
    for (const regionId of await this.summaries.allRegionIds()) await this.refreshRegion(regionId, 'all');
  }

  /** Refreshes every region a batch of refresh jobs touches, once; returns those regions. */
  async runJobs(jobs: JobsOf<'refresh'>): Promise<JobStepInputs[typeof JobStep.DetectTrendBreaks]> {
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
    for (const job of jobs) {
      if (job.kind === JobKind.RefreshRegion) {
        if (typeof job.payload.regionId === 'string') merge(job.payload.regionId, 'all');
      } else if (typeof job.payload.institutionId === 'string') {
        const cohorts = Array.isArray(job.payload.cohorts) ? job.payload.cohorts.filter((cohort): cohort is number => Number.isInteger(cohort)) : [];
        for (const regionId of await this.summaries.regionIdsEverJoinedBy(job.payload.institutionId)) merge(regionId, cohorts.length > 0 ? cohorts : 'all');
      }
    }
    const regionIds: string[] = [];
    for (const [regionId, cohorts] of plan) {
      if ((await this.refreshRegion(regionId, cohorts === 'all' ? 'all' : [...cohorts])).length > 0) regionIds.push(regionId);
    }
    return { regionIds };
  }

  /** The cells of a cohort withheld from every output (docs/disclosure-control.md). */
  private async protect({ cells, k }: CohortCells): Promise<Array<{ cellKey: string; reason: 'primary' | 'complementary' }>> {
    const plan = await planPublication(cells, k);
    return [...plan.suppressed].sort().map((cellKey) => ({ cellKey, reason: plan.primary.has(cellKey) ? 'primary' : 'complementary' }));
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
    await this.summaries.refresh(regionId, cohorts, (cohort) => this.protect(cohort));
    const durationMs = Date.now() - started;
    await this.summaries.recordDuration(regionId, durationMs);
    this.logger.log({ regionId, cohorts: cohorts.length, durationMs }, 'summaries refreshed');
    return cohorts;
  }
}
