import { cohortOfDate, EnrolmentRecord } from 'src/generator/records';
import { generateRegion } from 'src/generator/region';
import { generateSurveys, SurveyGroup, surveyGroupOf } from 'src/generator/surveys';

describe('the generated alumni surveys', () => {
  const region = generateRegion({ seed: 7, cohorts: [2018, 2023], students: 6_000 });
  const years = [2020, 2021, 2022, 2023, 2024];
  const surveys = generateSurveys(region, years);

  it('asks every supplying school, with 40–60 % of its former pupils of cohort Y − 1 answering, and is the same for the same seed', () => {
    const byStudent = new Map<string, EnrolmentRecord[]>();
    for (const enrolment of region.enrolments()) byStudent.set(enrolment.pseudonym, [...(byStudent.get(enrolment.pseudonym) ?? []), enrolment]);
    // Former pupils: (pupil, school, cohort) with an enrolment of the cohort naming the school as prior education.
    const formerPupils = new Set<string>();
    for (const [pseudonym, list] of byStudent) {
      for (const enrolment of list) if (region.suppliers.includes(enrolment.priorBrin) && years.includes(cohortOfDate(enrolment.startDate) + 1)) formerPupils.add(`${pseudonym}|${enrolment.priorBrin}|${cohortOfDate(enrolment.startDate)}`);
    }
    const asked = formerPupils.size;
    const answered = [...surveys.values()].reduce((sum, answers) => sum + answers.length, 0);
    expect(answered / asked).toBeGreaterThan(0.4);
    expect(answered / asked).toBeLessThan(0.6);
    for (const answers of surveys.values()) {
      for (const answer of answers) {
        expect(years).toContain(answer.surveyYear);
        const values = [answer.choicePreparation, answer.studySkills, answer.subjectContent, answer.transition];
        expect(values.some((value) => value !== null)).toBe(true);
        for (const value of values) if (value !== null) expect([1, 2, 3, 4, 5]).toContain(value);
      }
    }
    expect(generateSurveys(region, years)).toEqual(surveys);
  });

  it('has the pupils who left or switched rate their preparation lower than those who stayed', () => {
    const byStudent = new Map<string, EnrolmentRecord[]>();
    for (const enrolment of region.enrolments()) byStudent.set(enrolment.pseudonym, [...(byStudent.get(enrolment.pseudonym) ?? []), enrolment]);
    const sums: Record<SurveyGroup, { sum: number; n: number }> = { stayed: { sum: 0, n: 0 }, switched: { sum: 0, n: 0 }, left: { sum: 0, n: 0 } };
    for (const answers of surveys.values()) {
      for (const answer of answers) {
        const list = byStudent.get(answer.pseudonym)!.sort((a, b) => a.startDate.localeCompare(b.startDate));
        const index = list.findIndex((enrolment) => cohortOfDate(enrolment.startDate) + 1 === answer.surveyYear);
        const group = surveyGroupOf(list[index], list[index + 1]);
        if (answer.choicePreparation === null) continue;
        sums[group].sum += answer.choicePreparation;
        sums[group].n++;
      }
    }
    const mean = (group: SurveyGroup): number => sums[group].sum / sums[group].n;
    expect(sums.left.n).toBeGreaterThan(30);
    expect(sums.switched.n).toBeGreaterThan(30);
    expect(mean('stayed') - mean('left')).toBeGreaterThan(0.5);
    expect(mean('stayed') - mean('switched')).toBeGreaterThan(0.5);
  });
});
