import { perturbedCount } from 'src/outcomes/disclosure/cell-key';
import { Counts } from 'src/outcomes/figures';

/**
 * The part of a cell whose split the reader could move with records of its own, with its
 * record-key sum: for an institution reader, the whole cell. Whether students switched elsewhere
 * or dropped out comes from other institutions' records; a record the reader adds for any
 * pseudonym changes it (its own enrolment's outcome, or another's uitval into switch), so that
 * split is published with cell-key noise (docs/disclosure-control.md, attack 5).
 */
export interface OwnPart {
  n: number;
  nSwitchExternal: number;
  nUitval: number;
  key: number;
}

/** A cell's counts with the own part's split between switch (external) and uitval perturbed. */
export function perturbOwnSplit(counts: Counts, own: OwnPart): Counts {
  const left = own.nSwitchExternal + own.nUitval;
  const switched = perturbedCount(own.nSwitchExternal, left, own.key, 'switch_external');
  return { ...counts, nSwitchExternal: counts.nSwitchExternal - own.nSwitchExternal + switched, nUitval: counts.nUitval - own.nUitval + (left - switched) };
}

/** Leavers of the reader's own school that continued in the region: from other institutions' records. */
export const perturbedContinued = (continued: number, leavers: number, key: number): number => perturbedCount(continued, leavers, key, 'continued');
