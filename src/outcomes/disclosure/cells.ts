/**
 * The cells of the published tables of one region × cohort (× its one definition set), built
 * from the summary "microcells". Pure data: no database, no HTTP.
 */

export const DIMENSIONS = ['supplier', 'vestiging', 'receiver', 'sector', 'programme', 'prior', 'level', 'first', 'next', 'route'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** One summary row of a cohort: the finest grain (sector follows from programme). */
export interface MicroCell {
  supplier: string;
  vestiging: string;
  receiver: string;
  sector: string;
  programme: string;
  prior: string;
  /** Level of the programme (mbo `1`–`4`, `ad`, `bachelor`, `master`); a microcell without it is in no level cell. */
  level?: string;
  /**
   * The route part of a microcell (issue 16): its students whose enrolment is their first in the
   * region, with the stage of that enrolment and what came next, and `route` = ROUTE. The rest of
   * the microcell is a part without them; route cells sum only the route parts.
   */
  route?: string;
  first?: string;
  next?: string;
  n: number;
}

/** A published cell: all microcells matching every given dimension; {} is the region total. */
export type CellSpec = Partial<Record<Dimension, string>>;

/** The families (tables) that are published. */
export type Family = readonly Dimension[];

/** What the outputs publish per cohort; every cell of a family is published or withheld as one. */
export const FAMILIES: readonly Family[] = [
  [], // region total: the coordinator's report total and trend, the region-total alert
  ['supplier'], // matrix margin, a supplier's alumni total
  ['receiver'], // matrix margin, a receiver's intake total, receiver-total alert
  ['supplier', 'receiver'], // matrix, alumni by receiver, intake by supplier, flows, alerts
  ['supplier', 'sector'], // alumni by sector, flows via sector, supplier × sector alerts
  ['supplier', 'programme'],
  ['supplier', 'vestiging'],
  ['supplier', 'prior'],
  ['prior'], // the regional benchmark by prior diploma type
  ['receiver', 'prior'],
  ['receiver', 'programme'],
  ['receiver', 'supplier', 'sector'], // intake flows via sector
  ['supplier', 'level'], // alumni by level (entree = mbo 1)
  ['receiver', 'level'], // intake by level
  // Routes of pupils (issue 16): the region's (the coordinator) and a supplier's own. What came
  // next (`next`) is published as shares of a published route cell, as the outcome rates are of
  // an outcome cell: it is no family of its own.
  ['route'],
  ['prior', 'route'],
  ['prior', 'first', 'route'],
  ['supplier', 'route'],
  ['supplier', 'prior', 'route'],
  ['supplier', 'prior', 'first', 'route'],
];

/**
 * Reasons for leaving (issue 14) are published per cell of this family, as a split of the cell's
 * leavers: like what came next on a route, a share of a published cell and no family of the plan
 * (the plan audits sums of students, and knows nothing of the leavers' count that every reader of
 * the cell also reads exactly). Their own rule (`reasons.ts`) withholds them with the cell, below k
 * leavers, below k per reason and their complements against that sum; readers: `readsReasons`.
 */
export const REASON_CELLS: Family = ['supplier', 'receiver'];

/** The value of the `route` dimension of a route part (a route cell's key ends in `route=1`). */
export const ROUTE = '1';

// Values are ids and codes; escaping '%', '|' and '=' keeps a key unambiguous should one ever
// hold them (decodeURIComponent reverses it).
const RESERVED = /[%|=]/;
const encode = (value: string): string => (RESERVED.test(value) ? value.replace(/[%|=]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`) : value);

/**
 * Canonical key, dimensions in DIMENSIONS order: 'supplier=a|receiver=b'; the region total is ''.
 * Built by concatenation: every view asks for a few hundred keys per request.
 */
export function cellKey(spec: CellSpec): string {
  let key = '';
  for (let index = 0; index < DIMENSIONS.length; index++) {
    const dimension = DIMENSIONS[index];
    const value = spec[dimension];
    if (value !== undefined) key += `${key === '' ? '' : '|'}${dimension}=${encode(value)}`;
  }
  return key;
}

const isDimension = (name: string): name is Dimension => (DIMENSIONS as readonly string[]).includes(name);

export function parseCellKey(key: string): CellSpec {
  const spec: CellSpec = {};
  if (key === '') return spec;
  for (const part of key.split('|')) {
    const at = part.indexOf('=');
    const name = at < 0 ? part : part.slice(0, at);
    if (at < 0 || !isDimension(name) || spec[name] !== undefined) throw new RangeError(`not a cell key: ${JSON.stringify(key)}`);
    spec[name] = decodeURIComponent(part.slice(at + 1));
  }
  return spec;
}

/** The dimensions a cell is defined by, in DIMENSIONS order. */
export const dimensionsOf = (spec: CellSpec): Dimension[] => DIMENSIONS.filter((dimension) => spec[dimension] !== undefined);

/** The cell of a family that a microcell falls in. */
export function projectCell(micro: MicroCell, family: Family): CellSpec {
  const spec: CellSpec = {};
  for (const dimension of family) spec[dimension] = micro[dimension];
  return spec;
}

export const cellContains = (spec: CellSpec, micro: MicroCell): boolean => dimensionsOf(spec).every((dimension) => micro[dimension] === spec[dimension]);

/** Whether the dimension set of a spec is one of FAMILIES. */
export function familyOf(spec: CellSpec): Family | undefined {
  const dimensions = dimensionsOf(spec);
  return FAMILIES.find((family) => family.length === dimensions.length && family.every((dimension) => spec[dimension] !== undefined));
}

/** One cell of one family with its members (indices into the microcell list) and its count. */
export interface IndexedCell {
  key: string;
  spec: CellSpec;
  family: Family;
  n: number;
  members: number[];
}

/**
 * Every cell of every family that holds at least one of the given microcells, by key, in a
 * deterministic order (family order, then key). A microcell without a value of one of a family's
 * dimensions (no level; not a route part) is in no cell of that family.
 */
export function indexCells(micros: readonly MicroCell[]): Map<string, IndexedCell> {
  const byKey = new Map<string, IndexedCell>();
  for (const family of FAMILIES) {
    const ofFamily = new Map<string, IndexedCell>();
    micros.forEach((micro, index) => {
      if (family.some((dimension) => micro[dimension] === undefined)) return;
      const spec = projectCell(micro, family);
      const key = cellKey(spec);
      let cell = ofFamily.get(key);
      if (!cell) {
        cell = { key, spec, family, n: 0, members: [] };
        ofFamily.set(key, cell);
      }
      cell.n += micro.n;
      cell.members.push(index);
    });
    for (const key of [...ofFamily.keys()].sort()) byKey.set(key, ofFamily.get(key)!);
  }
  return byKey;
}
