import { CellSpec, Family, FAMILIES, MicroCell } from 'src/outcomes/disclosure/cells';
import { knows, Reader, readersOf, sees, soleKnower } from 'src/outcomes/disclosure/readers';

/**
 * A set of linked tables the publication plan protects together: their families and who reads
 * (and knows) what. The outcome tables (every view of outcome_summaries) are one scheme; the route
 * tables (route_summaries: a student's first enrolment and what came next) another, planned and
 * stored on their own (route_withheld_cells).
 */
export interface DisclosureScheme {
  families: readonly Family[];
  sees(reader: Reader, family: Family, spec: CellSpec): boolean;
  knows(reader: Reader, micro: MicroCell): boolean;
  /** The one reader that knows every one of these microcells exactly, if any. */
  soleKnower(micros: readonly MicroCell[]): Reader | undefined;
  readersOf(micros: readonly MicroCell[]): Reader[];
}

export const OUTCOME_SCHEME: DisclosureScheme = { families: FAMILIES, sees, knows, soleKnower, readersOf };

/**
 * The route tables of a cohort: a supplier's pupils by prior diploma type, the level of their
 * first enrolment in the region and the next step after it, with every margin of that hierarchy;
 * the same for the region (summed over the suppliers).
 */
export const ROUTE_FAMILIES: readonly Family[] = [
  [],
  ['prior'],
  ['prior', 'first'],
  ['prior', 'first', 'next'],
  ['supplier'],
  ['supplier', 'prior'],
  ['supplier', 'prior', 'first'],
  ['supplier', 'prior', 'first', 'next'],
];

/**
 * The coordinator reads the region's routes; a supplying school reads its own pupils' routes and
 * nothing of the region's (the region's minus its own would be every other school's). Nobody
 * reads a route cell it knows entirely: a receiving institution knows its own intake, but a route
 * cell is a supplier's pupils wherever they went, and a school that reads its pupils' routes did
 * not upload their enrolments (the rare pupil whose first enrolment is at its own supplying school
 * is counted as unknown, which only makes the audit stricter for others, never weaker for it).
 */
export const ROUTE_SCHEME: DisclosureScheme = {
  families: ROUTE_FAMILIES,
  sees: (reader, family, spec) => (reader.kind === 'coordinator' ? !family.includes('supplier') : family.includes('supplier') && spec.supplier === reader.institutionId),
  knows: () => false,
  soleKnower: () => undefined,
  readersOf: (micros) => [{ kind: 'coordinator' }, ...[...new Set(micros.map((micro) => micro.supplier))].sort().map((institutionId): Reader => ({ kind: 'institution', institutionId }))],
};

/** A route microcell in the engine's terms: supplier × prior × first level × next step. */
export const routeMicroCell = (row: { supplier: string; prior: string; first: string; next: string; n: number }): MicroCell => ({
  supplier: row.supplier,
  vestiging: '',
  receiver: '',
  sector: '',
  programme: '',
  prior: row.prior,
  first: row.first,
  next: row.next,
  n: row.n,
});
