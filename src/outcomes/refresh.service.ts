import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JobKind, JobsOf, JobStep, JobStepInputs } from 'src/jobs/job-kinds';
import { JobRunner } from 'src/jobs/job-runner';
import { RefreshOutcome, SummariesRepository } from 'src/outcomes/summaries.repository';

/**
 * Handles the refresh queue: turns queued refresh jobs into summary refreshes, merging the jobs
 * of one batch per region so that a burst of uploads costs one refresh. A change of records
 * refreshes only the students it touched (triggers list them in `refresh_pending_students`); a
 * change of definitions, memberships or the programme catalogue refreshes the region in full. Durable: the jobs stay in
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

  /** Refreshes every region a batch of refresh jobs touches, once; returns those whose summaries changed. */
  async runJobs(jobs: JobsOf<'refresh'>): Promise<JobStepInputs[typeof JobStep.DetectTrendBreaks]> {
    const plan = new Map<string, 'all' | 'changed'>();
    for (const job of jobs) {
      if (job.kind === JobKind.RefreshRegion) {
        if (typeof job.payload.regionId === 'string') plan.set(job.payload.regionId, 'all');
      } else if (typeof job.payload.institutionId === 'string') {
        for (const regionId of await this.summaries.regionIdsEverJoinedBy(job.payload.institutionId)) {
          if (!plan.has(regionId)) plan.set(regionId, 'changed');
        }
      }
    }
    const regionIds: string[] = [];
    for (const [regionId, scope] of plan) {
      if ((await this.refreshRegion(regionId, scope)).changed) regionIds.push(regionId);
    }
    return { regionIds };
  }

  /** Brings a region's summaries up to date: in full, or for the students changed since the last refresh. */
  async refreshRegion(regionId: string, scope: 'all' | 'changed'): Promise<RefreshOutcome> {
    const started = Date.now();
    const outcome = await this.summaries.refresh(regionId, scope);
    const durationMs = Date.now() - started;
    await this.summaries.recordDuration(regionId, durationMs);
    this.logger.log({ regionId, full: outcome.full, students: outcome.students, cohorts: outcome.cohorts.length, durationMs }, 'summaries refreshed');
    return outcome;
  }
}
