import { DEMO_SEED } from 'src/demo/demo-region';
import { generateRegion } from 'src/generator/region';
import { computeEffect, ReadableCell } from 'src/interventions/effect';
import { emptyCounts } from 'src/outcomes/figures';
import { deriveFirstYearOutcomes } from 'test/generator/derive-outcomes';

/*
 * The generator's planted interventions (PLANTED_INTERVENTIONS): one lowers first-year uitval in
 * its cell by 10 points from its first cohort, one changes nothing. In process, on the demo
 * region's size and cohorts, its seed and six others: the outcomes derived from the records alone
 * (test/generator/derive-outcomes.ts), every cell exact (as the coordinator reads them when none is
 * withheld), through the same effect computation as the API.
 */
const SEEDS = [DEMO_SEED, 1, 2, 3, 4, 5, 6];

describe('the planted interventions, measured', () => {
  const results = SEEDS.map((seed) => {
    const region = generateRegion({ seed, cohorts: [2015, 2025], students: 15_000, plantInterventions: true });
    const intakes = deriveFirstYearOutcomes(region.enrolments()).filter((intake) => intake.record.sector === 'mbo' && intake.record.priorBrin !== undefined);
    const cells = new Map<string, ReadableCell>();
    for (const intake of intakes) {
      const pair = `${intake.record.priorBrin}|${intake.record.receivingBrin}`;
      const key = `${pair}|${intake.cohort}`;
      const cell = cells.get(key) ?? { cohort: intake.cohort, pair, definitionSetId: 'one', counts: emptyCounts() };
      cell.counts!.n++;
      if (intake.outcome === 'uitval') cell.counts!.nUitval++;
      cells.set(key, cell);
    }
    const pairs = new Set([...cells.values()].map((cell) => cell.pair));
    const measure = (supplier: string, receiver: string, firstCohort: number) => {
      const targeted = new Set([`${supplier}|${receiver}`]);
      return computeEffect({
        cells: [...cells.values()],
        targeted,
        comparison: new Set([...pairs].filter((pair) => !targeted.has(pair))),
        firstCohort,
        metric: 'uitval',
        direction: 'decrease',
        switchersCountAsUitval: () => false,
      });
    };
    const [working, without] = region.plantedInterventions;
    return { seed, working: measure(working.supplierBrin, working.receiverBrin, working.firstCohort), without: measure(without.supplierBrin, without.receiverBrin, without.firstCohort), planted: region.plantedInterventions };
  });

  it('plants one intervention with an effect and one without, from cohort 2023', () => {
    expect(results[0].planted.map((planted) => [planted.supplierBrin, planted.receiverBrin, planted.firstCohort, planted.uitvalDropPoints])).toEqual([
      ['90VC', '91MA', 2023, 10],
      ['90VE', '91MC', 2023, 0],
    ]);
  });

  it('changes only the students of the working intervention\'s cell from its first cohort: every other record stays as it was', () => {
    const byStudent = (plant: boolean): Map<string, string> => {
      const students = new Map<string, string>();
      for (const item of generateRegion({ seed: 7, cohorts: [2015, 2025], students: 4_000, plantInterventions: plant }).records()) {
        students.set(item.record.pseudonym, (students.get(item.record.pseudonym) ?? '') + JSON.stringify(item));
      }
      return students;
    };
    const without = byStudent(false);
    const planted = byStudent(true);
    expect([...planted.keys()].sort()).toEqual([...without.keys()].sort());
    const changed = [...planted.keys()].filter((pseudonym) => planted.get(pseudonym) !== without.get(pseudonym));
    expect(changed.length).toBeGreaterThan(0);
    for (const pseudonym of changed) {
      const first = JSON.parse(`[${planted.get(pseudonym)!.replace(/\}\{"kind"/g, '},{"kind"')}]`).find((item: { kind: string }) => item.kind === 'enrolment').record;
      expect([first.priorBrin, first.receivingBrin, first.startDate >= '2023-08-01']).toEqual(['90VC', '91MA', true]);
    }
  });

  it('finds the planted effect on every seed: uitval lower, the interval and the difference-in-differences below zero', () => {
    for (const { seed, working } of results) {
      expect({ seed, status: working.status, verdict: working.verdict }).toEqual({ seed, status: 'estimated', verdict: 'intended-direction' });
      expect(working.targeted.difference!.upper).toBeLessThan(0);
      expect(working.differenceInDifferences!.upper).toBeLessThan(0);
      expect(working.targeted.p!).toBeLessThan(0.05);
    }
  });

  it('finds no effect of the null intervention (its interval includes zero on all seeds but at most one: 95% intervals)', () => {
    const changed = results.filter(({ without }) => without.verdict !== 'no-clear-change');
    for (const { without } of results) expect(without.status).toBe('estimated');
    expect(changed.length).toBeLessThanOrEqual(1);
    expect(results[0].without.verdict).toBe('no-clear-change'); // the demo's seed
    console.log(
      'planted interventions, risk difference after − before (pp), working | null: ' +
        results.map(({ seed, working, without }) => `seed ${seed}: ${(working.targeted.difference!.estimate * 100).toFixed(1)} | ${(without.targeted.difference!.estimate * 100).toFixed(1)} (${without.verdict})`).join('; '),
    );
  });
});
