import { createHash } from 'node:crypto';
import { fisherExactTwoSided } from 'src/alerts/statistics/fisher-exact';
import { BRIN_PATTERN, VESTIGING_PATTERN } from 'src/common/property.decorators';
import { INSTITUTIONS, OFFER, PROGRAMMES, programmesForApi } from 'src/generator/catalogue';
import { Random, weightedTable } from 'src/generator/prng';
import { cohortOfDate, EnrolmentRecord, LeaverRecord, PRIOR_DIPLOMA_TYPES, VO_ONDERWIJSSOORTEN } from 'src/generator/records';
import { generateRegion, GeneratedRegion, PlantedSupplyBreak, PlantedTrendBreak } from 'src/generator/region';
import { PSEUDONYM_PATTERN } from 'src/pseudonyms/pseudonym';
import { ENROLMENT_FIELDS, EnrolmentChunk, validateEnrolment } from 'src/records/kinds/enrolments';
import { LEAVER_FIELDS, LeaverChunk, validateLeaver } from 'src/records/kinds/leavers';
import { ValidationContext } from 'src/records/kinds/value-checks';
import { deriveFirstYearOutcomes, DerivedIntake, rateOf } from 'test/generator/derive-outcomes';

const COHORTS: [number, number] = [2015, 2025];

const digest = (region: GeneratedRegion): string => {
  const hash = createHash('sha256');
  for (const item of region.records()) hash.update(JSON.stringify(item));
  return hash.digest('hex');
};

const byCohort = (intakes: DerivedIntake[]): Map<number, DerivedIntake[]> => {
  const map = new Map<number, DerivedIntake[]>();
  for (const intake of intakes) {
    const list = map.get(intake.cohort) ?? [];
    list.push(intake);
    map.set(intake.cohort, list);
  }
  return map;
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

describe('the PRNG', () => {
  it('repeats for a seed and differs between seeds', () => {
    const draw = (...seed: number[]): number[] => {
      const rng = new Random(...seed);
      return Array.from({ length: 5 }, () => rng.nextUint32());
    };
    expect(draw(42, 1)).toEqual(draw(42, 1));
    expect(draw(42, 1)).not.toEqual(draw(42, 2));
    expect(draw(42, 1)).not.toEqual(draw(43, 1));
  });

  it('is uniform enough and honours weights', () => {
    const rng = new Random(7);
    const n = 200_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += rng.next();
    expect(sum / n).toBeCloseTo(0.5, 2);
    const table = weightedTable([
      ['a', 1],
      ['b', 3],
    ] as const);
    let b = 0;
    for (let i = 0; i < n; i++) if (rng.weighted(table) === 'b') b++;
    expect(b / n).toBeCloseTo(0.75, 2);
  });
});

describe('generateRegion: determinism', () => {
  it('gives the same records, byte for byte, for the same seed and options', () => {
    const a = generateRegion({ seed: 42, students: 3_000, cohorts: COHORTS });
    const b = generateRegion({ seed: 42, students: 3_000, cohorts: COHORTS });
    expect(digest(a)).toBe(digest(b));
    // and each call of records() starts again
    expect(digest(a)).toBe(digest(a));
    expect(b.plantedBreaks).toEqual(a.plantedBreaks);
  });

  it('gives other records for another seed', () => {
    expect(digest(generateRegion({ seed: 42, students: 3_000, cohorts: COHORTS }))).not.toBe(digest(generateRegion({ seed: 43, students: 3_000, cohorts: COHORTS })));
  });

  it('keeps a student the same when more students are generated (one random stream per student)', () => {
    const small = [...generateRegion({ seed: 5, studentsPerCohort: 200, cohorts: [2020, 2023] }).leavers()];
    const large = new Set([...generateRegion({ seed: 5, studentsPerCohort: 400, cohorts: [2020, 2023] }).leavers()].map((leaver) => JSON.stringify(leaver)));
    for (const leaver of small) expect(large.has(JSON.stringify(leaver))).toBe(true);
  });

  it('streams: the first records of a huge region come at once', () => {
    const started = Date.now();
    const region = generateRegion({ seed: 1, students: 50_000_000, cohorts: COHORTS });
    const first: EnrolmentRecord[] = [];
    for (const record of region.enrolments()) {
      first.push(record);
      if (first.length === 100) break;
    }
    expect(first).toHaveLength(100);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses impossible options', () => {
    expect(() => generateRegion({ seed: 1, cohorts: [2025, 2015] })).toThrow(RangeError);
    expect(() => generateRegion({ seed: 1.5, cohorts: COHORTS })).toThrow(RangeError);
    expect(() => generateRegion({ seed: 1, cohorts: COHORTS, asOf: '1 oktober' })).toThrow(RangeError);
    expect(() => generateRegion({ seed: 1, cohorts: COHORTS, trendBreakCohort: 2030 })).toThrow(RangeError);
  });
});

describe('generateRegion: every record is valid per the ingest contract', () => {
  const region = generateRegion({ seed: 11, students: 25_000, cohorts: COHORTS });
  const enrolments = [...region.enrolments()];
  const leavers = [...region.leavers()];
  const programmes = new Map(PROGRAMMES.map((programme) => [programme.code, programme]));

  it('has institutions with fictional BRINs (starting with 9), vestigingen and programmes', () => {
    for (const institution of region.institutions) {
      expect(institution.brin).toMatch(BRIN_PATTERN);
      expect(institution.brin.startsWith('9')).toBe(true);
      expect(institution.vestigingen.length).toBeGreaterThan(0);
      for (const vestiging of institution.vestigingen) {
        expect(vestiging.code).toMatch(VESTIGING_PATTERN);
        expect(vestiging.code.startsWith(institution.brin)).toBe(true);
      }
    }
    expect(region.institutions.filter((i) => i.sectors.includes('vo')).length).toBeGreaterThanOrEqual(5);
    expect(region.institutions.filter((i) => i.sectors.includes('mbo')).length).toBeGreaterThanOrEqual(2);
    expect(region.institutions.filter((i) => i.sectors.includes('hbo')).length).toBeGreaterThanOrEqual(2);
    expect(region.institutions.filter((i) => i.sectors.includes('wo'))).toHaveLength(1);
    for (const programme of region.programmes) {
      expect(programme.code).toMatch(/^[0-9]{5}$/);
      expect(programme.nominalYears).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(region.programmes.map((p) => p.code)).size).toBe(region.programmes.length);
    for (const [brin, codes] of Object.entries(OFFER)) {
      expect(INSTITUTIONS.some((institution) => institution.brin === brin)).toBe(true);
      for (const code of codes) expect(programmes.has(code)).toBe(true);
    }
  });

  it('has crebo successions whose old code is used before and the new code from the succession cohort on', () => {
    expect(region.successions.length).toBeGreaterThanOrEqual(2);
    for (const succession of region.successions) {
      const starts = enrolments.filter((e) => e.programmeCode === succession.oldCode || e.programmeCode === succession.newCode);
      const before = starts.filter((e) => cohortOfDate(e.startDate) < succession.fromCohort);
      const after = starts.filter((e) => cohortOfDate(e.startDate) >= succession.fromCohort);
      expect(before.length).toBeGreaterThan(0);
      expect(after.length).toBeGreaterThan(0);
      expect(before.every((e) => e.programmeCode === succession.oldCode)).toBe(true);
      expect(after.every((e) => e.programmeCode === succession.newCode)).toBe(true);
    }
    // the API form of the catalogue says the same
    const api = programmesForApi();
    for (const succession of region.successions) {
      expect(api.find((p) => p.code === succession.oldCode)?.validToCohort).toBe(succession.fromCohort - 1);
      expect(api.find((p) => p.code === succession.newCode)?.validFromCohort).toBe(succession.fromCohort);
    }
  });

  it('writes enrolments with pseudonyms, known codes, dates in order and cohorts in range', () => {
    expect(enrolments.length).toBeGreaterThan(20_000);
    const asOf = region.options.asOf;
    const problems: string[] = [];
    const check = (ok: boolean, what: string, e: EnrolmentRecord): void => {
      if (!ok) problems.push(`${what}: ${JSON.stringify(e)}`);
    };
    for (const e of enrolments) {
      check(PSEUDONYM_PATTERN.test(e.pseudonym), 'pseudonym', e);
      const programme = programmes.get(e.programmeCode);
      check(programme !== undefined && programme.sector === e.sector && programme.level === e.level, 'programme, sector and level', e);
      check(OFFER[e.receivingBrin!]?.includes(e.programmeCode) === true, 'programme offered by the receiver', e);
      check(programme?.forms.includes(e.form) === true, 'form', e);
      check(e.receivingVestiging!.startsWith(e.receivingBrin!) && VESTIGING_PATTERN.test(e.receivingVestiging!), 'receiving vestiging', e);
      check(BRIN_PATTERN.test(e.priorBrin) && e.priorVestiging!.startsWith(e.priorBrin), 'prior school', e);
      check((PRIOR_DIPLOMA_TYPES as readonly string[]).includes(e.priorDiplomaType), 'prior diploma type', e);
      check(/^\d{4}-\d{2}-\d{2}$/.test(e.startDate) && !Number.isNaN(Date.parse(e.startDate)), 'start date', e);
      const cohort = cohortOfDate(e.startDate);
      check(cohort >= COHORTS[0] && cohort <= COHORTS[1], 'cohort in range', e);
      check(e.startDate <= asOf, 'start not after asOf', e);
      check(e.priorDiplomaYear <= Number(e.startDate.slice(0, 4)) && e.priorDiplomaYear >= cohort - 3, 'prior diploma year', e);
      if (e.endDate !== undefined) {
        check(e.endDate >= e.startDate, 'end ≥ start', e);
        check(e.endDate <= asOf, 'end not after asOf', e);
        check(e.endReason === 'diploma' || e.endReason === 'uitgeschreven', 'end reason', e);
      } else {
        check(e.endReason === undefined, 'no end reason without end date', e);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    // the natural key (institution, pseudonym, programme, start) is unique
    const keys = new Set(enrolments.map((e) => `${e.receivingBrin}|${e.pseudonym}|${e.programmeCode}|${e.startDate}`));
    expect(keys.size).toBe(enrolments.length);
    // …even without the institution, so that one client may load any slice of the data (the benchmark does)
    expect(new Set(enrolments.map((e) => `${e.pseudonym}|${e.programmeCode}|${e.startDate}`)).size).toBe(enrolments.length);
  });

  it('writes leavers of vo schools with valid codes and school years', () => {
    expect(leavers.length).toBeGreaterThan(20_000);
    const voBrins = new Set(region.suppliers);
    const problems = leavers.filter(
      (l) =>
        !PSEUDONYM_PATTERN.test(l.pseudonym) ||
        !voBrins.has(l.supplyingVestiging!.slice(0, 4)) ||
        !VESTIGING_PATTERN.test(l.supplyingVestiging!) ||
        !(VO_ONDERWIJSSOORTEN as readonly string[]).includes(l.onderwijssoort) ||
        typeof l.diploma !== 'boolean' ||
        l.schoolYear < COHORTS[0] - 1 ||
        l.schoolYear > COHORTS[1] - 1,
    );
    expect(problems.slice(0, 5)).toEqual([]);
    const keys = new Set(leavers.map((l: LeaverRecord) => `${l.pseudonym}|${l.schoolYear}`));
    expect(keys.size).toBe(leavers.length);
  });

  it('passes the ingest module’s own row validator, for every receiver and supplier', () => {
    const catalogue = { has: (sector: string, code: string) => programmes.get(code)?.sector === sector };
    const problems: string[] = [];
    for (const brin of region.receivers) {
      const ctx: ValidationContext = { ownBrin: brin, programmes: catalogue, maxCohort: COHORTS[1] + 1, names: ENROLMENT_FIELDS.map((f) => f.json) };
      const chunk = new EnrolmentChunk();
      for (const e of enrolments.filter((record) => record.receivingBrin === brin)) {
        const values = ENROLMENT_FIELDS.map((f) => (e as unknown as Record<string, unknown>)[f.json]);
        validateEnrolment(values, ctx, (field, code) => problems.push(`${brin} ${ENROLMENT_FIELDS[field]?.json}: ${code}`), chunk);
      }
      expect(chunk.length).toBeGreaterThan(0);
    }
    for (const brin of region.suppliers) {
      const ctx: ValidationContext = { ownBrin: brin, programmes: catalogue, maxCohort: COHORTS[1] + 1, names: LEAVER_FIELDS.map((f) => f.json) };
      const chunk = new LeaverChunk();
      for (const l of leavers.filter((record) => record.supplyingVestiging!.startsWith(brin))) {
        const values = LEAVER_FIELDS.map((f) => (l as unknown as Record<string, unknown>)[f.json]);
        validateLeaver(values, ctx, (field, code) => problems.push(`${brin} ${LEAVER_FIELDS[field]?.json}: ${code}`), chunk);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('splits enrolments per receiving institution and leavers per supplying school', () => {
    const small = generateRegion({ seed: 11, students: 3_000, cohorts: COHORTS });
    let total = 0;
    for (const brin of small.receivers) {
      const own = [...small.enrolmentsOf(brin)];
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((e) => e.receivingBrin === brin)).toBe(true);
      total += own.length;
    }
    expect(total).toBe([...small.enrolments()].length);
    expect(small.suppliers.reduce((sum, brin) => sum + [...small.leaversOf(brin)].length, 0)).toBe([...small.leavers()].length);
  });
});

describe('generateRegion: flows and first-year outcomes (large sample)', () => {
  const region = generateRegion({ seed: 42, students: 120_000, cohorts: COHORTS });
  const enrolments = [...region.enrolments()];
  const intakes = deriveFirstYearOutcomes(enrolments);
  const trend = region.plantedBreaks.find((b): b is PlantedTrendBreak => b.kind === 'trendbreuk')!;
  // The planted trend break is left out when comparing with the national figures.
  const inTrendCell = (i: DerivedIntake): boolean => i.cohort === trend.cohort && i.record.priorBrin === trend.supplierBrin && i.record.receivingBrin === trend.receiverBrin;
  const hbo = intakes.filter((i) => i.record.sector === 'hbo' && !inTrendCell(i));

  it('has first-year hbo uitval close to the national figures, overall and by prior diploma', () => {
    const tolerance = 0.015;
    expect(rateOf(hbo, ['uitval']).rate).toBeGreaterThan(0.15 - tolerance);
    expect(rateOf(hbo, ['uitval']).rate).toBeLessThan(0.15 + tolerance);
    const from = (type: string): DerivedIntake[] => hbo.filter((i) => i.record.priorDiplomaType === type);
    expect(Math.abs(rateOf(from('mbo-4'), ['uitval']).rate - 0.2)).toBeLessThan(tolerance);
    expect(Math.abs(rateOf(from('havo'), ['uitval']).rate - 0.13)).toBeLessThan(tolerance);
    expect(Math.abs(rateOf(from('vwo'), ['uitval']).rate - 0.07)).toBeLessThan(tolerance);
    expect(from('vwo').length).toBeGreaterThan(2_000);
  });

  it('has first-year hbo switch close to 17%, both internal and external', () => {
    expect(Math.abs(rateOf(hbo, ['switch_internal', 'switch_external']).rate - 0.17)).toBeLessThan(0.02);
    expect(rateOf(hbo, ['switch_internal']).rate).toBeGreaterThan(0.05);
    expect(rateOf(hbo, ['switch_external']).rate).toBeGreaterThan(0.05);
  });

  it('makes external switchers start at another institution of the region within a few months', () => {
    const byStudent = new Map<string, EnrolmentRecord[]>();
    for (const e of enrolments) byStudent.set(e.pseudonym, [...(byStudent.get(e.pseudonym) ?? []), e]);
    const switchers = intakes.filter((i) => i.outcome === 'switch_external').slice(0, 500);
    expect(switchers.length).toBe(500);
    for (const intake of switchers) {
      const next = byStudent
        .get(intake.record.pseudonym)!
        .filter((e) => e.startDate > intake.record.startDate)
        .sort((a, b) => a.startDate.localeCompare(b.startDate))[0];
      expect(next.receivingBrin).not.toBe(intake.record.receivingBrin);
      const gapDays = (Date.parse(next.startDate) - Date.parse(intake.record.endDate!)) / 86_400_000;
      expect(gapDays).toBeGreaterThanOrEqual(0);
      expect(gapDays).toBeLessThanOrEqual(120);
    }
  });

  it('has flows vo→mbo, vo→hbo, vo→wo and mbo→hbo in every cohort, direct and indirect instroom, and later diplomas', () => {
    for (const [cohort, list] of byCohort(intakes)) {
      const flows = new Set(list.map((i) => `${i.record.priorDiplomaType.startsWith('mbo') ? 'mbo' : 'vo'}→${i.record.sector}`));
      expect({ cohort, flows: [...flows].sort() }).toEqual({ cohort, flows: expect.arrayContaining(['mbo→hbo', 'vo→hbo', 'vo→mbo', 'vo→wo']) });
    }
    const indirect = intakes.filter((i) => i.record.priorDiplomaYear < i.cohort).length / intakes.length;
    expect(indirect).toBeGreaterThan(0.03);
    expect(indirect).toBeLessThan(0.3);
    const early = intakes.filter((i) => i.cohort <= 2019);
    expect(rateOf(early, ['diploma']).rate).toBeGreaterThan(0); // one-year programmes
    const laterDiplomas = early.filter((i) => i.record.endReason === 'diploma' && i.record.endDate! > `${i.cohort + 2}-08-01`).length / early.length;
    expect(laterDiplomas).toBeGreaterThan(0.4);
  });

  it('has uitval in mbo that falls with the level', () => {
    const mbo = intakes.filter((i) => i.record.sector === 'mbo');
    const level = (l: string): number => rateOf(mbo.filter((i) => i.record.level === l), ['uitval']).rate;
    expect(level('1')).toBeGreaterThan(level('2'));
    expect(level('2')).toBeGreaterThan(level('3'));
    expect(level('3')).toBeGreaterThan(level('4'));
  });
});

describe('generateRegion: the planted breaks are in the data', () => {
  const region = generateRegion({ seed: 42, students: 60_000, cohorts: COHORTS });
  const intakes = deriveFirstYearOutcomes(region.enrolments());

  it('exports what it planted', () => {
    expect(region.plantedBreaks.map((b) => [b.kind, b.cohort])).toEqual([
      ['trendbreuk', 2024],
      ['leveringsbreuk', 2021],
    ]);
    for (const planted of region.plantedBreaks) {
      expect(planted.baselineCohorts).toEqual([planted.cohort - 3, planted.cohort - 2, planted.cohort - 1]);
      expect(planted.supplierName).toBeTruthy();
      expect(planted.receiverName).toBeTruthy();
    }
  });

  it('trend break: uitval of the cell jumps by about 15 points in the break cohort, n ≥ 60, and Fisher finds it', () => {
    const planted = region.plantedBreaks.find((b): b is PlantedTrendBreak => b.kind === 'trendbreuk')!;
    const cell = intakes.filter((i) => i.record.sector === planted.sector && i.record.priorBrin === planted.supplierBrin && i.record.receivingBrin === planted.receiverBrin);
    const cohorts = byCohort(cell);
    const current = rateOf(cohorts.get(planted.cohort)!, ['uitval']);
    const baseline = rateOf(planted.baselineCohorts.flatMap((c) => cohorts.get(c)!), ['uitval']);
    expect(current.n).toBeGreaterThanOrEqual(60);
    expect(Math.abs(current.n - planted.expectedCellSize) / planted.expectedCellSize).toBeLessThan(0.25);
    expect((current.rate - baseline.rate) * 100).toBeGreaterThan(10);
    expect((current.rate - baseline.rate) * 100).toBeLessThan(20);
    const p = fisherExactTwoSided([
      [current.count, current.n - current.count],
      [baseline.count, baseline.n - baseline.count],
    ]);
    expect(p).toBeLessThan(0.001);
    // …and no other cohort of the cell stands out like that
    for (const [cohort, list] of cohorts) {
      if (cohort === planted.cohort || cohort < COHORTS[0] + 3) continue;
      const base = rateOf([cohort - 3, cohort - 2, cohort - 1].flatMap((c) => cohorts.get(c) ?? []).filter((i) => i.cohort !== planted.cohort), ['uitval']);
      const now = rateOf(list, ['uitval']);
      expect({ cohort, p: fisherExactTwoSided([[now.count, now.n - now.count], [base.count, base.n - base.count]]) > 0.001 }).toEqual({ cohort, p: true });
    }
  });

  it('supply break: the receiver’s intake from the supplier drops to about 30% in one cohort, with unchanged rates', () => {
    const planted = region.plantedBreaks.find((b): b is PlantedSupplyBreak => b.kind === 'leveringsbreuk')!;
    const cell = intakes.filter((i) => i.record.sector === planted.sector && i.record.priorBrin === planted.supplierBrin && i.record.receivingBrin === planted.receiverBrin);
    const cohorts = byCohort(cell);
    const n = (cohort: number): number => cohorts.get(cohort)?.length ?? 0;
    const baselineMedian = median(planted.baselineCohorts.map(n));
    expect(n(planted.cohort)).toBeLessThan(0.5 * baselineMedian);
    expect(n(planted.cohort) / baselineMedian).toBeGreaterThan(0.2);
    expect(n(planted.cohort) / baselineMedian).toBeLessThan(0.4);
    const current = rateOf(cohorts.get(planted.cohort)!, ['uitval']);
    const baseline = rateOf(planted.baselineCohorts.flatMap((c) => cohorts.get(c)!), ['uitval']);
    expect(Math.abs(current.rate - baseline.rate)).toBeLessThan(0.07);
  });

  it('has no other supply break: every other supplier × receiver cell keeps its n within 0.5–2× the baseline median', () => {
    const cells = new Map<string, Map<number, number>>();
    for (const i of intakes) {
      const key = `${i.record.priorBrin}→${i.record.receivingBrin}`;
      const counts = cells.get(key) ?? new Map<number, number>();
      counts.set(i.cohort, (counts.get(i.cohort) ?? 0) + 1);
      cells.set(key, counts);
    }
    const planted = region.plantedBreaks.find((b) => b.kind === 'leveringsbreuk')!;
    const found: string[] = [];
    for (const [key, counts] of cells) {
      for (let cohort = COHORTS[0] + 3; cohort <= COHORTS[1]; cohort++) {
        const baseline = [cohort - 3, cohort - 2, cohort - 1].filter((c) => c !== planted.cohort || key !== `${planted.supplierBrin}→${planted.receiverBrin}`);
        const m = median(baseline.map((c) => counts.get(c) ?? 0));
        if (m < 30) continue;
        const now = counts.get(cohort) ?? 0;
        if (now < 0.5 * m || now > 2 * m) found.push(`${key} ${cohort}`);
      }
    }
    expect(found).toEqual([`${planted.supplierBrin}→${planted.receiverBrin} ${planted.cohort}`]);
  });

  it('puts the breaks elsewhere when the cohort range does not hold 2024 or 2021, and plants none when asked', () => {
    const short = generateRegion({ seed: 1, students: 1_000, cohorts: [2010, 2014] });
    expect(short.plantedBreaks.map((b) => b.cohort)).toEqual([2014, 2013]);
    expect(generateRegion({ seed: 1, students: 1_000, cohorts: COHORTS, plantBreaks: false }).plantedBreaks).toEqual([]);
    expect(generateRegion({ seed: 1, students: 1_000, cohorts: [2020, 2022] }).plantedBreaks).toEqual([]);
  });
});
