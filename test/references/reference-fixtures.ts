/** Reference figures for the tests: made up, and marked synthetic. */
export const DUO = {
  source: 'Testbron landelijk',
  sourceUrl: 'https://example.org/open-onderwijsdata',
  licence: 'CC BY 4.0',
  definitions: 'Uitval: ingeschreven op 1 oktober van jaar 1, niet op 1 oktober van jaar 2 en zonder diploma. Switchers tellen niet als uitval.',
  synthetic: true,
  switchersCountAsUitval: false,
  firstYearInSectorOnly: true,
  referenceDate: '10-01',
};

export const figure = (overrides: Record<string, unknown>): Record<string, unknown> => ({ ...DUO, sector: 'hbo', metric: 'uitval', cohort: 2022, rate: 0.15, ...overrides });

export const CSV_HEADER = 'source,source_url,licence,definitions,synthetic,sector,level,prior_education,switchers_count_as_uitval,first_year_in_sector_only,reference_date,cohort,metric,rate,n';

export const csvLine = (cells: Record<string, string>): string =>
  [
    cells.source ?? 'CSV-bron',
    cells.source_url ?? 'https://example.org/csv',
    cells.licence ?? 'CC0',
    cells.definitions ?? '"Uitval: zonder diploma weg vóór 1 oktober van jaar 2, ook naar elders in het land gevolgd."',
    cells.synthetic ?? 'true',
    cells.sector ?? 'mbo',
    cells.level ?? '',
    cells.prior_education ?? '',
    cells.switchers_count_as_uitval ?? 'false',
    cells.first_year_in_sector_only ?? 'true',
    cells.reference_date ?? '10-01',
    cells.cohort ?? '2022',
    cells.metric ?? 'uitval',
    cells.rate ?? '0.2',
    cells.n ?? '',
  ].join(',');
