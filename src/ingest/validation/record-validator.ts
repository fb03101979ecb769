import { BRIN_PATTERN, VESTIGING_PATTERN } from 'src/common/property.decorators';
import {
  cohortOf,
  END_REASONS,
  FORMS_BY_SECTOR,
  LEVELS_BY_SECTOR,
  MIN_COHORT,
  ONDERWIJSSOORTEN,
  PRIOR_DIPLOMA_TYPES,
  PROGRAMME_CODE_PATTERN,
  PROGRAMME_LEVELS,
  RECORD_SECTORS,
  RecordSector,
  STUDY_FORMS,
} from 'src/ingest/codes';
import { checkPseudonym, PSEUDONYM_PATTERN } from 'src/pseudonyms/pseudonym';
import { E, L } from 'src/ingest/validation/record-fields';

/*
 * The one validator of uploaded rows, for JSON batches and CSV uploads alike. It checks shape
 * and rules in a single pass per row and writes a valid row straight into the column arrays
 * of the chunk that is sent to the database, so a million-row upload costs one small function
 * call per row. Messages never repeat the value: a rejected value may be a raw identifier.
 */

/** Reports one problem of the current row; `field` is an index into the kind's fields, -1 the whole row. */
export type Reporter = (field: number, code: string, detail: string) => void;

/** Which programmes exist, per sector. */
export interface ProgrammeCatalogue {
  has(sector: RecordSector, code: string): boolean;
}

export interface ValidationContext {
  /** The uploader's BRIN: rows must not name another institution. */
  ownBrin: string;
  programmes: ProgrammeCatalogue;
  /** Latest cohort accepted (next academic year). */
  maxCohort: number;
  /** Field names as the uploader wrote them (JSON properties or CSV columns), for messages. */
  names: readonly string[];
  /**
   * true: JSON records carry typed values (years are numbers, `diploma` a boolean), as the DTOs
   * document. false: CSV cells are text (years are digits, `diploma` a word: true/false, ja/nee).
   * Absent: either form is accepted.
   */
  json?: boolean;
}

/** Problem codes that mean "this row names another institution": the batch answers 403. */
export const FORBIDDEN_CODES: ReadonlySet<string> = new Set(['other_institution']);

/*
 * Memory: a chunk keeps its values until the database has them, long enough for V8 to move
 * them to the old generation. Short repeating values (codes, dates) are therefore replaced by
 * one shared copy each, so that per row only the pseudonym stays behind and the strings the
 * CSV parser made die young.
 */

/** Value → the one shared copy of it; from a fixed list. */
type Canon = ReadonlyMap<string, string>;
const canon = (values: readonly string[]): Canon => new Map(values.map((value) => [value, value]));
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
const PRIOR_DIPLOMA_SET = canon(PRIOR_DIPLOMA_TYPES);
const ONDERWIJSSOORT_SET = canon(ONDERWIJSSOORTEN);

/** Shared copies of open-ended codes (BRIN, vestiging, programme code); bounded. */
class Interner {
  private readonly copies = new Map<string, string>();

  constructor(private readonly max: number) {}

  get(value: string): string {
    const copy = this.copies.get(value);
    if (copy !== undefined) return copy;
    if (this.copies.size < this.max) this.copies.set(value, value);
    return value;
  }
}
const codes = new Interner(50_000);
const oneOf = (values: readonly string[]): string => `must be one of: ${values.join(', ')}`;

export const PROFILE_PATTERN = /^[A-Za-z0-9 &+./()'-]{1,64}$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_PATTERN = /^\d{4}$/;
const MIN_DIPLOMA_YEAR = 1950;

const absent = (value: unknown): boolean => value === undefined || value === null || value === '';

// Start dates repeat a lot within an upload; remember what each one means.
const dateCohorts = new Map<string, number>();
const MAX_CACHED_DATES = 20_000;

/** The cohort of a real calendar date `YYYY-MM-DD`, or 0 when it is not one. */
export function cohortOfDate(value: string): number {
  const cached = dateCohorts.get(value);
  if (cached !== undefined) return cached;
  let cohort = 0;
  const match = DATE_PATTERN.exec(value);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    if (year >= 1900 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) cohort = cohortOf(year, month);
  }
  if (dateCohorts.size >= MAX_CACHED_DATES) dateCohorts.clear();
  dateCohorts.set(value, cohort);
  return cohort;
}

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** An integer: a JSON number, or digits in a CSV cell; NaN otherwise. */
const toYear = (value: unknown, json: boolean | undefined): number => {
  if (json !== false && typeof value === 'number') return Number.isInteger(value) ? value : NaN;
  if (json !== true && typeof value === 'string' && YEAR_PATTERN.test(value)) return Number(value);
  return NaN;
};

const TRUE_WORDS = new Set(['true', '1', 'ja', 'j', 'yes', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'nee', 'n', 'no']);
/** A boolean: JSON true/false, or a word in a CSV cell; undefined otherwise. */
const toBoolean = (value: unknown, json: boolean | undefined): boolean | undefined => {
  if (json !== false && typeof value === 'boolean') return value;
  if (json === true || typeof value !== 'string') return undefined;
  const lowered = value.toLowerCase();
  return TRUE_WORDS.has(lowered) ? true : FALSE_WORDS.has(lowered) ? false : undefined;
};

function checkPseudonymField(value: unknown, field: number, report: Reporter): value is string {
  if (typeof value === 'string' && PSEUDONYM_PATTERN.test(value)) return true;
  if (absent(value)) {
    report(field, 'required', 'is required.');
    return false;
  }
  const check = checkPseudonym(typeof value === 'string' ? value : String(value));
  if (!check.ok) report(field, check.reason, check.message);
  else report(field, 'not_a_pseudonym', 'must be a string of 64 lowercase hexadecimal characters.');
  return false;
}

/** A required string from a fixed list: its shared copy, or undefined after reporting. */
function checkMember(value: unknown, field: number, allowed: Canon, list: readonly string[], report: Reporter): string | undefined {
  const copy = typeof value === 'string' ? allowed.get(value) : undefined;
  if (copy !== undefined) return copy;
  if (absent(value)) report(field, 'required', 'is required.');
  else report(field, 'isIn', `${oneOf(list)}.`);
  return undefined;
}

/**
 * Rows of one chunk, indexed by pseudonym: finds a natural key repeated within the chunk
 * without building a key string per row.
 */
export abstract class KeyedChunk {
  length = 0;
  readonly pseudonym: string[] = [];
  /** Where each row came from: record index (JSON) or line (CSV). */
  readonly origins: number[] = [];
  private readonly byPseudonym = new Map<string, number | number[]>();

  /** Whether rows i and j have the same natural key. */
  abstract sameKey(i: number, j: number): boolean;
  /** The natural key of row i as text (to check a JSON batch as a whole). */
  abstract keyOf(i: number): string;

  /** Registers the last row; returns the position of an earlier row with its key, or -1. */
  registerLast(origin: number): number {
    const at = this.length - 1;
    this.origins.push(origin);
    const pseudonym = this.pseudonym[at];
    const earlier = this.byPseudonym.get(pseudonym);
    if (earlier === undefined) {
      this.byPseudonym.set(pseudonym, at);
      return -1;
    }
    if (typeof earlier === 'number') {
      if (this.sameKey(earlier, at)) return earlier;
      this.byPseudonym.set(pseudonym, [earlier, at]);
      return -1;
    }
    for (const position of earlier) if (this.sameKey(position, at)) return position;
    earlier.push(at);
    return -1;
  }
}

/** Column arrays of a chunk of enrolments, ready for `unnest`. */
export class EnrolmentChunk extends KeyedChunk {
  readonly receivingVestiging: Array<string | null> = [];
  readonly programmeCode: string[] = [];
  readonly sector: string[] = [];
  readonly level: string[] = [];
  readonly form: string[] = [];
  readonly startDate: string[] = [];
  readonly endDate: Array<string | null> = [];
  readonly endReason: Array<string | null> = [];
  readonly cohort: number[] = [];
  readonly priorBrin: string[] = [];
  readonly priorVestiging: Array<string | null> = [];
  readonly priorDiplomaType: string[] = [];
  readonly priorDiplomaYear: number[] = [];

  sameKey(i: number, j: number): boolean {
    return this.pseudonym[i] === this.pseudonym[j] && this.programmeCode[i] === this.programmeCode[j] && this.startDate[i] === this.startDate[j];
  }

  keyOf(i: number): string {
    return `${this.pseudonym[i]}|${this.programmeCode[i]}|${this.startDate[i]}`;
  }
}

/**
 * Validates one enrolment (values in ENROLMENT_FIELDS order) and, when it is valid, appends
 * it to `out`. Returns whether it was valid.
 */
export function validateEnrolment(v: ArrayLike<unknown>, ctx: ValidationContext, report: Reporter, out: EnrolmentChunk): boolean {
  let ok = checkPseudonymField(v[E.pseudonym], E.pseudonym, report);
  const names = ctx.names;

  const receivingBrin = v[E.receivingBrin];
  if (!absent(receivingBrin)) {
    if (typeof receivingBrin !== 'string' || !BRIN_PATTERN.test(receivingBrin)) {
      report(E.receivingBrin, 'isBrin', 'must be a BRIN code of 4 upper-case characters, e.g. 00AA.');
      ok = false;
    } else if (receivingBrin !== ctx.ownBrin) {
      report(E.receivingBrin, 'other_institution', 'names another receiving institution than the one your client acts for.');
      ok = false;
    }
  }
  let receivingVestiging: string | null = null;
  const rv = v[E.receivingVestiging];
  if (!absent(rv)) {
    if (typeof rv !== 'string' || !VESTIGING_PATTERN.test(rv)) {
      report(E.receivingVestiging, 'isVestiging', 'must be a vestiging code (BRIN + 2 digits), e.g. 00AA01.');
      ok = false;
    } else if (!rv.startsWith(ctx.ownBrin)) {
      report(E.receivingVestiging, 'other_institution', 'is a vestiging of another institution than the one your client acts for.');
      ok = false;
    } else receivingVestiging = codes.get(rv);
  }

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

  const pb = v[E.priorBrin];
  let priorBrin: string | undefined;
  if (typeof pb !== 'string' || !BRIN_PATTERN.test(pb)) {
    report(E.priorBrin, absent(pb) ? 'required' : 'isBrin', absent(pb) ? 'is required: the supplying school (vooropleiding).' : 'must be a BRIN code of 4 upper-case characters, e.g. 00AA.');
    ok = false;
  } else priorBrin = codes.get(pb);
  let priorVestiging: string | null = null;
  const pv = v[E.priorVestiging];
  if (!absent(pv)) {
    if (typeof pv !== 'string' || !VESTIGING_PATTERN.test(pv)) {
      report(E.priorVestiging, 'isVestiging', 'must be a vestiging code (BRIN + 2 digits), e.g. 00AA01.');
      ok = false;
    } else if (priorBrin !== undefined && !pv.startsWith(priorBrin)) {
      report(E.priorVestiging, 'vestiging_mismatch', `must start with ${names[E.priorBrin]}.`);
      ok = false;
    } else priorVestiging = codes.get(pv);
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
  out.receivingVestiging.push(receivingVestiging);
  out.pseudonym.push(v[E.pseudonym] as string);
  out.programmeCode.push(programmeCode!);
  out.sector.push(sector!);
  out.level.push(level!);
  out.form.push(form!);
  out.startDate.push(startDate!);
  out.endDate.push(endDate);
  out.endReason.push(endReason);
  out.cohort.push(cohort);
  out.priorBrin.push(priorBrin!);
  out.priorVestiging.push(priorVestiging);
  out.priorDiplomaType.push(priorDiplomaType!);
  out.priorDiplomaYear.push(priorDiplomaYear);
  out.length++;
  return true;
}

/** Column arrays of a chunk of leavers, ready for `unnest`. */
export class LeaverChunk extends KeyedChunk {
  readonly supplyingVestiging: Array<string | null> = [];
  readonly schoolYear: number[] = [];
  readonly onderwijssoort: string[] = [];
  readonly profile: Array<string | null> = [];
  readonly diploma: boolean[] = [];

  sameKey(i: number, j: number): boolean {
    return this.pseudonym[i] === this.pseudonym[j] && this.schoolYear[i] === this.schoolYear[j];
  }

  keyOf(i: number): string {
    return `${this.pseudonym[i]}|${this.schoolYear[i]}`;
  }
}

/** Validates one leaver (values in LEAVER_FIELDS order) and appends it to `out` when valid. */
export function validateLeaver(v: ArrayLike<unknown>, ctx: ValidationContext, report: Reporter, out: LeaverChunk): boolean {
  let ok = checkPseudonymField(v[L.pseudonym], L.pseudonym, report);

  let supplyingVestiging: string | null = null;
  const sv = v[L.supplyingVestiging];
  if (!absent(sv)) {
    if (typeof sv !== 'string' || !VESTIGING_PATTERN.test(sv)) {
      report(L.supplyingVestiging, 'isVestiging', 'must be a vestiging code (BRIN + 2 digits), e.g. 00AA01.');
      ok = false;
    } else if (!sv.startsWith(ctx.ownBrin)) {
      report(L.supplyingVestiging, 'other_institution', 'is a vestiging of another institution than the one your client acts for.');
      ok = false;
    } else supplyingVestiging = codes.get(sv);
  }

  const sy = v[L.schoolYear];
  const schoolYear = toYear(sy, ctx.json);
  // A pupil leaves at the latest in the school year that is running now.
  const lastSchoolYear = ctx.maxCohort - 1;
  if (Number.isNaN(schoolYear)) {
    report(L.schoolYear, absent(sy) ? 'required' : 'isYear', absent(sy) ? 'is required.' : `must be a year (${ctx.json === false ? '4 digits' : 'an integer'}; 2023 = 2023-24).`);
    ok = false;
  } else if (schoolYear < MIN_COHORT || schoolYear > lastSchoolYear) {
    report(L.schoolYear, 'cohort_out_of_range', `must be from ${MIN_COHORT} to ${lastSchoolYear}.`);
    ok = false;
  }

  const onderwijssoort = checkMember(v[L.onderwijssoort], L.onderwijssoort, ONDERWIJSSOORT_SET, ONDERWIJSSOORTEN, report);
  if (onderwijssoort === undefined) ok = false;

  let profile: string | null = null;
  const pr = v[L.profile];
  if (!absent(pr)) {
    if (typeof pr !== 'string' || !PROFILE_PATTERN.test(pr)) {
      report(L.profile, 'isProfile', "must be 1–64 letters, digits, spaces or & + . / ( ) ' -.");
      ok = false;
    } else profile = codes.get(pr);
  }

  const dv = v[L.diploma];
  const diploma = toBoolean(dv, ctx.json);
  if (diploma === undefined) {
    report(L.diploma, absent(dv) ? 'required' : 'isBoolean', absent(dv) ? 'is required.' : ctx.json === true ? 'must be true or false.' : 'must be true or false (also 1/0, ja/nee, yes/no).');
    ok = false;
  }

  if (!ok) return false;
  out.supplyingVestiging.push(supplyingVestiging);
  out.pseudonym.push(v[L.pseudonym] as string);
  out.schoolYear.push(schoolYear);
  out.onderwijssoort.push(onderwijssoort!);
  out.profile.push(profile);
  out.diploma.push(diploma!);
  out.length++;
  return true;
}
