import type { AlertReferenceDto, ReferenceComparisonDto, ReferenceDifferenceDto, ReferencePointDto, ReferenceSeriesDto } from 'src/references/dto/reference.dto';
import type { PointRow, SeriesRow } from 'src/references/references.repository';
import { ReferenceDifferenceCode, ReferenceMetric, SYNTHETIC_LABEL } from 'src/references/reference-codes';

/** Metrics whose national figure follows students the region cannot see (an overstap out of the region). */
const NATIONAL_SCOPE_METRICS: readonly ReferenceMetric[] = ['uitval', 'switch', 'switchInternal', 'switchExternal'];

/** The parts of a region's definition set a reference's definitions can be compared with. */
export interface ComparableDefinition {
  name: string;
  version: number;
  referenceMonth: number;
  referenceDay: number;
  switchersCountAsUitval: boolean;
  firstYearInSectorOnly: boolean;
}

const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];
const dateText = (month: number, day: number): string => `${day} ${MONTHS[month - 1]}`;
const pad = (value: number): string => String(value).padStart(2, '0');

/** What the report calls the series: source, scope, and for a synthetic series that it is one. */
export function seriesLabel(row: SeriesRow): string {
  const scope = [row.sector.toUpperCase(), row.level ? `niveau ${row.level}` : '', row.programme_group, row.prior_education ? `vooropleiding ${row.prior_education}` : '', row.instroom === 'all' ? '' : `${row.instroom}e instroom`]
    .filter(Boolean)
    .join(', ');
  return `${row.source} (${scope})${row.synthetic ? ` — ${SYNTHETIC_LABEL}` : ''}`;
}

export function toSeriesDto(row: SeriesRow, points: readonly PointRow[]): ReferenceSeriesDto {
  return {
    id: row.id,
    source: row.source,
    sourceUrl: row.source_url,
    licence: row.licence,
    definitions: row.definitions,
    synthetic: row.synthetic,
    label: seriesLabel(row),
    sector: row.sector,
    level: row.level || null,
    programmeGroup: row.programme_group || null,
    priorEducation: row.prior_education || null,
    instroom: row.instroom,
    metric: row.metric,
    switchersCountAsUitval: row.switchers_count_as_uitval,
    firstYearInSectorOnly: row.first_year_in_sector_only,
    referenceDate: row.reference_month === null || row.reference_day === null ? null : `${pad(row.reference_month)}-${pad(row.reference_day)}`,
    points: points.map((point): ReferencePointDto => ({ cohort: Number(point.cohort), rate: Number(point.rate), n: point.n === null ? null : Number(point.n) })),
  };
}

/**
 * How a series' definitions differ from the region's definition sets: a code with the values
 * involved (so the web report can word it in its own language) and the Dutch sentence of the
 * report. What the source does not state counts as a difference: the comparison is then
 * indicative too. One entry per sentence: a difference every definition set shares is listed once.
 */
export function definitionDifferenceDetails(row: SeriesRow, definitions: readonly ComparableDefinition[]): ReferenceDifferenceDto[] {
  const differences: ReferenceDifferenceDto[] = [];
  const add = (code: ReferenceDifferenceCode, text: string, values: Partial<Pick<ReferenceDifferenceDto, 'reference' | 'region' | 'definitionSet'>> = {}): void => {
    if (!differences.some((known) => known.text === text)) differences.push({ code, text, reference: null, region: null, definitionSet: null, ...values });
  };
  const regionName = (definition: ComparableDefinition): string => `${definition.name} (versie ${definition.version})`;
  const setOf = (definition: ComparableDefinition): ReferenceDifferenceDto['definitionSet'] => ({ name: definition.name, version: definition.version });
  if (row.instroom !== 'all') add('instroom', `De referentie telt alleen ${row.instroom}e instroom; de regio telt alle instroom.`, { reference: row.instroom, region: 'all' });
  if (NATIONAL_SCOPE_METRICS.includes(row.metric)) {
    add('national-scope', 'De referentie volgt studenten door het hele land; de regio ziet alleen inschrijvingen bij haar leden, dus een overstap naar een instelling buiten de regio telt daar als uitval.');
  }
  for (const definition of definitions) {
    if (row.switchers_count_as_uitval === null) add('switchers-unstated', 'De bron zegt niet of switchers als uitval tellen.');
    else if (row.switchers_count_as_uitval !== definition.switchersCountAsUitval) {
      add('switchers', `Switchers tellen ${row.switchers_count_as_uitval ? 'wel' : 'niet'} als uitval in de referentie, ${definition.switchersCountAsUitval ? 'wel' : 'niet'} in ${regionName(definition)}.`, {
        reference: row.switchers_count_as_uitval,
        region: definition.switchersCountAsUitval,
        definitionSet: setOf(definition),
      });
    }
    if (row.first_year_in_sector_only === null) add('first-year-unstated', 'De bron zegt niet of herinstromers in de sector meetellen.');
    else if (row.first_year_in_sector_only !== definition.firstYearInSectorOnly) {
      add(
        'first-year',
        `De referentie telt ${row.first_year_in_sector_only ? 'alleen de eerste inschrijving in de sector' : 'ook herinstromers'}, ${regionName(definition)} ${definition.firstYearInSectorOnly ? 'alleen de eerste' : 'ook herinstromers'}.`,
        { reference: row.first_year_in_sector_only, region: definition.firstYearInSectorOnly, definitionSet: setOf(definition) },
      );
    }
    if (row.reference_month === null || row.reference_day === null) add('reference-date-unstated', 'De bron noemt geen peildatum.');
    else if (row.reference_month !== definition.referenceMonth || row.reference_day !== definition.referenceDay) {
      add('reference-date', `Peildatum ${dateText(row.reference_month, row.reference_day)} in de referentie, ${dateText(definition.referenceMonth, definition.referenceDay)} in ${regionName(definition)}.`, {
        reference: `${pad(row.reference_month)}-${pad(row.reference_day)}`,
        region: `${pad(definition.referenceMonth)}-${pad(definition.referenceDay)}`,
        definitionSet: setOf(definition),
      });
    }
  }
  return differences;
}

/** The Dutch sentences of the differences, for the report and the CSV. */
export function definitionDifferences(row: SeriesRow, definitions: readonly ComparableDefinition[]): string[] {
  return definitionDifferenceDetails(row, definitions).map((difference) => difference.text);
}

export function toComparison(row: SeriesRow, points: readonly PointRow[], definitions: readonly ComparableDefinition[]): ReferenceComparisonDto {
  const details = definitionDifferenceDetails(row, definitions);
  return { ...toSeriesDto(row, points), comparable: details.length === 0, differences: details.map((difference) => difference.text), differenceDetails: details };
}

/** A reference moved "too" when it moved the same way by at least this share of the region's change. */
export const REFERENCE_MOVED_SHARE = 0.5;

const round = (value: number, places: number): number => Math.round(value * 10 ** places) / 10 ** places;

/**
 * Did the reference move over the same cohorts as the region's trendbreuk? Its baseline is the
 * mean of its published rates over the alert's baseline cohorts, compared with its rate in the
 * alert's cohort.
 */
export function referenceMovement(comparison: ReferenceComparisonDto, cohort: number, baselineCohorts: readonly number[], regionEffectPp: number | null): AlertReferenceDto {
  const byCohort = new Map(comparison.points.map((point) => [point.cohort, point.rate]));
  const baseline = baselineCohorts.map((year) => byCohort.get(year)).filter((rate): rate is number => rate !== undefined);
  const current = byCohort.get(cohort);
  const baselineRate = baseline.length > 0 ? round(baseline.reduce((sum, rate) => sum + rate, 0) / baseline.length, 4) : null;
  const currentRate = current ?? null;
  const changePp = baselineRate !== null && currentRate !== null ? round((currentRate - baselineRate) * 100, 2) : null;
  let verdict: AlertReferenceDto['verdict'] = 'unknown';
  if (changePp !== null && regionEffectPp !== null && regionEffectPp !== 0) {
    const sameWay = Math.sign(changePp) === Math.sign(regionEffectPp);
    verdict = sameWay && Math.abs(changePp) >= REFERENCE_MOVED_SHARE * Math.abs(regionEffectPp) ? 'reference-too' : 'region-only';
  }
  return { ...comparison, baselineRate, currentRate, changePp, verdict };
}
