import { Arc, isSmall, Line, protect } from './protect';

/** The threshold when a definition set names none, and the lowest a region may set. */
export const DEFAULT_K = 10;
export const MIN_K = 5;

export interface ListSuppression {
  /** Per value: publish as null (and its rates too). */
  suppressed: boolean[];
  /** Withhold the total. Always true when the caller said the total is not published: it was not protected. */
  totalSuppressed: boolean;
}

export interface ListOptions {
  /** Whether the total ("all receivers") is published next to the values. Default true. */
  totalPublished?: boolean;
  /** Values (and the total) to suppress in any case, e.g. an earlier mask; zeros stay published. */
  alsoSuppress?: Partial<Readonly<ListSuppression>>;
}

export interface TableSuppression {
  suppressed: boolean[][];
  rowTotalSuppressed: boolean[];
  columnTotalSuppressed: boolean[];
  grandTotalSuppressed: boolean;
}

export interface TableOptions {
  /** Cells and totals to suppress in any case, e.g. an earlier mask; zeros stay published. */
  alsoSuppress?: Partial<Readonly<TableSuppression>>;
}

/**
 * A one-dimensional breakdown with its total (my alumni per receiver + "all receivers").
 * Cells with 0 < n < k are suppressed, then complementary cells until no suppressed value can
 * be derived from the total (see protect.ts for the attacker model).
 */
export function suppressList(values: readonly number[], k: number = DEFAULT_K, options: ListOptions = {}): ListSuppression {
  checkThreshold(k);
  values.forEach((value, index) => checkCount(value, `values[${index}]`));
  const also = options.alsoSuppress ?? {};
  checkShape(also.suppressed, values.length, 'alsoSuppress.suppressed');
  const initial = [...(also.suppressed ?? values.map(() => false)), also.totalSuppressed === true];
  if (options.totalPublished === false) {
    // No equation is published, so nothing can be derived: primary suppression only.
    return { suppressed: values.map((value, index) => value > 0 && (isSmall(value, k) || initial[index] === true)), totalSuppressed: true };
  }
  // Node 0 → node 1 for every value, node 1 → node 0 for the total.
  const total = values.length;
  const arcs: Arc[] = [...values.map((value) => ({ from: 0, to: 1, value })), { from: 1, to: 0, value: sum(values) }];
  const mask = protect(arcs, [{ total, cells: values.map((_, index) => index) }], k, initial);
  return { suppressed: mask.slice(0, total), totalSuppressed: mask[total] };
}

/**
 * A rows × columns table published with row totals, column totals and a grand total (the
 * supplier × receiver matrix). Every row and column is a line with its total; so are the row
 * totals and the column totals, each with the grand total.
 */
export function suppressTable(cells: readonly (readonly number[])[], k: number = DEFAULT_K, options: TableOptions = {}): TableSuppression {
  checkThreshold(k);
  const rows = cells.length;
  const columns = cells[0]?.length ?? 0;
  cells.forEach((row, i) => {
    checkShape(row, columns, `cells[${i}]`);
    row.forEach((value, j) => checkCount(value, `cells[${i}][${j}]`));
  });
  const also = options.alsoSuppress ?? {};
  checkShape(also.suppressed, rows, 'alsoSuppress.suppressed');
  also.suppressed?.forEach((row, i) => checkShape(row, columns, `alsoSuppress.suppressed[${i}]`));
  checkShape(also.rowTotalSuppressed, rows, 'alsoSuppress.rowTotalSuppressed');
  checkShape(also.columnTotalSuppressed, columns, 'alsoSuppress.columnTotalSuppressed');

  // Nodes: 0 = source (row-total margin), 1 = sink (column-total margin), 2 + i = row i,
  // 2 + rows + j = column j. Arcs: cells (row-major), then row totals, column totals, grand total.
  const rowNode = (i: number): number => 2 + i;
  const columnNode = (j: number): number => 2 + rows + j;
  const cell = (i: number, j: number): number => i * columns + j;
  const rowTotal = (i: number): number => rows * columns + i;
  const columnTotal = (j: number): number => rows * columns + rows + j;
  const grandTotal = rows * columns + rows + columns;
  const rowIndices = [...Array(rows).keys()];
  const columnIndices = [...Array(columns).keys()];

  const arcs: Arc[] = [
    ...cells.flatMap((row, i) => row.map((value, j) => ({ from: rowNode(i), to: columnNode(j), value }))),
    ...cells.map((row, i) => ({ from: 0, to: rowNode(i), value: sum(row) })),
    ...columnIndices.map((j) => ({ from: columnNode(j), to: 1, value: sum(cells.map((row) => row[j])) })),
    { from: 1, to: 0, value: sum(cells.map(sum)) },
  ];
  const lines: Line[] = [
    ...rowIndices.map((i) => ({ total: rowTotal(i), cells: columnIndices.map((j) => cell(i, j)) })),
    ...columnIndices.map((j) => ({ total: columnTotal(j), cells: rowIndices.map((i) => cell(i, j)) })),
    { total: grandTotal, cells: rowIndices.map(rowTotal) },
    { total: grandTotal, cells: columnIndices.map(columnTotal) },
  ];
  const initial = [
    ...rowIndices.flatMap((i) => columnIndices.map((j) => also.suppressed?.[i]?.[j] === true)),
    ...rowIndices.map((i) => also.rowTotalSuppressed?.[i] === true),
    ...columnIndices.map((j) => also.columnTotalSuppressed?.[j] === true),
    also.grandTotalSuppressed === true,
  ];
  const mask = protect(arcs, lines, k, initial);
  return {
    suppressed: rowIndices.map((i) => columnIndices.map((j) => mask[cell(i, j)])),
    rowTotalSuppressed: rowIndices.map((i) => mask[rowTotal(i)]),
    columnTotalSuppressed: columnIndices.map((j) => mask[columnTotal(j)]),
    grandTotalSuppressed: mask[grandTotal],
  };
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

function checkThreshold(k: number): void {
  if (!Number.isInteger(k) || k < MIN_K) throw new RangeError(`suppression threshold k must be an integer ≥ ${MIN_K}, got ${k}`);
}

function checkCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a count (a non-negative integer), got ${value}`);
}

function checkShape(items: readonly unknown[] | undefined, length: number, name: string): void {
  if (items !== undefined && items.length !== length) throw new RangeError(`${name} must have ${length} entries, got ${items.length}`);
}
