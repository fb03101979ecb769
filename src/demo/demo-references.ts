import { DEMO_COHORTS } from 'src/demo/demo-region';
import type { ReferenceFigureRecordDto } from 'src/references/dto/reference.dto';

/**
 * The demo's reference set: made-up "national" figures beside the demo region, so that the report
 * shows how a reference looks. Every series is marked synthetic, its source says so and its link
 * goes to example.org: the report labels them "synthetisch voorbeeld, geen echte cijfers" and they
 * must never be taken for real figures.
 */
const SOURCE = 'Doorstroom demo — synthetische referentie';
const COMMON = {
  sourceUrl: 'https://example.org/doorstroom-demo/synthetische-referentie',
  licence: 'CC0 1.0 (synthetische demodata)',
  synthetic: true,
} as const;

const HBO_DEFINITIONS =
  'SYNTHETISCH VOORBEELD, GEEN ECHTE CIJFERS. Zoals een landelijke bron zou definiëren: cohort = eerstejaars in het hbo (eerste inschrijving in de sector), ' +
  'alle instroom (direct en indirect); peildatum 1 oktober van jaar 2; uitval = zonder diploma uitgeschreven en nergens in het hoger onderwijs ingeschreven; switchers tellen niet als uitval.';
const MBO_DEFINITIONS =
  'SYNTHETISCH VOORBEELD, GEEN ECHTE CIJFERS. Zoals een landelijke bron zou definiëren: nieuwe mbo-studenten, alle instroom; peildatum 1 oktober van jaar 2; ' +
  'voortijdig uitgeschreven zonder diploma telt als uitval, ook wie daarna een andere mbo-opleiding begint (switchers tellen als uitval).';

/** A smooth made-up series: a level, a slow drift and a small wobble per cohort. */
const rates = (level: number, drift: number): Array<[number, number]> => {
  const out: Array<[number, number]> = [];
  for (let cohort = DEMO_COHORTS[0]; cohort < DEMO_COHORTS[1]; cohort++) {
    const step = cohort - DEMO_COHORTS[0];
    out.push([cohort, Math.round((level + drift * step + 0.004 * Math.sin(step * 1.7)) * 1000) / 1000]);
  }
  return out;
};

const series = (
  base: Pick<ReferenceFigureRecordDto, 'sector' | 'metric' | 'definitions' | 'switchersCountAsUitval' | 'firstYearInSectorOnly' | 'referenceDate' | 'priorEducation' | 'level'>,
  points: Array<[number, number]>,
  n: number,
): ReferenceFigureRecordDto[] => points.map(([cohort, rate]) => ({ source: SOURCE, ...COMMON, ...base, cohort, rate, n }));

export function demoReferenceFigures(): ReferenceFigureRecordDto[] {
  const hbo = { sector: 'hbo', definitions: HBO_DEFINITIONS, switchersCountAsUitval: false, firstYearInSectorOnly: true, referenceDate: '10-01' } as const;
  const mbo = { sector: 'mbo', definitions: MBO_DEFINITIONS, switchersCountAsUitval: true, firstYearInSectorOnly: true, referenceDate: '10-01' } as const;
  return [
    ...series({ ...hbo, metric: 'uitval' }, rates(0.15, 0.001), 120_000),
    ...series({ ...hbo, metric: 'switch' }, rates(0.09, 0.0005), 120_000),
    ...series({ ...hbo, metric: 'enrolledYear2' }, rates(0.74, -0.002), 120_000),
    ...series({ ...hbo, metric: 'uitval', priorEducation: 'havo' }, rates(0.17, 0.001), 70_000),
    ...series({ ...hbo, metric: 'uitval', priorEducation: 'vwo' }, rates(0.11, 0.0005), 20_000),
    ...series({ ...mbo, metric: 'uitval' }, rates(0.19, -0.001), 150_000),
    ...series({ ...mbo, metric: 'switch' }, rates(0.08, 0.0005), 150_000),
    ...series({ ...mbo, metric: 'enrolledYear2' }, rates(0.68, 0.001), 150_000),
    // By level, for the views by level: entree (mbo 1) and mbo 2.
    ...series({ ...mbo, level: '1', metric: 'uitval' }, rates(0.27, 0.0015), 12_000),
    ...series({ ...mbo, level: '1', metric: 'enrolledYear2' }, rates(0.45, -0.001), 12_000),
    ...series({ ...mbo, level: '2', metric: 'uitval' }, rates(0.22, 0.001), 35_000),
    ...series({ ...mbo, level: '2', metric: 'enrolledYear2' }, rates(0.62, 0.001), 35_000),
  ];
}
