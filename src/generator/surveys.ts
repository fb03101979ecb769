import { Random } from 'src/generator/prng';
import { cohortOfDate, EnrolmentRecord, referenceDateOf } from 'src/generator/records';
import type { GeneratedRegion } from 'src/generator/region';

/** One former pupil's answers to alumni-1, as a supplying school uploads them. */
export interface SurveyRecord {
  pseudonym: string;
  questionnaire: 'alumni-1';
  surveyYear: number;
  choicePreparation: number | null;
  studySkills: number | null;
  subjectContent: number | null;
  transition: number | null;
}

export type SurveyGroup = 'stayed' | 'switched' | 'left';

/**
 * Mean answer per outcome group and item (choice, skills, content, transition): pupils who left or
 * switched rate their preparation lower, switchers most of all on the study choice, those who
 * left on study skills and the transition (the causes seed 001 names).
 */
const MEANS: Record<SurveyGroup, readonly [number, number, number, number]> = {
  stayed: [3.8, 3.6, 3.7, 3.9],
  switched: [2.6, 3.3, 3.2, 3.1],
  left: [2.9, 2.6, 3.1, 2.5],
};
const SPREAD = 0.9;
const BLANK = 0.05;
/** A separate stream, so that adding surveys moves no other record of any seed. */
const SURVEY_STREAM = 0x5eed_a1;

/** A switch: a next enrolment starting within this many days after the first one ended. */
const SWITCH_WINDOW_DAYS = 365;

const daysBetween = (from: string, to: string): number => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/** The outcome group of a pupil's first enrolment, read from the records as the region's default definitions would. */
export function surveyGroupOf(first: EnrolmentRecord, next: EnrolmentRecord | undefined): SurveyGroup {
  const reference = referenceDateOf(cohortOfDate(first.startDate));
  if (!first.endDate || first.endDate >= reference || first.endReason === 'diploma') return 'stayed';
  if (next && daysBetween(first.endDate, next.startDate) <= SWITCH_WINDOW_DAYS) return 'switched';
  return 'left';
}

/**
 * The alumni surveys of a region's supplying schools: in each survey year Y, each school asks
 * its former pupils who started in cohort Y − 1 (the first enrolment of that cohort decides the
 * outcome group, as in the school's survey figures); 40–60 % answer (a rate per school and year), and
 * their answers follow their outcome group (MEANS), each item left blank now and then.
 * Deterministic for the region's seed.
 */
export function generateSurveys(region: GeneratedRegion, surveyYears: readonly number[]): Map<string, SurveyRecord[]> {
  const suppliers = new Set(region.suppliers);
  const years = new Set(surveyYears);
  const byStudent = new Map<string, EnrolmentRecord[]>();
  for (const enrolment of region.enrolments()) {
    const list = byStudent.get(enrolment.pseudonym);
    if (list) list.push(enrolment);
    else byStudent.set(enrolment.pseudonym, [enrolment]);
  }
  const rng = new Random(region.options.seed, SURVEY_STREAM);
  const rates = new Map<string, number>();
  const rateOf = (school: string, year: number): number => {
    const key = `${school}|${year}`;
    let rate = rates.get(key);
    if (rate === undefined) rates.set(key, (rate = rng.between(0.4, 0.6)));
    return rate;
  };
  const answer = (mean: number): number | null => {
    if (rng.chance(BLANK)) return null;
    // A normal deviate from the sum of uniforms (Irwin–Hall), enough for synthetic answers.
    let z = -6;
    for (let i = 0; i < 12; i++) z += rng.next();
    return Math.min(5, Math.max(1, Math.round(mean + SPREAD * z)));
  };
  const surveys = new Map<string, SurveyRecord[]>(region.suppliers.map((brin) => [brin, []]));
  const students = [...byStudent.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [pseudonym, enrolments] of students) {
    enrolments.sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : 0));
    // Each cohort in which the pupil started with a supplying school as prior education: the school's former pupil of that cohort.
    const asked = new Set<string>();
    enrolments.forEach((first, index) => {
      const surveyYear = cohortOfDate(first.startDate) + 1;
      const key = `${first.priorBrin}|${surveyYear}`;
      if (!suppliers.has(first.priorBrin) || !years.has(surveyYear) || asked.has(key)) return;
      asked.add(key);
      if (!rng.chance(rateOf(first.priorBrin, surveyYear))) return;
      const means = MEANS[surveyGroupOf(first, enrolments[index + 1])];
      const values = means.map(answer);
      if (!values.some((value) => value !== null)) values[0] = Math.round(means[0]);
      surveys.get(first.priorBrin)!.push({
        pseudonym,
        questionnaire: 'alumni-1',
        surveyYear,
        choicePreparation: values[0],
        studySkills: values[1],
        subjectContent: values[2],
        transition: values[3],
      });
    });
  }
  return surveys;
}
