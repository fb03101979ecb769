import { MIN_COHORT, ONDERWIJSSOORTEN } from 'src/records/codes';
import { bool, chunkClass, defineKind, field, fieldIndexes, inputFields, int2, RecordKind, text } from 'src/records/kinds/record-kind';
import { absent, canon, checkMember, checkOwnVestiging, checkPseudonymField, codes, Reporter, toBoolean, toYear, ValidationContext } from 'src/records/kinds/value-checks';

export const PROFILE_PATTERN = /^[A-Za-z0-9 &+./()'-]{1,64}$/;

/** Leavers, uploaded by the supplying school (optional): field(JSON property, CSV column, required, stored as, description, example). */
const LEAVER_TABLE = [
  field('pseudonym', 'pseudonym', true, text('pseudonym'), 'hex(HMAC-SHA256(K, id)) computed before upload: 64 lowercase hexadecimal characters; a raw BSN or onderwijsnummer is refused.', 'a3f1…'),
  field('supplyingVestiging', 'supplying_vestiging', false, text('supplying_vestiging'), 'A vestiging of the supplying institution the client acts for: its BRIN and 2 digits.', '12AB00'),
  field('schoolYear', 'school_year', true, int2('school_year'), 'School year of leaving (2023 = 2023-24); not later than the current one.', '2023'),
  field('onderwijssoort', 'onderwijssoort', true, text('onderwijssoort'), `The type of school left: ${ONDERWIJSSOORTEN.join(', ')}.`, 'havo'),
  field('profile', 'profile', false, text('profile'), "Profile or sector within the onderwijssoort: 1–64 letters, digits, spaces or & + . / ( ) ' -.", 'NT/NG'),
  field('diploma', 'diploma', true, bool('diploma'), 'Whether the pupil left with a diploma: true or false (in CSV also 1/0, ja/nee, yes/no).', 'true'),
] as const;

/** The fields a leaver upload carries, in the order the validator reads them. */
export const LEAVER_FIELDS = inputFields(LEAVER_TABLE);
const L = fieldIndexes(LEAVER_FIELDS);

/** A chunk of leavers; the natural key is (institution,) pseudonym and school year. */
export const LeaverChunk = chunkClass(LEAVER_TABLE, ['pseudonym', 'schoolYear']);
export type LeaverChunk = InstanceType<typeof LeaverChunk>;

/** The leaver kind; its figures are kept per school year Y, and compared with the follow-up cohort Y + 1. */
export const LEAVERS: RecordKind<LeaverChunk> = defineKind({ name: 'leavers', table: 'leavers', entries: LEAVER_TABLE, chunk: LeaverChunk, validate: validateLeaver, cohorts: { json: 'schoolYear', offsets: [0, 1] } });

const ONDERWIJSSOORT_SET = canon(ONDERWIJSSOORTEN);

/** Validates one leaver (values in LEAVER_FIELDS order) and appends it to `out` when valid. */
export function validateLeaver(v: ArrayLike<unknown>, ctx: ValidationContext, report: Reporter, out: LeaverChunk): boolean {
  let ok = checkPseudonymField(v[L.pseudonym], L.pseudonym, report);

  const supplyingVestiging = checkOwnVestiging(v[L.supplyingVestiging], L.supplyingVestiging, ctx.ownBrin, report);
  if (supplyingVestiging === undefined) ok = false;

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
  out.supplyingVestiging.push(supplyingVestiging as string | null);
  out.pseudonym.push(v[L.pseudonym] as string);
  out.schoolYear.push(schoolYear);
  out.onderwijssoort.push(onderwijssoort!);
  out.profile.push(profile);
  out.diploma.push(diploma!);
  out.length++;
  return true;
}
