import { cellKey, CellSpec, MicroCell } from 'src/outcomes/disclosure/cells';
import { planPublication } from 'src/outcomes/disclosure/publication-plan';
import { attack, narrowerThan, pinned } from 'test/utils/disclosure-attack';
import { boundsOf } from 'test/utils/lp-attacker';

// The cases of issue 11, at engine level: each first shows that the naive publication (only
// the primary cells withheld) leaks, then that the plan leaves every reader an interval ≥ k.

const SECTOR_OF: Record<string, string> = { M1: 'mbo', M2: 'mbo', M3: 'mbo', H1: 'hbo', H2: 'hbo', W1: 'wo' };

function micro(supplier: string, receiver: string, n: number, extra: Partial<MicroCell> = {}): MicroCell {
  const sector = extra.sector ?? SECTOR_OF[receiver] ?? 'mbo';
  return { supplier, vestiging: `${supplier}00`, receiver, sector, programme: `${sector}-1`, prior: 'havo', n, ...extra };
}

/** The naive plan: withhold exactly the cells with 0 < n < k. */
async function naivePlan(cells: MicroCell[], k: number) {
  const plan = await planPublication(cells, k);
  const suppressed = new Set(plan.primary);
  return { ...plan, suppressed, isPublished: (spec: CellSpec) => !suppressed.has(cellKey(spec)) };
}

const key = (spec: CellSpec): string => cellKey(spec);

describe('planPublication: the cases of issue 11', () => {
  it('supplier sends 40 / 3 / 30 / 12: the 3 does not follow from the supplier total and the published cells', async () => {
    const cells = [micro('S', 'M1', 40), micro('S', 'M2', 3), micro('S', 'H1', 30), micro('S', 'H2', 12), micro('T', 'M1', 25), micro('T', 'M2', 20), micro('T', 'H1', 15), micro('T', 'H2', 18)];
    const small = key({ supplier: 'S', receiver: 'M2' });

    const naive = await attack(cells, await naivePlan(cells, 5));
    // 85 − 40 − 30 − 12 = 3, for the coordinator and for the supplier itself
    expect(narrowerThan(naive, 5).filter((finding) => finding.cell === small).map((finding) => [finding.reader, finding.min, finding.max])).toEqual(
      expect.arrayContaining([
        ['coordinator', 3, 3],
        ['institution S', 3, 3],
      ]),
    );

    const plan = await planPublication(cells, 5);
    expect(plan.primary.has(small)).toBe(true);
    expect(plan.isPublished({ supplier: 'S', receiver: 'M2' })).toBe(false);
    // mbo total minus M1 would give it away too, so the complement is the classic rectangle in
    // the mbo part of the matrix (with the same cells by sector); every margin stays published
    expect([...plan.suppressed].sort()).toEqual(
      ['supplier=S|receiver=M1', 'supplier=S|receiver=M1|sector=mbo', 'supplier=S|receiver=M2', 'supplier=S|receiver=M2|sector=mbo', 'supplier=T|receiver=M1', 'supplier=T|receiver=M2'].sort(),
    );
    for (const margin of [{}, { supplier: 'S' }, { supplier: 'T' }, { receiver: 'M1' }, { receiver: 'M2' }, { supplier: 'S', sector: 'mbo' }]) expect(plan.isPublished(margin)).toBe(true);
    const findings = await attack(cells, plan);
    expect(findings.filter((finding) => finding.cell === small).length).toBeGreaterThan(0);
    expect(narrowerThan(findings, 5)).toEqual([]);
  });

  it('the mbo total minus the one published mbo receiver gives the hidden one (breakdown by receiver and by sector)', async () => {
    const cells = [micro('S', 'M1', 25), micro('S', 'M2', 4), micro('S', 'H1', 30), micro('T', 'M1', 14), micro('T', 'M2', 22), micro('T', 'H1', 17)];
    const small = key({ supplier: 'S', receiver: 'M2' });
    const naive = await attack(cells, await naivePlan(cells, 5), { readers: (reader) => reader.kind === 'coordinator' });
    // 29 − 25 = 4
    expect(naive.find((finding) => finding.cell === small)).toMatchObject({ min: 4, max: 4 });

    const plan = await planPublication(cells, 5);
    expect(plan.isPublished({ supplier: 'S', receiver: 'M2' })).toBe(false);
    expect(narrowerThan(await attack(cells, plan), 5)).toEqual([]);
  });

  it("the coordinator's matrix with row and column totals: 41 − 20 − 18 = 3", async () => {
    const cells = [
      micro('A', 'M1', 20),
      micro('B', 'M1', 18),
      micro('C', 'M1', 3),
      micro('A', 'M2', 30),
      micro('B', 'M2', 12),
      micro('C', 'M2', 25),
      micro('A', 'H1', 16),
      micro('B', 'H1', 40),
      micro('C', 'H1', 22),
    ];
    const small = key({ supplier: 'C', receiver: 'M1' });
    const naive = await attack(cells, await naivePlan(cells, 5), { readers: (reader) => reader.kind === 'coordinator' });
    expect(naive.find((finding) => finding.cell === small)).toMatchObject({ min: 3, max: 3 });

    const plan = await planPublication(cells, 5);
    const findings = await attack(cells, plan);
    expect(findings.find((finding) => finding.reader === 'coordinator' && finding.cell === small)!.max).toBeGreaterThanOrEqual(8);
    expect(narrowerThan(findings, 5)).toEqual([]);
    // the column total stays published: the protection came from cells inside the table
    expect(plan.isPublished({ receiver: 'M1' })).toBe(true);
  });

  it("the benchmark by prior diploma type minus a supplier's own cell", async () => {
    const cells = [
      micro('S', 'M1', 30, { prior: 'vmbo-b' }),
      micro('S', 'M1', 11, { prior: 'vso' }),
      micro('T', 'M1', 3, { prior: 'vso' }),
      micro('T', 'M1', 26, { prior: 'vmbo-b' }),
      micro('T', 'H1', 12, { prior: 'havo' }),
      micro('S', 'H1', 15, { prior: 'havo' }),
    ];
    const small = key({ supplier: 'T', prior: 'vso' });
    // 14 − 11 = 3 for supplier S, which reads the benchmark and its own alumni by prior type
    const naive = await attack(cells, await naivePlan(cells, 5), { readers: (reader) => reader.kind === 'institution' && reader.institutionId === 'S' });
    expect(naive.find((finding) => finding.cell === small)).toMatchObject({ min: 3, max: 3 });

    const plan = await planPublication(cells, 5);
    expect(narrowerThan(await attack(cells, plan), 5)).toEqual([]);
  });

  it('a receiver that knows its own intake and reads the region total', async () => {
    const cells = [micro('S', 'M1', 60), micro('T', 'M1', 37), micro('S', 'M2', 3), micro('T', 'M2', 9)];
    // M1 knows its 97; 109 − 97 = 12 for M2 is fine, but with M2's intake at 3:
    const tight = [micro('S', 'M1', 60), micro('T', 'M1', 37), micro('S', 'M2', 3)];
    const small = key({ receiver: 'M2' });
    const naive = await attack(tight, await naivePlan(tight, 5), { readers: (reader) => reader.kind === 'institution' && reader.institutionId === 'M1' });
    expect(naive.find((finding) => finding.cell === small)).toMatchObject({ min: 3, max: 3 });

    for (const region of [cells, tight]) {
      const plan = await planPublication(region, 5);
      expect(narrowerThan(await attack(region, plan), 5)).toEqual([]);
    }
    const plan = await planPublication(tight, 5);
    // the only way: withhold the region total (and with it whatever else gives it away)
    expect(plan.isPublished({})).toBe(false);
  });

  it('an attacker who knows which withheld cells are primary (so each ≤ k − 1) cannot pin one: three 4s under a published 12', async () => {
    const cells = [micro('A', 'M1', 19), micro('A', 'H1', 4), micro('B', 'M1', 25), micro('B', 'H1', 4), micro('C', 'M1', 30), micro('C', 'H1', 4)];
    const coordinator = { readers: (reader: { kind: string }) => reader.kind === 'coordinator' };
    // naive: the column total 12 is published and each withheld cell is at most 4, so each is 4
    const naive = await attack(cells, await naivePlan(cells, 5), { ...coordinator, knowsWhichArePrimary: true });
    expect(pinned(naive).map((finding) => finding.cell)).toEqual(expect.arrayContaining([key({ supplier: 'A', receiver: 'H1' }), key({ supplier: 'B', receiver: 'H1' })]));

    const plan = await planPublication(cells, 5);
    expect(narrowerThan(await attack(cells, plan), 5)).toEqual([]);
    const informed = await attack(cells, plan, { knowsWhichArePrimary: true });
    expect(pinned(informed)).toEqual([]);
    // what the informed attacker still learns: each small cell lies in [1, 4], as the label says
    expect(informed.filter((finding) => finding.reader === 'coordinator' && finding.cell === key({ supplier: 'A', receiver: 'H1' }))).toEqual([
      expect.objectContaining({ min: 1, max: 4 }),
    ]);
  });

  it('cells with n = 0 stay published, and a cell known entirely to its only reader needs no complement', async () => {
    const cells = [micro('S', 'M1', 50), micro('S', 'H1', 0), micro('T', 'M1', 45)];
    const plan = await planPublication(cells, 5);
    expect(plan.primary.size).toBe(0);
    expect(plan.suppressed.size).toBe(0);
    expect(plan.isPublished({ supplier: 'S', receiver: 'H1' })).toBe(true);
  });

  it('refuses a k or a count that is not a whole number', async () => {
    await expect(planPublication([micro('S', 'M1', 5)], 0)).rejects.toThrow(RangeError);
    await expect(planPublication([micro('S', 'M1', 5)], 1)).rejects.toThrow(RangeError);
    await expect(planPublication([micro('S', 'M1', 2.5)], 5)).rejects.toThrow(RangeError);
    await expect(planPublication([micro('S', 'M1', -1)], 5)).rejects.toThrow(RangeError);
  });
});

describe('the LP attacker itself', () => {
  it('solves the interval of a hidden sum from equalities, and finds an unbounded one', async () => {
    // a + b = 10, b + c = 4: b ∈ [0, 4], a ∈ [6, 10]
    const equalities = [
      { variables: ['a', 'b'], value: 10 },
      { variables: ['b', 'c'], value: 4 },
    ];
    await expect(boundsOf(['a', 'b', 'c'], equalities, ['b'])).resolves.toEqual({ min: 0, max: 4 });
    await expect(boundsOf(['a', 'b', 'c'], equalities, ['a'])).resolves.toEqual({ min: 6, max: 10 });
    await expect(boundsOf(['a', 'b', 'c', 'd'], equalities, ['d'])).resolves.toEqual({ min: 0, max: Infinity });
    await expect(boundsOf(['a', 'b', 'c'], equalities, ['b'], [{ variables: ['a'], atMost: 7 }])).resolves.toEqual({ min: 3, max: 4 });
    await expect(boundsOf(['a', 'b', 'c'], equalities, ['b'], [{ variables: ['c'], atLeast: 1 }])).resolves.toEqual({ min: 0, max: 3 });
  });
});
