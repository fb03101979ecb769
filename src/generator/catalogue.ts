import type { ProgrammeForm, ProgrammeLevel, ReceivingSector, VoOnderwijssoort } from 'src/generator/records';

/**
 * The fixed make-up of the synthetic region "Rijnstad": its schools and institutions, their
 * vestigingen and programmes. All BRIN codes start with 9 (fictional) and differ from those of
 * the demo region, so both can live in one database. All programme codes are fictional.
 */

export type InstitutionSector = 'vo' | ReceivingSector;

export interface SyntheticInstitution {
  brin: string;
  name: string;
  sectors: InstitutionSector[];
  vestigingen: Array<{ code: string; name: string }>;
}

export interface SyntheticProgramme {
  /** Fictional 5-digit crebo (mbo) or CROHO (hbo, wo) code. */
  code: string;
  name: string;
  sector: ReceivingSector;
  level: ProgrammeLevel;
  /** Nominal duration in years. */
  nominalYears: number;
  forms: ProgrammeForm[];
  /** Crebo succession: the code replaces `replaces` for enrolments from `fromCohort` on. */
  replaces?: string;
  /** Last cohort that may start on this code (it was replaced from the next cohort on). */
  lastCohort?: number;
  /** First cohort that may start on this code. */
  firstCohort?: number;
}

/** A crebo that changed: enrolments from `fromCohort` on use the new code. */
export interface CreboSuccession {
  oldCode: string;
  newCode: string;
  fromCohort: number;
}

export interface VoSchoolProfile {
  brin: string;
  /** Relative number of leavers per year. */
  size: number;
  /** Share of each onderwijssoort among its leavers. */
  mix: Partial<Record<VoOnderwijssoort, number>>;
}

const vestigingen = (brin: string, ...names: string[]): Array<{ code: string; name: string }> =>
  names.map((name, i) => ({ code: `${brin}${String(i).padStart(2, '0')}`, name }));

export const REGION = { code: 'RIJNSTAD', name: 'Regio Rijnstad (synthetisch)' };

export const VO_SCHOOLS: SyntheticInstitution[] = [
  { brin: '90VA', name: 'Stedelijk Gymnasium Rijnstad', sectors: ['vo'], vestigingen: vestigingen('90VA', 'Hoofdlocatie') },
  { brin: '90VB', name: 'Het Baken Lyceum', sectors: ['vo'], vestigingen: vestigingen('90VB', 'Centrum', 'Noord') },
  { brin: '90VC', name: 'Scholengemeenschap De Vaart', sectors: ['vo'], vestigingen: vestigingen('90VC', 'Vaartweg', 'Parkzicht', 'Dorpsstraat') },
  { brin: '90VD', name: 'Vakcollege Oostkade', sectors: ['vo'], vestigingen: vestigingen('90VD', 'Oostkade', 'Havenkwartier') },
  { brin: '90VE', name: 'Montessori College Rijnstad', sectors: ['vo'], vestigingen: vestigingen('90VE', 'Hoofdlocatie') },
  { brin: '90VF', name: 'Praktijkschool De Stek', sectors: ['vo'], vestigingen: vestigingen('90VF', 'Hoofdlocatie') },
  { brin: '90VG', name: 'VSO De Horizon', sectors: ['vo'], vestigingen: vestigingen('90VG', 'Hoofdlocatie') },
];

export const VO_PROFILES: VoSchoolProfile[] = [
  { brin: '90VA', size: 0.1, mix: { havo: 0.15, vwo: 0.85 } },
  { brin: '90VB', size: 0.2, mix: { 'vmbo-gt': 0.1, havo: 0.55, vwo: 0.35 } },
  { brin: '90VC', size: 0.25, mix: { 'vmbo-b': 0.15, 'vmbo-k': 0.2, 'vmbo-gt': 0.3, havo: 0.25, vwo: 0.1 } },
  { brin: '90VD', size: 0.2, mix: { 'vmbo-b': 0.35, 'vmbo-k': 0.35, 'vmbo-gt': 0.3 } },
  { brin: '90VE', size: 0.15, mix: { 'vmbo-gt': 0.3, havo: 0.4, vwo: 0.3 } },
  { brin: '90VF', size: 0.04, mix: { pro: 1 } },
  { brin: '90VG', size: 0.02, mix: { vso: 1 } },
];

export const MBO_INSTITUTIONS: SyntheticInstitution[] = [
  { brin: '91MA', name: 'ROC Rijnstad', sectors: ['mbo'], vestigingen: vestigingen('91MA', 'Campus Zuid', 'Campus West', 'Zorgplein') },
  { brin: '91MB', name: 'Vakschool Techniek Oostkade', sectors: ['mbo'], vestigingen: vestigingen('91MB', 'Werkplaats') },
  { brin: '91MC', name: 'Zorgcollege De Linde', sectors: ['mbo'], vestigingen: vestigingen('91MC', 'Lindelaan', 'Ziekenhuisweg') },
];

export const HO_INSTITUTIONS: SyntheticInstitution[] = [
  { brin: '92HA', name: 'Hogeschool Rijnstad', sectors: ['hbo'], vestigingen: vestigingen('92HA', 'Campus Centrum', 'Campus Rivier') },
  { brin: '92HB', name: 'Hogeschool De Delta', sectors: ['hbo'], vestigingen: vestigingen('92HB', 'Deltaplein') },
  { brin: '93WA', name: 'Universiteit Rijnstad', sectors: ['wo'], vestigingen: vestigingen('93WA', 'Universiteitsveld') },
];

export const INSTITUTIONS: SyntheticInstitution[] = [...VO_SCHOOLS, ...MBO_INSTITUTIONS, ...HO_INSTITUTIONS];

const MBO_FORMS: ProgrammeForm[] = ['bol', 'bbl'];
const HO_FORMS: ProgrammeForm[] = ['voltijd', 'deeltijd', 'duaal'];
const mbo = (code: string, name: string, level: '1' | '2' | '3' | '4', nominalYears: number, extra: Partial<SyntheticProgramme> = {}): SyntheticProgramme => ({
  code,
  name,
  sector: 'mbo',
  level,
  nominalYears,
  forms: MBO_FORMS,
  ...extra,
});
const ho = (code: string, name: string, sector: 'hbo' | 'wo', level: 'ad' | 'bachelor' | 'master', nominalYears: number): SyntheticProgramme => ({
  code,
  name,
  sector,
  level,
  nominalYears,
  forms: sector === 'wo' ? ['voltijd'] : HO_FORMS,
});

/** Crebo changes within the default cohort range; the old code stays valid for earlier cohorts. */
export const CREBO_SUCCESSIONS: CreboSuccession[] = [
  { oldCode: '91201', newCode: '91211', fromCohort: 2020 },
  { oldCode: '91203', newCode: '91213', fromCohort: 2022 },
];

export const PROGRAMMES: SyntheticProgramme[] = [
  mbo('91001', 'Entree', '1', 1),
  mbo('91102', 'Medewerker logistiek', '2', 2),
  mbo('91103', 'Helpende zorg en welzijn', '2', 2),
  mbo('91104', 'Verkoopmedewerker', '2', 2),
  mbo('91105', 'Basismedewerker bouw', '2', 2),
  mbo('91201', 'Verzorgende-IG (kwalificatie tot 2019)', '3', 3, { lastCohort: 2019 }),
  mbo('91211', 'Verzorgende-IG', '3', 3, { replaces: '91201', firstCohort: 2020 }),
  mbo('91202', 'Eerste monteur elektrotechniek', '3', 3),
  mbo('91203', 'Medewerker ICT (kwalificatie tot 2021)', '3', 3, { lastCohort: 2021 }),
  mbo('91213', 'Medewerker ICT', '3', 3, { replaces: '91203', firstCohort: 2022 }),
  mbo('91204', 'Zelfstandig werkend kok', '3', 3),
  mbo('91301', 'Verpleegkundige', '4', 4),
  mbo('91302', 'Software developer', '4', 3),
  mbo('91303', 'Pedagogisch medewerker', '4', 3),
  mbo('91304', 'Onderwijsassistent', '4', 3),
  mbo('91305', 'Technicus elektrotechniek', '4', 4),
  mbo('91306', 'Commercieel medewerker', '4', 3),
  ho('92001', 'B HBO-Verpleegkunde', 'hbo', 'bachelor', 4),
  ho('92002', 'B Pedagogiek', 'hbo', 'bachelor', 4),
  ho('92003', 'B Bedrijfskunde', 'hbo', 'bachelor', 4),
  ho('92004', 'B HBO-ICT', 'hbo', 'bachelor', 4),
  ho('92005', 'B Werktuigbouwkunde', 'hbo', 'bachelor', 4),
  ho('92006', 'B Opleiding tot leraar basisonderwijs', 'hbo', 'bachelor', 4),
  ho('92007', 'B Social Work', 'hbo', 'bachelor', 4),
  ho('92008', 'B Communicatie', 'hbo', 'bachelor', 4),
  ho('92501', 'Ad Software Development', 'hbo', 'ad', 2),
  ho('92502', 'Ad Pedagogisch Educatief Professional', 'hbo', 'ad', 2),
  ho('92503', 'Ad Ondernemen', 'hbo', 'ad', 2),
  ho('92901', 'M Advanced Nursing Practice', 'hbo', 'master', 2),
  ho('93001', 'B Rechtsgeleerdheid', 'wo', 'bachelor', 3),
  ho('93002', 'B Psychologie', 'wo', 'bachelor', 3),
  ho('93003', 'B Geneeskunde', 'wo', 'bachelor', 3),
  ho('93004', 'B Bedrijfskunde', 'wo', 'bachelor', 3),
  ho('93005', 'B Natuurkunde', 'wo', 'bachelor', 3),
  ho('93901', 'M Rechtsgeleerdheid', 'wo', 'master', 1),
];

/** Which programmes each receiving institution offers (master programmes take no first-years here). */
export const OFFER: Record<string, string[]> = {
  '91MA': ['91001', '91102', '91103', '91104', '91105', '91201', '91211', '91202', '91203', '91213', '91204', '91301', '91302', '91303', '91304', '91305', '91306'],
  '91MB': ['91001', '91102', '91105', '91202', '91203', '91213', '91302', '91305'],
  '91MC': ['91001', '91103', '91201', '91211', '91301', '91303', '91304'],
  '92HA': ['92001', '92002', '92003', '92004', '92005', '92006', '92007', '92008', '92501', '92502', '92503', '92901'],
  '92HB': ['92003', '92004', '92006', '92007', '92501', '92503'],
  '93WA': ['93001', '93002', '93003', '93004', '93005', '93901'],
};

/** Where each vo school's leavers go, per receiving sector (relative weights). */
export const RECEIVER_PREFERENCE: Record<string, Record<ReceivingSector, Record<string, number>>> = {
  '90VA': { mbo: { '91MA': 1 }, hbo: { '92HA': 0.6, '92HB': 0.4 }, wo: { '93WA': 1 } },
  '90VB': { mbo: { '91MA': 0.6, '91MC': 0.4 }, hbo: { '92HA': 0.8, '92HB': 0.2 }, wo: { '93WA': 1 } },
  '90VC': { mbo: { '91MA': 0.5, '91MB': 0.25, '91MC': 0.25 }, hbo: { '92HA': 0.5, '92HB': 0.5 }, wo: { '93WA': 1 } },
  '90VD': { mbo: { '91MA': 0.6, '91MB': 0.3, '91MC': 0.1 }, hbo: { '92HA': 0.5, '92HB': 0.5 }, wo: { '93WA': 1 } },
  '90VE': { mbo: { '91MA': 0.4, '91MB': 0.2, '91MC': 0.4 }, hbo: { '92HA': 0.55, '92HB': 0.45 }, wo: { '93WA': 1 } },
  '90VF': { mbo: { '91MA': 0.7, '91MB': 0.3 }, hbo: { '92HA': 1 }, wo: { '93WA': 1 } },
  '90VG': { mbo: { '91MA': 0.8, '91MC': 0.2 }, hbo: { '92HA': 1 }, wo: { '93WA': 1 } },
  // mbo graduates going on to hbo
  '91MA': { mbo: { '91MA': 1 }, hbo: { '92HA': 0.6, '92HB': 0.4 }, wo: { '93WA': 1 } },
  '91MB': { mbo: { '91MB': 1 }, hbo: { '92HA': 0.4, '92HB': 0.6 }, wo: { '93WA': 1 } },
  '91MC': { mbo: { '91MC': 1 }, hbo: { '92HA': 0.8, '92HB': 0.2 }, wo: { '93WA': 1 } },
};

/** Havo/vwo profiles and vmbo sector profiles, as leaver records carry them. */
export const PROFILES: Record<VoOnderwijssoort, string[]> = {
  'vmbo-b': ['BWI', 'ZW', 'EO', 'MT'],
  'vmbo-k': ['BWI', 'ZW', 'EO', 'MT'],
  'vmbo-gt': ['techniek', 'zorg-en-welzijn', 'economie', 'landbouw'],
  havo: ['CM', 'EM', 'NG', 'NT'],
  vwo: ['CM', 'EM', 'NG', 'NT'],
  pro: [],
  vso: [],
};

/** The programmes as `POST /v1/programmes:batch` takes them. */
export function programmesForApi(programmes: readonly SyntheticProgramme[] = PROGRAMMES): Array<{
  code: string;
  sector: ReceivingSector;
  name: string;
  level: ProgrammeLevel;
  nominalDurationYears: number;
  validFromCohort: number;
  validToCohort: number | null;
}> {
  return programmes.map((programme) => ({
    code: programme.code,
    sector: programme.sector,
    name: programme.name,
    level: programme.level,
    nominalDurationYears: programme.nominalYears,
    validFromCohort: programme.firstCohort ?? 2000,
    validToCohort: programme.lastCohort ?? null,
  }));
}
