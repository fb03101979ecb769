import { BRIN_PATTERN, VESTIGING_PATTERN } from 'src/common/property.decorators';
import { cohortOf } from 'src/records/codes';
import { ProgrammeCatalogue } from 'src/programmes/programme-catalogue';
import { checkPseudonym, PSEUDONYM_PATTERN } from 'src/pseudonyms/pseudonym';

/*
 * The pieces of the one validator of uploaded rows, for JSON batches and CSV uploads alike. Each
 * kind's validator (src/records/kinds/) checks shape and rules in a single pass per row and
 * writes a valid row straight into the column arrays of the chunk that is sent to the database,
 * so a million-row upload costs one small function call per row. Messages never repeat the
 * value: a rejected value may be a raw identifier.
 */

/** Reports one problem of the current row; `field` is an index into the kind's fields, -1 the whole row. */
export type Reporter = (field: number, code: string, detail: string) => void;

export interface ValidationContext {
  /** The uploader's BRIN: rows must not name another institution. */
  ownBrin: string;
  programmes: ProgrammeCatalogue;
  /** Latest cohort accepted (next academic year). */
  maxCohort: number;
  /** The school year running now: the only survey year that takes answers (src/records/kinds/surveys.ts); today's when absent. */
  currentSchoolYear?: number;
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
export type Canon = ReadonlyMap<string, string>;
export const canon = (values: readonly string[]): Canon => new Map(values.map((value) => [value, value]));

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
export const codes = new Interner(50_000);
export const oneOf = (values: readonly string[]): string => `must be one of: ${values.join(', ')}`;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_PATTERN = /^\d{4}$/;

export const absent = (value: unknown): boolean => value === undefined || value === null || value === '';

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
export const toYear = (value: unknown, json: boolean | undefined): number => {
  if (json !== false && typeof value === 'number') return Number.isInteger(value) ? value : NaN;
  if (json !== true && typeof value === 'string' && YEAR_PATTERN.test(value)) return Number(value);
  return NaN;
};

const TRUE_WORDS = new Set(['true', '1', 'ja', 'j', 'yes', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'nee', 'n', 'no']);
/** A boolean: JSON true/false, or a word in a CSV cell; undefined otherwise. */
export const toBoolean = (value: unknown, json: boolean | undefined): boolean | undefined => {
  if (json !== false && typeof value === 'boolean') return value;
  if (json === true || typeof value !== 'string') return undefined;
  const lowered = value.toLowerCase();
  return TRUE_WORDS.has(lowered) ? true : FALSE_WORDS.has(lowered) ? false : undefined;
};

export function checkPseudonymField(value: unknown, field: number, report: Reporter): value is string {
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
export function checkMember(value: unknown, field: number, allowed: Canon, list: readonly string[], report: Reporter): string | undefined {
  const copy = typeof value === 'string' ? allowed.get(value) : undefined;
  if (copy !== undefined) return copy;
  if (absent(value)) report(field, 'required', 'is required.');
  else report(field, 'isIn', `${oneOf(list)}.`);
  return undefined;
}

/** Whether a present value is a BRIN code; reports it when not. */
export function isBrin(value: unknown, field: number, report: Reporter): value is string {
  if (typeof value === 'string' && BRIN_PATTERN.test(value)) return true;
  report(field, 'isBrin', 'must be a BRIN code of 4 upper-case characters, e.g. 00AA.');
  return false;
}

/** An optional vestiging code: null when absent, undefined after reporting a malformed one. */
export function checkVestiging(value: unknown, field: number, report: Reporter): string | null | undefined {
  if (absent(value)) return null;
  if (typeof value === 'string' && VESTIGING_PATTERN.test(value)) return value;
  report(field, 'isVestiging', 'must be a vestiging code (BRIN + 2 digits), e.g. 00AA01.');
  return undefined;
}

/** An optional vestiging of the uploader's own institution: its shared copy, null, or undefined after reporting. */
export function checkOwnVestiging(value: unknown, field: number, ownBrin: string, report: Reporter): string | null | undefined {
  const vestiging = checkVestiging(value, field, report);
  if (!vestiging) return vestiging;
  if (vestiging.startsWith(ownBrin)) return codes.get(vestiging);
  report(field, 'other_institution', 'is a vestiging of another institution than the one your client acts for.');
  return undefined;
}
