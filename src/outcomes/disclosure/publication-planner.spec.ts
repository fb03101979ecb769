import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planPublication } from 'src/outcomes/disclosure/publication-plan';
import { PublicationPlanner } from 'src/outcomes/disclosure/publication-planner';
import { caseArb } from 'test/utils/random-regions';
import { until } from 'test/utils/until';

// The refresh makes its plans on a thread of their own; what that thread answers must be the plan
// this process would have made, and a plan asked for before shutdown must still be answered.

describe('PublicationPlanner (plans on a thread of their own)', () => {
  const planner = new PublicationPlanner();
  afterAll(() => planner.onApplicationShutdown());

  it('answers the withheld and primary cells of the plan this process makes, for random regions', async () => {
    let withheld = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async ([shape, cells]) => {
        const [onThread, here] = await Promise.all([planner.plan(cells, shape.k), planPublication(cells, shape.k)]);
        expect(onThread.withheld).toEqual([...here.suppressed].sort());
        expect(onThread.primary).toEqual([...here.primary].sort());
        withheld += onThread.withheld.length;
      }),
      { numRuns: 12, seed: 20_261_203 },
    );
    expect(withheld).toBeGreaterThan(0);
  });

  it('rejects what the plan rejects, with its message, and keeps planning after it', async () => {
    const cell = { supplier: 'S', vestiging: '', receiver: 'M', sector: 'mbo', programme: '25180', prior: 'vmbo-b', n: 3 };
    await expect(planner.plan([cell], 1)).rejects.toThrow('k must be an integer of at least 2, got 1');
    await expect(planner.plan([{ ...cell, n: 2.5 }], 5)).rejects.toThrow('a microcell count must be a non-negative integer, got 2.5');
    await expect(planner.plan([cell], 5)).resolves.toMatchObject({ primary: expect.arrayContaining(['supplier=S|receiver=M']) });
  });

  it('finishes the plans asked for before shutdown; one asked after it starts a thread that closes again once idle', async () => {
    const own = new PublicationPlanner();
    const cells = [
      { supplier: 'S', vestiging: '', receiver: 'M', sector: 'mbo', programme: '25180', prior: 'vmbo-b', n: 3 },
      { supplier: 'S', vestiging: '', receiver: 'N', sector: 'mbo', programme: '25180', prior: 'vmbo-b', n: 30 },
      { supplier: 'T', vestiging: '', receiver: 'M', sector: 'mbo', programme: '25180', prior: 'vmbo-b', n: 40 },
      { supplier: 'T', vestiging: '', receiver: 'N', sector: 'mbo', programme: '25180', prior: 'vmbo-b', n: 50 },
    ];
    const pending = own.plan(cells, 5);
    await own.onApplicationShutdown();
    const before = await pending;
    expect(before.primary).toContain('supplier=S|receiver=M');
    expect(before.withheld.length).toBeGreaterThan(before.primary.length);
    expect(own.running).toBe(false);
    // A job still finishing after shutdown gets its plan, and the thread it started closes again.
    await expect(own.plan(cells, 5)).resolves.toEqual(before);
    await until(() => !own.running, { timeoutMs: 10_000, everyMs: 20 });
    await own.onApplicationShutdown();
  });

  it('fails the plans queued on a thread that cannot start, and starts a working one for the next plan', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'plan-thread-'));
    const broken = join(folder, 'broken-plan-thread.cjs');
    writeFileSync(broken, "throw new Error('this plan thread cannot start');\n");
    class SwitchablePlanner extends PublicationPlanner {
      file: string | undefined = broken;
      protected override threadFile(): string {
        return this.file ?? super.threadFile();
      }
    }
    const own = new SwitchablePlanner();
    const cell = { supplier: 'S', vestiging: '', receiver: 'M', sector: 'mbo', programme: '25180', prior: 'vmbo-b', n: 30 };
    try {
      // Both queued on the thread that fails: both must be rejected, not left waiting for ever.
      const outcomes = await Promise.allSettled([own.plan([cell], 5), own.plan([cell], 5)]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      expect(own.running).toBe(false);
      own.file = undefined;
      await expect(own.plan([cell], 5)).resolves.toEqual({ withheld: [], primary: [] });
    } finally {
      await own.onApplicationShutdown();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
