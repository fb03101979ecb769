import type { CsvRow } from 'src/common/csv-export';
import type { InterventionDetailDto } from 'src/interventions/dto/intervention.dto';

/**
 * One intervention as CSV: a row per cohort of its series (targeted and comparison cells, as the
 * caller reads them), each carrying the intervention and its pooled effect, so that a row read on
 * its own still says what was measured and how sure it is.
 */
export function interventionToCsv(detail: InterventionDetailDto): CsvRow[] {
  const { effect } = detail;
  const pooled = {
    intervention: detail.id,
    region: detail.region,
    type: detail.type,
    title: detail.title,
    metric: detail.metric,
    direction: detail.direction,
    firstCohort: detail.firstCohort,
    reviewDate: detail.reviewDate,
    state: detail.state,
    effectStatus: effect.status,
    verdict: effect.verdict,
    protection: effect.protection,
    difference: effect.targeted.difference?.estimate ?? null,
    differenceLower: effect.targeted.difference?.lower ?? null,
    differenceUpper: effect.targeted.difference?.upper ?? null,
    fisherP: effect.targeted.p,
    differenceInDifferences: effect.differenceInDifferences?.estimate ?? null,
    differenceInDifferencesLower: effect.differenceInDifferences?.lower ?? null,
    differenceInDifferencesUpper: effect.differenceInDifferences?.upper ?? null,
  };
  return effect.series.map((point) => ({
    ...pooled,
    cohort: point.cohort,
    period: point.period,
    definitionSet: point.definitionSetId,
    targetedN: point.targeted.n,
    targetedEvents: point.targeted.events,
    targetedRate: point.targeted.rate,
    targetedCellsWithheld: point.targeted.cellsWithheld,
    comparisonN: point.comparison.n,
    comparisonEvents: point.comparison.events,
    comparisonRate: point.comparison.rate,
    comparisonCellsWithheld: point.comparison.cellsWithheld,
  }));
}
