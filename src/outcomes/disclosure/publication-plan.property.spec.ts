import fc from 'fast-check';
import { planPublication } from 'src/outcomes/disclosure/publication-plan';
import { indexCells } from 'src/outcomes/disclosure/cells';
import { attack, narrowerThan, pinned } from 'test/utils/disclosure-attack';
import { caseArb } from 'test/utils/random-regions';

// Random regions (test/utils/random-regions.ts). Every reader is attacked with an independent LP
// built from the raw published figures: once knowing only what is published (and that withheld
// cells are not empty), once also knowing which withheld cells are primary.

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
