import fc from 'fast-check';
import { planPublication } from 'src/outcomes/disclosure/publication-plan';
import { attack, narrowerThan, pinned } from 'test/utils/disclosure-attack';
import { caseArb } from 'test/utils/random-regions';

// The plan is audited on the LP relaxation (real-valued counts). An attacker that also uses that
// counts are whole numbers solves a MIP instead, whose range can in principle be narrower. This
// checks that residual risk on a few random regions (MIPs cost far more than LPs; the figure over
// 40 regions is in docs/disclosure-control.md).
describe('planPublication against an attacker that uses whole numbers', () => {
  it('leaves no interval narrower than k, and lets no informed reader pin a cell, with integer counts', async () => {
    let intervals = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async ([shape, cells]) => {
        const plan = await planPublication(cells, shape.k);
        const findings = await attack(cells, plan, { integers: true });
        expect(narrowerThan(findings, shape.k)).toEqual([]);
        expect(pinned(await attack(cells, plan, { integers: true, knowsWhichArePrimary: true }))).toEqual([]);
        intervals += findings.length;
      }),
      { numRuns: 2, seed: 20_261_212 },
    );
    console.log(`integer attacker: ${intervals} (reader, cell) intervals, none narrower than k, none pinned by the informed one`);
  });
});
