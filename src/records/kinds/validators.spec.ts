import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { EnrolmentRecordDto, LeaverRecordDto } from 'src/records/dto/record.dto';
import { ENROLMENT_FIELDS, EnrolmentChunk, validateEnrolment } from 'src/records/kinds/enrolments';
import { LEAVER_FIELDS, LeaverChunk, validateLeaver } from 'src/records/kinds/leavers';
import { RecordField } from 'src/records/kinds/record-kind';
import { cohortOfDate, ValidationContext } from 'src/records/kinds/value-checks';
import { ProgrammeCatalogue } from 'src/programmes/programme-catalogue';

const HEX = 'a3f1'.repeat(16);
const BSN = '111222333';
const programmes: ProgrammeCatalogue = { has: (sector, code) => (sector === 'hbo' && code === '34479') || (sector === 'mbo' && code === '25604') };
const context = (fields: readonly RecordField[], json = true): ValidationContext => ({
  ownBrin: '00AA',
  programmes,
  maxCohort: 2026,
  names: fields.map((field) => (json ? field.json : field.csv)),
  json,
});

/** The fields (JSON names) the fast validator reports for a record. */
function fastErrors(fields: readonly RecordField[], record: Record<string, unknown>, validate: typeof validateEnrolment | typeof validateLeaver): Set<string> {
  const values = fields.map((field) => record[field.json]);
  const reported = new Set<string>();
  const unknown = Object.keys(record).filter((key) => !fields.some((field) => field.json === key));
  unknown.forEach((key) => reported.add(key));
  (validate as (v: unknown[], c: ValidationContext, r: (f: number) => void, o: never) => boolean)(
    values,
    context(fields),
    (field) => reported.add(field >= 0 ? fields[field].json : '#row'),
    (fields === ENROLMENT_FIELDS ? new EnrolmentChunk() : new LeaverChunk()) as never,
  );
  return reported;
}

/** The fields class-validator rejects, with the options of the global validation pipe. */
function dtoErrors(type: new () => object, record: Record<string, unknown>): Set<string> {
  const errors = validateSync(plainToInstance(type, record), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return new Set(errors.map((error) => error.property));
}

const drop = (record: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

describe('cohortOfDate', () => {
  it.each([
    ['2023-08-01', 2023],
    ['2023-12-31', 2023],
    ['2024-01-01', 2023],
    ['2024-07-31', 2023],
    ['2024-02-29', 2023],
    ['2023-02-29', 0],
    ['2023-13-01', 0],
    ['2023-04-31', 0],
    ['2023-1-01', 0],
    ['20230901', 0],
  ])('%s → %i', (date, cohort) => {
    expect(cohortOfDate(date)).toBe(cohort);
  });
});

describe('the fast validator and the record DTOs agree on shapes', () => {
  const enrolmentPools: Record<string, unknown[]> = {
    pseudonym: [HEX, HEX, 'A'.repeat(64), BSN, '', 123, null],
    receivingBrin: [undefined, '00AA', '00aa', 'X', 5],
    receivingVestiging: [undefined, '00AA01', '00AA1', 7],
    programmeCode: ['34479', '34479', '1234', 34479],
    sector: ['hbo', 'hbo', 'vo', undefined],
    level: ['bachelor', 'bachelor', 'x', 2, undefined],
    form: ['voltijd', 'voltijd', 'x', undefined],
    startDate: ['2023-09-01', '2023-09-01', '2023-02-30', '2023/09/01', undefined],
    endDate: [undefined, '2024-06-30', 'x', '2024-6-30'],
    endReason: [undefined, 'uitgeschreven', 'x'],
    priorBrin: ['99ZZ', '99ZZ', undefined, 'zz', 7],
    priorVestiging: [undefined, '99ZZ01', '9', 9],
    priorDiplomaType: ['havo', 'havo', 'mavo', undefined],
    priorDiplomaYear: [2023, 2023, 1900, '2023', 2023.5, undefined],
    studentNumber: [undefined, undefined, undefined, '4711'],
  };
  const leaverPools: Record<string, unknown[]> = {
    pseudonym: [HEX, HEX, BSN, undefined],
    supplyingVestiging: [undefined, '00AA01', '00AA1'],
    schoolYear: [2023, 2023, 1999, '2023', undefined],
    onderwijssoort: ['havo', 'havo', 'mbo-4', undefined],
    profile: [undefined, 'NT/NG', 'x'.repeat(65), 5],
    diploma: [true, false, 'ja', undefined],
    extra: [undefined, undefined, 1],
  };
  const recordOf = (pools: Record<string, unknown[]>) =>
    fc.record(Object.fromEntries(Object.entries(pools).map(([key, pool]) => [key, fc.constantFrom(...pool)]))).map(drop);

  it('rejects every enrolment field that class-validator rejects (and may reject more: the service rules)', () => {
    fc.assert(
      fc.property(recordOf(enrolmentPools), (record) => {
        const dto = dtoErrors(EnrolmentRecordDto, record);
        const fast = fastErrors(ENROLMENT_FIELDS, record, validateEnrolment);
        for (const field of dto) expect({ record, field, fast: fast.has(field) }).toEqual({ record, field, fast: true });
      }),
      { numRuns: 2_000 },
    );
  });

  it('rejects every leaver field that class-validator rejects', () => {
    fc.assert(
      fc.property(recordOf(leaverPools), (record) => {
        const dto = dtoErrors(LeaverRecordDto, record);
        const fast = fastErrors(LEAVER_FIELDS, record, validateLeaver);
        for (const field of dto) expect({ record, field, fast: fast.has(field) }).toEqual({ record, field, fast: true });
      }),
      { numRuns: 1_000 },
    );
  });

  it('accepts records that both consider valid', () => {
    const enrolment = { pseudonym: HEX, programmeCode: '34479', sector: 'hbo', level: 'bachelor', form: 'voltijd', startDate: '2023-09-01', priorBrin: '99ZZ', priorDiplomaType: 'havo', priorDiplomaYear: 2023 };
    expect(dtoErrors(EnrolmentRecordDto, enrolment)).toEqual(new Set());
    expect(fastErrors(ENROLMENT_FIELDS, enrolment, validateEnrolment)).toEqual(new Set());
    const leaver = { pseudonym: HEX, schoolYear: 2023, onderwijssoort: 'vwo', diploma: true };
    expect(dtoErrors(LeaverRecordDto, leaver)).toEqual(new Set());
    expect(fastErrors(LEAVER_FIELDS, leaver, validateLeaver)).toEqual(new Set());
  });
});

describe('CSV cells', () => {
  it('reads years from digits and diploma from words', () => {
    const chunk = new LeaverChunk();
    const errors: string[] = [];
    const ok = validateLeaver([HEX, '', '2023', 'havo', '', 'ja'], context(LEAVER_FIELDS, false), (field, code) => errors.push(`${field} ${code}`), chunk);
    expect({ ok, errors }).toEqual({ ok: true, errors: [] });
    expect(chunk.diploma).toEqual([true]);
    expect(chunk.schoolYear).toEqual([2023]);
    expect(chunk.profile).toEqual([null]);
  });

  it('never puts the rejected value in a message', () => {
    const messages: string[] = [];
    validateEnrolment([BSN, 'ZZ99', 'ZZ9901', '9999x', 'hbo', BSN, BSN, BSN, BSN, BSN, BSN, BSN, BSN, BSN], context(ENROLMENT_FIELDS, false), (_field, _code, detail) => messages.push(detail), new EnrolmentChunk());
    expect(messages.length).toBeGreaterThan(5);
    for (const message of messages) expect(message).not.toContain(BSN);
  });
});
