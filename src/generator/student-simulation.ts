import { INSTITUTIONS, MBO_INSTITUTIONS, OFFER, PROGRAMMES, RECEIVER_PREFERENCE, SyntheticProgramme, VO_PROFILES } from 'src/generator/catalogue';
import { Random, weightedTable } from 'src/generator/prng';
import { AD_SHARE, BBL_SHARE, DESTINATION, Destination, FirstYearRates, GAP_YEARS, HBO_EXTERNAL_TO_MBO, HBO_FORM_SHARE, HBO_INTERNAL_SHARE, HBO_SWITCH, HBO_UITVAL_BY_PRIOR, HBO_UITVAL_OTHER, ENTREE_TO_MBO2, ENTREE_TO_MBO2_OTHER, ENTREE_TO_MBO2_SAME_COLLEGE, LATER, MBO4_TO_HBO, MBO_ENTRY_LEVEL, MBO_RATES, ONE_YEAR_DIPLOMA, WO_RATES } from 'src/generator/rates';
import type { EnrolmentRecord, ExitReason, PriorDiplomaType, ProgrammeForm, VoOnderwijssoort } from 'src/generator/records';
import type { GeneratedRecord } from 'src/generator/region';

/*
 * The simulation of one student's path through the region (first enrolment, its end, a switch,
 * a next step), with the tables it draws from. region.ts drives it per cohort and plants the breaks.
 */

/** The breaks the generator plants (see GenerateOptions in region.ts). */
export const TREND_BREAK = { supplierBrin: '90VB', receiverBrin: '92HA', sector: 'hbo' as const, effectPoints: 15, preferredCohort: 2024 };
export const SUPPLY_BREAK = { supplierBrin: '90VD', receiverBrin: '91MA', sector: 'mbo' as const, intakeFactor: 0.3, preferredCohort: 2021 };

/**
 * The interventions the generator plants when asked (GenerateOptions.plantInterventions): one that
 * works (first-year uitval in its cell drops by `uitvalDropPoints` from its first cohort on; the
 * students it keeps carry on in their programme) and one that changes nothing. The first cohort is
 * `cohortsBeforeEnd` before the last cohort of the range.
 */
export const PLANTED_INTERVENTIONS = [
  { supplierBrin: '90VC', receiverBrin: '91MA', sector: 'mbo' as const, uitvalDropPoints: 10, type: 'first-100-days' as const, title: 'Zachte landing: de eerste 100 dagen bij ROC Rijnstad' },
  { supplierBrin: '90VE', receiverBrin: '91MC', sector: 'mbo' as const, uitvalDropPoints: 0, type: 'lob-programme' as const, title: 'LOB-programma: meeloopdagen bij Zorgcollege De Linde' },
];
export const PLANTED_INTERVENTION_COHORTS_BEFORE_END = 2;

/** Cohorts before the range whose mbo students reach hbo inside it (4-year mbo, gap year). */
export const BURN_IN_COHORTS = 6;

// ---------------------------------------------------------------- dates as day numbers (UTC)

export const MS_PER_DAY = 86_400_000;
export const day = (year: number, month: number, dayOfMonth: number): number => Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY;
export const formatDay = (dayNumber: number): string => new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
export const parseDay = (text: string): number => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`asOf must be a date YYYY-MM-DD`);
  return day(Number(match[1]), Number(match[2]), Number(match[3]));
};
export const cohortOfDay = (dayNumber: number): number => {
  const date = new Date(dayNumber * MS_PER_DAY);
  return date.getUTCMonth() >= 7 ? date.getUTCFullYear() : date.getUTCFullYear() - 1;
};

// ---------------------------------------------------------------- lookup tables

export const INSTITUTION_BY_BRIN = new Map(INSTITUTIONS.map((institution) => [institution.brin, institution]));
export const PROGRAMME_BY_CODE = new Map(PROGRAMMES.map((programme) => [programme.code, programme]));
export const SCHOOL_TABLE = weightedTable(VO_PROFILES.map((profile) => [profile.brin, profile.size] as const));
export const MIX_TABLE = new Map(VO_PROFILES.map((profile) => [profile.brin, weightedTable(Object.entries(profile.mix) as Array<[VoOnderwijssoort, number]>)]));
export const DESTINATION_TABLE = mapValues(DESTINATION, (weights) => weightedTable(Object.entries(weights) as Array<[Destination, number]>));
export const MBO_LEVEL_TABLE = mapValues(MBO_ENTRY_LEVEL, (weights) => weightedTable(Object.entries(weights) as Array<['1' | '2' | '3' | '4', number]>));
export const GAP_TABLE = mapValues(GAP_YEARS, (weights) => weightedTable(Object.entries(weights).map(([gap, weight]) => [Number(gap), weight] as const)));
export const HBO_FORM_TABLE = weightedTable(Object.entries(HBO_FORM_SHARE) as Array<[ProgrammeForm, number]>);
export const RECEIVER_TABLE = new Map(
  Object.entries(RECEIVER_PREFERENCE).map(([supplier, bySector]) => [
    supplier,
    mapValues(bySector, (weights) => weightedTable(Object.entries(weights))),
  ]),
);
export const MBO_TABLE = weightedTable(MBO_INSTITUTIONS.map((institution) => [institution.brin, 1] as const));
export const HBO_TABLE = weightedTable([
  ['92HA', 0.6],
  ['92HB', 0.4],
] as const);

export function mapValues<K extends string, V, W>(record: Record<K, V>, fn: (value: V) => W): Record<K, W> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value as V)])) as Record<K, W>;
}

/** The vestiging where an institution teaches a programme: fixed per programme. */
export function vestigingOf(receiver: string, programmeCode: string): string {
  const institution = INSTITUTION_BY_BRIN.get(receiver)!;
  const offered = OFFER[receiver];
  const index = Math.max(0, offered.indexOf(programmeCode));
  return institution.vestigingen[index % institution.vestigingen.length].code;
}

export function validIn(programme: SyntheticProgramme, cohort: number): boolean {
  return (programme.firstCohort === undefined || cohort >= programme.firstCohort) && (programme.lastCohort === undefined || cohort <= programme.lastCohort);
}

/** Programmes a receiver offers at a level to starters of a cohort (masters take no first-years here). */
export function programmesAt(receiver: string, level: string, cohort: number, except?: string): SyntheticProgramme[] {
  return OFFER[receiver]
    .map((code) => PROGRAMME_BY_CODE.get(code)!)
    .filter((programme) => programme.level === level && programme.code !== except && validIn(programme, cohort));
}

// ---------------------------------------------------------------- the simulation of one student

export interface Prior {
  priorBrin: string;
  priorVestiging: string;
  priorDiplomaType: PriorDiplomaType;
  priorDiplomaYear: number;
}

export interface Placement {
  receiver: string;
  programme: SyntheticProgramme;
  form: ProgrammeForm;
  startDay: number;
  prior: Prior;
  /** The student's first enrolment in this sector: it gets a first-year outcome drawn. */
  first: boolean;
  /** Part of the planted trend-break cell in its break cohort. */
  trendBreak: boolean;
  /** Reached by a planted intervention that works: its first-year uitval is this many points lower. */
  uitvalDropPoints?: number;
}

export interface StudentContext {
  rng: Random;
  pseudonym: string;
  from: number;
  to: number;
  asOfDay: number;
  out: GeneratedRecord[];
}

export function firstYearRates(placement: Placement): FirstYearRates {
  const { programme, prior } = placement;
  if (programme.sector === 'mbo') return MBO_RATES[programme.level as '1' | '2' | '3' | '4'];
  if (programme.sector === 'wo') return WO_RATES;
  return { uitval: HBO_UITVAL_BY_PRIOR[prior.priorDiplomaType] ?? HBO_UITVAL_OTHER, switch: HBO_SWITCH, internalShare: HBO_INTERNAL_SHARE };
}

export function pickForm(rng: Random, programme: SyntheticProgramme): ProgrammeForm {
  if (programme.sector === 'mbo') return rng.chance(BBL_SHARE[programme.level as '1' | '2' | '3' | '4']) ? 'bbl' : 'bol';
  if (programme.sector === 'wo') return 'voltijd';
  return rng.weighted(HBO_FORM_TABLE);
}

/** First start: bol and ho on or just before 1 September; bbl any time in the autumn. */
export function firstStartDay(rng: Random, cohort: number, form: ProgrammeForm): number {
  if (form === 'bbl') return day(cohort, 8, 15) + rng.int(75);
  if (form === 'bol') return day(cohort, 8, 20) + rng.int(13);
  return day(cohort, 9, 1);
}

/**
 * Reasons for leaving as exit interviews report them (issue 14): a plausible spread after the
 * studies of studiestakers in mbo and hbo, where a study choice that did not fit is named most,
 * then personal circumstances; about one in eight interviews is not held or gives no reason.
 */
const EXIT_REASON_TABLE = weightedTable<ExitReason>([
  ['study_choice', 34],
  ['personal', 18],
  ['study_skills', 11],
  ['not_landed', 10],
  ['content_gap', 8],
  ['other', 7],
  ['unknown', 12],
]);

/**
 * The reason of one ended enrolment, from a stream of its own (seeded by the pseudonym and the
 * start day, not by the student's stream), so that drawing it changes no other number of a seed.
 */
export function exitReasonOf(pseudonym: string, startDay: number): ExitReason {
  return new Random(0x65786974, parseInt(pseudonym.slice(0, 8), 16) | 0, parseInt(pseudonym.slice(8, 16), 16) | 0, startDay).weighted(EXIT_REASON_TABLE);
}

export function emitEnrolment(ctx: StudentContext, placement: Placement, endDay: number | undefined, endReason: 'diploma' | 'uitgeschreven' | undefined): void {
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
    exitReason: known && endReason === 'uitgeschreven' ? exitReasonOf(ctx.pseudonym, placement.startDay) : undefined,
    priorBrin: placement.prior.priorBrin,
    priorVestiging: placement.prior.priorVestiging,
    priorDiplomaType: placement.prior.priorDiplomaType,
    priorDiplomaYear: placement.prior.priorDiplomaYear,
  };
  ctx.out.push({ kind: 'enrolment', record });
}

/** Where a switcher goes: another programme here, or a programme at another institution of the region. */
export function switchTarget(ctx: StudentContext, placement: Placement, internal: boolean, newStart: number): Placement | undefined {
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
export function simulateEnrolment(ctx: StudentContext, placement: Placement, depth: number): void {
  const { rng } = ctx;
  const cohort = cohortOfDay(placement.startDay);
  const referenceDay = day(cohort + 1, 10, 1);

  if (placement.first) {
    const rates = firstYearRates(placement);
    const uitval = rates.uitval + (placement.trendBreak ? TREND_BREAK.effectPoints / 100 : 0);
    const draw = rng.next();
    // A planted intervention keeps the students of the lowest band from dropping out: they carry on,
    // and no other student's path changes (the draws stay the same).
    const kept = placement.uitvalDropPoints !== undefined && draw >= uitval - placement.uitvalDropPoints / 100 && draw < uitval;
    if (draw < uitval && !kept) {
      // Left during or at the end of the first year; no further enrolment in the region.
      const earliest = Math.max(placement.startDay + 14, day(cohort, 9, 15));
      emitEnrolment(ctx, placement, earliest + rng.int(day(cohort + 1, 8, 31) - earliest + 1), 'uitgeschreven');
      return;
    }
    if (!kept && draw < uitval + rates.switch && depth < 3) {
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

  // Entree graduates: about half start mbo 2 after the summer, with the entree diploma as prior.
  const entree = placement.programme.sector === 'mbo' && placement.programme.level === '1';
  if (endReason === 'diploma' && entree && depth < 3 && rng.chance(ENTREE_TO_MBO2[placement.prior.priorDiplomaType] ?? ENTREE_TO_MBO2_OTHER)) {
    const diplomaYear = new Date(endDay * MS_PER_DAY).getUTCFullYear();
    if (diplomaYear > ctx.to) return;
    const receiver = rng.chance(ENTREE_TO_MBO2_SAME_COLLEGE) ? placement.receiver : rng.pick(MBO_INSTITUTIONS.map((institution) => institution.brin).filter((brin) => brin !== placement.receiver));
    const candidates = programmesAt(receiver, '2', diplomaYear);
    if (candidates.length === 0) return;
    const programme = rng.pick(candidates);
    const form = pickForm(rng, programme);
    const prior: Prior = { priorBrin: placement.receiver, priorVestiging: vestigingOf(placement.receiver, placement.programme.code), priorDiplomaType: 'mbo-1', priorDiplomaYear: diplomaYear };
    simulateEnrolment(ctx, { receiver, programme, form, startDay: firstStartDay(rng, diplomaYear, form), prior, first: true, trendBreak: false }, depth + 1);
    return;
  }

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
