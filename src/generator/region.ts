import { createHash } from 'node:crypto';
import { pseudonymise } from 'src/pseudonyms/pseudonym';
import { CREBO_SUCCESSIONS, CreboSuccession, HO_INSTITUTIONS, INSTITUTIONS, MBO_INSTITUTIONS, PROFILES, PROGRAMMES, RECEIVER_PREFERENCE, REGION, SyntheticInstitution, SyntheticProgramme, VO_PROFILES, VO_SCHOOLS } from 'src/generator/catalogue';
import { Random } from 'src/generator/prng';
import { AD_SHARE, DESTINATION, NONE_DIPLOMA_SHARE, YEARLY_GROWTH } from 'src/generator/rates';
import type { EnrolmentRecord, LeaverRecord, ReceivingSector, VoOnderwijssoort } from 'src/generator/records';
import { BURN_IN_COHORTS, DESTINATION_TABLE, firstStartDay, GAP_TABLE, INSTITUTION_BY_BRIN, MBO_LEVEL_TABLE, MIX_TABLE, parseDay, pickForm, Placement, PLANTED_INTERVENTION_COHORTS_BEFORE_END, PLANTED_INTERVENTIONS, programmesAt, RECEIVER_TABLE, SCHOOL_TABLE, simulateEnrolment, StudentContext, SUPPLY_BREAK, TREND_BREAK } from 'src/generator/student-simulation';

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
  /**
   * Plant two interventions (PLANTED_INTERVENTIONS), one that lowers uitval in its cell and one
   * that changes nothing, from two cohorts before the last one (default false: the records of every
   * other option stay as they were).
   */
  plantInterventions?: boolean;
}

/** An intervention the generator planted: its cell, first cohort and true effect on first-year uitval. */
export interface PlantedIntervention {
  type: (typeof PLANTED_INTERVENTIONS)[number]['type'];
  title: string;
  supplierBrin: string;
  receiverBrin: string;
  sector: ReceivingSector;
  firstCohort: number;
  metric: 'uitval';
  direction: 'decrease';
  /** The true drop of the cell's first-year uitval probability, in percentage points (0: no effect). */
  uitvalDropPoints: number;
  description: string;
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
  plantedInterventions: PlantedIntervention[];
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

  const interventionCohort = to - PLANTED_INTERVENTION_COHORTS_BEFORE_END;
  const plantedInterventions: PlantedIntervention[] =
    options.plantInterventions && interventionCohort >= from + 3
      ? PLANTED_INTERVENTIONS.map((planted) => ({
          type: planted.type,
          title: planted.title,
          supplierBrin: planted.supplierBrin,
          receiverBrin: planted.receiverBrin,
          sector: planted.sector,
          firstCohort: interventionCohort,
          metric: 'uitval' as const,
          direction: 'decrease' as const,
          uitvalDropPoints: planted.uitvalDropPoints,
          description:
            `${planted.title} (${planted.supplierBrin} → ${planted.receiverBrin}, from cohort ${interventionCohort}): ` +
            (planted.uitvalDropPoints > 0 ? `first-year uitval ${planted.uitvalDropPoints} percentage points lower.` : 'no effect.'),
        }))
      : [];
  const interventionDrop = (school: string, receiver: string, destination: string, cohort: number): number | undefined => {
    const planted = plantedInterventions.find((item) => item.supplierBrin === school && item.receiverBrin === receiver && item.sector === destination);
    return planted && planted.uitvalDropPoints > 0 && cohort >= planted.firstCohort ? planted.uitvalDropPoints : undefined;
  };

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
        uitvalDropPoints: interventionDrop(school, receiver, destination, cohort),
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
    plantedInterventions,
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
