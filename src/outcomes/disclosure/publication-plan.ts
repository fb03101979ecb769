import type { Highs, Model } from 'highs';
import { CellSpec, cellKey, FAMILIES, IndexedCell, indexCells, MicroCell } from 'src/outcomes/disclosure/cells';
import { lpSolver } from 'src/outcomes/disclosure/lp-solver';
import { knows, Reader, readerLabel, readersOf, sees, soleKnower } from 'src/outcomes/disclosure/readers';

/**
 * Which cells of a region × cohort are withheld, such that no reader can narrow a primary cell
 * (0 < n < k) to an interval narrower than k by combining everything it can read: the linear
 * equalities of the published cells it sees, non-negativity, and the microcells it knows itself.
 * Pure computation; see docs/disclosure-control.md for the method.
 */
export interface PublicationPlan {
  k: number;
  /** keys of withheld cells: primary (0 < n < k) and complementary. */
  suppressed: ReadonlySet<string>;
  primary: ReadonlySet<string>;
  isPublished(spec: CellSpec): boolean; // false for withheld, true otherwise (also for n = 0)
}

export async function planPublication(cells: MicroCell[], k: number): Promise<PublicationPlan> {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  for (const micro of cells) {
    if (!Number.isInteger(micro.n) || micro.n < 0) throw new RangeError(`a microcell count must be a non-negative integer, got ${micro.n}`);
  }
  const highs = await lpSolver();
  const planner = new Planner(highs, cells, k);
  planner.run();
  return planner.plan();
}

/** Figures of the last plan made in this process, for the benchmark and the logs. */
export interface PlanStatistics {
  readers: number;
  microcells: number;
  cells: number;
  primary: number;
  complementary: number;
  /** (reader, primary cell) pairs that needed an audit, and how many the certificate settled without LP. */
  checks: number;
  certified: number;
  lpSolves: number;
}

let lastStatistics: PlanStatistics | undefined;
export const lastPlanStatistics = (): PlanStatistics | undefined => lastStatistics;

// Ranges are computed in floating point; counts are integers, so a tolerance this small never
// turns an unsafe cell into a safe one.
const EPSILON = 1e-6;
// Binding rows tried, cheapest first, for one whose removal alone widens the range.
const MAX_TRIALS = 24;
// Feasible points kept per reader for the certificate.
const MAX_POINTS = 48;

/**
 * One equality the reader can write: the published cells it sees that cover exactly the same
 * unknown microcells (e.g. a supplier's cell for a receiver with one sector, and the same cell by
 * sector). Withholding one of them alone would change nothing for this reader, so they go together.
 */
interface Row {
  cells: IndexedCell[];
  /** What withholding them costs: their total count. */
  cost: number;
  /** The cells' count minus what the reader knows of them. */
  rhs: number;
  atoms: number[];
  component: number;
  /** Position inside its component's LP. */
  position: number;
  freed: boolean;
}

interface Atom {
  /** True count, the sum of its microcells; only used for the certificate, never as a constraint. */
  total: number;
  size: number;
  rows: number[];
  component: number;
  position: number;
}

interface Component {
  atoms: number[];
  rows: number[];
  model?: Model;
}

interface Range {
  width: number;
  /** Rows whose removal may widen the range: non-zero dual value in the min or max LP. */
  binding: number[];
}

class Planner {
  private readonly micros: MicroCell[];
  private readonly cells: Map<string, IndexedCell>;
  private readonly primary: string[];
  private readonly suppressed = new Set<string>();
  /** Per primary cell: the reader that knows it entirely (and need not be audited for it), if any. */
  private readonly knower: Array<string | undefined>;
  /** Per reader, per primary cell: the audit passed (and stays passed: see run()). */
  private readonly passed: Uint8Array[] = [];
  /** The cells each reader sees, by reader label, collected in one pass over the cells. */
  private readonly visible = new Map<string, IndexedCell[]>();
  private readonly statistics: PlanStatistics;

  constructor(
    private readonly highs: Highs,
    cells: MicroCell[],
    private readonly k: number,
  ) {
    // A microcell with n = 0 is a structural zero: treating it as known to everyone only makes
    // the audit stricter. Sorting makes the plan independent of the order the rows came in.
    this.micros = cells
      .filter((micro) => micro.n > 0)
      .map((micro) => ({ micro, key: cellKey(micro) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ micro }) => micro);
    this.cells = indexCells(this.micros);
    this.primary = [...this.cells.values()].filter((cell) => cell.n > 0 && cell.n < k).map((cell) => cell.key).sort();
    for (const key of this.primary) this.suppressed.add(key);
    this.knower = this.primary.map((key) => {
      const knower = soleKnower(this.cells.get(key)!.members.map((member) => this.micros[member]));
      return knower && readerLabel(knower);
    });
    this.statistics = { readers: 0, microcells: this.micros.length, cells: this.cells.size, primary: this.primary.length, complementary: 0, checks: 0, certified: 0, lpSolves: 0 };
  }

  run(): void {
    const readers = readersOf(this.micros);
    this.statistics.readers = readers.length;
    this.collectVisible(readers);
    for (let index = 0; index < readers.length; index += 1) this.passed.push(new Uint8Array(this.primary.length));
    // Decisions are global: a cell withheld for one reader is withheld for all. Withholding a cell
    // removes an equality, which only widens feasible ranges, so a check that passed stays passed
    // and the rounds after the first only confirm.
    let changed = true;
    while (changed) {
      changed = false;
      readers.forEach((reader, index) => {
        if (this.protectFor(reader, index)) changed = true;
      });
    }
    lastStatistics = { ...this.statistics, complementary: this.suppressed.size - this.primary.length };
  }

  /**
   * Every reader's cells without asking every reader about every cell: the coordinator's come
   * from its families; an institution's are the cells of its own supplier or receiver value plus
   * the cells every member sees (\`sees\` decides each one).
   */
  private collectVisible(readers: Reader[]): void {
    const byInstitution = new Map<string, IndexedCell[]>();
    const everyMember: IndexedCell[] = [];
    const probe = (id: string): Reader => ({ kind: 'institution', institutionId: id });
    const coordinator: IndexedCell[] = [];
    const push = (id: string, cell: IndexedCell): void => {
      const list = byInstitution.get(id);
      if (list) list.push(cell);
      else byInstitution.set(id, [cell]);
    };
    for (const cell of this.cells.values()) {
      if (sees({ kind: 'coordinator' }, cell.family, cell.spec)) coordinator.push(cell);
      const owners = new Set([cell.spec.supplier, cell.spec.receiver].filter((id): id is string => id !== undefined));
      if (owners.size === 0 || [...owners].every((id) => !sees(probe(id), cell.family, cell.spec))) {
        // seen by institutions regardless of who they are (the region total, the benchmark)
        if (sees(probe(''), cell.family, cell.spec)) everyMember.push(cell);
        continue;
      }
      for (const id of owners) if (sees(probe(id), cell.family, cell.spec)) push(id, cell);
    }
    for (const reader of readers) {
      const label = readerLabel(reader);
      if (reader.kind === 'coordinator') this.visible.set(label, coordinator);
      else this.visible.set(label, [...everyMember, ...(byInstitution.get(reader.institutionId) ?? [])]);
    }
  }

  plan(): PublicationPlan {
    const suppressed: ReadonlySet<string> = new Set([...this.suppressed].sort());
    return {
      k: this.k,
      suppressed,
      primary: new Set(this.primary),
      isPublished: (spec: CellSpec) => !suppressed.has(cellKey(spec)),
    };
  }

  /** Audits every primary cell against one reader; true when it had to withhold more. */
  private protectFor(reader: Reader, readerIndex: number): boolean {
    const passed = this.passed[readerIndex];
    const label = readerLabel(reader);
    // A cell the reader knows entirely (its own intake) needs no protection from it.
    const targets = this.primary.map((_, index) => index).filter((index) => passed[index] === 0 && this.knower[index] !== label);
    if (targets.length === 0) return false;
    const view = new ReaderView(this.highs, reader, this.micros, this.visible.get(label)!, this.suppressed, this.statistics);
    let added = false;
    try {
      for (const index of targets) {
        this.statistics.checks += 1;
        const target = this.cells.get(this.primary[index])!;
        if (view.certificate(target) >= this.k) {
          this.statistics.certified += 1;
        } else {
          let range = view.range(target);
          while (range.width < this.k - EPSILON) {
            const row = view.chooseComplement(target, range, this.k);
            for (const cell of view.rowCells(row)) this.suppressed.add(cell.key);
            added = true;
            range = view.range(target);
          }
        }
        passed[index] = 1;
      }
    } finally {
      view.dispose();
    }
    return added;
  }
}

/**
 * What one reader can infer, reduced to atoms: groups of unknown microcells that lie in exactly
 * the same published cells, so that no published figure tells them apart. The split inside an
 * atom is free, so the range of a cell c is [LPmin Σ atoms ⊆ c, LPmax Σ atoms ∩ c ≠ ∅].
 * Known microcells are constants and are subtracted from the equalities.
 */
class ReaderView {
  private readonly rows: Row[] = [];
  private readonly rowByKey = new Map<string, number>();
  private readonly atoms: Atom[] = [];
  /** Atom of every unknown microcell (index into micros), -1 for known ones. */
  private readonly atomOf: Int32Array;
  private readonly components: Component[] = [];
  /**
   * Feasible points (atom values) known so far: the truth, and every LP optimum found for this
   * reader. Rows are only ever removed, so they stay feasible; each gives max ≥ Σ atoms ∩ c and
   * min ≤ Σ atoms ⊆ c for every cell c at no cost.
   */
  private readonly points: Float64Array[] = [];
  private recording = true;

  constructor(
    private readonly highs: Highs,
    private readonly reader: Reader,
    micros: MicroCell[],
    visible: readonly IndexedCell[],
    suppressed: ReadonlySet<string>,
    private readonly statistics: PlanStatistics,
  ) {
    const known = micros.map((micro) => knows(reader, micro));
    const rowsOfMicro: number[][] = micros.map(() => []);
    // Rows over the same unknown microcells are one equality; a cheap fingerprint finds the
    // candidates, an exact comparison decides.
    const rowsByFingerprint = new Map<string, number[]>();
    const unknownOf: number[][] = [];
    for (const cell of visible) {
      if (suppressed.has(cell.key)) continue;
      const unknown = cell.members.filter((member) => !known[member]);
      if (unknown.length === 0) continue; // a constant: it says nothing about what the reader does not know
      const rhs = unknown.reduce((sum, member) => sum + micros[member].n, 0);
      const fingerprint = `${unknown.length}:${rhs}:${unknown[0]}:${unknown[unknown.length - 1]}`;
      const sameFingerprint = rowsByFingerprint.get(fingerprint) ?? [];
      let index = sameFingerprint.find((row) => unknownOf[row].every((member, at) => member === unknown[at]));
      if (index === undefined) {
        index = this.rows.length;
        rowsByFingerprint.set(fingerprint, [...sameFingerprint, index]);
        unknownOf.push(unknown);
        this.rows.push({ cells: [], cost: 0, rhs, atoms: [], component: -1, position: -1, freed: false });
        for (const member of unknown) rowsOfMicro[member].push(index);
      }
      this.rows[index].cells.push(cell);
      this.rows[index].cost += cell.n;
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
        this.atoms.push({ total: 0, size: 0, rows: rowsOfMicro[index], component: -1, position: -1 });
        for (const row of rowsOfMicro[index]) this.rows[row].atoms.push(atom);
      }
      this.atoms[atom].total += micro.n;
      this.atoms[atom].size += 1;
      this.atomOf[index] = atom;
    });
    this.points.push(Float64Array.from(this.atoms, (atom) => atom.total));
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
      const component = this.components[this.atoms[row.atoms[0]].component];
      row.component = this.atoms[row.atoms[0]].component;
      row.position = component.rows.length;
      component.rows.push(index);
    });
  }

  rowCells(row: number): readonly IndexedCell[] {
    return this.rows[row].cells;
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
   * optimum of this reader's LPs.
   */
  certificate(target: IndexedCell): number {
    const { inside, meeting } = this.atomsOf(target);
    let max = -Infinity;
    let min = Infinity;
    for (const point of this.points) {
      max = Math.max(max, meeting.reduce((sum, atom) => sum + point[atom], 0));
      min = Math.min(min, inside.reduce((sum, atom) => sum + point[atom], 0));
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
      const ofComponent = (atoms: number[]): number[] => atoms.filter((atom) => this.atoms[atom].component === index);
      if (component.rows.every((row) => this.rows[row].freed)) return { width: Infinity, binding: [] };
      const max = this.solve(component, ofComponent(meeting), 'max', binding);
      if (max === Infinity) return { width: Infinity, binding: [] };
      const insideHere = ofComponent(inside);
      const min = insideHere.length === 0 ? 0 : this.solve(component, insideHere, 'min', binding);
      width += max - min;
    }
    return { width, binding: [...binding].sort((a, b) => a - b) };
  }

  /**
   * Picks the published cells to withhold next for a target whose range is too narrow. Only rows
   * that bind its range (non-zero dual value) can widen it. First choice: the cheapest binding
   * row (smallest count, ties by key) whose removal alone widens the range. When every binding
   * row is backed by a second derivation (a row and a column both give the cell away), none
   * does: then the cheapest binding row inside the tables, so that the next round finds the other
   * derivation, and only then a parent (a margin) of the target.
   */
  chooseComplement(target: IndexedCell, range: Range, k: number): number {
    const byCost = (a: number, b: number): number => this.rows[a].cost - this.rows[b].cost || (this.rows[a].cells[0].key < this.rows[b].cells[0].key ? -1 : 1);
    const candidates = range.binding.filter((row) => !this.rows[row].freed).sort(byCost);
    // optima of a trial are not kept as feasible points: the row may come back
    this.recording = false;
    try {
      for (const row of candidates.slice(0, MAX_TRIALS)) {
        this.free(row);
        const widened = this.range(target).width;
        if (widened > range.width + EPSILON || widened >= k) return row;
        this.restore(row);
      }
    } finally {
      this.recording = true;
    }
    const parents = new Set(this.parentRows(target));
    const chosen = candidates.find((row) => !parents.has(row)) ?? candidates[0] ?? [...parents].filter((row) => !this.rows[row].freed).sort(byCost)[0];
    if (chosen === undefined) throw new Error(`disclosure audit: nothing left to withhold for ${target.key}`);
    this.free(chosen);
    return chosen;
  }

  /** Published rows of cells that contain the target (a parent in a coarser family). */
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

  private free(row: number): void {
    this.rows[row].freed = true;
    const model = this.components[this.rows[row].component].model;
    model?.changeRowBounds(this.rows[row].position, -this.highs.infinity, this.highs.infinity);
  }

  private restore(row: number): void {
    this.rows[row].freed = false;
    const model = this.components[this.rows[row].component].model;
    model?.changeRowBounds(this.rows[row].position, this.rows[row].rhs, this.rows[row].rhs);
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
    const bounds = component.rows.map((row) => (this.rows[row].freed ? [-this.highs.infinity, this.highs.infinity] : [this.rows[row].rhs, this.rows[row].rhs]));
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
    model.options.set({ output_flag: false });
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
    const { modelStatus } = model.run();
    this.statistics.lpSolves += 1;
    const status = this.highs.constants.modelStatus;
    // The published figures come from a real population, so the LP is feasible: "unbounded or
    // infeasible" can only mean unbounded.
    if (sense === 'max' && (modelStatus === status.unbounded || modelStatus === status.unboundedOrInfeasible)) return Infinity;
    if (modelStatus !== status.optimal) throw new Error(`disclosure audit: LP ended with status ${modelStatus} for ${this.reader.kind}`);
    const { rowDual, colValue } = model.getSolution();
    if (this.recording && this.points.length < MAX_POINTS) {
      const point = Float64Array.from(this.points[0]);
      component.atoms.forEach((atom, position) => (point[atom] = colValue[position]));
      this.points.push(point);
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
