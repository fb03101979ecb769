import type { CsvRow } from 'src/common/csv-export';
import type { SurveyCellDto, SurveyFiguresDto } from 'src/surveys/dto/survey.dto';

/** The survey figures as CSV: one row per cell (the total, each outcome group, each receiver), one column per item's mean. */
export function surveyFiguresToCsv(figures: SurveyFiguresDto): CsvRow[] {
  const row = (table: string, cell: SurveyCellDto): CsvRow => ({
    survey_year: figures.surveyYear,
    cohort: figures.cohort,
    questionnaire: figures.questionnaire,
    table,
    group: cell.group,
    receiver_brin: cell.receiver?.brin ?? null,
    label: cell.label,
    protection: cell.protection,
    former_pupils: cell.formerPupils,
    respondents: cell.respondents,
    response_rate: cell.responseRate,
    ...Object.fromEntries(cell.means.map((mean) => [`mean_${mean.item}`, mean.mean])),
    mean_margin: cell.meanMargin,
    definition_set: figures.definitionSet ? `${figures.definitionSet.name} (versie ${figures.definitionSet.version})` : null,
  });
  if (!figures.total) return [];
  return [row('total', figures.total), ...figures.byOutcome.map((cell) => row('outcome', cell)), ...figures.byReceiver.map((cell) => row('receiver', cell))];
}
