import { CellSpec, Family, indexCells, MicroCell } from 'src/outcomes/disclosure/cells';

/**
 * Who reads which cells. The disclosure engine protects every primary cell against each reader
 * separately, with everything that reader can read and everything it knows itself.
 */
export type Reader = { kind: 'coordinator' } | { kind: 'institution'; institutionId: string };

/** The coordinator reads the region report and the flows: the matrix with its margins and by sector. */
const COORDINATOR_FAMILIES: readonly Family[] = [[], ['supplier'], ['receiver'], ['supplier', 'receiver'], ['supplier', 'sector']];

const sameFamily = (a: Family, b: Family): boolean => a.length === b.length && a.every((dimension) => b.includes(dimension));

/** Whether a reader sees a cell of a family (the spec must be a cell of that family). */
export function sees(reader: Reader, family: Family, spec: CellSpec): boolean {
  // Routes of pupils: the coordinator reads the region's, a supplying school its own pupils' (and
  // nothing of the region's: the region's minus its own would be every other school's).
  if (family.includes('route')) return reader.kind === 'coordinator' ? !family.includes('supplier') : family.includes('supplier') && spec.supplier === reader.institutionId;
  switch (reader.kind) {
    case 'coordinator':
      return COORDINATOR_FAMILIES.some((visible) => sameFamily(visible, family));
    case 'institution': {
      // The region total (region-total alert) and the benchmark by prior diploma type go to every member.
      if (family.length === 0 || (family.length === 1 && family[0] === 'prior')) return true;
      if (family.includes('supplier') && spec.supplier === reader.institutionId) return true;
      return family.includes('receiver') && spec.receiver === reader.institutionId;
    }
  }
}

/** An institution knows the count of every microcell it received exactly: it uploaded those records. */
export function knows(reader: Reader, micro: MicroCell): boolean {
  switch (reader.kind) {
    case 'coordinator':
      return false;
    case 'institution':
      return micro.receiver === reader.institutionId;
  }
}

/** The one institution that knows every one of these microcells exactly, if any: they all went to it. */
export function soleKnower(micros: readonly MicroCell[]): Reader | undefined {
  const receivers = new Set(micros.map((micro) => micro.receiver));
  if (receivers.size !== 1) return undefined;
  const reader: Reader = { kind: 'institution', institutionId: [...receivers][0] };
  return micros.every((micro) => knows(reader, micro)) ? reader : undefined;
}

/** Families a reader sees, restricted to its own rows, and the microcells it knows exactly. */
export function visibleCells(reader: Reader, cells: MicroCell[]): CellSpec[] {
  return [...indexCells(cells).values()].filter((cell) => sees(reader, cell.family, cell.spec)).map((cell) => cell.spec);
}

export function knownMicroCells(reader: Reader, cells: MicroCell[]): MicroCell[] {
  return cells.filter((micro) => knows(reader, micro));
}

/**
 * Every reader that can see something of a cohort: the coordinator and each institution that
 * supplies or receives in it, in a fixed order. A member without rows in the cohort sees only
 * the region total and the benchmark, which every supplier also sees, so it adds no check.
 */
export function readersOf(cells: readonly MicroCell[]): Reader[] {
  const institutions = new Set<string>();
  for (const micro of cells) {
    institutions.add(micro.supplier);
    institutions.add(micro.receiver);
  }
  return [{ kind: 'coordinator' }, ...[...institutions].sort().map((institutionId): Reader => ({ kind: 'institution', institutionId }))];
}

export const readerLabel = (reader: Reader): string => (reader.kind === 'coordinator' ? 'coordinator' : `institution ${reader.institutionId}`);

/**
 * How a reader reads the reasons for leaving of a supplier × receiver cell (REASON_CELLS): the
 * coordinator every cell of the region exactly (it adds no records), an institution the cells it
 * supplies or receives with cell-key noise (with a record of its own it can move a pupil into or
 * out of a cell and read the change), nobody else any.
 */
export function readsReasons(reader: Reader, spec: { supplier: string; receiver: string }): 'exact' | 'perturbed' | 'none' {
  if (reader.kind === 'coordinator') return 'exact';
  return spec.supplier === reader.institutionId || spec.receiver === reader.institutionId ? 'perturbed' : 'none';
}
