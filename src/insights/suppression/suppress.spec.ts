import fc from 'fast-check';
import { DEFAULT_K, ListSuppression, suppressList, suppressTable, TableSuppression } from './index';

/*
 * The attackers below are written independently of the module: they see a publication as
 * figures (cells and totals, each the sum of some body cells) and lines (cells that add up to a
 * total), and know what the brief grants them: every published figure, which figures are
 * suppressed, that a suppressed figure is ≥ 1 and that a primary one (0 < n < k) is ≤ k − 1.
 */

interface Figure {
  value: number;
  hidden: boolean;
  /** The body cells (indices into figures) this figure adds up; a body cell lists itself. */
  members: number[];
}
interface Publication {
  figures: Figure[];
  lines: Array<{ total: number; cells: number[] }>;
}

function tablePublication(cells: number[][], mask: TableSuppression): Publication {
  const rows = cells.length;
  const columns = cells[0]?.length ?? 0;
  const body = (i: number, j: number): number => i * columns + j;
  const rowIds = [...Array(rows).keys()];
  const columnIds = [...Array(columns).keys()];
  const figures: Figure[] = cells.flatMap((row, i) => row.map((value, j) => ({ value, hidden: mask.suppressed[i][j], members: [body(i, j)] })));
  const figure = (members: number[], hidden: boolean): number => figures.push({ value: members.reduce((sum, m) => sum + figures[m].value, 0), hidden, members }) - 1;
  const rowTotals = rowIds.map((i) => figure(columnIds.map((j) => body(i, j)), mask.rowTotalSuppressed[i]));
  const columnTotals = columnIds.map((j) => figure(rowIds.map((i) => body(i, j)), mask.columnTotalSuppressed[j]));
  const grand = figure(rowIds.flatMap((i) => columnIds.map((j) => body(i, j))), mask.grandTotalSuppressed);
  return {
    figures,
    lines: [
      ...rowIds.map((i) => ({ total: rowTotals[i], cells: columnIds.map((j) => body(i, j)) })),
      ...columnIds.map((j) => ({ total: columnTotals[j], cells: rowIds.map((i) => body(i, j)) })),
      { total: grand, cells: rowTotals },
      { total: grand, cells: columnTotals },
    ],
  };
}

function listPublication(values: number[], mask: ListSuppression): Publication {
  const figures: Figure[] = values.map((value, i) => ({ value, hidden: mask.suppressed[i], members: [i] }));
  const ids = values.map((_, i) => i);
  figures.push({ value: values.reduce((a, b) => a + b, 0), hidden: mask.totalSuppressed, members: ids });
  return { figures, lines: [{ total: values.length, cells: ids }] };
}

/** The same figures with every non-zero one suppressed: the most a publication can hide. */
const hideAll = (publication: Publication): Publication => ({ ...publication, figures: publication.figures.map((f) => ({ ...f, hidden: f.value > 0 })) });

const upper = (value: number, k: number): number => (value > 0 && value < k ? k - 1 : Number.POSITIVE_INFINITY);

/**
 * Attacks (a) line difference, (b) interval per line and (c) their iteration across lines:
 * bounds propagation over every line "Σ cells = total" until nothing changes. Returns, per
 * figure, the interval the attacker can narrow it to.
 */
function propagate(publication: Publication, k: number): { low: number[]; high: number[] } {
  const { figures, lines } = publication;
  const low = figures.map((f) => (f.hidden ? 1 : f.value));
  const high = figures.map((f) => (f.hidden ? upper(f.value, k) : f.value));
  const sum = (ids: number[], bound: number[]): number => ids.reduce((total, id) => total + bound[id], 0);
  for (let changed = true, rounds = 0; changed; rounds++) {
    if (rounds > 100_000) throw new Error('attacker does not converge');
    changed = false;
    const tighten = (id: number, lo: number, hi: number): void => {
      if (lo > low[id]) [low[id], changed] = [lo, true];
      if (hi < high[id]) [high[id], changed] = [hi, true];
      if (low[id] > high[id]) throw new Error(`attacker found figure ${id} infeasible: the model is wrong`);
    };
    for (const { total, cells } of lines) {
      // The total lies between the sums of its cells' bounds …
      tighten(total, sum(cells, low), sum(cells, high));
      // … and each cell is the total minus the other cells (a: exact when the others are known).
      for (const cell of cells) {
        const others = cells.filter((other) => other !== cell);
        tighten(cell, low[total] - sum(others, high), high[total] - sum(others, low));
      }
    }
  }
  return { low, high };
}

/** Suppressed figures the propagation attacker pins down. */
function recovered(publication: Publication, k: number): number[] {
  const { low, high } = propagate(publication, k);
  return publication.figures.flatMap((f, id) => (f.hidden && low[id] === high[id] ? [id] : []));
}

/**
 * Brute force: assignments of the suppressed body cells (primary in [1, k−1], others ≥ 1, each
 * within WINDOW of its true value to keep the search small) that reproduce every published figure and keep every suppressed total in its
 * bounds. For each suppressed figure not yet seen to vary, a depth-first search (values nearest
 * the truth first) looks for such an assignment in which it differs from its true value.
 * Returns the suppressed figures for which none exists. The window only removes worlds, so it
 * can make this check fail spuriously, never pass spuriously.
 */
const WINDOW = 3;
function bruteForce(publication: Publication, k: number): number[] {
  const { figures } = publication;
  const body = figures.flatMap((f, id) => (f.members.length === 1 && f.members[0] === id ? [id] : []));
  const position = new Map(body.map((id, index) => [id, index]));
  // A figure is checked as soon as its last body cell is assigned.
  const checkedAt = body.map(() => [] as number[]);
  figures.forEach((f, id) => {
    if (f.members.length > 0) checkedAt[Math.max(...f.members.map((m) => position.get(m)!))].push(id);
  });
  const domains = body.map((id) => {
    const { value, hidden } = figures[id];
    if (!hidden) return [value];
    const domain: number[] = [];
    for (let v = Math.max(1, value - WINDOW); v <= Math.min(upper(value, k), value + WINDOW); v++) domain.push(v);
    return domain.sort((a, b) => Math.abs(a - value) - Math.abs(b - value) || a - b);
  });
  const assigned = figures.map(() => 0);
  const valueOf = (f: Figure): number => f.members.reduce((sum, m) => sum + assigned[m], 0);
  // Pruning: the figures a body cell belongs to, and the least their unassigned members add.
  const containing = body.map((id) => figures.flatMap((f, figureId) => (f.members.includes(id) ? [figureId] : [])));
  const leastRest = (f: Figure, index: number): number =>
    f.members.filter((m) => position.get(m)! > index).reduce((sum, m) => sum + (figures[m].hidden ? 1 : figures[m].value), 0);
  const partialSum = (f: Figure, index: number): number => f.members.filter((m) => position.get(m)! <= index).reduce((sum, m) => sum + assigned[m], 0);
  let steps = 0;
  const search = (index: number, differs: number): boolean => {
    if (++steps > 2_000_000) throw new Error('brute force budget exceeded');
    if (index === body.length) return true;
    for (const candidate of domains[index]) {
      assigned[body[index]] = candidate;
      const consistent = containing[index].every((id) => {
        const f = figures[id];
        const max = f.hidden ? upper(f.value, k) : f.value;
        if (partialSum(f, index) + leastRest(f, index) > max) return false;
        if (!checkedAt[index].includes(id)) return true;
        const total = valueOf(f);
        if (id === differs && total === f.value) return false;
        return f.hidden ? total >= 1 : total === f.value;
      });
      if (consistent && search(index + 1, differs)) return true;
    }
    return false;
  };
  const varies = new Set<number>();
  const pinned: number[] = [];
  figures.forEach((f, id) => {
    if (!f.hidden || varies.has(id)) return;
    if (!search(0, id)) return pinned.push(id);
    figures.forEach((other, otherId) => {
      if (other.hidden && valueOf(other) !== other.value) varies.add(otherId);
    });
  });
  return pinned;
}

// Values with many small cells, many values at the edges of the primary interval and zeros.
const countFor = (k: number, max = 500): fc.Arbitrary<number> =>
  fc.oneof(
    { arbitrary: fc.constant(0), weight: 3 },
    { arbitrary: fc.constantFrom(1, 2, k - 1, k), weight: 3 },
    { arbitrary: fc.integer({ min: 1, max: k - 1 }), weight: 3 },
    { arbitrary: fc.integer({ min: k, max: 3 * k }), weight: 2 },
    { arbitrary: fc.integer({ min: 3 * k, max: Math.max(3 * k, max) }), weight: 1 },
  );
const threshold = fc.integer({ min: 5, max: 15 });
const tableOf = (k: number, maxRows: number, maxColumns: number, max?: number): fc.Arbitrary<number[][]> =>
  fc
    .tuple(fc.integer({ min: 1, max: maxRows }), fc.integer({ min: 1, max: maxColumns }))
    .chain(([rows, columns]) => fc.array(fc.array(countFor(k, max), { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows }));
/** k in [5, 15] and a table of up to maxRows × maxColumns; `max` caps the large values. */
const table = (maxRows: number, maxColumns: number, max?: number): fc.Arbitrary<[number, number[][]]> =>
  threshold.chain((k) => fc.tuple(fc.constant(k), tableOf(k, maxRows, maxColumns, max)));
const list = (maxLength: number, max?: number): fc.Arbitrary<[number, number[]]> =>
  threshold.chain((k) => fc.tuple(fc.constant(k), fc.array(countFor(k, max), { minLength: 0, maxLength })));

const RUNS = 300;

/** Shows a table as text: [n] suppressed, n published; totals to the right and below. */
function render(cells: number[][], mask: TableSuppression): string[] {
  const show = (value: number, hidden: boolean): string => (hidden ? `[${value}]` : `${value}`);
  const rowTotals = cells.map((row) => row.reduce((a, b) => a + b, 0));
  const columnTotals = (cells[0] ?? []).map((_, j) => cells.reduce((sum, row) => sum + row[j], 0));
  return [
    ...cells.map((row, i) => [...row.map((v, j) => show(v, mask.suppressed[i][j])), show(rowTotals[i], mask.rowTotalSuppressed[i])].join(' ')),
    [...columnTotals.map((v, j) => show(v, mask.columnTotalSuppressed[j])), show(rowTotals.reduce((a, b) => a + b, 0), mask.grandTotalSuppressed)].join(' '),
  ];
}

describe('suppressTable', () => {
  describe('worked examples', () => {
    it('protects a single small cell (3 at k = 10) with a cycle of complementary cells', () => {
      const cells = [
        [20, 3, 15],
        [12, 25, 30],
        [18, 14, 40],
      ];
      // Row 0 has only the 3 → its smallest other cell, 15. Column 1 has only the 3 → 14.
      // Now column 2 has only 15 → 30, row 2 has only 14 → 18, row 1 has only 30 → 12.
      // Every row and column then has two suppressed cells and no total is needed.
      expect(render(cells, suppressTable(cells, 10))).toEqual([
        '20 [3] [15] 38', //
        '[12] 25 [30] 67',
        '[18] [14] 40 72',
        '50 42 85 177',
      ]);
    });

    it('adds a cell when two lines pin a cell jointly although each line alone leaves room', () => {
      const cells = [
        [1, 5, 30],
        [5, 9, 40],
        [20, 20, 20],
      ];
      // The four small cells alone: row 0 says x00 + x01 = 6, column 1 says x01 + x11 = 14 and
      // row 1 says x10 + x11 = 14, column 0 x00 + x10 = 6. Each line leaves room, but
      // x11 = 8 + x00 ≤ 9 forces x00 = 1: the attacker recovers all four.
      const fourOnly: TableSuppression = {
        suppressed: [
          [true, true, false],
          [true, true, false],
          [false, false, false],
        ],
        rowTotalSuppressed: [false, false, false],
        columnTotalSuppressed: [false, false, false],
        grandTotalSuppressed: false,
      };
      expect(recovered(tablePublication(cells, fourOnly), 10)).toEqual([0, 1, 3, 4]);
      const mask = suppressTable(cells, 10);
      expect(render(cells, mask)).toEqual(['[1] [5] 30 36', '[5] [9] 40 54', '[20] [20] 20 60', '26 34 90 150']);
      expect(recovered(tablePublication(cells, mask), 10)).toEqual([]);
      expect(bruteForce(tablePublication(cells, mask), 10)).toEqual([]);
    });

    it('suppresses a total when its line has nothing left to suppress, and guards the margin', () => {
      // Row 0 and column 0 are only the 3: their totals are 3 as well (primary). A total is a
      // cell of the margin line, so the margins need complementary cells: R1 and C1. But
      // R1 = 0 + 40 still follows from row 1, and then 3 = G − R1: the audit adds the grand
      // total and the 40. (Hiding only the 40 would have been enough: safe, not minimal.)
      const cells = [
        [3, 0],
        [0, 40],
      ];
      const mask = suppressTable(cells, 10);
      expect(render(cells, mask)).toEqual(['[3] 0 [3]', '0 [40] [40]', '[3] [40] [43]']);
      expect(bruteForce(tablePublication(cells, mask), 10)).toEqual([]);
    });

    it('publishes zeros and large cells untouched when nothing is small', () => {
      const cells = [
        [0, 12],
        [30, 0],
      ];
      expect(render(cells, suppressTable(cells))).toEqual(['0 12 12', '30 0 30', '30 12 42']);
    });

    it('handles empty and one-cell tables', () => {
      expect(suppressTable([])).toEqual({ suppressed: [], rowTotalSuppressed: [], columnTotalSuppressed: [], grandTotalSuppressed: false });
      expect(suppressTable([[]])).toEqual({ suppressed: [[]], rowTotalSuppressed: [false], columnTotalSuppressed: [], grandTotalSuppressed: false });
      expect(render([[4]], suppressTable([[4]]))).toEqual(['[4] [4]', '[4] [4]']);
      expect(render([[40]], suppressTable([[40]]))).toEqual(['40 40', '40 40']);
    });

    it('rejects a threshold below 5, counts that are not counts and ragged tables', () => {
      expect(() => suppressTable([[1]], 4)).toThrow(RangeError);
      expect(() => suppressTable([[1]], 7.5)).toThrow(RangeError);
      expect(() => suppressTable([[-1]])).toThrow(RangeError);
      expect(() => suppressTable([[1.5]])).toThrow(RangeError);
      expect(() => suppressTable([[Number.NaN]])).toThrow(RangeError);
      expect(() => suppressTable([[1, 2], [3]])).toThrow(RangeError);
      expect(() => suppressTable([[1, 2]], 10, { alsoSuppress: { suppressed: [[true]] } })).toThrow(RangeError);
    });

    it('uses k = 10 by default', () => {
      expect(DEFAULT_K).toBe(10);
      expect(suppressTable([[9, 40]]).suppressed).toEqual([[true, true]]);
      expect(suppressTable([[10, 40]]).suppressed).toEqual([[false, false]]);
    });

    it('extends cells suppressed for another reason with complementary cells', () => {
      const cells = [
        [20, 30],
        [40, 50],
      ];
      const mask = suppressTable(cells, 10, { alsoSuppress: { suppressed: [[false, true], [false, false]] } });
      expect(render(cells, mask)).toEqual(['[20] [30] 50', '[40] [50] 90', '60 80 140']);
    });
  });

  describe('properties', () => {
    it('suppresses every 0 < n < k figure, never a zero, and publishes the rest as it is', () => {
      fc.assert(
        fc.property(table(8, 8), ([k, cells]) => {
          const publication = tablePublication(cells, suppressTable(cells, k));
          for (const figure of publication.figures) {
            if (figure.value > 0 && figure.value < k) expect(figure.hidden).toBe(true);
            if (figure.value === 0) expect(figure.hidden).toBe(false);
          }
        }),
        { numRuns: RUNS },
      );
    });

    it('published totals are consistent: each equals the sum of its cells, published or not', () => {
      fc.assert(
        fc.property(table(8, 8), ([k, cells]) => {
          const { figures, lines } = tablePublication(cells, suppressTable(cells, k));
          for (const { total, cells: members } of lines) {
            if (figures[total].hidden) continue;
            const published = members.filter((m) => !figures[m].hidden).reduce((sum, m) => sum + figures[m].value, 0);
            const hidden = members.filter((m) => figures[m].hidden);
            // What the reader derives for the suppressed cells is what they really add up to,
            // and leaves every suppressed cell at least 1.
            expect(figures[total].value - published).toBe(hidden.reduce((sum, m) => sum + figures[m].value, 0));
            expect(figures[total].value - published).toBeGreaterThanOrEqual(hidden.length);
          }
        }),
        { numRuns: RUNS },
      );
    });

    it('the iterated line-difference and interval attacker pins down no suppressed figure', () => {
      fc.assert(
        fc.property(table(8, 8), ([k, cells]) => {
          const publication = tablePublication(cells, suppressTable(cells, k));
          // A line of k − 1 ones whose total is k − 1 is pinned by the bounds alone, even with
          // everything suppressed; no publication can protect it (see known limits).
          const unprotectable = new Set(recovered(hideAll(publication), k));
          unprotectable.forEach((id) => expect(publication.figures[id].hidden).toBe(true));
          expect(recovered(publication, k).filter((id) => !unprotectable.has(id))).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    });

    it('exhaustively: every suppressed figure of a small table has two consistent values', () => {
      // Up to 3 × 3 no line has k − 1 ≥ 4 cells, so every figure can be protected.
      fc.assert(
        fc.property(table(5, 5), ([k, cells]) => {
          const publication = tablePublication(cells, suppressTable(cells, k));
          const unprotectable = new Set(recovered(hideAll(publication), k));
          expect(bruteForce(publication, k).filter((id) => !unprotectable.has(id))).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    });

    it('stays safe when the caller adds suppressions of its own', () => {
      const rarely = fc.integer({ min: 0, max: 9 }).map((draw) => draw === 0);
      const withExtra = table(6, 6).chain(([k, cells]) =>
        fc.tuple(fc.constant(k), fc.constant(cells), fc.tuple(...cells.map((row) => fc.tuple(...row.map(() => rarely))))),
      );
      fc.assert(
        fc.property(withExtra, ([k, cells, extra]) => {
          const mask = suppressTable(cells, k, { alsoSuppress: { suppressed: extra } });
          extra.forEach((row, i) => row.forEach((forced, j) => {
            if (forced && cells[i][j] > 0) expect(mask.suppressed[i][j]).toBe(true);
          }));
          const publication = tablePublication(cells, mask);
          const unprotectable = new Set(recovered(hideAll(publication), k));
          expect(recovered(publication, k).filter((id) => !unprotectable.has(id))).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    });

    it('is deterministic, leaves its input alone, and a safe mask is a fixed point', () => {
      fc.assert(
        fc.property(table(8, 8), ([k, cells]) => {
          const frozen = cells.map((row) => Object.freeze([...row]));
          const first = suppressTable(Object.freeze(frozen), k);
          expect(suppressTable(cells.map((row) => [...row]), k)).toEqual(first);
          expect(suppressTable(cells, k, { alsoSuppress: first })).toEqual(first);
        }),
        { numRuns: RUNS },
      );
    });
  });
});

describe('suppressList', () => {
  describe('worked examples', () => {
    it('pairs a small value with the smallest other value', () => {
      expect(suppressList([3, 12, 40, 50], 10)).toEqual({ suppressed: [true, true, false, false], totalSuppressed: false });
    });

    it('adds a value when the small ones are forced to one value by the total (interval attack)', () => {
      // 1 + 1: total − published = 2, so both are 1.
      expect(suppressList([1, 1, 50, 60], 10).suppressed).toEqual([true, true, true, false]);
      // 9 + 9 = 18 = 2 · (k − 1), so both are 9.
      expect(suppressList([9, 9, 50, 60], 10).suppressed).toEqual([true, true, true, false]);
      // 2 + 5 = 7 leaves each anywhere in 1..6: no third value needed.
      expect(suppressList([2, 5, 50, 60], 10).suppressed).toEqual([true, true, false, false]);
    });

    it('suppresses the total when nothing else is left', () => {
      // 3 alone with zeros: the total equals it.
      expect(suppressList([0, 3, 0], 10)).toEqual({ suppressed: [false, true, false], totalSuppressed: true });
      // 4 + 4 + 4 + 4 = 16 = 4 · (k − 1) at k = 5 and no other value: the total goes.
      expect(suppressList([4, 4, 4, 4], 5)).toEqual({ suppressed: [true, true, true, true], totalSuppressed: true });
      // A total below k is itself primary.
      expect(suppressList([6, 2], 10)).toEqual({ suppressed: [true, true], totalSuppressed: true });
    });

    it('without a published total, suppresses only the small values and withholds the total', () => {
      expect(suppressList([3, 12, 40], 10, { totalPublished: false })).toEqual({ suppressed: [true, false, false], totalSuppressed: true });
    });

    it('handles an empty list and rejects bad input', () => {
      expect(suppressList([])).toEqual({ suppressed: [], totalSuppressed: false });
      expect(() => suppressList([1], 3)).toThrow(RangeError);
      expect(() => suppressList([-2])).toThrow(RangeError);
      expect(() => suppressList([1, 2], 10, { alsoSuppress: { suppressed: [true] } })).toThrow(RangeError);
    });

    it('cannot protect k − 1 ones whose total is k − 1 (documented limit of the attacker model)', () => {
      const values = [1, 1, 1, 1];
      const mask = suppressList(values, 5);
      expect(mask).toEqual({ suppressed: [true, true, true, true], totalSuppressed: true });
      // Knowing the total is primary (≤ 4) and each value ≥ 1, all four are 1.
      expect(recovered(listPublication(values, mask), 5)).toEqual([0, 1, 2, 3, 4]);
    });
  });

  describe('properties', () => {
    it('suppresses every 0 < n < k value, never a zero', () => {
      fc.assert(
        fc.property(list(12), fc.boolean(), ([k, values], totalPublished) => {
          const mask = suppressList(values, k, { totalPublished });
          values.forEach((value, i) => {
            if (value > 0 && value < k) expect(mask.suppressed[i]).toBe(true);
            if (value === 0) expect(mask.suppressed[i]).toBe(false);
          });
          if (!totalPublished) expect(mask.suppressed).toEqual(values.map((value) => value > 0 && value < k));
        }),
        { numRuns: RUNS },
      );
    });

    it('the attacker pins down no suppressed value, exhaustively checked for short lists', () => {
      fc.assert(
        fc.property(list(12), ([k, values]) => {
          const publication = listPublication(values, suppressList(values, k));
          const unprotectable = new Set(recovered(hideAll(publication), k));
          expect(recovered(publication, k).filter((id) => !unprotectable.has(id))).toEqual([]);
          if (values.length <= 6) expect(bruteForce(publication, k).filter((id) => !unprotectable.has(id))).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    });

    it('is deterministic and a safe mask is a fixed point', () => {
      fc.assert(
        fc.property(list(12), ([k, values]) => {
          const first = suppressList(Object.freeze([...values]), k);
          expect(suppressList([...values], k)).toEqual(first);
          expect(suppressList(values, k, { alsoSuppress: first })).toEqual(first);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
