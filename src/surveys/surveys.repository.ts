import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { constant, query, sql } from 'src/database/sql';
import { recordKeySql } from 'src/outcomes/disclosure/cell-key';

/** One former pupil of a school's cohort: where the pupil went, the outcome, and the answers when any. */
export interface SurveyPupilRow {
  receiverId: string;
  /** enrolled, switch_internal, switch_external, uitval or diploma: the first-year outcome of the pupil's first enrolment of the cohort. */
  outcome: string;
  /** The enrolment's record key (text: bigint). */
  pupilKey: string;
  /** The answer row's key, drawn from its id and its answers; null when the school uploaded none. */
  respondentKey: string | null;
  choicePreparation: number | null;
  studySkills: number | null;
  subjectContent: number | null;
  transition: number | null;
}

/**
 * The answer row's key: the first 32 bits of md5(secret, id and answers), so that changing one
 * answer draws the noise of every cell the pupil is in anew (docs/disclosure-control.md).
 */
const RESPONDENT_KEY = constant(
  recordKeySql(
    '(SELECT secret FROM disclosure_secrets WHERE id = 1)',
    "('survey:' || s.id::text || ':' || concat_ws(',', coalesce(s.choice_preparation, 0), coalesce(s.study_skills, 0), coalesce(s.subject_content, 0), coalesce(s.transition, 0)))",
  ),
);

/**
 * The survey figures are read per request from the school's own answers and the kept outcomes of
 * its former pupils of one cohort, not from the summaries: answers feed no summary and change
 * without a refresh. The pupils are found through the enrolments naming the school as prior
 * education in the cohort (index on prior_brin, cohort), their outcomes by the key of
 * `enrolment_outcomes`: a few hundred rows per school and cohort, no scan of the region.
 */
@Injectable()
export class SurveysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The survey years in which the school uploaded answers to a questionnaire, oldest first. */
  async surveyYears(institutionId: string, questionnaire: string): Promise<number[]> {
    const rows = await query<{ year: number }>(
      this.dataSource,
      sql`SELECT DISTINCT survey_year::int AS year FROM survey_answers WHERE institution_id = ${institutionId} AND questionnaire = ${questionnaire} ORDER BY year`,
    );
    return rows.map((row) => row.year);
  }

  /**
   * The school's former pupils of a cohort in a region, one row per pupil: the first enrolment of
   * the cohort (by start date) decides receiver and outcome, as in the school's own figures for
   * that enrolment; with the school's answers of the survey year when there are any. Answers of
   * pupils who are not among them are left out.
   */
  pupils(regionId: string, institutionId: string, cohort: number, questionnaire: string, surveyYear: number): Promise<SurveyPupilRow[]> {
    return query<SurveyPupilRow>(
      this.dataSource,
      sql`
WITH alumni AS (
  SELECT DISTINCT ON (eo.pseudonym) eo.pseudonym, eo.receiver_institution_id, eo.outcome, eo.record_key
    FROM institutions si
    JOIN enrolments e ON e.prior_brin = si.brin AND e.cohort = ${cohort}
    JOIN enrolment_outcomes eo
      ON eo.region_id = ${regionId} AND eo.pseudonym = e.pseudonym AND eo.receiver_institution_id = e.institution_id AND eo.enrolment_id = e.id
   WHERE si.id = ${institutionId} AND eo.supplier_institution_id = ${institutionId}
   ORDER BY eo.pseudonym, e.start_date, eo.receiver_institution_id, eo.enrolment_id
)
SELECT a.receiver_institution_id::text AS "receiverId", a.outcome, a.record_key::text AS "pupilKey",
       CASE WHEN s.id IS NULL THEN NULL ELSE ${RESPONDENT_KEY}::text END AS "respondentKey",
       s.choice_preparation AS "choicePreparation", s.study_skills AS "studySkills", s.subject_content AS "subjectContent", s.transition
  FROM alumni a
  LEFT JOIN survey_answers s
    ON s.institution_id = ${institutionId} AND s.pseudonym = a.pseudonym AND s.questionnaire = ${questionnaire} AND s.survey_year = ${surveyYear}
 ORDER BY a.record_key`,
    );
  }

  async institutionLabels(ids: string[]): Promise<Map<string, { brin: string; name: string }>> {
    if (ids.length === 0) return new Map();
    const rows = await query<{ id: string; brin: string; name: string }>(this.dataSource, sql`SELECT id::text AS id, brin, name FROM institutions WHERE id = ANY(${ids}::uuid[])`);
    return new Map(rows.map((row) => [row.id, { brin: row.brin, name: row.name }]));
  }
}
