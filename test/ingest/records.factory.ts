import { createHash } from 'node:crypto';
import { isValidBsn, isValidOnderwijsnummer } from 'src/pseudonyms/bsn';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { TestContext } from 'test/utils/test-context';

/** Valid records and the fixtures around them, for the ingest tests. */

/** A pseudonym as institutions compute it: 64 lowercase hex characters, stable per label. */
export const pseudonym = (label: string | number): string => createHash('sha256').update(`ingest-test:${label}`).digest('hex');

/** The first 9-digit numbers from `start` that pass the BSN 11-proef / are onderwijsnummers. */
const findNumber = (start: number, test: (value: string) => boolean): string => {
  for (let n = start; ; n++) {
    const value = String(n).padStart(9, '0');
    if (test(value)) return value;
  }
};

/** Passes the 11-proef: must be refused as a pseudonym (and never echoed). */
export const BSN = findNumber(123_456_700, isValidBsn);
/** A valid onderwijsnummer (starts with 10, weighted sum ≡ 5 mod 11). */
export const ONDERWIJSNUMMER = findNumber(101_234_500, isValidOnderwijsnummer);

export interface EnrolmentRecord {
  pseudonym: string;
  receivingBrin?: string;
  receivingVestiging?: string;
  programmeCode: string;
  sector: string;
  level: string;
  form: string;
  startDate: string;
  endDate?: string;
  endReason?: string;
  exitReason?: string;
  priorBrin: string;
  priorVestiging?: string;
  priorDiplomaType: string;
  priorDiplomaYear: number;
}

export interface LeaverRecord {
  pseudonym: string;
  supplyingVestiging?: string;
  schoolYear: number;
  onderwijssoort: string;
  profile?: string;
  diploma: boolean;
}

/** Programmes the tests upload against. */
export const PROGRAMMES = [
  { code: '25604', sector: 'mbo', name: 'Software developer', level: '4', nominalDurationYears: 3, validFromCohort: 2015 },
  { code: '25187', sector: 'mbo', name: 'Medewerker ICT', level: '2', nominalDurationYears: 2, validFromCohort: 2015, validToCohort: 2020 },
  { code: '25998', sector: 'mbo', name: 'Medewerker ICT (nieuw)', level: '2', nominalDurationYears: 2, validFromCohort: 2021 },
  { code: '34479', sector: 'hbo', name: 'HBO-ICT', level: 'bachelor', nominalDurationYears: 4, validFromCohort: 2000 },
  { code: '80072', sector: 'hbo', name: 'Ad Software Development', level: 'ad', nominalDurationYears: 2, validFromCohort: 2010 },
  { code: '56978', sector: 'wo', name: 'Informatica', level: 'bachelor', nominalDurationYears: 3, validFromCohort: 2000 },
] as const;

/** A valid hbo enrolment; `i` varies the student. */
export const enrolment = (i: number | string = 0, overrides: Partial<EnrolmentRecord> = {}): EnrolmentRecord => ({
  pseudonym: pseudonym(i),
  programmeCode: '34479',
  sector: 'hbo',
  level: 'bachelor',
  form: 'voltijd',
  startDate: '2023-09-01',
  priorBrin: '99ZZ',
  priorVestiging: '99ZZ01',
  priorDiplomaType: 'havo',
  priorDiplomaYear: 2023,
  ...overrides,
});

/** A valid mbo enrolment. */
export const mboEnrolment = (i: number | string = 0, overrides: Partial<EnrolmentRecord> = {}): EnrolmentRecord =>
  enrolment(i, { programmeCode: '25604', sector: 'mbo', level: '4', form: 'bol', priorDiplomaType: 'vmbo-gt', ...overrides });

export const enrolments = (n: number, from = 0, overrides: Partial<EnrolmentRecord> = {}): EnrolmentRecord[] =>
  Array.from({ length: n }, (_, k) => enrolment(from + k, overrides));

export const leaver = (i: number | string = 0, overrides: Partial<LeaverRecord> = {}): LeaverRecord => ({
  pseudonym: pseudonym(i),
  schoolYear: 2023,
  onderwijssoort: 'havo',
  profile: 'NT/NG',
  diploma: true,
  ...overrides,
});

export const ENROLMENT_COLUMNS = [
  'pseudonym',
  'receiving_brin',
  'receiving_vestiging',
  'programme_code',
  'sector',
  'level',
  'form',
  'start_date',
  'end_date',
  'end_reason',
  'prior_brin',
  'prior_vestiging',
  'prior_diploma_type',
  'prior_diploma_year',
];
export const LEAVER_COLUMNS = ['pseudonym', 'supplying_vestiging', 'school_year', 'onderwijssoort', 'profile', 'diploma'];

const camel = (column: string): string => column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
const cell = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** A CSV file of records (header + one line each), as an institution would export it. */
export const toCsv = (records: object[], columns: string[] = ENROLMENT_COLUMNS): string =>
  [columns.join(','), ...records.map((record) => columns.map((column) => cell((record as Record<string, unknown>)[camel(column)])).join(','))].join('\n') + '\n';

export interface IngestFixture {
  /** A receiving institution (mbo + hbo) and a second one, to test isolation. */
  a: InstitutionEntity;
  b: InstitutionEntity;
  /** records:write + records:read for A and for B. */
  tokenA: string;
  tokenB: string;
  admin: string;
}

/** Two receiving institutions with records clients, and the programme list loaded. */
export async function setupIngest(ctx: TestContext): Promise<IngestFixture> {
  const a = await ctx.newInstitution({ sectors: ['mbo', 'hbo'] });
  const b = await ctx.newInstitution({ sectors: ['mbo', 'hbo'] });
  const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
  const tokenA = await ctx.tokenFor({ institution: a, scopes: ['records:write', 'records:read'] });
  const tokenB = await ctx.tokenFor({ institution: b, scopes: ['records:write', 'records:read'] });
  await ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: PROGRAMMES }).expect(200);
  return { a, b, tokenA, tokenB, admin };
}

/** Row counts of the ingest tables for one institution. */
export async function countRows(ctx: TestContext, institution: InstitutionEntity): Promise<{ enrolments: number; leavers: number }> {
  const [row] = await ctx.dataSource.query(
    `SELECT (SELECT count(*) FROM enrolments WHERE institution_id = $1)::int AS enrolments,
            (SELECT count(*) FROM leavers WHERE institution_id = $1)::int AS leavers`,
    [institution.id],
  );
  return row;
}

/** Pending summary refresh jobs for an institution, oldest first. */
export async function refreshJobs(ctx: TestContext, institution: InstitutionEntity): Promise<Array<{ cohorts: number[] }>> {
  const rows: Array<{ payload: { institutionId: string; cohorts: number[] } }> = await ctx.dataSource.query(
    `SELECT payload FROM jobs WHERE kind = 'refresh-summaries' AND payload->>'institutionId' = $1 ORDER BY id`,
    [institution.id],
  );
  return rows.map((row) => ({ cohorts: row.payload.cohorts }));
}
