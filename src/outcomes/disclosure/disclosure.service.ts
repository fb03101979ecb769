import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CellSpec, cellKey } from 'src/outcomes/disclosure/cells';
import { DisclosureRepository } from 'src/outcomes/disclosure/disclosure.repository';

/**
 * The publication pattern of a region over a range of cohorts, as the refresh decided it over
 * all linked tables at once. Every output asks this before it shows a cell; none decides itself.
 */
export class RegionDisclosure {
  constructor(private readonly withheld: ReadonlyMap<number, ReadonlySet<string>>) {}

  isPublished(cohort: number, spec: CellSpec): boolean {
    return !(this.withheld.get(cohort)?.has(cellKey(spec)) ?? false);
  }
}

/** Every cohort a region can have. */
export const ALL_COHORTS = { from: 2000, to: 2100 } as const;

@Injectable()
export class DisclosureService {
  constructor(private readonly repository: DisclosureRepository) {}

  async forRegion(regionId: string, cohortFrom: number, cohortTo: number, manager?: EntityManager): Promise<RegionDisclosure> {
    const withheld = new Map<number, Set<string>>();
    for (const row of await this.repository.withheld(regionId, cohortFrom, cohortTo, manager)) {
      const cells = withheld.get(row.cohort) ?? new Set<string>();
      cells.add(row.cellKey);
      withheld.set(row.cohort, cells);
    }
    return new RegionDisclosure(withheld);
  }
}
