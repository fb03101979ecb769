import { addKeys, cellNoise, KEY_MODULUS, NOISE_BOUND, perturbedCount } from 'src/outcomes/disclosure/cell-key';

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

  it('keeps a perturbed count within 0…max and adds keys modulo 2^32', () => {
    for (let key = 0; key < 1_000; key++) {
      const value = perturbedCount(1, 2, key, 'switch_external');
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(2);
    }
    expect(addKeys(KEY_MODULUS - 1, 2)).toBe(1);
  });
});
