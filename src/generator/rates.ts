import type { ReceivingSector, VoOnderwijssoort } from 'src/generator/records';

/**
 * The behavioural parameters of the synthetic region. First-year rates are the chance of each
 * outcome at the reference date (1 October of cohort + 1) for a student's first enrolment in a
 * sector; they follow the national figures the product brief names (hbo first-year uitval
 * ≈ 15% overall, ≈ 20% from mbo, ≈ 13% from havo, ≈ 7% from vwo; switch ≈ 17%).
 */

export type Destination = ReceivingSector | 'none';

/** Where a vo leaver of each onderwijssoort goes next ('none': not to follow-up education in the region). */
export const DESTINATION: Record<VoOnderwijssoort, Partial<Record<Destination, number>>> = {
  'vmbo-b': { mbo: 0.93, none: 0.07 },
  'vmbo-k': { mbo: 0.93, none: 0.07 },
  'vmbo-gt': { mbo: 0.92, none: 0.08 },
  havo: { hbo: 0.74, mbo: 0.12, wo: 0.01, none: 0.13 },
  vwo: { wo: 0.62, hbo: 0.16, none: 0.22 },
  pro: { mbo: 0.6, none: 0.4 },
  vso: { mbo: 0.4, none: 0.6 },
};

/** mbo level a vo leaver starts at. */
export const MBO_ENTRY_LEVEL: Record<VoOnderwijssoort, Partial<Record<'1' | '2' | '3' | '4', number>>> = {
  'vmbo-b': { '1': 0.05, '2': 0.75, '3': 0.2 },
  'vmbo-k': { '2': 0.2, '3': 0.35, '4': 0.45 },
  'vmbo-gt': { '3': 0.12, '4': 0.88 },
  havo: { '4': 1 },
  vwo: { '4': 1 },
  pro: { '1': 0.8, '2': 0.2 },
  vso: { '1': 0.6, '2': 0.4 },
};

/** Years between the prior diploma and the start (0 = direct instroom). */
export const GAP_YEARS: Record<ReceivingSector | 'mbo-hbo', Partial<Record<0 | 1 | 2, number>>> = {
  mbo: { 0: 0.95, 1: 0.05 },
  hbo: { 0: 0.85, 1: 0.12, 2: 0.03 },
  wo: { 0: 0.85, 1: 0.12, 2: 0.03 },
  'mbo-hbo': { 0: 0.8, 1: 0.2 },
};

/** Share of hbo starters who choose an Associate degree, by prior diploma. */
export const AD_SHARE: Record<string, number> = { 'mbo-4': 0.15, havo: 0.07, vwo: 0, 'vmbo-gt': 0.2 };

/** bbl (work-based) share of mbo starters by level; hbo deeltijd and duaal shares. */
export const BBL_SHARE: Record<'1' | '2' | '3' | '4', number> = { '1': 0.05, '2': 0.25, '3': 0.2, '4': 0.12 };
export const HBO_FORM_SHARE = { voltijd: 0.9, deeltijd: 0.05, duaal: 0.05 } as const;

export interface FirstYearRates {
  uitval: number;
  switch: number;
  /** Of the switchers, the share that stays at the same institution. */
  internalShare: number;
}

export const HBO_UITVAL_BY_PRIOR: Record<string, number> = { 'mbo-4': 0.2, havo: 0.13, vwo: 0.07 };
/** Prior diplomas without a national figure of their own (e.g. a vmbo-gt pupil who went to hbo). */
export const HBO_UITVAL_OTHER = 0.2;
export const HBO_SWITCH = 0.17;
export const HBO_INTERNAL_SHARE = 0.45;
/** Of the hbo students who switch to another institution, the share that goes to mbo. */
export const HBO_EXTERNAL_TO_MBO = 0.15;

export const WO_RATES: FirstYearRates = { uitval: 0.07, switch: 0.12, internalShare: 0.5 };

export const MBO_RATES: Record<'1' | '2' | '3' | '4', FirstYearRates> = {
  '1': { uitval: 0.25, switch: 0.08, internalShare: 0.6 },
  '2': { uitval: 0.17, switch: 0.1, internalShare: 0.6 },
  '3': { uitval: 0.11, switch: 0.1, internalShare: 0.6 },
  '4': { uitval: 0.09, switch: 0.1, internalShare: 0.6 },
};

/** After a successful first year: diploma in nominal time, one year late, or a later dropout. */
export const LATER = { diplomaNominal: 0.62, diplomaLate: 0.18 } as const;
/** One-year programmes (Entree): diploma at the end of the first year. */
export const ONE_YEAR_DIPLOMA = 0.8;

/**
 * Entree (mbo 1) graduates who go on to mbo 2 in the region after the summer, most at the same
 * college (seed 003: the route pro/vso → entree → mbo 2; roughly half continue, fewer from vso).
 */
export const ENTREE_TO_MBO2: Partial<Record<string, number>> = { pro: 0.55, vso: 0.4, 'vmbo-b': 0.6 };
export const ENTREE_TO_MBO2_OTHER = 0.5;
export const ENTREE_TO_MBO2_SAME_COLLEGE = 0.8;

/** Share of mbo-4 graduates who go on to hbo in the region. */
export const MBO4_TO_HBO = 0.7;

/** Leavers who do not continue in the region still mostly have their diploma. */
export const NONE_DIPLOMA_SHARE = 0.85;

/** Yearly growth of the number of leavers. */
export const YEARLY_GROWTH = 0.01;
