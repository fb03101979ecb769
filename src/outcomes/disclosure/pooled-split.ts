import { perturbedCount } from 'src/outcomes/disclosure/cell-key';
import { Counts } from 'src/outcomes/figures';

/**
 * The part of a cell that the reader uploaded itself (its own intake), with its record-key sum.
 * Whether those students switched elsewhere or dropped out comes from other institutions'
 * records; the reader could add a record for any pseudonym and read the change, so that split is
 * published with cell-key noise (docs/disclosure-control.md, attack 5).
 */
export interface OwnPart {
  n: number;
  nSwitchExternal: number;
  nUitval: number;
  key: number;
}

export const NO_OWN_PART: OwnPart = { n: 0, nSwitchExternal: 0, nUitval: 0, key: 0 };

/** A cell's counts with the own part's split between switch (external) and uitval perturbed. */
export function perturbOwnSplit(counts: Counts, own: OwnPart): Counts {
  const left = own.nSwitchExternal + own.nUitval;
  const switched = perturbedCount(own.nSwitchExternal, left, own.key, 'switch_external');
  return { ...counts, nSwitchExternal: counts.nSwitchExternal - own.nSwitchExternal + switched, nUitval: counts.nUitval - own.nUitval + (left - switched) };
}

/** Leavers of the reader's own school that continued in the region: from other institutions' records. */
export const perturbedContinued = (continued: number, leavers: number, key: number): number => perturbedCount(continued, leavers, key, 'continued');
