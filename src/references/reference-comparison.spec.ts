import { definitionDifferenceDetails, definitionDifferences, referenceMovement, seriesLabel, toComparison } from 'src/references/reference-comparison';
import type { SeriesRow } from 'src/references/references.repository';

const row = (overrides: Partial<SeriesRow> = {}): SeriesRow => ({
  id: 's1',
  source: 'Bron',
  source_url: 'https://example.org',
  licence: 'CC0',
  definitions: 'Uitval: …',
  synthetic: false,
  sector: 'hbo',
  level: '',
  programme_group: '',
  prior_education: '',
  instroom: 'all',
  metric: 'enrolledYear2',
  switchers_count_as_uitval: false,
  first_year_in_sector_only: true,
  reference_month: 10,
  reference_day: 1,
  ...overrides,
});
const region = { name: 'Standaard', version: 2, referenceMonth: 10, referenceDay: 1, switchersCountAsUitval: false, firstYearInSectorOnly: true };

describe('reference series compared with a region', () => {
  it('names a series by source and scope, and says when it is synthetic', () => {
    expect(seriesLabel(row())).toBe('Bron (HBO)');
    expect(seriesLabel(row({ sector: 'mbo', level: '2', prior_education: 'vmbo-b', instroom: 'direct', synthetic: true }))).toBe(
      'Bron (MBO, niveau 2, vooropleiding vmbo-b, directe instroom) — synthetisch voorbeeld, geen echte cijfers',
    );
  });

  it('finds no difference where every comparable definition matches, and lists each one that does not', () => {
    expect(definitionDifferences(row(), [region])).toEqual([]);
    expect(definitionDifferences(row({ switchers_count_as_uitval: true, first_year_in_sector_only: false, reference_month: 12, reference_day: 31, instroom: 'direct' }), [region])).toEqual([
      'De referentie telt alleen directe instroom; de regio telt alle instroom.',
      'Switchers tellen wel als uitval in de referentie, niet in Standaard (versie 2).',
      'De referentie telt ook herinstromers, Standaard (versie 2) alleen de eerste.',
      'Peildatum 31 december in de referentie, 1 oktober in Standaard (versie 2).',
    ]);
  });

  it('gives each difference a code with the values involved, beside the same Dutch sentence', () => {
    const other = { ...region, name: 'Oud', version: 1, switchersCountAsUitval: true };
    const details = definitionDifferenceDetails(row({ switchers_count_as_uitval: true, first_year_in_sector_only: false, reference_month: 12, reference_day: 31, instroom: 'direct', metric: 'uitval' }), [region, other]);
    expect(details.map((detail) => [detail.code, detail.reference, detail.region, detail.definitionSet])).toEqual([
      ['instroom', 'direct', 'all', null],
      ['national-scope', null, null, null],
      ['switchers', true, false, { name: 'Standaard', version: 2 }],
      ['first-year', false, true, { name: 'Standaard', version: 2 }],
      ['reference-date', '12-31', '10-01', { name: 'Standaard', version: 2 }],
      // The switchers of the other set count as uitval too: no difference there.
      ['first-year', false, true, { name: 'Oud', version: 1 }],
      ['reference-date', '12-31', '10-01', { name: 'Oud', version: 1 }],
    ]);
    expect(details[6].text).toBe('Peildatum 31 december in de referentie, 1 oktober in Oud (versie 1).');
    // What the source does not say is listed once, however many definition sets the region has.
    const unstated = definitionDifferenceDetails(row({ switchers_count_as_uitval: null, first_year_in_sector_only: null, reference_month: null, reference_day: null }), [region, other]);
    expect(unstated).toEqual([
      { code: 'switchers-unstated', text: 'De bron zegt niet of switchers als uitval tellen.', reference: null, region: null, definitionSet: null },
      { code: 'first-year-unstated', text: 'De bron zegt niet of herinstromers in de sector meetellen.', reference: null, region: null, definitionSet: null },
      { code: 'reference-date-unstated', text: 'De bron noemt geen peildatum.', reference: null, region: null, definitionSet: null },
    ]);
    const comparison = toComparison(row({ instroom: 'indirect' }), [], [region]);
    expect(comparison.differences).toEqual(comparison.differenceDetails.map((detail) => detail.text));
    expect(comparison.differenceDetails).toEqual([{ code: 'instroom', text: 'De referentie telt alleen indirecte instroom; de regio telt alle instroom.', reference: 'indirect', region: 'all', definitionSet: null }]);
  });

  it('counts what the source does not state as a difference, and always notes the national scope of uitval and switch', () => {
    expect(definitionDifferences(row({ switchers_count_as_uitval: null, first_year_in_sector_only: null, reference_month: null, reference_day: null }), [region])).toHaveLength(3);
    expect(toComparison(row({ metric: 'uitval' }), [], [region])).toMatchObject({ comparable: false, differences: [expect.stringContaining('buiten de regio')], differenceDetails: [{ code: 'national-scope' }] });
    expect(toComparison(row(), [], [region])).toMatchObject({ comparable: true, differences: [], differenceDetails: [] });
  });

  it('says whether the reference moved with the region over the same cohorts', () => {
    const comparison = toComparison(row(), [
      { series_id: 's1', cohort: 2019, rate: 0.1, n: null },
      { series_id: 's1', cohort: 2020, rate: 0.12, n: null },
      { series_id: 's1', cohort: 2021, rate: 0.14, n: null },
    ], [region]);
    // Baseline 0.11, current 0.14: +3 pp.
    expect(referenceMovement(comparison, 2021, [2019, 2020], 5)).toMatchObject({ baselineRate: 0.11, currentRate: 0.14, changePp: 3, verdict: 'reference-too' });
    expect(referenceMovement(comparison, 2021, [2019, 2020], 7)).toMatchObject({ verdict: 'region-only' });
    expect(referenceMovement(comparison, 2021, [2019, 2020], -5)).toMatchObject({ verdict: 'region-only' });
    expect(referenceMovement(comparison, 2021, [2019, 2020], null)).toMatchObject({ changePp: 3, verdict: 'unknown' });
    expect(referenceMovement(comparison, 2022, [2019, 2020], 5)).toMatchObject({ currentRate: null, verdict: 'unknown' });
    expect(referenceMovement(comparison, 2021, [2017, 2018], 5)).toMatchObject({ baselineRate: null, verdict: 'unknown' });
  });
});
