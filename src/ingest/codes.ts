/** Code lists of the records (see "Codes" in the product brief). */

/** Sectors of a receiving programme: enrolments are in mbo or higher education. */
export const RECORD_SECTORS = ['mbo', 'hbo', 'wo'] as const;
export type RecordSector = (typeof RECORD_SECTORS)[number];

/** mbo niveau 1–4. */
export const MBO_LEVELS = ['1', '2', '3', '4'] as const;
/** Higher-education levels; `ad` (Associate degree) exists only in hbo. */
export const HO_LEVELS = ['ad', 'bachelor', 'master'] as const;
export const PROGRAMME_LEVELS = [...MBO_LEVELS, ...HO_LEVELS] as const;
export type ProgrammeLevel = (typeof PROGRAMME_LEVELS)[number];

/** The levels a sector offers. */
export const LEVELS_BY_SECTOR: Record<RecordSector, readonly ProgrammeLevel[]> = {
  mbo: MBO_LEVELS,
  hbo: HO_LEVELS,
  wo: ['bachelor', 'master'],
};

/** mbo leerweg and ho form of study. */
export const MBO_FORMS = ['bol', 'bbl'] as const;
export const HO_FORMS = ['voltijd', 'deeltijd', 'duaal'] as const;
export const STUDY_FORMS = [...MBO_FORMS, ...HO_FORMS] as const;
export type StudyForm = (typeof STUDY_FORMS)[number];

export const FORMS_BY_SECTOR: Record<RecordSector, readonly StudyForm[]> = {
  mbo: MBO_FORMS,
  hbo: HO_FORMS,
  wo: HO_FORMS,
};

export const END_REASONS = ['diploma', 'uitgeschreven'] as const;
export type EndReason = (typeof END_REASONS)[number];

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

export const RECORD_KINDS = ['enrolments', 'leavers'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** Programme codes (crebo, CROHO) are 5 digits. */
export const PROGRAMME_CODE_PATTERN = /^[0-9]{5}$/;

/** Cohorts the service accepts: 2000 up to next academic year. */
export const MIN_COHORT = 2000;
export const maxCohort = (now: Date = new Date()): number => now.getUTCFullYear() + 1;

/**
 * The cohort of a start date: the academic year in which it falls (August–December → that
 * year, January–July → the year before). 2023 means 2023-24.
 */
export const cohortOf = (year: number, month: number): number => (month >= 8 ? year : year - 1);

/** Largest number of records in one JSON batch. */
export const MAX_BATCH_RECORDS = 10_000;
