import type { Highs } from 'highs';
import { CellSpec, cellKey, IndexedCell, indexCells, MicroCell } from 'src/outcomes/disclosure/cells';
import { lpSolver } from 'src/outcomes/disclosure/lp-solver';
import { Attacker, ATTACKERS, EPSILON, MIN_INFORMED_WIDTH, ReaderView } from 'src/outcomes/disclosure/reader-view';
import { Reader, readerLabel, readersOf, sees, soleKnower } from 'src/outcomes/disclosure/readers';

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
        const own = byInstitution.get(id);
        if (own) own.push(cell);
        else byInstitution.set(id, [cell]);
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

