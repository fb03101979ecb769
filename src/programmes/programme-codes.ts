/** The programme vocabulary (see "Codes" in the product brief): sectors, levels, forms, codes. */

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

/** Programme codes (crebo, CROHO) are 5 digits. */
export const PROGRAMME_CODE_PATTERN = /^[0-9]{5}$/;
