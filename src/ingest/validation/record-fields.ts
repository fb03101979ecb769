import type { RecordKind } from 'src/ingest/codes';

/** One field of an uploaded record: its JSON property and its CSV column. */
export interface RecordField {
  json: string;
  csv: string;
  required: boolean;
}

const field = (json: string, csv: string, required: boolean): RecordField => ({ json, csv, required });

/** Enrolment fields, in the order the validator reads them (the indexes below). */
export const ENROLMENT_FIELDS: readonly RecordField[] = [
  field('pseudonym', 'pseudonym', true),
  field('receivingBrin', 'receiving_brin', false),
  field('receivingVestiging', 'receiving_vestiging', false),
  field('programmeCode', 'programme_code', true),
  field('sector', 'sector', true),
  field('level', 'level', true),
  field('form', 'form', true),
  field('startDate', 'start_date', true),
  field('endDate', 'end_date', false),
  field('endReason', 'end_reason', false),
  field('priorBrin', 'prior_brin', true),
  field('priorVestiging', 'prior_vestiging', false),
  field('priorDiplomaType', 'prior_diploma_type', true),
  field('priorDiplomaYear', 'prior_diploma_year', true),
];

export const E = {
  pseudonym: 0,
  receivingBrin: 1,
  receivingVestiging: 2,
  programmeCode: 3,
  sector: 4,
  level: 5,
  form: 6,
  startDate: 7,
  endDate: 8,
  endReason: 9,
  priorBrin: 10,
  priorVestiging: 11,
  priorDiplomaType: 12,
  priorDiplomaYear: 13,
} as const;

export const LEAVER_FIELDS: readonly RecordField[] = [
  field('pseudonym', 'pseudonym', true),
  field('supplyingVestiging', 'supplying_vestiging', false),
  field('schoolYear', 'school_year', true),
  field('onderwijssoort', 'onderwijssoort', true),
  field('profile', 'profile', false),
  field('diploma', 'diploma', true),
];

export const L = {
  pseudonym: 0,
  supplyingVestiging: 1,
  schoolYear: 2,
  onderwijssoort: 3,
  profile: 4,
  diploma: 5,
} as const;

export const FIELDS_BY_KIND: Record<RecordKind, readonly RecordField[]> = {
  enrolments: ENROLMENT_FIELDS,
  leavers: LEAVER_FIELDS,
};

/** JSON property → field index. */
export const jsonIndex = (fields: readonly RecordField[]): Map<string, number> => new Map(fields.map((f, i) => [f.json, i]));
/** CSV column → field index. */
export const csvIndex = (fields: readonly RecordField[]): Map<string, number> => new Map(fields.map((f, i) => [f.csv, i]));
