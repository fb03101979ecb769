import { csvField, restoreCsvCell } from 'src/common/csv-cell';

/**
 * The shapes of the records the ingest API accepts (JSON camelCase, CSV snake_case), as the
 * generator writes them and the upload command reads them. Plain data: no validation here,
 * the service validates.
 */

export const RECEIVING_SECTORS = ['mbo', 'hbo', 'wo'] as const;
export type ReceivingSector = (typeof RECEIVING_SECTORS)[number];

export const MBO_LEVELS = ['1', '2', '3', '4'] as const;
export const HO_LEVELS = ['ad', 'bachelor', 'master'] as const;
export type ProgrammeLevel = (typeof MBO_LEVELS)[number] | (typeof HO_LEVELS)[number];

export const MBO_FORMS = ['bol', 'bbl'] as const;
export const HO_FORMS = ['voltijd', 'deeltijd', 'duaal'] as const;
export type ProgrammeForm = (typeof MBO_FORMS)[number] | (typeof HO_FORMS)[number];

export const END_REASONS = ['diploma', 'uitgeschreven'] as const;
export type EndReason = (typeof END_REASONS)[number];
/** The reasons from the exit interview (src/records/codes.ts EXIT_REASONS). */
export const EXIT_REASONS = ['study_choice', 'study_skills', 'not_landed', 'content_gap', 'personal', 'other', 'unknown'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export const VO_ONDERWIJSSOORTEN = ['vmbo-b', 'vmbo-k', 'vmbo-gt', 'havo', 'vwo', 'pro', 'vso'] as const;
export type VoOnderwijssoort = (typeof VO_ONDERWIJSSOORTEN)[number];

export const PRIOR_DIPLOMA_TYPES = [...VO_ONDERWIJSSOORTEN, 'mbo-1', 'mbo-2', 'mbo-3', 'mbo-4', 'hbo-ad', 'hbo-bachelor', 'other'] as const;
export type PriorDiplomaType = (typeof PRIOR_DIPLOMA_TYPES)[number];

export interface EnrolmentRecord {
  pseudonym: string;
  receivingBrin?: string;
  receivingVestiging?: string;
  programmeCode: string;
  sector: ReceivingSector;
  level: ProgrammeLevel;
  form: ProgrammeForm;
  /** YYYY-MM-DD */
  startDate: string;
  endDate?: string;
  endReason?: EndReason;
  /** The reason from the exit interview, on an enrolment that ended uitgeschreven. */
  exitReason?: ExitReason;
  priorBrin: string;
  priorVestiging?: string;
  priorDiplomaType: PriorDiplomaType;
  /** Calendar year in which the prior diploma was obtained (June 2024 → 2024). */
  priorDiplomaYear: number;
}

export interface LeaverRecord {
  pseudonym: string;
  /** BRIN + 2 digits; its first four characters are the supplying school's BRIN. */
  supplyingVestiging?: string;
  /** School year of leaving: 2023 = 2023-24 (a diploma of June 2024). */
  schoolYear: number;
  onderwijssoort: VoOnderwijssoort;
  profile?: string;
  diploma: boolean;
}

export type RecordKind = 'enrolments' | 'leavers' | 'surveys';

/** CSV columns in upload order, each with the JSON property it carries. */
export const ENROLMENT_COLUMNS = [
  ['pseudonym', 'pseudonym'],
  ['receiving_brin', 'receivingBrin'],
  ['receiving_vestiging', 'receivingVestiging'],
  ['programme_code', 'programmeCode'],
  ['sector', 'sector'],
  ['level', 'level'],
  ['form', 'form'],
  ['start_date', 'startDate'],
  ['end_date', 'endDate'],
  ['end_reason', 'endReason'],
  ['exit_reason', 'exitReason'],
  ['prior_brin', 'priorBrin'],
  ['prior_vestiging', 'priorVestiging'],
  ['prior_diploma_type', 'priorDiplomaType'],
  ['prior_diploma_year', 'priorDiplomaYear'],
] as const satisfies ReadonlyArray<readonly [string, keyof EnrolmentRecord]>;

export const LEAVER_COLUMNS = [
  ['pseudonym', 'pseudonym'],
  ['supplying_vestiging', 'supplyingVestiging'],
  ['school_year', 'schoolYear'],
  ['onderwijssoort', 'onderwijssoort'],
  ['profile', 'profile'],
  ['diploma', 'diploma'],
] as const satisfies ReadonlyArray<readonly [string, keyof LeaverRecord]>;

/** Alumni survey answers (questionnaire alumni-1); the generator writes no files of them. */
export const SURVEY_COLUMNS = [
  ['pseudonym', 'pseudonym'],
  ['questionnaire', 'questionnaire'],
  ['survey_year', 'surveyYear'],
  ['choice_preparation', 'choicePreparation'],
  ['study_skills', 'studySkills'],
  ['subject_content', 'subjectContent'],
  ['transition', 'transition'],
] as const;

export const COLUMNS_BY_KIND: Record<RecordKind, ReadonlyArray<readonly [string, string]>> = {
  enrolments: ENROLMENT_COLUMNS,
  leavers: LEAVER_COLUMNS,
  surveys: SURVEY_COLUMNS,
};

/** Columns that hold integers, and the one boolean; everything else is text. */
const INTEGER_PROPERTIES = new Set(['priorDiplomaYear', 'schoolYear', 'surveyYear', 'choicePreparation', 'studySkills', 'subjectContent', 'transition']);
const BOOLEAN_PROPERTIES = new Set(['diploma']);
const TRUE_WORDS = new Set(['true', '1', 'ja', 'j', 'yes', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'nee', 'n', 'no']);

export function csvHeader(kind: RecordKind): string {
  return COLUMNS_BY_KIND[kind].map(([column]) => column).join(',');
}

/** One CSV line (without the line break) for a record. */
export function toCsvLine(kind: RecordKind, record: EnrolmentRecord | LeaverRecord): string {
  const values = record as unknown as Record<string, string | number | boolean | undefined>;
  return COLUMNS_BY_KIND[kind].map(([, property]) => csvField(values[property])).join(',');
}

/**
 * A parsed CSV row (column → text) to the JSON record the batch endpoint takes. Empty cells
 * are left out; integer and boolean columns are converted when they are well formed and sent
 * as text otherwise, so that the service reports them with a pointer to the row.
 */
export function csvRowToRecord(kind: RecordKind, row: Record<string, string>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [column, property] of COLUMNS_BY_KIND[kind]) {
    const raw = row[column];
    if (raw === undefined) continue;
    const text = restoreCsvCell(raw).trim();
    if (text === '') continue;
    if (INTEGER_PROPERTIES.has(property)) {
      record[property] = /^-?\d{1,9}$/.test(text) ? Number(text) : text;
    } else if (BOOLEAN_PROPERTIES.has(property)) {
      const lowered = text.toLowerCase();
      record[property] = TRUE_WORDS.has(lowered) ? true : FALSE_WORDS.has(lowered) ? false : text;
    } else {
      record[property] = text;
    }
  }
  return record;
}

/** The CSV column of a JSON property (for turning an error pointer into a CSV column). */
export function columnOfProperty(kind: RecordKind, property: string): string | undefined {
  return COLUMNS_BY_KIND[kind].find(([, candidate]) => candidate === property)?.[0];
}

/** Calendar helpers: cohort and reference date as the brief defines them. */
export function cohortOfDate(date: string): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= 8 ? year : year - 1;
}

/** The reference date at which the first-year outcome of a cohort is read: 1 October of cohort + 1. */
export const referenceDateOf = (cohort: number): string => `${cohort + 1}-10-01`;
