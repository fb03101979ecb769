import { currentSchoolYear } from 'src/records/codes';
import { LIKERT_MAX, LIKERT_MIN, QUESTIONNAIRES, questionnaireByVersion, SurveyItemId } from 'src/records/questionnaires';
import { chunkClass, defineKind, field, fieldIndexes, inputFields, int2, optionalInt2, RecordKind, text } from 'src/records/kinds/record-kind';
import { absent, checkPseudonymField, Reporter, toYear, ValidationContext } from 'src/records/kinds/value-checks';

const VERSIONS = QUESTIONNAIRES.map((questionnaire) => questionnaire.version);
const itemText = (id: SurveyItemId): string => {
  const item = QUESTIONNAIRES.flatMap((questionnaire) => questionnaire.items).find((candidate) => candidate.id === id);
  return `${item?.en ?? id} Whole number ${LIKERT_MIN}–${LIKERT_MAX} (1 = strongly disagree, 5 = strongly agree); blank = not answered.`;
};

/**
 * Answers to an alumni questionnaire (src/records/questionnaires.ts), uploaded by the supplying
 * school per pseudonym of a former pupil: field(JSON property, CSV column, required, stored as,
 * description, example). Only the items of the named version; no free text.
 */
const SURVEY_TABLE = [
  field('pseudonym', 'pseudonym', true, text('pseudonym'), 'hex(HMAC-SHA256(K, id)) of the former pupil, computed before upload: 64 lowercase hexadecimal characters; a raw BSN or onderwijsnummer is refused.', 'a3f1…'),
  field('questionnaire', 'questionnaire', true, text('questionnaire'), `The questionnaire version answered (GET /v1/surveys/questionnaires): ${VERSIONS.join(', ')}.`, 'alumni-1'),
  field('surveyYear', 'survey_year', true, int2('survey_year'), 'The school year the survey is held (2025 = 2025-26): the one running now (a survey year closes on 31 July). It asks the pupils who started follow-up education the year before.', '2025'),
  field('choicePreparation', 'choice_preparation', false, optionalInt2('choice_preparation'), itemText('choicePreparation'), '4'),
  field('studySkills', 'study_skills', false, optionalInt2('study_skills'), itemText('studySkills'), '3'),
  field('subjectContent', 'subject_content', false, optionalInt2('subject_content'), itemText('subjectContent'), '4'),
  field('transition', 'transition', false, optionalInt2('transition'), itemText('transition'), '5'),
] as const;

/** The fields a survey upload carries, in the order the validator reads them. */
export const SURVEY_FIELDS = inputFields(SURVEY_TABLE);
const S = fieldIndexes(SURVEY_FIELDS);

/** The answer fields, in table order. */
export const SURVEY_ITEM_FIELDS: readonly SurveyItemId[] = ['choicePreparation', 'studySkills', 'subjectContent', 'transition'];

/** A chunk of survey answers; the natural key is (institution,) pseudonym, questionnaire version and survey year. */
export const SurveyChunk = chunkClass(SURVEY_TABLE, ['pseudonym', 'questionnaire', 'surveyYear']);
export type SurveyChunk = InstanceType<typeof SurveyChunk>;

/** The survey kind. Its answers feed no summary: the figures are read per request (src/surveys), so no cohort is refreshed. */
export const SURVEYS: RecordKind<SurveyChunk> = defineKind({ name: 'surveys', table: 'survey_answers', entries: SURVEY_TABLE, chunk: SurveyChunk, validate: validateSurvey, cohorts: { json: 'surveyYear', offsets: [] } });

/** A Likert answer: a whole number 1–5 (JSON number, or digits in a CSV cell), null when blank, NaN when invalid. */
function toAnswer(value: unknown, json: boolean | undefined): number | null {
  if (absent(value)) return null;
  let answer = NaN;
  if (json !== false && typeof value === 'number') answer = value;
  else if (json !== true && typeof value === 'string' && /^\d$/.test(value.trim())) answer = Number(value.trim());
  return Number.isInteger(answer) && answer >= LIKERT_MIN && answer <= LIKERT_MAX ? answer : NaN;
}

/** Validates one row of answers (values in SURVEY_FIELDS order) and appends it to `out` when valid. */
export function validateSurvey(v: ArrayLike<unknown>, ctx: ValidationContext, report: Reporter, out: SurveyChunk): boolean {
  let ok = checkPseudonymField(v[S.pseudonym], S.pseudonym, report);

  const qv = v[S.questionnaire];
  const questionnaire = typeof qv === 'string' ? questionnaireByVersion(qv) : undefined;
  if (!questionnaire) {
    report(S.questionnaire, absent(qv) ? 'required' : 'unknown_questionnaire', absent(qv) ? 'is required.' : `is not a questionnaire of this service; the versions are: ${VERSIONS.join(', ')}.`);
    ok = false;
  }

  const sy = v[S.surveyYear];
  const surveyYear = toYear(sy, ctx.json);
  const open = ctx.currentSchoolYear ?? currentSchoolYear();
  // A survey year takes answers while it runs and closes on 31 July; only then are its figures published (docs/surveys.md).
  if (Number.isNaN(surveyYear)) {
    report(S.surveyYear, absent(sy) ? 'required' : 'isYear', absent(sy) ? 'is required.' : `must be a year (${ctx.json === false ? '4 digits' : 'an integer'}; 2025 = 2025-26).`);
    ok = false;
  } else if (surveyYear !== open) {
    report(
      S.surveyYear,
      'survey_closed',
      `must be the school year running now (${open}): a survey year takes answers until 31 July and is closed after it, so that its published figures never change again.`,
    );
    ok = false;
  }

  const answers: Array<number | null> = [];
  let answered = 0;
  for (const id of SURVEY_ITEM_FIELDS) {
    const index = S[id];
    const answer = toAnswer(v[index], ctx.json);
    if (answer !== null && questionnaire && !questionnaire.items.some((item) => item.id === id)) {
      report(index, 'not_on_questionnaire', `is not a question of ${questionnaire.version}.`);
      ok = false;
    } else if (Number.isNaN(answer)) {
      report(index, 'likert', `must be a whole number from ${LIKERT_MIN} to ${LIKERT_MAX}, or blank when not answered.`);
      ok = false;
    } else if (answer !== null) answered++;
    answers.push(answer);
  }
  if (ok && answered === 0) {
    report(-1, 'no_answers', 'The row answers none of the questions: leave the pupil out instead.');
    ok = false;
  }

  if (!ok) return false;
  out.pseudonym.push(v[S.pseudonym] as string);
  out.questionnaire.push(questionnaire!.version);
  out.surveyYear.push(surveyYear);
  out.choicePreparation.push(answers[0]);
  out.studySkills.push(answers[1]);
  out.subjectContent.push(answers[2]);
  out.transition.push(answers[3]);
  out.length++;
  return true;
}
