import { InstitutionEntity } from 'src/institutions/institution.entity';
import { TestContext } from 'test/utils/test-context';

/** One former pupil's enrolment, as the receiving institution would upload it. */
export interface PupilEnrolment {
  pseudonym: string;
  receiver: InstitutionEntity;
  supplier: InstitutionEntity;
  startDate: string;
  endDate?: string | null;
  /** mbo (programme 25100) or hbo (34000). */
  sector: 'mbo' | 'hbo';
}

/** Writes enrolments in one statement and refreshes the receivers' cohorts (as an upload would). */
export async function insertEnrolments(ctx: TestContext, rows: readonly PupilEnrolment[], cohorts: readonly number[]): Promise<void> {
  const column = <T>(pick: (row: PupilEnrolment) => T): T[] => rows.map(pick);
  await ctx.dataSource.query(
    `INSERT INTO enrolments (institution_id, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason, cohort,
                             prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, created_batch_id, updated_batch_id)
     SELECT r.receiver, r.pseudonym, CASE r.sector WHEN 'mbo' THEN '25100' ELSE '34000' END, r.sector, CASE r.sector WHEN 'mbo' THEN '4' ELSE 'bachelor' END,
            CASE r.sector WHEN 'mbo' THEN 'bol' ELSE 'voltijd' END, r.start_date::date, r.end_date::date,
            CASE WHEN r.end_date IS NULL THEN NULL ELSE 'uitgeschreven' END,
            (CASE WHEN extract(month FROM r.start_date::date) >= 8 THEN extract(year FROM r.start_date::date) ELSE extract(year FROM r.start_date::date) - 1 END)::smallint,
            r.prior_brin, NULL, 'havo', 2023, gen_random_uuid(), gen_random_uuid()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS r(receiver, pseudonym, sector, start_date, end_date, prior_brin)`,
    [
      column((row) => row.receiver.id),
      column((row) => row.pseudonym),
      column((row) => row.sector),
      column((row) => row.startDate),
      column((row) => row.endDate ?? null),
      column((row) => row.supplier.brin),
    ],
  );
  for (const receiver of new Set(rows.map((row) => row.receiver.id))) {
    await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-summaries', $1::jsonb)`, [JSON.stringify({ institutionId: receiver, cohorts })]);
  }
  await ctx.runJobs();
}

export interface Answers {
  pseudonym: string;
  choicePreparation?: number | null;
  studySkills?: number | null;
  subjectContent?: number | null;
  transition?: number | null;
}

/** A batch of answers to alumni-1 in one survey year. */
export const surveyBatch = (surveyYear: number, answers: readonly Answers[]): { records: object[] } => ({
  records: answers.map((answer) => ({ questionnaire: 'alumni-1', surveyYear, ...answer })),
});
