import type { AlertReferenceDto, ReferenceComparisonDto, ReferencePointDto, ReferenceSeriesDto } from 'src/references/dto/reference.dto';
import type { PointRow, SeriesRow } from 'src/references/references.repository';
import { SYNTHETIC_LABEL } from 'src/references/reference-codes';

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
 * How a series' definitions differ from the region's definition sets, in Dutch for the report.
 * What the source does not state counts as a difference: the comparison is then indicative too.
 */
export function definitionDifferences(row: SeriesRow, definitions: readonly ComparableDefinition[]): string[] {
  const differences: string[] = [];
  const regionName = (definition: ComparableDefinition): string => `${definition.name} (versie ${definition.version})`;
  if (row.instroom !== 'all') differences.push(`De referentie telt alleen ${row.instroom}e instroom; de regio telt alle instroom.`);
  if (['uitval', 'switch', 'switchInternal', 'switchExternal'].includes(row.metric)) {
    differences.push('De referentie volgt studenten door het hele land; de regio ziet alleen inschrijvingen bij haar leden, dus een overstap naar een instelling buiten de regio telt daar als uitval.');
  }
  for (const definition of definitions) {
    if (row.switchers_count_as_uitval === null) differences.push('De bron zegt niet of switchers als uitval tellen.');
    else if (row.switchers_count_as_uitval !== definition.switchersCountAsUitval) {
      differences.push(`Switchers tellen ${row.switchers_count_as_uitval ? 'wel' : 'niet'} als uitval in de referentie, ${definition.switchersCountAsUitval ? 'wel' : 'niet'} in ${regionName(definition)}.`);
    }
    if (row.first_year_in_sector_only === null) differences.push('De bron zegt niet of herinstromers in de sector meetellen.');
    else if (row.first_year_in_sector_only !== definition.firstYearInSectorOnly) {
      differences.push(`De referentie telt ${row.first_year_in_sector_only ? 'alleen de eerste inschrijving in de sector' : 'ook herinstromers'}, ${regionName(definition)} ${definition.firstYearInSectorOnly ? 'alleen de eerste' : 'ook herinstromers'}.`);
    }
    if (row.reference_month === null || row.reference_day === null) differences.push('De bron noemt geen peildatum.');
    else if (row.reference_month !== definition.referenceMonth || row.reference_day !== definition.referenceDay) {
      differences.push(`Peildatum ${dateText(row.reference_month, row.reference_day)} in de referentie, ${dateText(definition.referenceMonth, definition.referenceDay)} in ${regionName(definition)}.`);
    }
  }
  return [...new Set(differences)];
}

export function toComparison(row: SeriesRow, points: readonly PointRow[], definitions: readonly ComparableDefinition[]): ReferenceComparisonDto {
  const differences = definitionDifferences(row, definitions);
  return { ...toSeriesDto(row, points), comparable: differences.length === 0, differences };
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
