/** Code lists of the records (see "Codes" in the product brief); the programme codes are in src/programmes. */

export const END_REASONS = ['diploma', 'uitgeschreven'] as const;
export type EndReason = (typeof END_REASONS)[number];

/**
 * Why a student left a programme, as the exit interview at the receiving institution found it
 * (issue 14; the causes the seed documents name): the study choice (orientation, expectations),
 * study skills, not landed (no sense of belonging), a gap in subject content between the schools,
 * personal circumstances, other, unknown. Only on an enrolment that ended `uitgeschreven`.
 */
export const EXIT_REASONS = ['study_choice', 'study_skills', 'not_landed', 'content_gap', 'personal', 'other', 'unknown'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/** vo onderwijssoort, as a leaver's type of school and as a prior diploma. */
export const ONDERWIJSSOORTEN = ['vmbo-b', 'vmbo-k', 'vmbo-gt', 'havo', 'vwo', 'pro', 'vso'] as const;
export type Onderwijssoort = (typeof ONDERWIJSSOORTEN)[number];

/** The highest diploma before the enrolment. */
export const PRIOR_DIPLOMA_TYPES = [
  ...ONDERWIJSSOORTEN,
  'mbo-1',
  'mbo-2',
  'mbo-3',
  'mbo-4',
  'hbo-ad',
  'hbo-bachelor',
  'other',
] as const;
export type PriorDiplomaType = (typeof PRIOR_DIPLOMA_TYPES)[number];

export const RECORD_KINDS = ['enrolments', 'leavers', 'surveys'] as const;
export type RecordKindName = (typeof RECORD_KINDS)[number];

/** Cohorts the service accepts: 2000 up to next academic year. */
export const MIN_COHORT = 2000;
export const maxCohort = (now: Date = new Date()): number => now.getUTCFullYear() + 1;
/** The school year running now (August–July): 2026 from 1 August 2026 to 31 July 2027. */
export const currentSchoolYear = (now: Date = new Date()): number => (now.getUTCMonth() + 1 >= 8 ? now.getUTCFullYear() : now.getUTCFullYear() - 1);

/**
 * The cohort of a start date: the academic year in which it falls (August–December → that
 * year, January–July → the year before). 2023 means 2023-24.
 */
export const cohortOf = (year: number, month: number): number => (month >= 8 ? year : year - 1);

/** Largest number of records in one JSON batch. */
export const MAX_BATCH_RECORDS = 10_000;
