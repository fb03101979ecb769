import type { Highs, Model } from 'highs';
import { CellSpec, cellKey, FAMILIES, IndexedCell, MicroCell } from 'src/outcomes/disclosure/cells';
import type { PlanStatistics } from 'src/outcomes/disclosure/publication-plan';
import { knows, Reader, readerLabel } from 'src/outcomes/disclosure/readers';

/*
 * One reader's view of a region × cohort as a linear programme: the audit the publication plan
 * runs per reader (see publication-plan.ts for the plan and docs/disclosure-control.md for the
 * method).
 */

/**
 * What the attacker knows about a withheld cell. `published`: only that it is not empty, since
 * zeros are published. `informed`: also whether it is primary (1 … k − 1) or complementary (≥ k),
 * e.g. from the outputs' labels or a guess; against this attacker a primary cell must merely not
 * be pinned (its range is inside [1, k − 1] by definition).
 */
export type Attacker = 'published' | 'informed';
export const ATTACKERS: readonly Attacker[] = ['published', 'informed'];

// Ranges are computed in floating point; counts are integers, so a tolerance this small never
// turns an unsafe cell into a safe one.
export const EPSILON = 1e-6;
/** The informed attacker must leave at least two integer values open. */
export const MIN_INFORMED_WIDTH = 1;
// Binding rows tried, cheapest first, for one whose removal alone widens the range.
export const MAX_TRIALS = 24;
// Feasible points kept per reader for the certificate.
export const MAX_POINTS = 48;

/**
 * One row of a reader's LP: the cells it sees that cover exactly the same unknown microcells
 * (e.g. a supplier's cell for a receiver with one sector, and the same cell by sector). For this
 * reader they are one figure; withholding one of them alone would change nothing, so they go
 * together.
 */
export interface Row {
  cells: IndexedCell[];
  /** Per cell: what the reader knows of it (its own intake inside the cell). */
  known: number[];
  atoms: number[];
  component: number;
  /** Position inside its component's LP. */
  position: number;
}

export interface Atom {
  /** True count, the sum of its microcells; only used for the certificate, never as a constraint. */
  total: number;
  size: number;
  component: number;
  position: number;
}

export interface Component {
  atoms: number[];
  rows: number[];
  model?: Model;
}

export interface Range {
  width: number;
  /** Rows whose removal may widen the range: non-zero dual value in the min or max LP. */
  binding: number[];
}

export interface AuditContext {
  k: number;
  primary: ReadonlySet<string>;
  /** The plan's withheld cells; the view adds the cells it withholds. */
  withheld: Set<string>;
  statistics: PlanStatistics;
}

/**
 * What one reader can infer, reduced to atoms: groups of unknown microcells that lie in exactly
 * the same cells the reader sees, so that nothing it reads tells them apart. The split inside an
 * atom is free, so the range of a cell c is [LPmin Σ atoms ⊆ c, LPmax Σ atoms ∩ c ≠ ∅]. Known
 * microcells are constants, subtracted from every row. A published cell is an equality; a
 * withheld one a bound (≥ 1, and for the informed attacker ≤ k − 1 or ≥ k).
 */
export class ReaderView {
  private readonly rows: Row[] = [];
  private readonly rowByKey = new Map<string, number>();
  private readonly atoms: Atom[] = [];
  /** Atom of every unknown microcell (index into micros), -1 for known ones. */
  private readonly atomOf: Int32Array;
  private readonly components: Component[] = [];
  private attacker: Attacker = 'published';
  /**
   * Feasible points (atom values) known so far, with the attacker they are feasible for: the
   * truth (for both), and every LP optimum found for this reader. Withholding only relaxes rows,
   * so they stay feasible; each gives max ≥ Σ atoms ∩ c and min ≤ Σ atoms ⊆ c for every c.
   */
  private readonly points: Array<{ values: Float64Array; informed: boolean }> = [];
  private recording = true;

  constructor(
    private readonly highs: Highs,
    private readonly reader: Reader,
    micros: MicroCell[],
    visible: readonly IndexedCell[],
    private readonly context: AuditContext,
  ) {
    const known = micros.map((micro) => knows(reader, micro));
    const rowsOfMicro: number[][] = micros.map(() => []);
    // Cells over the same unknown microcells make one row; a cheap fingerprint finds the
    // candidates, an exact comparison decides.
    const rowsByFingerprint = new Map<string, number[]>();
    const unknownOf: number[][] = [];
    for (const cell of visible) {
      const unknown = cell.members.filter((member) => !known[member]);
      if (unknown.length === 0) continue; // a constant: it says nothing about what the reader does not know
      const total = unknown.reduce((sum, member) => sum + micros[member].n, 0);
      const fingerprint = `${unknown.length}:${total}:${unknown[0]}:${unknown[unknown.length - 1]}`;
      const sameFingerprint = rowsByFingerprint.get(fingerprint) ?? [];
      let index = sameFingerprint.find((row) => unknownOf[row].every((member, at) => member === unknown[at]));
      if (index === undefined) {
        index = this.rows.length;
        rowsByFingerprint.set(fingerprint, [...sameFingerprint, index]);
        unknownOf.push(unknown);
        this.rows.push({ cells: [], known: [], atoms: [], component: -1, position: -1 });
        for (const member of unknown) rowsOfMicro[member].push(index);
      }
      this.rows[index].cells.push(cell);
      this.rows[index].known.push(cell.n - total);
      this.rowByKey.set(cell.key, index);
    }
    this.atomOf = new Int32Array(micros.length).fill(-1);
    const atomBySignature = new Map<string, number>();
    micros.forEach((micro, index) => {
      if (known[index]) return;
      const signature = rowsOfMicro[index].join(',');
      let atom = atomBySignature.get(signature);
      if (atom === undefined) {
        atom = this.atoms.length;
        atomBySignature.set(signature, atom);
        this.atoms.push({ total: 0, size: 0, component: -1, position: -1 });
        for (const row of rowsOfMicro[index]) this.rows[row].atoms.push(atom);
      }
      this.atoms[atom].total += micro.n;
      this.atoms[atom].size += 1;
      this.atomOf[index] = atom;
    });
    this.points.push({ values: Float64Array.from(this.atoms, (atom) => atom.total), informed: true });
    this.connect();
  }

  /** Connected components of atoms linked by shared rows: a target's LP holds only its own. */
  private connect(): void {
    const parent = this.atoms.map((_, index) => index);
    const find = (atom: number): number => {
      while (parent[atom] !== atom) {
        parent[atom] = parent[parent[atom]];
        atom = parent[atom];
      }
      return atom;
    };
    for (const row of this.rows) {
      for (const atom of row.atoms.slice(1)) {
        const a = find(row.atoms[0]);
        const b = find(atom);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
    const componentOfRoot = new Map<number, number>();
    this.atoms.forEach((atom, index) => {
      const root = find(index);
      let component = componentOfRoot.get(root);
      if (component === undefined) {
        component = this.components.length;
        componentOfRoot.set(root, component);
        this.components.push({ atoms: [], rows: [] });
      }
      atom.component = component;
      atom.position = this.components[component].atoms.length;
      this.components[component].atoms.push(index);
    });
    this.rows.forEach((row, index) => {
      row.component = this.atoms[row.atoms[0]].component;
      const component = this.components[row.component];
      row.position = component.rows.length;
      component.rows.push(index);
    });
  }

  /** Switches the attacker: every row gets that attacker's bounds. */
  setAttacker(attacker: Attacker): void {
    this.attacker = attacker;
    for (const component of this.components) {
      if (!component.model || component.rows.length === 0) continue;
      const bounds = component.rows.map((row) => this.boundsOf(row));
      component.model.changeRowsBounds(
        { kind: 'range', from: 0, to: component.rows.length - 1 },
        bounds.map(([lower]) => lower),
        bounds.map(([, upper]) => upper),
      );
    }
  }

  /** What the current attacker knows of the unknown part of a row: [lower, upper]. */
  private boundsOf(index: number): [number, number] {
    const row = this.rows[index];
    let lower = 0;
    let upper = Infinity;
    row.cells.forEach((cell, at) => {
      const known = row.known[at];
      if (!this.context.withheld.has(cell.key)) {
        lower = Math.max(lower, cell.n - known);
        upper = Math.min(upper, cell.n - known);
        return;
      }
      lower = Math.max(lower, 1 - known); // zeros are published, so a withheld cell is not empty
      if (this.attacker === 'informed') {
        if (this.context.primary.has(cell.key)) upper = Math.min(upper, this.context.k - 1 - known);
        else lower = Math.max(lower, this.context.k - known);
      }
    });
    return [lower, upper === Infinity ? this.highs.infinity : upper];
  }

  private applyBounds(index: number): void {
    const model = this.components[this.rows[index].component].model;
    if (!model) return;
    const [lower, upper] = this.boundsOf(index);
    model.changeRowBounds(this.rows[index].position, lower, upper);
  }

  /** Cells of a row that are still published: what withholding the row costs. */
  private publishedCells(index: number): IndexedCell[] {
    return this.rows[index].cells.filter((cell) => !this.context.withheld.has(cell.key));
  }

  private cost(index: number): number {
    return this.publishedCells(index).reduce((sum, cell) => sum + cell.n, 0);
  }

  /** Atoms meeting a cell, and whether each lies entirely inside it. */
  private atomsOf(target: IndexedCell): { inside: number[]; meeting: number[] } {
    const count = new Map<number, number>();
    for (const member of target.members) {
      const atom = this.atomOf[member];
      if (atom >= 0) count.set(atom, (count.get(atom) ?? 0) + 1);
    }
    const meeting = [...count.keys()].sort((a, b) => a - b);
    return { meeting, inside: meeting.filter((atom) => count.get(atom) === this.atoms[atom].size) };
  }

  /**
   * A lower bound on the width of the target's range without solving anything: the truth is
   * feasible, so max ≥ Σ true(atoms ∩ c) and min ≤ Σ true(atoms ⊆ c); so is every earlier
   * optimum of this reader's LPs (for the attacker it was found for, or a weaker one).
   */
  certificate(target: IndexedCell): number {
    const { inside, meeting } = this.atomsOf(target);
    let max = -Infinity;
    let min = Infinity;
    for (const point of this.points) {
      if (this.attacker === 'informed' && !point.informed) continue;
      max = Math.max(max, meeting.reduce((sum, atom) => sum + point.values[atom], 0));
      min = Math.min(min, inside.reduce((sum, atom) => sum + point.values[atom], 0));
    }
    return max - min;
  }

  /** The exact width of the target's feasible range for this reader, with the rows that bind it. */
  range(target: IndexedCell): Range {
    const { inside, meeting } = this.atomsOf(target);
    const binding = new Set<number>();
    let width = 0;
    const touched = [...new Set(meeting.map((atom) => this.atoms[atom].component))].sort((a, b) => a - b);
    for (const index of touched) {
      const component = this.components[index];
      if (component.rows.length === 0) return { width: Infinity, binding: [] }; // an atom no figure mentions
      const ofComponent = (atoms: number[]): number[] => atoms.filter((atom) => this.atoms[atom].component === index);
      const max = this.solve(component, ofComponent(meeting), 'max', binding);
      if (max === Infinity) return { width: Infinity, binding: [] };
      const insideHere = ofComponent(inside);
      const min = insideHere.length === 0 ? 0 : this.solve(component, insideHere, 'min', binding);
      width += max - min;
    }
    return { width, binding: [...binding].sort((a, b) => a - b) };
  }

  /**
   * Withholds the next cells for a target whose range is too narrow, and returns them (none when
   * nothing published binds the range). Only rows that bind its range (non-zero dual value) can
   * widen it. First choice: the cheapest binding row (smallest count, ties by key) whose removal
   * alone widens the range. When every binding row is backed by a second derivation (a row and
   * a column of a table both give the cell away), none does: then the cheapest binding row inside
   * the tables, so that the next round finds the other derivation, and only then a parent (a
   * margin) of the target.
   */
  withholdNext(target: IndexedCell, range: Range, threshold: number): IndexedCell[] {
    const key = (index: number): string => this.rows[index].cells[0].key;
    const byCost = (a: number, b: number): number => this.cost(a) - this.cost(b) || (key(a) < key(b) ? -1 : 1);
    const candidates = range.binding.filter((row) => this.publishedCells(row).length > 0).sort(byCost);
    // optima of a trial are not kept as feasible points: the row may come back
    this.recording = false;
    try {
      for (const row of candidates.slice(0, MAX_TRIALS)) {
        const cells = this.withhold(row);
        const widened = this.range(target).width;
        if (widened > range.width + EPSILON || widened >= threshold - EPSILON) return cells;
        this.republish(row, cells);
      }
    } finally {
      this.recording = true;
    }
    const parents = new Set(this.parentRows(target));
    const chosen =
      candidates.find((row) => !parents.has(row)) ??
      candidates[0] ??
      [...parents].filter((row) => this.publishedCells(row).length > 0).sort(byCost)[0];
    return chosen === undefined ? [] : this.withhold(chosen);
  }

  /** Rows of cells that contain the target (a parent in a coarser family). */
  private parentRows(target: IndexedCell): number[] {
    const rows: number[] = [];
    for (const family of FAMILIES) {
      if (family.length >= target.family.length || !family.every((dimension) => target.spec[dimension] !== undefined)) continue;
      const spec: CellSpec = {};
      for (const dimension of family) spec[dimension] = target.spec[dimension];
      const row = this.rowByKey.get(cellKey(spec));
      if (row !== undefined) rows.push(row);
    }
    return rows;
  }

  private withhold(row: number): IndexedCell[] {
    const cells = this.publishedCells(row);
    for (const cell of cells) this.context.withheld.add(cell.key);
    this.applyBounds(row);
    return cells;
  }

  private republish(row: number, cells: IndexedCell[]): void {
    for (const cell of cells) this.context.withheld.delete(cell.key);
    this.applyBounds(row);
  }

  private modelOf(component: Component): Model {
    if (component.model) return component.model;
    const starts = [0];
    const indices: number[] = [];
    for (const row of component.rows) {
      for (const atom of this.rows[row].atoms) indices.push(this.atoms[atom].position);
      starts.push(indices.length);
    }
    const numCols = component.atoms.length;
    const numRows = component.rows.length;
    const bounds = component.rows.map((row) => this.boundsOf(row));
    const model = this.highs.createModel({
      numCols,
      numRows,
      colCost: new Float64Array(numCols),
      colLower: new Float64Array(numCols),
      colUpper: new Float64Array(numCols).fill(this.highs.infinity),
      rowLower: bounds.map(([lower]) => lower),
      rowUpper: bounds.map(([, upper]) => upper),
      matrix: { format: 'csr', numRows, numCols, starts, indices, values: new Float64Array(indices.length).fill(1) },
    });
    // primal simplex: only the objective changes between solves, so the last basis stays feasible
    model.options.set({ output_flag: false, simplex_strategy: 4 });
    component.model = model;
    return model;
  }

  /** LP optimum of Σ atoms (all in one component); adds the rows with a non-zero dual to `binding`. */
  private solve(component: Component, atoms: number[], sense: 'min' | 'max', binding: Set<number>): number {
    const model = this.modelOf(component);
    const cost = new Float64Array(component.atoms.length);
    for (const atom of atoms) cost[this.atoms[atom].position] = 1;
    model.changeColsCost({ kind: 'range', from: 0, to: cost.length - 1 }, cost);
    model.changeObjectiveSense(sense === 'max' ? this.highs.constants.objectiveSense.maximize : this.highs.constants.objectiveSense.minimize);
    let { modelStatus } = model.run();
    this.context.statistics.lpSolves += 1;
    const status = this.highs.constants.modelStatus;
    if (modelStatus === status.unknown) {
      // a warm start gone astray: solve once more from scratch
      model.clearSolver();
      ({ modelStatus } = model.run());
    }
    // The figures come from a real population, so the LP is feasible: "unbounded or infeasible"
    // can only mean unbounded.
    if (sense === 'max' && (modelStatus === status.unbounded || modelStatus === status.unboundedOrInfeasible)) return Infinity;
    if (modelStatus !== status.optimal) throw new Error(`disclosure audit: LP ended with status ${modelStatus} for the ${readerLabel(this.reader)}`);
    const { rowDual, colValue } = model.getSolution();
    if (this.recording && this.points.length < MAX_POINTS) {
      const values = Float64Array.from(this.points[0].values);
      component.atoms.forEach((atom, position) => (values[atom] = colValue[position]));
      this.points.push({ values, informed: this.attacker === 'informed' });
    }
    rowDual.forEach((dual, position) => {
      if (Math.abs(dual) > EPSILON) binding.add(component.rows[position]);
    });
    return model.getObjectiveValue();
  }

  dispose(): void {
    for (const component of this.components) {
      component.model?.dispose();
      component.model = undefined;
    }
  }
}
