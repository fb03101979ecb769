import fc from 'fast-check';
import { maskRows, suppressList } from './index';

interface Row {
  key: string;
  label: string;
  n: number;
  nUitval: number;
  uitval: number | null;
  cohortYear: number;
}

const row = (key: string, n: number, nUitval: number): Row => ({ key, label: `School ${key}`, n, nUitval, uitval: n > 0 ? nUitval / n : null, cohortYear: 2023 });

describe('maskRows', () => {
  it('nulls n and every count and rate of a masked row, keeps its labels and marks it', () => {
    const rows = [row('00AA', 40, 4), row('00BB', 3, 1), row('00CC', 12, 2)];
    const masked = maskRows(rows, suppressList(rows.map((r) => r.n), 10).suppressed, ['key', 'label']);
    expect(masked).toEqual([
      { key: '00AA', label: 'School 00AA', n: 40, nUitval: 4, uitval: 0.1, cohortYear: 2023, suppressed: false },
      { key: '00BB', label: 'School 00BB', n: null, nUitval: null, uitval: null, cohortYear: null, suppressed: true },
      { key: '00CC', label: 'School 00CC', n: null, nUitval: null, uitval: null, cohortYear: null, suppressed: true },
    ]);
  });

  it('fails closed: without kept keys a masked row shows nothing at all', () => {
    expect(maskRows([row('00AA', 4, 1)], [true])).toEqual([{ key: null, label: null, n: null, nUitval: null, uitval: null, cohortYear: null, suppressed: true }]);
  });

  it('does not change its input and rejects a mask of the wrong length', () => {
    const rows = [Object.freeze(row('00AA', 4, 1))];
    expect(() => maskRows(rows, [true])).not.toThrow();
    expect(rows[0].n).toBe(4);
    expect(() => maskRows(rows, [])).toThrow(RangeError);
    expect(() => maskRows(rows, [true, false])).toThrow(RangeError);
  });

  it('types the result: n is nullable, kept keys keep their type, n itself cannot be kept', () => {
    const [first] = maskRows([row('00AA', 40, 4)], [false], ['key']);
    const key: string = first.key;
    const n: number | null = first.n;
    expect([key, n]).toEqual(['00AA', 40]);
    // @ts-expect-error n is always masked
    maskRows([row('00AA', 40, 4)], [false], ['n']);
  });

  it('property: a row is published as it is, or with nothing but its kept keys', () => {
    const rows = fc.array(
      fc.record({ key: fc.string(), label: fc.string(), n: fc.nat(500), nUitval: fc.nat(500), uitval: fc.option(fc.double({ min: 0, max: 1, noNaN: true })), cohortYear: fc.integer({ min: 2000, max: 2100 }) }),
    );
    fc.assert(
      fc.property(
        rows.chain((items) => fc.tuple(fc.constant(items), fc.array(fc.boolean(), { minLength: items.length, maxLength: items.length }))),
        ([items, mask]) => {
          maskRows(items, mask, ['key', 'label']).forEach((masked, index) => {
            const source = items[index];
            expect(masked.suppressed).toBe(mask[index]);
            if (mask[index]) expect(masked).toEqual({ key: source.key, label: source.label, n: null, nUitval: null, uitval: null, cohortYear: null, suppressed: true });
            else expect(masked).toEqual({ ...source, suppressed: false });
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
