import { END_REASONS, EXIT_REASONS, MIN_COHORT, PRIOR_DIPLOMA_TYPES } from 'src/records/codes';
import { chunkClass, date, defineKind, derived, field, fieldIndexes, inputFields, int2, RecordKind, text } from 'src/records/kinds/record-kind';
import {
  absent,
  canon,
  Canon,
  checkMember,
  checkOwnVestiging,
  checkPseudonymField,
  checkVestiging,
  codes,
  cohortOfDate,
  isBrin,
  oneOf,
  Reporter,
  toYear,
  ValidationContext,
} from 'src/records/kinds/value-checks';
import {
  FORMS_BY_SECTOR,
  LEVELS_BY_SECTOR,
  PROGRAMME_CODE_PATTERN,
  PROGRAMME_LEVELS,
  RECORD_SECTORS,
  RecordSector,
  STUDY_FORMS,
} from 'src/programmes/programme-codes';

const perSector = (lists: Record<RecordSector, readonly string[]>): string => RECORD_SECTORS.map((sector) => `${sector} ${lists[sector].join(', ')}`).join('; ');

/** Enrolments, uploaded by the receiving institution: field(JSON property, CSV column, required, stored as, description, example). */
const ENROLMENT_TABLE = [
  field('pseudonym', 'pseudonym', true, text('pseudonym'), 'hex(HMAC-SHA256(K, id)) computed before upload: 64 lowercase hexadecimal characters; a raw BSN or onderwijsnummer is refused.', 'a3f1…'),
  field('receivingBrin', 'receiving_brin', false, undefined, 'The BRIN of the institution the client acts for (checked, not stored); another BRIN refuses the whole batch (403).', '00AA'),
  field('receivingVestiging', 'receiving_vestiging', false, text('receiving_vestiging'), 'A vestiging of the receiving institution: its BRIN and 2 digits.', '00AA01'),
  field('programmeCode', 'programme_code', true, text('programme_code'), 'crebo (mbo) or CROHO (hbo, wo), 5 digits; must be known in GET /v1/programmes for the sector.', '34567'),
  field('sector', 'sector', true, text('sector'), `The programme's sector: ${RECORD_SECTORS.join(', ')}.`, 'hbo'),
  field('level', 'level', true, text('level'), `The programme's level, per sector: ${perSector(LEVELS_BY_SECTOR)}.`, 'bachelor'),
  field('form', 'form', true, text('form'), `mbo leerweg or ho form of study, per sector: ${perSector(FORMS_BY_SECTOR)}.`, 'voltijd'),
  field('startDate', 'start_date', true, date('start_date'), 'Start of the enrolment, YYYY-MM-DD; its academic year is the cohort (August–July), 2000 up to next year.', '2024-09-01'),
  field('endDate', 'end_date', false, date('end_date'), 'End of the enrolment, YYYY-MM-DD; empty while enrolled; not before the start date.', '2025-06-30'),
  field('endReason', 'end_reason', false, text('end_reason'), `Why it ended: ${END_REASONS.join(', ')}; only together with an end date.`, 'uitgeschreven'),
  field('exitReason', 'exit_reason', false, text('exit_reason'), `The reason from the exit interview: ${EXIT_REASONS.join(', ')}; only on an enrolment that ended uitgeschreven.`, 'study_choice'),
  derived('cohort', int2('cohort'), 'Academic year of the start date (2023 = 2023-24).'),
  field('priorBrin', 'prior_brin', true, text('prior_brin'), 'The supplying school (vooropleiding): its BRIN.', '12AB'),
  field('priorVestiging', 'prior_vestiging', false, text('prior_vestiging'), 'A vestiging of the supplying school: its BRIN and 2 digits.', '12AB00'),
  field('priorDiplomaType', 'prior_diploma_type', true, text('prior_diploma_type'), `The highest diploma before the enrolment: ${PRIOR_DIPLOMA_TYPES.join(', ')}.`, 'havo'),
  field('priorDiplomaYear', 'prior_diploma_year', true, int2('prior_diploma_year'), 'Year of the prior diploma; not after the year of the start date.', '2024'),
] as const;

/** The fields an enrolment upload carries, in the order the validator reads them. */
export const ENROLMENT_FIELDS = inputFields(ENROLMENT_TABLE);
const E = fieldIndexes(ENROLMENT_FIELDS);

/** A chunk of enrolments; the natural key is (institution,) pseudonym, programme and start date. */
export const EnrolmentChunk = chunkClass(ENROLMENT_TABLE, ['pseudonym', 'programmeCode', 'startDate']);
export type EnrolmentChunk = InstanceType<typeof EnrolmentChunk>;

/** The enrolment kind: its table, chunk and validator, and the cohort its figures are kept under. */
export const ENROLMENTS: RecordKind<EnrolmentChunk> = defineKind({ name: 'enrolments', table: 'enrolments', entries: ENROLMENT_TABLE, chunk: EnrolmentChunk, validate: validateEnrolment, cohorts: { json: 'cohort', offsets: [0] } });

const SECTOR_SET = canon(RECORD_SECTORS);
const LEVEL_SETS: Record<RecordSector, Canon> = {
  mbo: canon(LEVELS_BY_SECTOR.mbo),
  hbo: canon(LEVELS_BY_SECTOR.hbo),
  wo: canon(LEVELS_BY_SECTOR.wo),
};
const FORM_SETS: Record<RecordSector, Canon> = {
  mbo: canon(FORMS_BY_SECTOR.mbo),
  hbo: canon(FORMS_BY_SECTOR.hbo),
  wo: canon(FORMS_BY_SECTOR.wo),
};
const ANY_LEVEL = canon(PROGRAMME_LEVELS);
const ANY_FORM = canon(STUDY_FORMS);
const END_REASON_SET = canon(END_REASONS);
const EXIT_REASON_SET = canon(EXIT_REASONS);
const PRIOR_DIPLOMA_SET = canon(PRIOR_DIPLOMA_TYPES);
const MIN_DIPLOMA_YEAR = 1950;

/**
 * Validates one enrolment (values in ENROLMENT_FIELDS order) and, when it is valid, appends
 * it to `out`. Returns whether it was valid.
 */
export function validateEnrolment(v: ArrayLike<unknown>, ctx: ValidationContext, report: Reporter, out: EnrolmentChunk): boolean {
  let ok = checkPseudonymField(v[E.pseudonym], E.pseudonym, report);
  const names = ctx.names;

  const receivingBrin = v[E.receivingBrin];
  if (!absent(receivingBrin)) {
    if (!isBrin(receivingBrin, E.receivingBrin, report)) ok = false;
    else if (receivingBrin !== ctx.ownBrin) {
      report(E.receivingBrin, 'other_institution', 'names another receiving institution than the one your client acts for.');
      ok = false;
    }
  }
  const receivingVestiging = checkOwnVestiging(v[E.receivingVestiging], E.receivingVestiging, ctx.ownBrin, report);
  if (receivingVestiging === undefined) ok = false;

  const code = v[E.programmeCode];
  let programmeCode: string | undefined;
  if (typeof code !== 'string' || !PROGRAMME_CODE_PATTERN.test(code)) {
    report(E.programmeCode, absent(code) ? 'required' : 'isProgrammeCode', absent(code) ? 'is required.' : 'must be a programme code of 5 digits (crebo or CROHO).');
    ok = false;
  } else programmeCode = code;
  const sector = checkMember(v[E.sector], E.sector, SECTOR_SET, RECORD_SECTORS, report) as RecordSector | undefined;
  if (sector === undefined) ok = false;

  const rawLevel = v[E.level];
  const rawForm = v[E.form];
  let level: string | undefined;
  let form: string | undefined;
  if (sector !== undefined) {
    level = typeof rawLevel === 'string' ? LEVEL_SETS[sector].get(rawLevel) : undefined;
    if (level === undefined) {
      report(E.level, absent(rawLevel) ? 'required' : 'invalid_level', absent(rawLevel) ? 'is required.' : `for ${names[E.sector]} ${sector}, ${oneOf(LEVELS_BY_SECTOR[sector])}.`);
      ok = false;
    }
    form = typeof rawForm === 'string' ? FORM_SETS[sector].get(rawForm) : undefined;
    if (form === undefined) {
      report(E.form, absent(rawForm) ? 'required' : 'invalid_form', absent(rawForm) ? 'is required.' : `for ${names[E.sector]} ${sector}, ${oneOf(FORMS_BY_SECTOR[sector])}.`);
      ok = false;
    }
    if (programmeCode !== undefined) {
      if (ctx.programmes.has(sector, programmeCode)) programmeCode = codes.get(programmeCode);
      else {
        report(E.programmeCode, 'unknown_programme', `is not a known ${sector} programme (see GET /v1/programmes).`);
        ok = false;
      }
    }
  } else {
    // Without a valid sector the combination cannot be checked; the values themselves can.
    checkMember(rawLevel, E.level, ANY_LEVEL, PROGRAMME_LEVELS, report);
    checkMember(rawForm, E.form, ANY_FORM, STUDY_FORMS, report);
  }

  const start = v[E.startDate];
  let startDate: string | undefined;
  let cohort = 0;
  if (typeof start !== 'string' || (cohort = cohortOfDate(start)) === 0) {
    report(E.startDate, absent(start) ? 'required' : 'isDate', absent(start) ? 'is required.' : 'must be a real date as YYYY-MM-DD.');
    ok = false;
  } else if (cohort < MIN_COHORT || cohort > ctx.maxCohort) {
    report(E.startDate, 'cohort_out_of_range', `falls in cohort ${cohort}; cohorts ${MIN_COHORT} to ${ctx.maxCohort} are accepted.`);
    ok = false;
    cohort = 0;
  } else startDate = codes.get(start);

  let endDate: string | null = null;
  const ed = v[E.endDate];
  if (!absent(ed)) {
    if (typeof ed !== 'string' || cohortOfDate(ed) === 0) {
      report(E.endDate, 'isDate', 'must be a real date as YYYY-MM-DD.');
      ok = false;
    } else if (startDate !== undefined && ed < startDate) {
      report(E.endDate, 'end_before_start', `is before ${names[E.startDate]}.`);
      ok = false;
    } else endDate = codes.get(ed);
  }
  let endReason: string | null = null;
  const er = v[E.endReason];
  if (!absent(er)) {
    const reason = typeof er === 'string' ? END_REASON_SET.get(er) : undefined;
    if (reason === undefined) {
      report(E.endReason, 'isIn', `${oneOf(END_REASONS)}.`);
      ok = false;
    } else if (absent(ed)) {
      report(E.endReason, 'end_reason_without_end_date', `is only allowed together with ${names[E.endDate]}.`);
      ok = false;
    } else endReason = reason;
  }
  let exitReason: string | null = null;
  const xr = v[E.exitReason];
  if (!absent(xr)) {
    const reason = typeof xr === 'string' ? EXIT_REASON_SET.get(xr) : undefined;
    if (reason === undefined) {
      report(E.exitReason, 'isIn', `${oneOf(EXIT_REASONS)}.`);
      ok = false;
    } else if (absent(er) || (endReason !== null && endReason !== 'uitgeschreven')) {
      // A reason for leaving belongs to a student who left: not to a diploma or an open enrolment.
      report(E.exitReason, 'exit_reason_without_uitgeschreven', `is only allowed on an enrolment that ended with ${names[E.endReason]} uitgeschreven.`);
      ok = false;
    } else exitReason = reason;
  }

  const pb = v[E.priorBrin];
  let priorBrin: string | undefined;
  if (absent(pb)) {
    report(E.priorBrin, 'required', 'is required: the supplying school (vooropleiding).');
    ok = false;
  } else if (!isBrin(pb, E.priorBrin, report)) ok = false;
  else priorBrin = codes.get(pb);
  let priorVestiging = checkVestiging(v[E.priorVestiging], E.priorVestiging, report);
  if (priorVestiging === undefined) ok = false;
  else if (priorVestiging !== null) {
    if (priorBrin !== undefined && !priorVestiging.startsWith(priorBrin)) {
      report(E.priorVestiging, 'vestiging_mismatch', `must start with ${names[E.priorBrin]}.`);
      ok = false;
    } else priorVestiging = codes.get(priorVestiging);
  }
  const priorDiplomaType = checkMember(v[E.priorDiplomaType], E.priorDiplomaType, PRIOR_DIPLOMA_SET, PRIOR_DIPLOMA_TYPES, report);
  if (priorDiplomaType === undefined) ok = false;

  const pdy = v[E.priorDiplomaYear];
  const priorDiplomaYear = toYear(pdy, ctx.json);
  const startYear = startDate !== undefined ? Number(startDate.slice(0, 4)) : ctx.maxCohort + 1;
  if (Number.isNaN(priorDiplomaYear)) {
    report(E.priorDiplomaYear, absent(pdy) ? 'required' : 'isYear', absent(pdy) ? 'is required.' : `must be a year (${ctx.json === false ? '4 digits' : 'an integer'}).`);
    ok = false;
  } else if (priorDiplomaYear < MIN_DIPLOMA_YEAR || priorDiplomaYear > startYear) {
    report(E.priorDiplomaYear, 'diploma_year_out_of_range', `must be from ${MIN_DIPLOMA_YEAR} up to the year of ${names[E.startDate]}.`);
    ok = false;
  }

  if (!ok) return false;
  out.receivingVestiging.push(receivingVestiging as string | null);
  out.pseudonym.push(v[E.pseudonym] as string);
  out.programmeCode.push(programmeCode!);
  out.sector.push(sector!);
  out.level.push(level!);
  out.form.push(form!);
  out.startDate.push(startDate!);
  out.endDate.push(endDate);
  out.endReason.push(endReason);
  out.exitReason.push(exitReason);
  out.cohort.push(cohort);
  out.priorBrin.push(priorBrin!);
  out.priorVestiging.push(priorVestiging as string | null);
  out.priorDiplomaType.push(priorDiplomaType!);
  out.priorDiplomaYear.push(priorDiplomaYear);
  out.length++;
  return true;
}
