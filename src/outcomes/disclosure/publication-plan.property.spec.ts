import fc from 'fast-check';
import { cellKey, indexCells, MicroCell } from 'src/outcomes/disclosure/cells';
import { planPublication } from 'src/outcomes/disclosure/publication-plan';
import { attack, narrowerThan, pinned } from 'test/utils/disclosure-attack';

// Random regions: 3–8 suppliers, 2–5 receivers (one of which may also supply, like an mbo that
// sends its graduates to hbo), 1–3 sectors with 1–3 programmes each, 1–2 vestigingen per
// supplier, 1–3 prior diploma types, and many small counts. Every reader is attacked with an
// independent LP built from the raw published figures: once knowing only what is published (and
// that withheld cells are not empty), once also knowing which withheld cells are primary.

interface Shape {
  suppliers: number;
  receivers: number;
  sectors: number;
  programmes: number;
  vestigingen: number;
  priors: number;
  k: number;
  receiverSupplies: boolean;
}

const shapeArb: fc.Arbitrary<Shape> = fc.record({
  suppliers: fc.integer({ min: 3, max: 8 }),
  receivers: fc.integer({ min: 2, max: 5 }),
  sectors: fc.integer({ min: 1, max: 3 }),
  programmes: fc.integer({ min: 1, max: 3 }),
  vestigingen: fc.integer({ min: 1, max: 2 }),
  priors: fc.integer({ min: 1, max: 3 }),
  k: fc.constantFrom(5, 10),
  receiverSupplies: fc.boolean(),
});

const SECTORS = ['mbo', 'hbo', 'wo'];
const PRIORS = ['havo', 'vmbo-b', 'vso'];

const countArb = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 10, max: 60 }));

function regionArb(shape: Shape): fc.Arbitrary<MicroCell[]> {
  const supplierId = (index: number): string => (shape.receiverSupplies && index === 0 ? 'R0' : `S${index}`);
  const row = fc
    .record({
      supplier: fc.nat(shape.suppliers - 1),
      vestiging: fc.nat(shape.vestigingen - 1),
      receiver: fc.nat(shape.receivers - 1),
      programme: fc.nat(shape.programmes - 1),
      prior: fc.nat(shape.priors - 1),
      n: countArb,
    })
    .map(({ supplier, vestiging, receiver, programme, prior, n }): MicroCell => {
      // a receiver teaches one sector; the programme determines the sector
      const sector = SECTORS[receiver % shape.sectors];
      const id = supplierId(supplier);
      return { supplier: id, vestiging: `${id}0${vestiging}`, receiver: `R${receiver}`, sector, programme: `${sector}-${programme}`, prior: PRIORS[prior], n };
    });
  return fc.array(row, { minLength: 4, maxLength: 36 }).map((rows) => {
    // one summary row per combination
    const merged = new Map<string, MicroCell>();
    for (const micro of rows) {
      const key = cellKey(micro);
      const existing = merged.get(key);
      merged.set(key, existing ? { ...existing, n: existing.n + micro.n } : micro);
    }
    return [...merged.values()];
  });
}

export const caseArb = shapeArb.chain((shape) => fc.tuple(fc.constant(shape), regionArb(shape), fc.infiniteStream(fc.nat())));

describe('planPublication over random regions', () => {
  it('leaves no reader an interval narrower than k for a primary cell it does not know, lets no informed reader pin one, publishes no 0 < n < k, and is deterministic', async () => {
    let audited = 0;
    let primaries = 0;
    let complements = 0;
    let narrowedByInformed = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async ([shape, cells, noise]) => {
        const plan = await planPublication(cells, shape.k);
        for (const cell of indexCells(cells).values()) {
          if (cell.n > 0 && cell.n < shape.k) expect(plan.isPublished(cell.spec)).toBe(false);
        }
        // the same rows in another order give the same plan
        const shuffled = cells
          .map((micro) => ({ micro, order: noise.next().value as number }))
          .sort((a, b) => a.order - b.order)
          .map(({ micro }) => micro);
        const again = await planPublication(shuffled, shape.k);
        expect([...again.suppressed]).toEqual([...plan.suppressed]);

        const findings = await attack(cells, plan);
        expect(narrowerThan(findings, shape.k)).toEqual([]);
        // knowing which withheld cells are primary narrows every one of them below k by
        // definition (1 ≤ n ≤ k − 1), but must not determine one
        const informed = await attack(cells, plan, { knowsWhichArePrimary: true });
        expect(pinned(informed)).toEqual([]);
        narrowedByInformed += narrowerThan(informed, shape.k).length;
        audited += findings.length;
        primaries += plan.primary.size;
        complements += plan.suppressed.size - plan.primary.size;
      }),
      { numRuns: 40, seed: 20_261_211 },
    );
    console.log(
      `random regions: ${primaries} primary cells, ${complements} complementary; ${audited} (reader, cell) intervals checked per attacker; ` +
        `none narrower than k for the attacker that reads the outputs, none pinned (${narrowedByInformed} narrower than k) for the one that knows which cells are primary`,
    );
  });
});
