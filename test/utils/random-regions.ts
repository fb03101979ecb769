import fc from 'fast-check';
import { cellKey, MicroCell } from 'src/outcomes/disclosure/cells';

// Random regions for the disclosure tests: 3–8 suppliers, 2–5 receivers (one of which may also
// supply, like an mbo that sends its graduates to hbo), 1–3 sectors with 1–3 programmes each,
// 1–2 vestigingen per supplier, 1–3 prior diploma types, many small counts, k in {5, 10}.

export interface Shape {
  suppliers: number;
  receivers: number;
  sectors: number;
  programmes: number;
  vestigingen: number;
  priors: number;
  k: number;
  receiverSupplies: boolean;
}

export const shapeArb: fc.Arbitrary<Shape> = fc.record({
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

export function regionArb(shape: Shape): fc.Arbitrary<MicroCell[]> {
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
