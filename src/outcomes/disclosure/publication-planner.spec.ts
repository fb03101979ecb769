import fc from 'fast-check';
import { planPublication } from 'src/outcomes/disclosure/publication-plan';
import { PublicationPlanner } from 'src/outcomes/disclosure/publication-planner';
import { caseArb } from 'test/utils/random-regions';

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

  it('finishes the plans asked for before shutdown, and starts its thread again when asked after it', async () => {
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
    await expect(own.plan(cells, 5)).resolves.toEqual(before);
    await own.onApplicationShutdown();
  });
});
