import { createHash } from 'node:crypto';
import { addKeys, cellNoise, DIGEST_MEMO_SIZE, KEY_MODULUS, NOISE_BOUND, perturbedCount } from 'src/outcomes/disclosure/cell-key';

/** The noise as the method defines it, with no memo in between. */
const definedNoise = (key: number, measure: string, bound: number): number => (createHash('sha256').update(`${measure}:${key}`).digest().readUInt32BE(0) % (2 * bound + 1)) - bound;

describe('cell-key perturbation', () => {
  it('draws noise uniformly on −D…D, the same for the same key and measure', () => {
    const seen = new Map<number, number>();
    for (let key = 0; key < 70_000; key++) {
      const noise = cellNoise(key * 7919, 'switch_external');
      seen.set(noise, (seen.get(noise) ?? 0) + 1);
    }
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(NOISE_BOUND).toBe(3);
    // Each value within 5% of 10,000.
    for (const count of seen.values()) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    expect(cellNoise(123_456, 'continued')).toBe(cellNoise(123_456, 'continued'));
  });

  it('draws independent noise per measure and after one record more', () => {
    let sameMeasure = 0;
    let sameAfterRecord = 0;
    for (let key = 0; key < 7_000; key++) {
      if (cellNoise(key, 'switch_external') === cellNoise(key, 'continued')) sameMeasure++;
      if (cellNoise(key, 'switch_external') === cellNoise(addKeys(key, 2_654_435_761), 'switch_external')) sameAfterRecord++;
    }
    // Independent draws agree one time in seven (1,000 of 7,000), give or take.
    expect(Math.abs(sameMeasure - 1_000)).toBeLessThan(150);
    expect(Math.abs(sameAfterRecord - 1_000)).toBeLessThan(150);
  });

  it('answers the defined noise whether or not the digest was kept, past the memo size and for other bounds', () => {
    const probes = [0, 1, 4_294_967_295, 123_456_789].flatMap((key) => [
      { key, measure: 'switch_external', bound: NOISE_BOUND },
      { key, measure: 'switch_external', bound: 10 },
      { key, measure: 'continued', bound: NOISE_BOUND },
    ]);
    const first = probes.map(({ key, measure, bound }) => cellNoise(key, measure, bound));
    expect(first).toEqual(probes.map(({ key, measure, bound }) => definedNoise(key, measure, bound)));
    // Asked again from the memo, then after it filled up and started again.
    expect(probes.map(({ key, measure, bound }) => cellNoise(key, measure, bound))).toEqual(first);
    let differing = 0;
    for (let key = 1_000_000; key <= 1_000_000 + DIGEST_MEMO_SIZE; key++) if (cellNoise(key, 'fill', 1) !== definedNoise(key, 'fill', 1)) differing++;
    expect(differing).toBe(0);
    expect(probes.map(({ key, measure, bound }) => cellNoise(key, measure, bound))).toEqual(first);
  });

  it('keeps a perturbed count within 0…max and adds keys modulo 2^32', () => {
    for (let key = 0; key < 1_000; key++) {
      const value = perturbedCount(1, 2, key, 'switch_external');
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(2);
    }
    expect(addKeys(KEY_MODULUS - 1, 2)).toBe(1);
  });
});
