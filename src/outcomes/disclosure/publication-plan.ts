import type { Highs, Model } from 'highs';
import { CellSpec, cellKey, FAMILIES, IndexedCell, indexCells, MicroCell } from 'src/outcomes/disclosure/cells';
import { lpSolver } from 'src/outcomes/disclosure/lp-solver';
import { knows, Reader, readerLabel, readersOf, sees, soleKnower } from 'src/outcomes/disclosure/readers';

/**
 * Which cells of a region × cohort are withheld, such that no reader can narrow a primary cell
 * (0 < n < k) to an interval narrower than k by combining everything it can read: the linear
 * equalities of the published cells it sees, non-negativity, that a withheld cell is not empty
 * (zeros are published), and the microcells it knows itself. A reader that also knows which
 * withheld cells are primary (≤ k − 1) and which complementary (≥ k) cannot pin one either.
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
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer of at least 2, got ${k}`);
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
  /** (reader, primary cell, attacker) audits, and how many a feasible point settled without LP. */
  checks: number;
  certified: number;
  lpSolves: number;
  /** Pins by the informed attacker that no further withholding could prevent (none expected for k ≥ 3). */
  unprotectable: number;
  /** Complementary cells published again because later choices made them unnecessary. */
  republished: number;
}

let lastStatistics: PlanStatistics | undefined;
export const lastPlanStatistics = (): PlanStatistics | undefined => lastStatistics;

/**
 * What the attacker knows about a withheld cell. `published`: only that it is not empty, since
 * zeros are published. `informed`: also whether it is primary (1 … k − 1) or complementary (≥ k),
 * e.g. from the outputs' labels or a guess; against this attacker a primary cell must merely not
 * be pinned (its range is inside [1, k − 1] by definition).
 */
type Attacker = 'published' | 'informed';
const ATTACKERS: readonly Attacker[] = ['published', 'informed'];

// Ranges are computed in floating point; counts are integers, so a tolerance this small never
// turns an unsafe cell into a safe one.
const EPSILON = 1e-6;
/** The informed attacker must leave at least two integer values open. */
const MIN_INFORMED_WIDTH = 1;
// Binding rows tried, cheapest first, for one whose removal alone widens the range.
const MAX_TRIALS = 24;
// Feasible points kept per reader for the certificate.
const MAX_POINTS = 48;

/**
 * One row of a reader's LP: the cells it sees that cover exactly the same unknown microcells
 * (e.g. a supplier's cell for a receiver with one sector, and the same cell by sector). For this
 * reader they are one figure; withholding one of them alone would change nothing, so they go
 * together.
 */
interface Row {
  cells: IndexedCell[];
  /** Per cell: what the reader knows of it (its own intake inside the cell). */
  known: number[];
  atoms: number[];
  component: number;
  /** Position inside its component's LP. */
  position: number;
}

interface Atom {
  /** True count, the sum of its microcells; only used for the certificate, never as a constraint. */
  total: number;
  size: number;
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
  /** Per attacker, per reader, per primary cell: the audit passed (and stays passed: see run()). */
  private readonly passed = new Map<Attacker, Uint8Array[]>(ATTACKERS.map((attacker) => [attacker, []]));
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
    this.statistics = { readers: 0, microcells: this.micros.length, cells: this.cells.size, primary: this.primary.length, complementary: 0, checks: 0, certified: 0, lpSolves: 0, unprotectable: 0, republished: 0 };
  }

  run(): void {
    const readers = readersOf(this.micros);
    this.statistics.readers = readers.length;
    for (const perReader of this.passed.values()) perReader.push(...readers.map(() => new Uint8Array(this.primary.length)));
    this.collectVisible(readers);
    // Decisions are global: a cell withheld for one reader is withheld for all. Withholding a cell
    // turns its equality into a bound that the truth satisfies, which only widens feasible ranges,
    // so a check that passed stays passed and the rounds after the first only confirm.
    let changed = true;
    while (changed) {
      changed = false;
      readers.forEach((reader, index) => {
        if (this.protectFor(reader, index)) changed = true;
      });
    }
    this.republishRedundant(readers);
    lastStatistics = { ...this.statistics, complementary: this.suppressed.size - this.primary.length };
  }

  /**
   * Every reader's cells without asking every reader about every cell: the coordinator's come
   * from its families; an institution sees what every member sees plus cells of its own as
   * supplier or receiver (`sees` decides each one).
   */
  private collectVisible(readers: Reader[]): void {
    const institution = (id: string): Reader => ({ kind: 'institution', institutionId: id });
    const coordinator: IndexedCell[] = [];
    const everyMember: IndexedCell[] = [];
    const byInstitution = new Map<string, IndexedCell[]>();
    for (const cell of this.cells.values()) {
      if (sees({ kind: 'coordinator' }, cell.family, cell.spec)) coordinator.push(cell);
      // an institution that appears in no row sees exactly what every member sees
      if (sees(institution(''), cell.family, cell.spec)) {
        everyMember.push(cell);
        continue;
      }
      for (const id of new Set([cell.spec.supplier, cell.spec.receiver])) {
        if (id === undefined || !sees(institution(id), cell.family, cell.spec)) continue;
        byInstitution.set(id, [...(byInstitution.get(id) ?? []), cell]);
      }
    }
    for (const reader of readers) {
      this.visible.set(readerLabel(reader), reader.kind === 'coordinator' ? coordinator : [...everyMember, ...(byInstitution.get(reader.institutionId) ?? [])]);
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

  /**
   * The greedy choice can leave complements that later ones made unnecessary. Tries to publish
   * each complementary cell again, largest first, and keeps it published when every reader that
   * sees it still passes every audit. Each try re-audits those readers in full, so the pass gets
   * as many LP solves as the plan itself took and stops there (a count, so the plan stays
   * deterministic); what it leaves withheld is merely not published.
   */
  private republishRedundant(readers: Reader[]): void {
    const budget = 2 * this.statistics.lpSolves;
    const primary = new Set(this.primary);
    const complementary = [...this.suppressed]
      .filter((key) => !primary.has(key))
      .map((key) => this.cells.get(key)!)
      .sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : 1));
    for (const cell of complementary) {
      if (this.statistics.lpSolves >= budget) break;
      this.suppressed.delete(cell.key);
      const affected = readers.filter((reader) => sees(reader, cell.family, cell.spec));
      if (affected.every((reader) => this.audits(reader, cell))) this.statistics.republished += 1;
      else this.suppressed.add(cell.key);
    }
  }

  /**
   * Whether a reader passes every audit as things stand, without withholding anything. The
   * primary cells that share a supplier or receiver with the cell just published go first: if
   * one fails, it is most likely one of those.
   */
  private audits(reader: Reader, near: IndexedCell): boolean {
    const label = readerLabel(reader);
    const close = (index: number): boolean => {
      const spec = this.cells.get(this.primary[index])!.spec;
      return (spec.supplier !== undefined && spec.supplier === near.spec.supplier) || (spec.receiver !== undefined && spec.receiver === near.spec.receiver);
    };
    const order = this.primary.map((_, index) => index).filter((index) => this.knower[index] !== label);
    const targets = [...order.filter(close), ...order.filter((index) => !close(index))];
    const context = { k: this.k, primary: new Set(this.primary), withheld: this.suppressed, statistics: this.statistics };
    const view = new ReaderView(this.highs, reader, this.micros, this.visible.get(label)!, context);
    try {
      for (const attacker of ATTACKERS) {
        view.setAttacker(attacker);
        const threshold = attacker === 'published' ? this.k : MIN_INFORMED_WIDTH;
        for (const index of targets) {
          const target = this.cells.get(this.primary[index])!;
          if (view.certificate(target) >= threshold - EPSILON) continue;
          if (view.range(target).width < threshold - EPSILON) return false;
        }
      }
      return true;
    } finally {
      view.dispose();
    }
  }

  /** Audits every primary cell against one reader, as both attackers; true when it had to withhold more. */
  private protectFor(reader: Reader, readerIndex: number): boolean {
    const label = readerLabel(reader);
    // A cell the reader knows entirely (its own intake) needs no protection from it.
    const targetsOf = (attacker: Attacker): number[] => {
      const passed = this.passed.get(attacker)![readerIndex];
      return this.primary.map((_, index) => index).filter((index) => passed[index] === 0 && this.knower[index] !== label);
    };
    if (ATTACKERS.every((attacker) => targetsOf(attacker).length === 0)) return false;
    const context = { k: this.k, primary: new Set(this.primary), withheld: this.suppressed, statistics: this.statistics };
    const view = new ReaderView(this.highs, reader, this.micros, this.visible.get(label)!, context);
    let added = false;
    try {
      for (const attacker of ATTACKERS) {
        view.setAttacker(attacker);
        const threshold = attacker === 'published' ? this.k : MIN_INFORMED_WIDTH;
        const passed = this.passed.get(attacker)![readerIndex];
        for (const index of targetsOf(attacker)) {
          this.statistics.checks += 1;
          const target = this.cells.get(this.primary[index])!;
          if (view.certificate(target) >= threshold - EPSILON) {
            this.statistics.certified += 1;
          } else {
            let range = view.range(target);
            while (range.width < threshold - EPSILON) {
              if (view.withholdNext(target, range, threshold).length === 0) {
                // Only the informed attacker's bounds are left, and they alone pin the cell.
                if (attacker === 'published') throw new Error(`disclosure audit: nothing left to withhold for ${target.key}`);
                this.statistics.unprotectable += 1;
                break;
              }
              added = true;
              range = view.range(target);
            }
          }
          passed[index] = 1;
        }
      }
    } finally {
      view.dispose();
    }
    return added;
  }
}

interface AuditContext {
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
class ReaderView {
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
