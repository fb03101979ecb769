import { buildRegionSeries, FlowRow } from 'src/alerts/detection/cells';
import { detect } from 'src/alerts/detection/detect';
import { DetectionParameters } from 'src/alerts/detection/model';
import { emptyCounts } from 'src/outcomes/figures';

const PARAMETERS: DetectionParameters = {
  baselineCohorts: 3,
  minBaselineCohorts: 2,
  minBaselineN: 30,
  minCurrentN: 10,
  fdrQ: 0.05,
  supplyLowRatio: 0.5,
  supplyHighRatio: 2,
  suppressionK: 10,
  switchersCountAsUitval: false,
};

/** mulberry32: a small deterministic generator, enough for simulated outcomes. */
const generator = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/**
 * A region with no change at all: 12 suppliers × 4 receivers over 8 cohorts; every flow has its
 * own fixed rates and a size of 40–120 students a year (varying ±15%); every student's outcome is
 * drawn at random from the flow's rates.
 */
function nullRegion(seed: number): FlowRow[] {
  const random = generator(seed);
  const rows: FlowRow[] = [];
  for (let s = 0; s < 12; s++) {
    for (let r = 0; r < 4; r++) {
      const size = 40 + Math.floor(random() * 80);
      const uitval = 0.08 + random() * 0.17;
      const switchInternal = 0.02 + random() * 0.05;
      const switchExternal = 0.02 + random() * 0.05;
      const diploma = 0.01 + random() * 0.04;
      for (let cohort = 2015; cohort <= 2022; cohort++) {
        const counts = emptyCounts();
        counts.n = Math.round(size * (0.85 + random() * 0.3));
        for (let i = 0; i < counts.n; i++) {
          let u = random();
          if ((u -= uitval) < 0) counts.nUitval++;
          else if ((u -= switchInternal) < 0) counts.nSwitchInternal++;
          else if ((u -= switchExternal) < 0) counts.nSwitchExternal++;
          else if ((u -= diploma) < 0) counts.nDiploma++;
          else counts.nEnrolled++;
        }
        rows.push({ cohort, supplierId: `S${s}`, receiverId: `R${r}`, sector: r < 2 ? 'mbo' : 'hbo', definitionSetId: 'd1', counts });
      }
    }
  }
  return rows;
}

/**
 * A region without change whose cells repeat each other: every supplier sends to one receiver
 * only (its supplier × sector cell is its supplier × receiver cell), nobody graduates in year 1
 * and switchers count as uitval (still enrolled is the complement of uitval).
 */
function nullRegionWithDuplicates(seed: number): FlowRow[] {
  const random = generator(seed);
  const rows: FlowRow[] = [];
  for (let s = 0; s < 12; s++) {
    const r = s % 4;
    const size = 40 + Math.floor(random() * 80);
    const uitval = 0.08 + random() * 0.17;
    const switches = 0.04 + random() * 0.1;
    for (let cohort = 2015; cohort <= 2022; cohort++) {
      const counts = emptyCounts();
      counts.n = Math.round(size * (0.85 + random() * 0.3));
      for (let i = 0; i < counts.n; i++) {
        let u = random();
        if ((u -= uitval) < 0) counts.nUitval++;
        else if ((u -= switches) < 0) counts.nSwitchExternal++;
        else counts.nEnrolled++;
      }
      rows.push({ cohort, supplierId: `S${s}`, receiverId: `R${r}`, sector: r < 2 ? 'mbo' : 'hbo', definitionSetId: 'd1', counts });
    }
  }
  return rows;
}

describe('the test family of a region whose cells repeat each other', () => {
  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const results = SEEDS.map((seed) => detect(buildRegionSeries(nullRegionWithDuplicates(seed)), new Map([['d1', { ...PARAMETERS, switchersCountAsUitval: true }]])));

  it('counts each distinct hypothesis once: no duplicate cells, no complementary metrics', () => {
    // 12 supplier × receiver + 4 receivers + 1 region (the 12 supplier × sector cells are the same
    // students as their supplier × receiver cell) × 6 tested cohorts × 3 metrics (still enrolled = 1 − uitval).
    for (const result of results) {
      expect(result.tests).toBe(17 * 6 * 3);
      expect(result.duplicates).toEqual({ cells: 12 * 6, complements: 17 * 6 });
      expect(result.findings.filter((item) => item.cell.kind === 'supplier_sector' || item.metric === 'enrolledYear2')).toEqual([]);
    }
  });

  it('keeps false discoveries within q', () => {
    for (const result of results) expect(result.findings.filter((item) => item.type === 'trendbreuk').length).toBeLessThanOrEqual(Math.ceil(0.05 * result.tests) + 2);
    expect(results.filter((result) => result.findings.some((item) => item.type === 'trendbreuk')).length).toBeLessThanOrEqual(2);
  });
});

describe('false positives on a region without any change', () => {
  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const results = SEEDS.map((seed) => {
    const series = buildRegionSeries(nullRegion(seed));
    const result = detect(series, new Map([['d1', PARAMETERS]]));
    const count = (type: string, rule?: string) => result.findings.filter((item) => item.type === type && (rule === undefined || item.rule === rule)).length;
    return { seed, tests: result.tests, trendbreuk: count('trendbreuk'), unadjusted: count('aandacht', 'unadjusted-p'), leveringsbreuk: count('leveringsbreuk') };
  });

  it('tests a realistic number of cells', () => {
    // (48 flows + 24 supplier × sector + 4 receivers + 1 region) × 6 tested cohorts (2017–2022) × 4 metrics.
    for (const result of results) expect(result.tests).toBe(77 * 6 * 4);
  });

  it('keeps trendbreuk alerts within what q = 0.05 allows, and usually raises none', () => {
    for (const result of results) expect(result.trendbreuk).toBeLessThanOrEqual(Math.ceil(0.05 * result.tests) + 2);
    // Under the complete null, BH keeps P(any rejection) ≤ q; Fisher's test is conservative on top.
    const seedsWithAny = results.filter((result) => result.trendbreuk > 0).length;
    expect(seedsWithAny).toBeLessThanOrEqual(2);
  });

  it('flags about 5% of tests (or fewer, Fisher being conservative) as unadjusted aandacht', () => {
    const tests = results.reduce((sum, result) => sum + result.tests, 0);
    const unadjusted = results.reduce((sum, result) => sum + result.unadjusted, 0);
    expect(unadjusted / tests).toBeLessThan(0.06);
  });

  it('does not report supply breaks for flows that only vary by ±15%', () => {
    for (const result of results) expect(result.leveringsbreuk).toBe(0);
  });
});
