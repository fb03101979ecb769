import { METRICS } from 'src/outcomes/figures';

/**
 * The vocabulary of reference series: published figures from outside the region (a sector
 * dashboard, DUO open onderwijsdata, NCO) shown beside the region's own.
 */

/**
 * The metrics a reference may publish: the views' metrics (src/outcomes/figures.ts) and `switch`,
 * internal and external switch together, as the web report and the trendbreuk alerts use it.
 */
export const REFERENCE_METRICS = [...METRICS, 'switch'] as const;
export type ReferenceMetric = (typeof REFERENCE_METRICS)[number];

/** Which instroom the figure counts: all, only direct (diploma the same year), or only indirect. */
export const REFERENCE_INSTROOM = ['all', 'direct', 'indirect'] as const;
export type ReferenceInstroom = (typeof REFERENCE_INSTROOM)[number];

/**
 * How a reference's definitions can differ from a region's definition set (src/references/reference-comparison.ts):
 * instroom (only direct or indirect), national-scope (the country follows students past the
 * region's members), switchers and first-year (counted otherwise), reference-date (another
 * peildatum), and the *-unstated ones where the source does not say.
 */
export const REFERENCE_DIFFERENCE_CODES = [
  'instroom',
  'national-scope',
  'switchers',
  'switchers-unstated',
  'first-year',
  'first-year-unstated',
  'reference-date',
  'reference-date-unstated',
] as const;
export type ReferenceDifferenceCode = (typeof REFERENCE_DIFFERENCE_CODES)[number];

/** `MM-DD`: the reference date (peildatum) in the year after the cohort starts. */
export const REFERENCE_DATE_PATTERN = /^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

/** A source link: http(s) only. */
export const SOURCE_URL_PATTERN = /^https?:\/\/[^\s]+$/;

/** What the demo's synthetic series and every synthetic series is labelled with in the report. */
export const SYNTHETIC_LABEL = 'synthetisch voorbeeld, geen echte cijfers';

/**
 * The CSV columns of an import, in the order the documentation lists them, and the JSON field
 * each one fills. Empty cells are absent values.
 */
export const REFERENCE_CSV_COLUMNS = [
  ['source', 'source'],
  ['source_url', 'sourceUrl'],
  ['licence', 'licence'],
  ['definitions', 'definitions'],
  ['synthetic', 'synthetic'],
  ['sector', 'sector'],
  ['level', 'level'],
  ['programme_group', 'programmeGroup'],
  ['prior_education', 'priorEducation'],
  ['instroom', 'instroom'],
  ['switchers_count_as_uitval', 'switchersCountAsUitval'],
  ['first_year_in_sector_only', 'firstYearInSectorOnly'],
  ['reference_date', 'referenceDate'],
  ['cohort', 'cohort'],
  ['metric', 'metric'],
  ['rate', 'rate'],
  ['n', 'n'],
] as const;

export const REQUIRED_CSV_COLUMNS = ['source', 'source_url', 'licence', 'definitions', 'sector', 'cohort', 'metric', 'rate'] as const;

/** Booleans and numbers of the CSV, turned into JSON values before validation. */
export const CSV_BOOLEAN_FIELDS = new Set(['synthetic', 'switchersCountAsUitval', 'firstYearInSectorOnly']);
export const CSV_NUMBER_FIELDS = new Set(['cohort', 'rate', 'n']);

/** Largest CSV file of reference figures. */
export const MAX_REFERENCE_CSV_BYTES = 5 * 1024 * 1024;
export const MAX_REFERENCE_FIGURES = 10_000;
