import { cohortOfDate, EnrolmentRecord, referenceDateOf } from 'src/generator/records';

/**
 * An independent, deliberately plain derivation of first-year outcomes from the records alone,
 * as the brief defines them, so that the generator's tests check the data and not the
 * generator's own bookkeeping:
 * - reference date: 1 October of cohort + 1;
 * - `diploma`: ended with a diploma on or before the reference date;
 * - `enrolled`: still in the same enrolment at the reference date;
 * - `switch_internal` / `switch_external`: ended before it without a diploma, and another
 *   enrolment of the same student that started after this one is running at the reference date,
 *   at the same / at another institution;
 * - `uitval`: none of these.
 * Only a student's first enrolment in mbo, or first in higher education (hbo and wo together, as
 * the national first-year figures count), is an intake: a wo student who moves to hbo is a
 * switcher, not a new hbo first-year.
 */
export type FirstYearOutcome = 'enrolled' | 'diploma' | 'switch_internal' | 'switch_external' | 'uitval';

export interface DerivedIntake {
  record: EnrolmentRecord;
  cohort: number;
  outcome: FirstYearOutcome;
}

const runningAt = (record: EnrolmentRecord, date: string): boolean => record.startDate <= date && (record.endDate === undefined || record.endDate >= date);

export function deriveFirstYearOutcomes(enrolments: Iterable<EnrolmentRecord>): DerivedIntake[] {
  const byStudent = new Map<string, EnrolmentRecord[]>();
  for (const record of enrolments) {
    const list = byStudent.get(record.pseudonym);
    if (list) list.push(record);
    else byStudent.set(record.pseudonym, [record]);
  }
  const result: DerivedIntake[] = [];
  for (const records of byStudent.values()) {
    records.sort((a, b) => a.startDate.localeCompare(b.startDate));
    const seenSectors = new Set<string>();
    for (const record of records) {
      const sectorGroup = record.sector === 'mbo' ? 'mbo' : 'ho';
      if (seenSectors.has(sectorGroup)) continue;
      seenSectors.add(sectorGroup);
      const cohort = cohortOfDate(record.startDate);
      const reference = referenceDateOf(cohort);
      let outcome: FirstYearOutcome;
      if (record.endReason === 'diploma' && record.endDate !== undefined && record.endDate <= reference) {
        outcome = 'diploma';
      } else if (runningAt(record, reference)) {
        outcome = 'enrolled';
      } else {
        const next = records.find((other) => other !== record && other.startDate > record.startDate && runningAt(other, reference));
        outcome = next === undefined ? 'uitval' : next.receivingBrin === record.receivingBrin ? 'switch_internal' : 'switch_external';
      }
      result.push({ record, cohort, outcome });
    }
  }
  return result;
}

export interface Rate {
  n: number;
  count: number;
  rate: number;
}

export function rateOf(intakes: DerivedIntake[], outcomes: FirstYearOutcome[]): Rate {
  const n = intakes.length;
  const count = intakes.filter((intake) => outcomes.includes(intake.outcome)).length;
  return { n, count, rate: n === 0 ? NaN : count / n };
}
