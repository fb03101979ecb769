import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditRepository, NewAuditEntry } from 'src/audit/audit.repository';
import { JobKind } from 'src/jobs/job-kinds';
import { JobQueue } from 'src/jobs/job-queue';
import { JobRunner } from 'src/jobs/job-runner';
import { DeletedRecords, RegionRetention, RetentionRepository } from 'src/retention/retention.repository';

/** Records deleted per transaction (of each kind): short transactions, also on the embedded database. */
export const RETENTION_BATCH = 10_000;

export interface RegionSweep {
  regionId: string;
  code: string;
  retentionMonths: number;
  lastExpiredCohort: number;
  enrolmentsDeleted: number;
  leaversDeleted: number;
  /** Alumni survey answers whose cohort (survey year − 1) is past retention. */
  surveyAnswersDeleted: number;
  /** Transactions it took (each audited). */
  batches: number;
}

/**
 * The retention sweep (a recurring job, once a day): deletes the records that are past their
 * region's retention (see RetentionRepository for "past") in batches. Each batch is one
 * transaction with the refresh jobs of the institutions it touched and an audit entry of the
 * region with the counts, so that nothing is deleted unaudited or left out of the summaries.
 * A record of an institution in several regions goes at the shortest retention among them:
 * retention periods are maxima, and keeping it longer would break the shorter agreement.
 * Running it again deletes nothing more: it is idempotent.
 */
@Injectable()
export class RetentionService implements OnModuleInit {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    private readonly repository: RetentionRepository,
    private readonly jobs: JobQueue,
    private readonly audit: AuditRepository,
    private readonly runner: JobRunner,
  ) {}

  onModuleInit(): void {
    this.runner.handle('retention', async (jobs) => {
      for (const job of jobs) await this.sweep({ sweepId: `job-${job.id}` });
    });
  }

  /** Sweeps every region (or one); returns what it deleted per region. */
  async sweep(options: { regionId?: string; sweepId?: string; batchSize?: number } = {}): Promise<RegionSweep[]> {
    const sweepId = options.sweepId ?? randomUUID();
    const results: RegionSweep[] = [];
    for (const region of await this.repository.regions(options.regionId)) {
      results.push(await this.sweepRegion(region, sweepId, options.batchSize ?? RETENTION_BATCH));
    }
    const total = results.reduce((sum, result) => sum + result.enrolmentsDeleted + result.leaversDeleted + result.surveyAnswersDeleted, 0);
    if (total > 0) this.logger.log({ sweepId, regions: results.filter((result) => result.enrolmentsDeleted + result.leaversDeleted + result.surveyAnswersDeleted > 0) }, 'records past retention deleted');
    return results;
  }

  private async sweepRegion(region: RegionRetention, sweepId: string, batchSize: number): Promise<RegionSweep> {
    const result: RegionSweep = {
      regionId: region.id,
      code: region.code,
      retentionMonths: region.retentionMonths,
      lastExpiredCohort: region.lastExpiredCohort,
      enrolmentsDeleted: 0,
      leaversDeleted: 0,
      surveyAnswersDeleted: 0,
      batches: 0,
    };
    for (;;) {
      const counts = await this.repository.transaction(async (manager) => {
        const enrolments = await this.repository.deleteExpiredEnrolments(manager, region.id, region.lastExpiredCohort, batchSize);
        const leavers = await this.repository.deleteExpiredLeavers(manager, region.id, region.lastExpiredCohort, batchSize);
        const surveyAnswers = await this.repository.deleteExpiredSurveyAnswers(manager, region.id, region.lastExpiredCohort, batchSize);
        await this.queueRefreshes(manager, [...enrolments, ...leavers]);
        const deleted = { enrolments: sum(enrolments), leavers: sum(leavers), surveyAnswers: sum(surveyAnswers) };
        await this.audit.append([auditEntry(region, sweepId, result.batches + 1, deleted)], manager);
        return deleted;
      });
      result.batches++;
      result.enrolmentsDeleted += counts.enrolments;
      result.leaversDeleted += counts.leavers;
      result.surveyAnswersDeleted += counts.surveyAnswers;
      // A full batch may have left more behind; a short one was the last.
      if (counts.enrolments < batchSize && counts.leavers < batchSize && counts.surveyAnswers < batchSize) return result;
    }
  }

  /** One refresh job per institution, for the cohorts it lost (in the deleting transaction). */
  private async queueRefreshes(manager: EntityManager, deleted: DeletedRecords[]): Promise<void> {
    const byInstitution = new Map<string, Set<number>>();
    for (const item of deleted) {
      const cohorts = byInstitution.get(item.institutionId) ?? new Set<number>();
      for (const cohort of item.cohorts) cohorts.add(cohort);
      byInstitution.set(item.institutionId, cohorts);
    }
    for (const [institutionId, cohorts] of byInstitution) {
      await this.jobs.enqueue(manager, JobKind.RefreshSummaries, { institutionId, cohorts: [...cohorts].sort((a, b) => a - b) });
    }
  }
}

const sum = (deleted: DeletedRecords[]): number => deleted.reduce((total, item) => total + item.count, 0);

/** The audit log's row for system work: no client, method JOB, the job kind as route, status 200. */
const auditEntry = (region: RegionRetention, sweepId: string, batch: number, deleted: { enrolments: number; leavers: number; surveyAnswers: number }): NewAuditEntry => ({
  occurredAt: new Date(),
  requestId: sweepId,
  clientId: null,
  institutionId: null,
  regionId: region.id,
  method: 'JOB',
  route: `jobs/${JobKind.SweepRetention}`,
  requiredScope: null,
  outcome: 'allowed',
  statusCode: 200,
  target: { region: region.code, cohortTo: region.lastExpiredCohort, written: deleted.enrolments + deleted.leavers + deleted.surveyAnswers },
  detail: {
    retentionMonths: region.retentionMonths,
    lastExpiredCohort: region.lastExpiredCohort,
    enrolmentsDeleted: deleted.enrolments,
    leaversDeleted: deleted.leavers,
    surveyAnswersDeleted: deleted.surveyAnswers,
    batch,
  },
});
