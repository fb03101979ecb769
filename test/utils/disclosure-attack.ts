import { cellContains, cellKey, IndexedCell, indexCells, MicroCell } from 'src/outcomes/disclosure/cells';
import { PublicationPlan } from 'src/outcomes/disclosure/publication-plan';
import { knows, Reader, readerLabel, readersOf, sees } from 'src/outcomes/disclosure/readers';
import { attacker, Bound, Equality } from 'test/utils/lp-attacker';

/**
 * Attacks a planned publication as each reader would: every published cell the reader sees,
 * with its value computed from the raw microcells, becomes an equality over one variable per
 * microcell; every withheld cell it sees is at least 1 (zeros are published); every microcell it
 * knows becomes x = n. The interval of each primary cell that the reader does not know entirely
 * is then solved by the independent LP attacker.
 */

export interface Finding {
  reader: string;
  cell: string;
  n: number;
  min: number;
  max: number;
}

export interface AttackOptions {
  /**
   * Side knowledge: the reader knows which withheld cells are primary, so each withheld primary
   * cell it sees is ≤ k − 1 and each complementary one ≥ k.
   */
  knowsWhichArePrimary?: boolean;
  /** Only attack these readers (default all). */
  readers?: (reader: Reader) => boolean;
}

const variableOf = (micro: MicroCell): string => cellKey(micro);

export async function attack(cells: MicroCell[], plan: PublicationPlan, options: AttackOptions = {}): Promise<Finding[]> {
  const micros = cells.filter((micro) => micro.n > 0);
  const variables = micros.map(variableOf);
  const index = [...indexCells(micros).values()];
  const membersOf = (cell: IndexedCell): MicroCell[] => micros.filter((micro) => cellContains(cell.spec, micro));
  const findings: Finding[] = [];
  for (const reader of readersOf(micros)) {
    if (options.readers && !options.readers(reader)) continue;
    const equalities: Equality[] = [];
    const bounds: Bound[] = [];
    for (const cell of index) {
      if (!sees(reader, cell.family, cell.spec)) continue;
      const members = membersOf(cell);
      if (plan.isPublished(cell.spec)) {
        equalities.push({ variables: members.map(variableOf), value: members.reduce((sum, micro) => sum + micro.n, 0) });
      } else if (!options.knowsWhichArePrimary) {
        bounds.push({ variables: members.map(variableOf), atLeast: 1 });
      } else if (plan.primary.has(cell.key)) {
        bounds.push({ variables: members.map(variableOf), atLeast: 1, atMost: plan.k - 1 });
      } else {
        bounds.push({ variables: members.map(variableOf), atLeast: plan.k });
      }
    }
    for (const micro of micros) if (knows(reader, micro)) equalities.push({ variables: [variableOf(micro)], value: micro.n });
    const solver = await attacker(variables, equalities, bounds);
    try {
      for (const cell of index) {
        if (!plan.primary.has(cell.key)) continue;
        const members = membersOf(cell);
        if (members.every((micro) => knows(reader, micro))) continue;
        const { min, max } = solver.boundsOf(members.map(variableOf));
        findings.push({ reader: readerLabel(reader), cell: cell.key, n: cell.n, min, max });
      }
    } finally {
      solver.dispose();
    }
  }
  return findings;
}

/** Findings whose interval is narrower than k: the cells the reader could narrow. */
export const narrowerThan = (findings: Finding[], k: number): Finding[] => findings.filter((finding) => finding.max - finding.min < k - 1e-6);

/** Findings the reader determines exactly. */
export const pinned = (findings: Finding[]): Finding[] => findings.filter((finding) => finding.max - finding.min < 1 - 1e-6);
