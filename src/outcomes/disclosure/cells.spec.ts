import { cellKey, FAMILIES, indexCells, MicroCell, parseCellKey, ROUTE } from 'src/outcomes/disclosure/cells';
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
    expect(new Set([...index.values()].map((cell) => cell.family))).toEqual(new Set(FAMILIES.filter((family) => !family.includes('level') && !family.includes('route'))));
    const withLevels = indexCells(cells.map((cell) => ({ ...cell, level: cell.sector === 'hbo' ? 'bachelor' : '2' })));
    expect(new Set([...withLevels.values()].map((cell) => cell.family))).toEqual(new Set(FAMILIES.filter((family) => !family.includes('route'))));
    expect(withLevels.get('supplier=S|level=2')!.n).toBe(12);
    expect(withLevels.get('receiver=H|level=bachelor')!.n).toBe(16);
  });

  it('index the route parts in the route cells only, and show them to the coordinator (region) and the supplier (its own)', () => {
    const parts = [
      { ...cells[0], n: 4 },
      { ...cells[0], route: ROUTE, first: 'mbo-4', next: 'diploma', n: 6 },
      { ...cells[0], route: ROUTE, first: 'mbo-4', next: 'uitval', n: 2 },
    ];
    const index = indexCells(parts);
    expect(index.get('supplier=S|receiver=M')!.n).toBe(12);
    expect(index.get('supplier=S|prior=vmbo-b|first=mbo-4|route=1')!.n).toBe(8);
    expect([...index.keys()].some((key) => key.includes('next='))).toBe(false);
    expect(index.get('route=1')!.n).toBe(8);
    const coordinator = visibleCells({ kind: 'coordinator' }, parts).map(cellKey);
    expect(coordinator).toContain('prior=vmbo-b|route=1');
    expect(coordinator.some((key) => key.includes('route') && key.includes('supplier'))).toBe(false);
    const supplier = visibleCells({ kind: 'institution', institutionId: 'S' }, parts).map(cellKey);
    expect(supplier).toContain('supplier=S|prior=vmbo-b|first=mbo-4|route=1');
    expect(supplier.filter((key) => key.includes('route')).every((key) => key.startsWith('supplier=S|'))).toBe(true);
    const receiver = visibleCells({ kind: 'institution', institutionId: 'M' }, parts).map(cellKey);
    expect(receiver.some((key) => key.includes('route'))).toBe(false);
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
