import { ROUTE_FAMILIES, ROUTE_SCHEME, routeMicroCell } from 'src/outcomes/disclosure/schemes';
import { cellKey, FAMILIES, indexCells, MicroCell, parseCellKey } from 'src/outcomes/disclosure/cells';
import { knownMicroCells, readersOf, visibleCells } from 'src/outcomes/disclosure/readers';

const micro = (supplier: string, receiver: string, n: number, extra: Partial<MicroCell> = {}): MicroCell => ({
  supplier,
  vestiging: `${supplier}00`,
  receiver,
  sector: 'mbo',
  programme: '25180',
  prior: 'vmbo-b',
  n,
  ...extra,
});

describe('cell keys', () => {
  it('are canonical: dimensions in a fixed order, the region total is the empty key', () => {
    expect(cellKey({ receiver: 'b', supplier: 'a' })).toBe('supplier=a|receiver=b');
    expect(cellKey({})).toBe('');
    expect(parseCellKey('')).toEqual({});
    expect(parseCellKey('supplier=a|receiver=b')).toEqual({ supplier: 'a', receiver: 'b' });
  });

  it('survive values with separators, and an empty vestiging', () => {
    for (const spec of [{ supplier: 'a|b=c%d', prior: 'x y' }, { supplier: 's', vestiging: '' }]) expect(parseCellKey(cellKey(spec))).toEqual(spec);
    expect(cellKey({ supplier: 'a|b' })).not.toBe(cellKey({ supplier: 'a', receiver: 'b' }));
  });

  it('refuse what is not a key', () => {
    for (const bad of ['supplier', 'colour=red', 'supplier=a|supplier=b']) expect(() => parseCellKey(bad)).toThrow(RangeError);
  });
});

describe('cells and readers', () => {
  const cells = [micro('S', 'M', 12), micro('S', 'H', 7, { sector: 'hbo', programme: '34001' }), micro('T', 'M', 20), micro('M', 'H', 9, { sector: 'hbo', programme: '34001', prior: 'mbo-4' })];

  it('index every family with its sums', () => {
    const index = indexCells(cells);
    expect(index.get('')!.n).toBe(48);
    expect(index.get('receiver=M')!.n).toBe(32);
    expect(index.get('supplier=S|sector=hbo')!.n).toBe(7);
    // the level families need microcells that carry a level
    expect(new Set([...index.values()].map((cell) => cell.family))).toEqual(new Set(FAMILIES.filter((family) => !family.includes('level'))));
    const withLevels = indexCells(cells.map((cell) => ({ ...cell, level: cell.sector === 'hbo' ? 'bachelor' : '2' })));
    expect(new Set([...withLevels.values()].map((cell) => cell.family))).toEqual(new Set(FAMILIES));
    expect(withLevels.get('supplier=S|level=2')!.n).toBe(12);
    expect(withLevels.get('receiver=H|level=bachelor')!.n).toBe(16);
  });

  it('index the route tables of their own scheme only', () => {
    const routes = [routeMicroCell({ supplier: 'P', prior: 'pro', first: 'entree', next: 'hoger', n: 6 }), routeMicroCell({ supplier: 'P', prior: 'pro', first: 'entree', next: 'uitval', n: 3 })];
    const index = indexCells(routes, ROUTE_FAMILIES);
    expect(index.get('supplier=P|prior=pro|first=entree')!.n).toBe(9);
    expect(index.get('prior=pro|first=entree|next=uitval')!.n).toBe(3);
    expect([...index.keys()].some((key) => key.includes('receiver'))).toBe(false);
    expect(ROUTE_SCHEME.sees({ kind: 'coordinator' }, ['prior'], { prior: 'pro' })).toBe(true);
    expect(ROUTE_SCHEME.sees({ kind: 'coordinator' }, ['supplier'], { supplier: 'P' })).toBe(false);
    expect(ROUTE_SCHEME.sees({ kind: 'institution', institutionId: 'P' }, ['supplier', 'prior'], { supplier: 'P', prior: 'pro' })).toBe(true);
    expect(ROUTE_SCHEME.sees({ kind: 'institution', institutionId: 'P' }, ['prior'], { prior: 'pro' })).toBe(false);
  });

  it('the coordinator sees the matrix, its margins and the breakdown by sector, and knows nothing', () => {
    const visible = visibleCells({ kind: 'coordinator' }, cells).map(cellKey);
    expect(visible).toEqual(expect.arrayContaining(['', 'supplier=S', 'receiver=M', 'supplier=S|receiver=M', 'supplier=S|sector=hbo']));
    expect(visible.some((key) => key.includes('programme') || key.includes('prior'))).toBe(false);
    expect(knownMicroCells({ kind: 'coordinator' }, cells)).toEqual([]);
  });

  it('an institution that supplies and receives sees both of its views, the total and the benchmark, and knows its intake', () => {
    const reader = { kind: 'institution' as const, institutionId: 'M' };
    const visible = visibleCells(reader, cells).map(cellKey);
    expect(visible).toEqual(expect.arrayContaining(['', 'prior=vmbo-b', 'supplier=M', 'supplier=M|receiver=H', 'receiver=M', 'supplier=T|receiver=M', 'receiver=M|prior=vmbo-b']));
    // not another supplier's alumni elsewhere, nor another receiver's intake
    expect(visible).not.toContain('supplier=S|receiver=H');
    expect(visible).not.toContain('supplier=S');
    expect(visible).not.toContain('receiver=H');
    expect(knownMicroCells(reader, cells)).toEqual([cells[0], cells[2]]);
    expect(readersOf(cells).map((r) => (r.kind === 'coordinator' ? 'coordinator' : r.institutionId))).toEqual(['coordinator', 'H', 'M', 'S', 'T']);
  });
});
