import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CellSpec, cellKey } from 'src/outcomes/disclosure/cells';
import { DisclosureRepository } from 'src/outcomes/disclosure/disclosure.repository';

/** A cell of one cohort, as an output asks about it. */
export interface CohortCell {
  cohort: number;
  spec: CellSpec;
}

/**
 * The publication pattern of a region over a range of cohorts, as the refresh decided it over
 * all linked tables at once. Every output asks this before it shows a cell; none decides itself.
 * Read for a list of cells (`forCells`), it answers only for those: a question about any other
 * cell is a programming error, never a guess that the cell is published.
 */
export class RegionDisclosure {
  constructor(
    private readonly withheld: ReadonlyMap<number, ReadonlySet<string>>,
    private readonly read?: ReadonlyMap<number, ReadonlySet<string>>,
  ) {}

  isPublished(cohort: number, spec: CellSpec): boolean {
    const key = cellKey(spec);
    if (this.read && !(this.read.get(cohort)?.has(key) ?? false)) throw new Error(`disclosure: cell ${JSON.stringify(key)} of cohort ${cohort} was not read`);
    return !(this.withheld.get(cohort)?.has(key) ?? false);
  }
}

/** Every cohort a region can have. */
export const ALL_COHORTS = { from: 2000, to: 2100 } as const;

const byCohort = (pairs: Iterable<{ cohort: number; cellKey: string }>): Map<number, Set<string>> => {
  const grouped = new Map<number, Set<string>>();
  for (const { cohort, cellKey: key } of pairs) {
    const cells = grouped.get(cohort) ?? new Set<string>();
    cells.add(key);
    grouped.set(cohort, cells);
  }
  return grouped;
};

@Injectable()
export class DisclosureService {
  constructor(private readonly repository: DisclosureRepository) {}

  async forRegion(regionId: string, cohortFrom: number, cohortTo: number, manager?: EntityManager): Promise<RegionDisclosure> {
    return new RegionDisclosure(byCohort(await this.repository.withheld(regionId, cohortFrom, cohortTo, manager)));
  }

  /**
   * The pattern of just the cells an output shows: a view reads a few hundred of a region's cells,
   * not every withheld cell of its cohorts (route and level cells included).
   */
  async forCells(regionId: string, cells: Iterable<CohortCell>): Promise<RegionDisclosure> {
    const read = byCohort([...cells].map(({ cohort, spec }) => ({ cohort, cellKey: cellKey(spec) })));
    const cohorts: number[] = [];
    const keys: string[] = [];
    for (const [cohort, cellKeys] of read) {
      for (const key of cellKeys) {
        cohorts.push(cohort);
        keys.push(key);
      }
    }
    return new RegionDisclosure(byCohort(await this.repository.withheldAmong(regionId, cohorts, keys)), read);
  }
}
