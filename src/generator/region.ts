import { createHash } from 'node:crypto';
import { pseudonymise } from 'src/pseudonyms/pseudonym';
import {
  CREBO_SUCCESSIONS,
  CreboSuccession,
  HO_INSTITUTIONS,
  INSTITUTIONS,
  MBO_INSTITUTIONS,
  OFFER,
  PROFILES,
  PROGRAMMES,
  RECEIVER_PREFERENCE,
  REGION,
  SyntheticInstitution,
  SyntheticProgramme,
  VO_PROFILES,
  VO_SCHOOLS,
} from 'src/generator/catalogue';
import { Random, weightedTable } from 'src/generator/prng';
import {
  AD_SHARE,
  BBL_SHARE,
  DESTINATION,
  Destination,
  FirstYearRates,
  GAP_YEARS,
  HBO_EXTERNAL_TO_MBO,
  HBO_FORM_SHARE,
  HBO_INTERNAL_SHARE,
  HBO_SWITCH,
  HBO_UITVAL_BY_PRIOR,
  HBO_UITVAL_OTHER,
  LATER,
  MBO4_TO_HBO,
  MBO_ENTRY_LEVEL,
  MBO_RATES,
  NONE_DIPLOMA_SHARE,
  ONE_YEAR_DIPLOMA,
  WO_RATES,
  YEARLY_GROWTH,
} from 'src/generator/rates';
import type {
  EnrolmentRecord,
  LeaverRecord,
  PriorDiplomaType,
  ProgrammeForm,
  ReceivingSector,
  VoOnderwijssoort,
} from 'src/generator/records';

export interface GenerateOptions {
  /** Any 32-bit integer; the same seed and options give the same records, byte for byte. */
  seed: number;
  /** First and last cohort (academic year of the start: 2023 = 2023-24), inclusive. */
  cohorts: [number, number];
  /** Students (vo leavers of the region) over all cohorts; default 100,000. */
  students?: number;
  /** Alternatively: students in the first cohort (later cohorts grow by 1% a year). */
  studentsPerCohort?: number;
  /**
   * The moment the data describe (YYYY-MM-DD): later end dates are not known yet (the record
   * is still open), later starts do not exist. Default: 1 October after the last cohort, the
   * reference date of its first year.
   */
  asOf?: string;
  /** Plant the trend break and the supply break (default true). */
  plantBreaks?: boolean;
  /** Cohort of the planted trend break; default 2024 when in range with 3 baseline cohorts, else the last cohort. */
  trendBreakCohort?: number;
  /** Cohort of the planted supply break; default 2021 when in range with 3 baseline cohorts, else the fourth cohort. */
  supplyBreakCohort?: number;
}

/** A planted jump in first-year uitval for one supplier → receiver cell. */
export interface PlantedTrendBreak {
  kind: 'trendbreuk';
  metric: 'uitval';
  supplierBrin: string;
  supplierName: string;
  receiverBrin: string;
  receiverName: string;
  sector: ReceivingSector;
  cohort: number;
  /** Added to the cell's first-year uitval probability, in percentage points. */
  effectPoints: number;
  baselineCohorts: number[];
  /** Expected first-year intake of the cell in the break cohort. */
  expectedCellSize: number;
  description: string;
}

/** A planted drop in the intake one receiver gets from one supplier, with unchanged rates. */
export interface PlantedSupplyBreak {
  kind: 'leveringsbreuk';
  supplierBrin: string;
  supplierName: string;
  receiverBrin: string;
  receiverName: string;
  sector: ReceivingSector;
  cohort: number;
  /** Share of the normal intake that arrives in the break cohort. */
  intakeFactor: number;
  baselineCohorts: number[];
  /** Expected intake without the break. */
  expectedNormalSize: number;
  description: string;
}

export type PlantedBreak = PlantedTrendBreak | PlantedSupplyBreak;

export type GeneratedRecord = { kind: 'enrolment'; record: EnrolmentRecord } | { kind: 'leaver'; record: LeaverRecord };

export interface GeneratedRegion {
  options: Required<Pick<GenerateOptions, 'seed' | 'cohorts' | 'asOf' | 'plantBreaks'>> & { studentsPerCohort: number[] };
  region: { code: string; name: string };
  institutions: SyntheticInstitution[];
  /** BRINs of the institutions that upload enrolments (mbo, hbo, wo). */
  receivers: string[];
  /** BRINs of the schools that upload leavers (vo). */
  suppliers: string[];
  programmes: SyntheticProgramme[];
  successions: CreboSuccession[];
  plantedBreaks: PlantedBreak[];
  /** Total number of students, over all cohorts. */
  studentCount: number;
  /** Every record, student by student. Each call starts again and yields the same sequence. */
  records(): Generator<GeneratedRecord>;
  enrolments(): Generator<EnrolmentRecord>;
  leavers(): Generator<LeaverRecord>;
  /** Enrolments uploaded by one receiving institution. */
  enrolmentsOf(brin: string): Generator<EnrolmentRecord>;
  /** Leavers uploaded by one supplying school. */
  leaversOf(brin: string): Generator<LeaverRecord>;
}

export const DEFAULT_STUDENTS = 100_000;

const TREND_BREAK = { supplierBrin: '90VB', receiverBrin: '92HA', sector: 'hbo' as const, effectPoints: 15, preferredCohort: 2024 };
const SUPPLY_BREAK = { supplierBrin: '90VD', receiverBrin: '91MA', sector: 'mbo' as const, intakeFactor: 0.3, preferredCohort: 2021 };

/** Cohorts before the range whose mbo students reach hbo inside it (4-year mbo, gap year). */
const BURN_IN_COHORTS = 6;

// ---------------------------------------------------------------- dates as day numbers (UTC)

const MS_PER_DAY = 86_400_000;
const day = (year: number, month: number, dayOfMonth: number): number => Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY;
const formatDay = (dayNumber: number): string => new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
const parseDay = (text: string): number => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`asOf must be a date YYYY-MM-DD`);
  return day(Number(match[1]), Number(match[2]), Number(match[3]));
};
const cohortOfDay = (dayNumber: number): number => {
  const date = new Date(dayNumber * MS_PER_DAY);
  return date.getUTCMonth() >= 7 ? date.getUTCFullYear() : date.getUTCFullYear() - 1;
};

// ---------------------------------------------------------------- lookup tables

const INSTITUTION_BY_BRIN = new Map(INSTITUTIONS.map((institution) => [institution.brin, institution]));
const PROGRAMME_BY_CODE = new Map(PROGRAMMES.map((programme) => [programme.code, programme]));
const SCHOOL_TABLE = weightedTable(VO_PROFILES.map((profile) => [profile.brin, profile.size] as const));
const MIX_TABLE = new Map(VO_PROFILES.map((profile) => [profile.brin, weightedTable(Object.entries(profile.mix) as Array<[VoOnderwijssoort, number]>)]));
const DESTINATION_TABLE = mapValues(DESTINATION, (weights) => weightedTable(Object.entries(weights) as Array<[Destination, number]>));
const MBO_LEVEL_TABLE = mapValues(MBO_ENTRY_LEVEL, (weights) => weightedTable(Object.entries(weights) as Array<['1' | '2' | '3' | '4', number]>));
const GAP_TABLE = mapValues(GAP_YEARS, (weights) => weightedTable(Object.entries(weights).map(([gap, weight]) => [Number(gap), weight] as const)));
const HBO_FORM_TABLE = weightedTable(Object.entries(HBO_FORM_SHARE) as Array<[ProgrammeForm, number]>);
const RECEIVER_TABLE = new Map(
  Object.entries(RECEIVER_PREFERENCE).map(([supplier, bySector]) => [
    supplier,
    mapValues(bySector, (weights) => weightedTable(Object.entries(weights))),
  ]),
);
const MBO_TABLE = weightedTable(MBO_INSTITUTIONS.map((institution) => [institution.brin, 1] as const));
const HBO_TABLE = weightedTable([
  ['92HA', 0.6],
  ['92HB', 0.4],
] as const);

function mapValues<K extends string, V, W>(record: Record<K, V>, fn: (value: V) => W): Record<K, W> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value as V)])) as Record<K, W>;
}

/** The vestiging where an institution teaches a programme: fixed per programme. */
function vestigingOf(receiver: string, programmeCode: string): string {
  const institution = INSTITUTION_BY_BRIN.get(receiver)!;
  const offered = OFFER[receiver];
  const index = Math.max(0, offered.indexOf(programmeCode));
  return institution.vestigingen[index % institution.vestigingen.length].code;
}

function validIn(programme: SyntheticProgramme, cohort: number): boolean {
  return (programme.firstCohort === undefined || cohort >= programme.firstCohort) && (programme.lastCohort === undefined || cohort <= programme.lastCohort);
}

/** Programmes a receiver offers at a level to starters of a cohort (masters take no first-years here). */
function programmesAt(receiver: string, level: string, cohort: number, except?: string): SyntheticProgramme[] {
  return OFFER[receiver]
    .map((code) => PROGRAMME_BY_CODE.get(code)!)
    .filter((programme) => programme.level === level && programme.code !== except && validIn(programme, cohort));
}

// ---------------------------------------------------------------- the simulation of one student

interface Prior {
  priorBrin: string;
  priorVestiging: string;
  priorDiplomaType: PriorDiplomaType;
  priorDiplomaYear: number;
}

interface Placement {
  receiver: string;
  programme: SyntheticProgramme;
  form: ProgrammeForm;
  startDay: number;
  prior: Prior;
  /** The student's first enrolment in this sector: it gets a first-year outcome drawn. */
  first: boolean;
  /** Part of the planted trend-break cell in its break cohort. */
  trendBreak: boolean;
}

interface StudentContext {
  rng: Random;
  pseudonym: string;
  from: number;
  to: number;
  asOfDay: number;
  out: GeneratedRecord[];
}

function firstYearRates(placement: Placement): FirstYearRates {
  const { programme, prior } = placement;
  if (programme.sector === 'mbo') return MBO_RATES[programme.level as '1' | '2' | '3' | '4'];
  if (programme.sector === 'wo') return WO_RATES;
  return { uitval: HBO_UITVAL_BY_PRIOR[prior.priorDiplomaType] ?? HBO_UITVAL_OTHER, switch: HBO_SWITCH, internalShare: HBO_INTERNAL_SHARE };
}

function pickForm(rng: Random, programme: SyntheticProgramme): ProgrammeForm {
  if (programme.sector === 'mbo') return rng.chance(BBL_SHARE[programme.level as '1' | '2' | '3' | '4']) ? 'bbl' : 'bol';
  if (programme.sector === 'wo') return 'voltijd';
  return rng.weighted(HBO_FORM_TABLE);
}

/** First start: bol and ho on or just before 1 September; bbl any time in the autumn. */
function firstStartDay(rng: Random, cohort: number, form: ProgrammeForm): number {
  if (form === 'bbl') return day(cohort, 8, 15) + rng.int(75);
  if (form === 'bol') return day(cohort, 8, 20) + rng.int(13);
  return day(cohort, 9, 1);
}

function emitEnrolment(ctx: StudentContext, placement: Placement, endDay: number | undefined, endReason: 'diploma' | 'uitgeschreven' | undefined): void {
  if (placement.startDay > ctx.asOfDay) return;
  const cohort = cohortOfDay(placement.startDay);
  if (cohort < ctx.from || cohort > ctx.to) return;
  const known = endDay !== undefined && endDay <= ctx.asOfDay;
  const record: EnrolmentRecord = {
    pseudonym: ctx.pseudonym,
    receivingBrin: placement.receiver,
    receivingVestiging: vestigingOf(placement.receiver, placement.programme.code),
    programmeCode: placement.programme.code,
    sector: placement.programme.sector,
    level: placement.programme.level,
    form: placement.form,
    startDate: formatDay(placement.startDay),
    endDate: known ? formatDay(endDay) : undefined,
    endReason: known ? endReason : undefined,
    priorBrin: placement.prior.priorBrin,
    priorVestiging: placement.prior.priorVestiging,
    priorDiplomaType: placement.prior.priorDiplomaType,
    priorDiplomaYear: placement.prior.priorDiplomaYear,
  };
  ctx.out.push({ kind: 'enrolment', record });
}

/** Where a switcher goes: another programme here, or a programme at another institution of the region. */
function switchTarget(ctx: StudentContext, placement: Placement, internal: boolean, newStart: number): Placement | undefined {
  const { rng } = ctx;
  const { programme, receiver } = placement;
  const cohort = cohortOfDay(newStart);
  let targetReceiver = receiver;
  let level: string = programme.level;
  if (!internal) {
    if (programme.sector === 'hbo') {
      if (rng.chance(HBO_EXTERNAL_TO_MBO)) {
        targetReceiver = rng.weighted(MBO_TABLE);
        level = '4';
      } else {
        targetReceiver = receiver === '92HA' ? '92HB' : '92HA';
      }
    } else if (programme.sector === 'wo') {
      targetReceiver = rng.weighted(HBO_TABLE);
      level = 'bachelor';
    } else {
      const others = MBO_INSTITUTIONS.map((institution) => institution.brin).filter((brin) => brin !== receiver);
      targetReceiver = rng.pick(others);
    }
  }
  let candidates = programmesAt(targetReceiver, level, cohort, programme.code);
  if (candidates.length === 0 && programme.sector === 'mbo') candidates = programmesAt(targetReceiver, String(Math.min(4, Number(level) + 1)), cohort, programme.code);
  if (candidates.length === 0 && programme.sector === 'hbo') candidates = programmesAt(targetReceiver, level === 'ad' ? 'bachelor' : 'ad', cohort, programme.code);
  if (candidates.length === 0) return undefined;
  const target = rng.pick(candidates);
  const form = target.sector === programme.sector ? (target.forms.includes(placement.form) ? placement.form : pickForm(rng, target)) : pickForm(rng, target);
  return { receiver: targetReceiver, programme: target, form, startDay: newStart, prior: placement.prior, first: false, trendBreak: false };
}

/** One enrolment and everything that follows from it: its end, a switch, a next step. */
function simulateEnrolment(ctx: StudentContext, placement: Placement, depth: number): void {
  const { rng } = ctx;
  const cohort = cohortOfDay(placement.startDay);
  const referenceDay = day(cohort + 1, 10, 1);

  if (placement.first) {
    const rates = firstYearRates(placement);
    const uitval = rates.uitval + (placement.trendBreak ? TREND_BREAK.effectPoints / 100 : 0);
    const draw = rng.next();
    if (draw < uitval) {
      // Left during or at the end of the first year; no further enrolment in the region.
      const earliest = Math.max(placement.startDay + 14, day(cohort, 9, 15));
      emitEnrolment(ctx, placement, earliest + rng.int(day(cohort + 1, 8, 31) - earliest + 1), 'uitgeschreven');
      return;
    }
    if (draw < uitval + rates.switch && depth < 3) {
      const internal = rng.chance(rates.internalShare);
      // Switch at the February intake, or after the summer when the next cohort is in range.
      const inFebruary = cohort + 1 > ctx.to || rng.chance(0.5);
      const endDay = inFebruary ? day(cohort, 11, 15) + rng.int(day(cohort + 1, 1, 31) - day(cohort, 11, 15) + 1) : day(cohort + 1, 6, 1) + rng.int(92);
      const newStart = inFebruary ? day(cohort + 1, 2, 1) : day(cohort + 1, 9, 1);
      const target = switchTarget(ctx, placement, internal, newStart);
      if (target) {
        emitEnrolment(ctx, placement, endDay, 'uitgeschreven');
        simulateEnrolment(ctx, target, depth + 1);
        return;
      }
      // Nowhere to switch to: the student carries on.
    }
  }

  // Enrolled at the reference date (or, for a one-year programme, a diploma by then).
  const { nominalYears } = placement.programme;
  const diplomaDay = (years: number): number => day(cohort + years, 7, 1) + rng.int(15);
  const laterDropout = (untilYears: number): number => referenceDay + 1 + rng.int(Math.max(1, day(cohort + untilYears, 7, 1) - referenceDay - 1));
  let diplomaYears: number | undefined;
  const draw = rng.next();
  if (nominalYears === 1) {
    if (draw < ONE_YEAR_DIPLOMA) diplomaYears = 1;
    else if (draw < ONE_YEAR_DIPLOMA + (1 - ONE_YEAR_DIPLOMA) / 2) diplomaYears = 2;
  } else if (draw < LATER.diplomaNominal) {
    diplomaYears = nominalYears;
  } else if (draw < LATER.diplomaNominal + LATER.diplomaLate) {
    diplomaYears = nominalYears + 1;
  }
  // A switcher's new enrolment must still run at the reference date of the enrolment it replaced.
  if (diplomaYears !== undefined && !placement.first) diplomaYears = Math.max(2, diplomaYears);
  let endDay = diplomaYears !== undefined ? diplomaDay(diplomaYears) : laterDropout(Math.max(2, nominalYears));
  const endReason: 'diploma' | 'uitgeschreven' = diplomaYears !== undefined ? 'diploma' : 'uitgeschreven';
  if (endDay <= placement.startDay) endDay = placement.startDay + 300;
  emitEnrolment(ctx, placement, endDay, endReason);

  // mbo-4 graduates: many go on to hbo in the region.
  if (endReason === 'diploma' && placement.programme.sector === 'mbo' && placement.programme.level === '4' && depth < 3 && rng.chance(MBO4_TO_HBO)) {
    const diplomaYear = new Date(endDay * MS_PER_DAY).getUTCFullYear();
    const hboCohort = diplomaYear + rng.weighted(GAP_TABLE['mbo-hbo']);
    if (hboCohort > ctx.to) return;
    const prior: Prior = {
      priorBrin: placement.receiver,
      priorVestiging: vestigingOf(placement.receiver, placement.programme.code),
      priorDiplomaType: 'mbo-4',
      priorDiplomaYear: diplomaYear,
    };
    const receiver = rng.weighted(RECEIVER_TABLE.get(placement.receiver)!.hbo);
    const programme = rng.pick(programmesAt(receiver, rng.chance(AD_SHARE['mbo-4']) ? 'ad' : 'bachelor', hboCohort));
    const form = pickForm(rng, programme);
    const hbo: Placement = {
      receiver,
      programme,
      form,
      startDay: firstStartDay(rng, hboCohort, form),
      prior,
      first: true,
      trendBreak: false,
    };
    simulateEnrolment(ctx, hbo, depth + 1);
  }
}

// ---------------------------------------------------------------- the region

function defaultBreakCohort(from: number, to: number, preferred: number, fallback: number): number {
  if (preferred >= from + 3 && preferred <= to) return preferred;
  return Math.min(to, Math.max(from + 3, fallback));
}

/** Expected share of a cohort's students that start at `receiver` in `sector` coming from vo school `supplier`. */
function expectedShare(supplier: string, receiver: string, sector: ReceivingSector): number {
  const school = VO_PROFILES.find((profile) => profile.brin === supplier)!;
  const schoolShare = school.size / SCHOOL_TABLE.total;
  let share = 0;
  for (const [type, weight] of Object.entries(school.mix) as Array<[VoOnderwijssoort, number]>) {
    const destinations = DESTINATION[type];
    const total = Object.values(destinations).reduce((sum, value) => sum + (value ?? 0), 0);
    share += (weight / Object.values(school.mix).reduce((sum, value) => sum + (value ?? 0), 0)) * ((destinations[sector] ?? 0) / total);
  }
  const preference = RECEIVER_PREFERENCE[supplier][sector];
  const preferenceTotal = Object.values(preference).reduce((sum, value) => sum + value, 0);
  return schoolShare * share * ((preference[receiver] ?? 0) / preferenceTotal);
}

/** A deterministic key for the synthetic pseudonyms (the data are synthetic: the key is no secret). */
const generatorKey = (seed: number): Buffer => createHash('sha256').update(`doorstroom synthetic region, seed ${seed}`).digest();

export function generateRegion(options: GenerateOptions): GeneratedRegion {
  const seed = options.seed | 0;
  if (!Number.isInteger(options.seed)) throw new RangeError('seed must be an integer');
  const [from, to] = options.cohorts;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from > to || from < 2000 || to > 2100) {
    throw new RangeError('cohorts must be two years [from, to] with 2000 ≤ from ≤ to ≤ 2100');
  }
  const cohortCount = to - from + 1;
  const growth = (cohort: number): number => Math.pow(1 + YEARLY_GROWTH, cohort - from);
  let base: number;
  if (options.studentsPerCohort !== undefined) {
    base = options.studentsPerCohort;
  } else {
    const total = options.students ?? DEFAULT_STUDENTS;
    let weights = 0;
    for (let cohort = from; cohort <= to; cohort++) weights += growth(cohort);
    base = total / weights;
  }
  if (!Number.isFinite(base) || base < 0) throw new RangeError('students must be a non-negative number');
  const studentsIn = (cohort: number): number => Math.round(base * growth(cohort));
  const studentsPerCohort = Array.from({ length: cohortCount }, (_, i) => studentsIn(from + i));
  const studentCount = studentsPerCohort.reduce((sum, n) => sum + n, 0);
  const asOf = options.asOf ?? `${to + 1}-10-01`;
  const asOfDay = parseDay(asOf);
  const plantBreaks = options.plantBreaks ?? true;
  const breaksPossible = plantBreaks && cohortCount >= 4;

  const trendCohort = breaksPossible ? (options.trendBreakCohort ?? defaultBreakCohort(from, to, TREND_BREAK.preferredCohort, to)) : undefined;
  const supplyCohort = breaksPossible ? (options.supplyBreakCohort ?? defaultBreakCohort(from, to, SUPPLY_BREAK.preferredCohort, from + 3)) : undefined;
  for (const [name, cohort] of [
    ['trendBreakCohort', trendCohort],
    ['supplyBreakCohort', supplyCohort],
  ] as const) {
    if (cohort !== undefined && (cohort < from || cohort > to)) throw new RangeError(`${name} must lie within the cohorts`);
  }

  const nameOf = (brin: string): string => INSTITUTION_BY_BRIN.get(brin)!.name;
  const baseline = (cohort: number): number[] => [cohort - 3, cohort - 2, cohort - 1].filter((c) => c >= from);
  const plantedBreaks: PlantedBreak[] = [];
  if (trendCohort !== undefined) {
    plantedBreaks.push({
      kind: 'trendbreuk',
      metric: 'uitval',
      supplierBrin: TREND_BREAK.supplierBrin,
      supplierName: nameOf(TREND_BREAK.supplierBrin),
      receiverBrin: TREND_BREAK.receiverBrin,
      receiverName: nameOf(TREND_BREAK.receiverBrin),
      sector: TREND_BREAK.sector,
      cohort: trendCohort,
      effectPoints: TREND_BREAK.effectPoints,
      baselineCohorts: baseline(trendCohort),
      expectedCellSize: Math.round(studentsIn(trendCohort) * expectedShare(TREND_BREAK.supplierBrin, TREND_BREAK.receiverBrin, 'hbo')),
      description:
        `First-year uitval of students from ${nameOf(TREND_BREAK.supplierBrin)} (${TREND_BREAK.supplierBrin}) at ` +
        `${nameOf(TREND_BREAK.receiverBrin)} (${TREND_BREAK.receiverBrin}) is ${TREND_BREAK.effectPoints} percentage points higher in cohort ${trendCohort}.`,
    });
  }
  if (supplyCohort !== undefined) {
    plantedBreaks.push({
      kind: 'leveringsbreuk',
      supplierBrin: SUPPLY_BREAK.supplierBrin,
      supplierName: nameOf(SUPPLY_BREAK.supplierBrin),
      receiverBrin: SUPPLY_BREAK.receiverBrin,
      receiverName: nameOf(SUPPLY_BREAK.receiverBrin),
      sector: SUPPLY_BREAK.sector,
      cohort: supplyCohort,
      intakeFactor: SUPPLY_BREAK.intakeFactor,
      baselineCohorts: baseline(supplyCohort),
      expectedNormalSize: Math.round(studentsIn(supplyCohort) * expectedShare(SUPPLY_BREAK.supplierBrin, SUPPLY_BREAK.receiverBrin, 'mbo')),
      description:
        `The intake of ${nameOf(SUPPLY_BREAK.receiverBrin)} (${SUPPLY_BREAK.receiverBrin}) from ${nameOf(SUPPLY_BREAK.supplierBrin)} ` +
        `(${SUPPLY_BREAK.supplierBrin}) drops to ${Math.round(SUPPLY_BREAK.intakeFactor * 100)}% of normal in cohort ${supplyCohort}; rates are unchanged.`,
    });
  }

  const key = generatorKey(seed);

  function* simulateStudent(cohort: number, index: number): Generator<GeneratedRecord> {
    const rng = new Random(seed, cohort, index);
    const burnIn = cohort < from;
    const school = rng.weighted(SCHOOL_TABLE);
    const type = rng.weighted(MIX_TABLE.get(school)!);
    const destination = rng.weighted(DESTINATION_TABLE[type]);
    const mboLevel = destination === 'mbo' ? rng.weighted(MBO_LEVEL_TABLE[type]) : undefined;
    // Before the range only the mbo-4 students matter: some of them reach hbo inside it.
    if (burnIn && mboLevel !== '4') return;
    const vestiging = rng.pick(INSTITUTION_BY_BRIN.get(school)!.vestigingen).code;
    const profiles = PROFILES[type];
    const profile = profiles.length > 0 ? rng.pick(profiles) : undefined;
    const gap = destination === 'none' ? 0 : rng.weighted(GAP_TABLE[destination]);
    const diplomaYear = cohort - gap;

    let receiver: string | undefined;
    if (destination !== 'none') {
      receiver = rng.weighted(RECEIVER_TABLE.get(school)![destination]);
    }
    let leftRegion = destination === 'none';
    // The planted supply break: most of this cell's students do not arrive in the break cohort.
    if (receiver === SUPPLY_BREAK.receiverBrin && school === SUPPLY_BREAK.supplierBrin && cohort === supplyCohort && !rng.chance(SUPPLY_BREAK.intakeFactor)) {
      leftRegion = true;
    }

    const ctx: StudentContext = {
      rng,
      pseudonym: pseudonymise(`syn${seed}c${cohort}n${index}`, key),
      from,
      to,
      asOfDay,
      out: [],
    };
    const schoolYear = diplomaYear - 1;
    if (!burnIn && schoolYear >= from - 1) {
      const leaver: LeaverRecord = {
        pseudonym: ctx.pseudonym,
        supplyingVestiging: vestiging,
        schoolYear,
        onderwijssoort: type,
        profile,
        diploma: leftRegion && destination === 'none' ? rng.chance(NONE_DIPLOMA_SHARE) : true,
      };
      ctx.out.push({ kind: 'leaver', record: leaver });
    }
    if (!leftRegion && receiver !== undefined && destination !== 'none') {
      let level: string;
      if (destination === 'mbo') level = mboLevel!;
      else if (destination === 'hbo') level = rng.chance(AD_SHARE[type] ?? 0) ? 'ad' : 'bachelor';
      else level = 'bachelor';
      const candidates = programmesAt(receiver, level, cohort);
      const programme = rng.pick(candidates);
      const form = pickForm(rng, programme);
      const placement: Placement = {
        receiver,
        programme,
        form,
        startDay: firstStartDay(rng, cohort, form),
        prior: { priorBrin: school, priorVestiging: vestiging, priorDiplomaType: type, priorDiplomaYear: diplomaYear },
        first: true,
        trendBreak: cohort === trendCohort && school === TREND_BREAK.supplierBrin && receiver === TREND_BREAK.receiverBrin && destination === TREND_BREAK.sector,
      };
      simulateEnrolment(ctx, placement, 0);
    }
    yield* ctx.out;
  }

  function* records(): Generator<GeneratedRecord> {
    for (let cohort = from - BURN_IN_COHORTS; cohort <= to; cohort++) {
      const count = studentsIn(cohort);
      for (let index = 0; index < count; index++) yield* simulateStudent(cohort, index);
    }
  }
  function* enrolments(): Generator<EnrolmentRecord> {
    for (const item of records()) if (item.kind === 'enrolment') yield item.record;
  }
  function* leavers(): Generator<LeaverRecord> {
    for (const item of records()) if (item.kind === 'leaver') yield item.record;
  }

  return {
    options: { seed, cohorts: [from, to], asOf, plantBreaks, studentsPerCohort },
    region: { ...REGION },
    institutions: INSTITUTIONS.map((institution) => ({ ...institution, sectors: [...institution.sectors], vestigingen: institution.vestigingen.map((v) => ({ ...v })) })),
    receivers: [...MBO_INSTITUTIONS, ...HO_INSTITUTIONS].map((institution) => institution.brin),
    suppliers: VO_SCHOOLS.map((school) => school.brin),
    programmes: PROGRAMMES.map((programme) => ({ ...programme, forms: [...programme.forms] })),
    successions: CREBO_SUCCESSIONS.map((succession) => ({ ...succession })),
    plantedBreaks,
    studentCount,
    records,
    enrolments,
    leavers,
    *enrolmentsOf(brin: string) {
      for (const record of enrolments()) if (record.receivingBrin === brin) yield record;
    },
    *leaversOf(brin: string) {
      for (const record of leavers()) if (record.supplyingVestiging?.slice(0, 4) === brin) yield record;
    },
  };
}
