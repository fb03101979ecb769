import type { MicroCell } from 'src/outcomes/disclosure/cells';
import { lpSolver } from 'src/outcomes/disclosure/lp-solver';
import { planPublication } from 'src/outcomes/disclosure/publication-plan';

// The solver's WebAssembly compiles while the thread starts, not in the first plan; a failure
// here is the first plan's to report (lpSolver tries again then). The first plans of a new
// thread still run slower (about a second for a 400-microcell cohort, then a quarter of that)
// while its code warms up; the thread stays, so a process pays that once.
lpSolver().catch(() => undefined);

/** One cohort to plan: its microcells and the threshold of its definition set. */
export interface PlanTask {
  cells: MicroCell[];
  k: number;
}

/** The withheld cells of a plan, as keys: what the refresh writes to `withheld_cells`. */
export interface WithheldCellKeys {
  /** Every withheld cell, primary and complementary, sorted. */
  withheld: string[];
  primary: string[];
}

/**
 * What a plan thread runs for each task (publication-planner.ts starts the threads): the same
 * pure computation as `planPublication`, answered as plain arrays, since a plan's sets and
 * function do not cross a thread boundary.
 */
export default async function planInThread({ cells, k }: PlanTask): Promise<WithheldCellKeys> {
  const plan = await planPublication(cells, k);
  return { withheld: [...plan.suppressed].sort(), primary: [...plan.primary].sort() };
}
