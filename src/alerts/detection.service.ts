import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AlertsRepository, ReconciliationResult } from 'src/alerts/alerts.repository';
import { buildRegionSeries } from 'src/alerts/detection/cells';
import { detectAsync } from 'src/alerts/detection/detect';
import { DetectionParameters } from 'src/alerts/detection/model';
import { toAlertValues } from 'src/alerts/detection/reconcile';
import { METHOD_VERSION } from 'src/alerts/statistics';
import { WebhooksService } from 'src/alerts/webhooks/webhooks.service';
import { JobStep } from 'src/jobs/job-kinds';
import { JobRunner } from 'src/jobs/job-runner';
import { DefinitionSetEntity } from 'src/outcomes/definition-set.entity';
import { DefinitionsRepository } from 'src/outcomes/definitions.repository';

export interface DetectionRun extends Omit<ReconciliationResult, 'changes'> {
  regionId: string;
  cohorts: number;
  cells: number;
  tests: number;
  /** Tests left out of the BH family as the same hypothesis as one in it. */
  duplicates: { cells: number; complements: number };
  findings: number;
  notifications: number;
  /** Reading the summaries, the statistics, writing alerts (and queueing webhooks), in ms. */
  timings: { readMs: number; detectMs: number; writeMs: number; totalMs: number };
}

export const parametersOf = (definition: DefinitionSetEntity): DetectionParameters & { version: number } => ({
  version: definition.version,
  baselineCohorts: definition.baselineCohorts,
  minBaselineCohorts: definition.minBaselineCohorts,
  minBaselineN: definition.minBaselineN,
  minCurrentN: definition.minCurrentN,
  fdrQ: Number(definition.fdrQ),
  supplyLowRatio: Number(definition.supplyLowRatio),
  supplyHighRatio: Number(definition.supplyHighRatio),
  suppressionK: definition.suppressionK,
  switchersCountAsUitval: definition.switchersCountAsUitval,
});

/**
 * Trendbreuk detection for a region after every refresh of its summaries: the step
 * `detect-trend-breaks` that follows the refresh queue's handler in the same durable job (see
 * `job-kinds.ts`), so if detection fails, the refresh job fails and is retried. Reads the
 * summaries (never the records), runs the pure `detect`, and reconciles the alerts.
 */
@Injectable()
export class DetectionService implements OnModuleInit {
  private readonly logger = new Logger(DetectionService.name);

  constructor(
    private readonly repository: AlertsRepository,
    private readonly definitions: DefinitionsRepository,
    private readonly webhooks: WebhooksService,
    private readonly runner: JobRunner,
  ) {}

  onModuleInit(): void {
    this.runner.handleStep(JobStep.DetectTrendBreaks, async ({ regionIds }) => {
      for (const regionId of regionIds) await this.detectRegion(regionId);
    });
  }

  async detectRegion(regionId: string): Promise<DetectionRun> {
    const started = performance.now();
    const [rows, definitionSets] = await Promise.all([this.repository.flowRows(regionId), this.definitions.listForRegion(regionId)]);
    const read = performance.now();

    const parameters = new Map(definitionSets.map((definition) => [definition.id, parametersOf(definition)]));
    const series = buildRegionSeries(rows);
    if (series.inconsistentCohorts.length > 0) this.logger.warn({ regionId, cohorts: series.inconsistentCohorts }, 'summary rows of one cohort name several definition sets');
    const unknown = series.cohorts.filter((cohort) => !parameters.has(cohort.definitionSetId));
    if (unknown.length > 0) {
      // Cannot happen while definition sets are never deleted; skip those cohorts rather than guess.
      this.logger.error({ regionId, cohorts: unknown.map((item) => item.cohort) }, 'summaries name a definition set that does not exist; cohorts skipped');
      series.cohorts = series.cohorts.filter((cohort) => parameters.has(cohort.definitionSetId));
    }
    const result = await detectAsync(series, parameters);
    const values = result.findings.map((finding) => toAlertValues(finding, parameters.get(finding.definitionSetId)!, METHOD_VERSION));
    const detected = performance.now();

    let notifications = 0;
    const reconciled = await this.repository.reconcile(regionId, values, async (manager, region, changes) => {
      notifications = await this.webhooks.queueDeliveries(manager, region, changes);
    });
    const written = performance.now();

    const { changes: _changes, ...counts } = reconciled;
    const run: DetectionRun = {
      regionId,
      cohorts: series.cohorts.length,
      cells: series.cells.length,
      tests: result.tests,
      duplicates: result.duplicates,
      findings: result.findings.length,
      ...counts,
      notifications,
      timings: {
        readMs: Math.round(read - started),
        detectMs: Math.round(detected - read),
        writeMs: Math.round(written - detected),
        totalMs: Math.round(written - started),
      },
    };
    this.logger.log(run, 'trendbreuk detection done');
    return run;
  }
}
