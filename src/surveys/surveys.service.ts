import { Injectable } from '@nestjs/common';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { problem } from 'src/common/problems';
import { currentSchoolYear } from 'src/records/codes';
import { DefinitionsRepository } from 'src/outcomes/definitions.repository';
import { toDefinitionReference } from 'src/outcomes/definitions.service';
import { protectSurveyCell, SurveyPupil } from 'src/outcomes/disclosure/survey-figures';
import { QUESTIONNAIRES, Questionnaire, questionnaireByVersion, SURVEY_COHORT_OFFSET, SurveyItemId } from 'src/records/questionnaires';
import { OUTCOME_GROUPS, OutcomeGroup, QuestionnaireListDto, SurveyCellDto, SurveyFiguresDto, SurveyFiguresQueryDto } from 'src/surveys/dto/survey.dto';
import { SurveyPupilRow, SurveysRepository } from 'src/surveys/surveys.repository';

export const DEFAULT_QUESTIONNAIRE = 'alumni-1';
const DEFAULT_K = 10;

/**
 * The outcome group of a first-year outcome, as the school's figures split it. An external switch
 * and uitval are one group, "left the institution": which of the two it was depends on other
 * institutions' records, and an institution reads that split only in the one perturbed family of
 * the views (docs/disclosure-control.md, attack 5 in reverse); a second, independently perturbed
 * reading of it here would let the two readings be intersected.
 */
export const OUTCOME_GROUP: Record<string, OutcomeGroup> = { enrolled: 'stayed', diploma: 'stayed', switch_internal: 'switched', switch_external: 'left', uitval: 'left' };
export const GROUP_LABELS: Record<OutcomeGroup, string> = { stayed: 'Gebleven (ingeschreven of diploma)', switched: 'Geswitcht binnen de instelling', left: 'Vertrokken (uitval of naar een andere instelling)' };

/**
 * Alumni surveys (issue 14): the fixed questionnaires, and a supplying school's figures of its own
 * respondents linked to their outcomes, by outcome group and by receiver, through the survey
 * rules of the disclosure layer (src/outcomes/disclosure/survey-figures.ts). Only the school sees
 * them: the answers are its own, and no one else reads a school's survey.
 */
@Injectable()
export class SurveysService {
  constructor(
    private readonly repository: SurveysRepository,
    private readonly access: AccessService,
    private readonly definitions: DefinitionsRepository,
  ) {}

  questionnaires(): QuestionnaireListDto {
    return { items: QUESTIONNAIRES.map((questionnaire) => ({ ...questionnaire, items: questionnaire.items.map((item) => ({ ...item })) })) };
  }

  async figures(auth: Principal, query: SurveyFiguresQueryDto): Promise<SurveyFiguresDto> {
    const view = await this.access.institutionView(auth, query.region);
    const questionnaire = questionnaireByVersion(query.questionnaire ?? DEFAULT_QUESTIONNAIRE)!;
    // Only closed survey years: while one takes answers its figures could be read after every change (docs/surveys.md).
    const open = currentSchoolYear();
    if (query.surveyYear !== undefined && query.surveyYear >= open) {
      throw problem('invalid-request', `Survey year ${query.surveyYear} is not closed: its figures are published from 1 August ${query.surveyYear + 1}.`, [
        { parameter: 'surveyYear', code: 'survey_open', detail: `must be a closed survey year (before ${open})` },
      ]);
    }
    const [labels, years] = await Promise.all([this.repository.institutionLabels([view.institutionId]), this.repository.surveyYears(view.institutionId, questionnaire.version)]);
    const surveyYears = years.filter((year) => year < open);
    const surveyYear = query.surveyYear ?? surveyYears.at(-1) ?? null;
    const base: SurveyFiguresDto = {
      region: view.region.code,
      institution: labels.get(view.institutionId)?.brin ?? '',
      questionnaire: questionnaire.version,
      surveyYears,
      openSurveyYear: open,
      surveyYear,
      cohort: surveyYear === null ? null : surveyYear + SURVEY_COHORT_OFFSET,
      definitionSet: null,
      suppressionK: DEFAULT_K,
      total: null,
      byOutcome: [],
      byReceiver: [],
    };
    if (surveyYear === null) return base;
    const cohort = surveyYear + SURVEY_COHORT_OFFSET;
    const definition = (await this.definitions.listForRegion(view.region.id))
      .filter((candidate) => candidate.effectiveFromCohort !== null && candidate.effectiveFromCohort <= cohort)
      .sort((a, b) => (b.effectiveFromCohort ?? 0) - (a.effectiveFromCohort ?? 0) || b.version - a.version)[0];
    const k = definition?.suppressionK ?? DEFAULT_K;
    const rows = await this.repository.pupils(view.region.id, view.institutionId, cohort, questionnaire.version, surveyYear);
    const table = new SurveyTable(questionnaire, k);

    const receivers = [...new Set(rows.map((row) => row.receiverId))];
    const receiverLabels = await this.repository.institutionLabels(receivers);
    const byReceiver = receivers
      .map((id) => ({ id, label: receiverLabels.get(id) ?? { brin: '', name: '' } }))
      .sort((a, b) => a.label.brin.localeCompare(b.label.brin))
      .map(({ id, label }) => table.cell(rows.filter((row) => row.receiverId === id), { group: null, receiver: label, label: `${label.brin} ${label.name}`.trim() }));
    return {
      ...base,
      definitionSet: definition ? toDefinitionReference(definition) : null,
      suppressionK: k,
      total: table.cell(rows, { group: null, receiver: null, label: 'Totaal' }),
      byOutcome: OUTCOME_GROUPS.map((group) => table.cell(rows.filter((row) => OUTCOME_GROUP[row.outcome] === group), { group, receiver: null, label: GROUP_LABELS[group] })),
      byReceiver,
    };
  }
}

/** The cells of one survey year, each protected on its own by the disclosure layer. */
class SurveyTable {
  private readonly items: readonly SurveyItemId[];

  constructor(
    questionnaire: Questionnaire,
    private readonly k: number,
  ) {
    this.items = questionnaire.items.map((item) => item.id);
  }

  cell(rows: readonly SurveyPupilRow[], place: Pick<SurveyCellDto, 'group' | 'receiver' | 'label'>): SurveyCellDto {
    const pupils: SurveyPupil[] = rows.map((row) => ({
      pupilKey: Number(row.pupilKey),
      respondent: row.respondentKey === null ? null : { key: Number(row.respondentKey), answers: this.items.map((item) => row[item]) },
    }));
    const figures = protectSurveyCell(pupils, this.items.length, this.k, { min: 1, max: 5 });
    return {
      ...place,
      protection: figures.protection,
      formerPupils: figures.formerPupils,
      respondents: figures.respondents,
      responseRate: figures.responseRate,
      means: this.items.map((item, i) => ({ item, mean: figures.means[i] })),
      meanMargin: figures.meanMargin,
    };
  }
}
