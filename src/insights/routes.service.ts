import { Injectable } from '@nestjs/common';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { problem } from 'src/common/problems';
import { ROUTE_STEPS, RouteCellDto, RouteCohortDto, RouteProtection, RoutesDto, RoutesQueryDto } from 'src/insights/dto/routes.dto';
import { InsightsRepository } from 'src/insights/insights.repository';
import { RouteRow, RouteViewsRepository } from 'src/insights/route-views.repository';
import { ViewCache } from 'src/insights/view-cache';
import { DEFAULT_WINDOW } from 'src/insights/view-parts';
import { addKeys, perturbedCount } from 'src/outcomes/disclosure/cell-key';
import { CellSpec, ROUTE } from 'src/outcomes/disclosure/cells';
import { DisclosureService, RegionDisclosure } from 'src/outcomes/disclosure/disclosure.service';
import { DefinitionsRepository } from 'src/outcomes/definitions.repository';
import { toDefinitionReference } from 'src/outcomes/definitions.service';

export const STAGE_LABELS: Record<string, string> = { entree: 'Entree (mbo 1)', 'mbo-2': 'mbo 2', 'mbo-3': 'mbo 3', 'mbo-4': 'mbo 4', mbo: 'mbo (niveau onbekend)', hbo: 'hbo', wo: 'wo' };
export const STEP_LABELS: Record<string, string> = {
  hoger: 'Door naar een hoger niveau',
  diploma: 'Diploma',
  switch: 'Switch (zelfde of lager niveau)',
  ingeschreven: 'Nog ingeschreven',
  uitval: 'Uitval',
};

const sum = (rows: RouteRow[]): number => rows.reduce((total, row) => total + row.n, 0);
const groupBy = <T>(rows: T[], key: (row: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)));
};

/**
 * Routes of pupils through the region (issue 16, seed 003): for a supplying school its pupils by
 * prior diploma type, through the level of their enrolment (the first year in its sector), to what came next; for the
 * coordinator the same for the region. Every cell is published or withheld as the refresh's plan
 * decided over all linked tables (the route cells are families of it); what came next is shown as
 * shares of a published route cell, with cell-key noise in a school's own routes. A withheld cell
 * shows no count, and no share is computed from one.
 */
@Injectable()
export class RoutesService {
  constructor(
    private readonly repository: RouteViewsRepository,
    private readonly insights: InsightsRepository,
    private readonly access: AccessService,
    private readonly definitions: DefinitionsRepository,
    private readonly cache: ViewCache,
    private readonly disclosure: DisclosureService,
  ) {}

  routes(auth: Principal, query: RoutesQueryDto): Promise<RoutesDto> {
    return this.cache.remember('routes', auth, query, async () => {
      const tenant = await this.access.viewTenant(auth, query.region);
      const supplierId = tenant.kind === 'region' ? null : tenant.institutionId;
      const institution = supplierId === null ? null : ((await this.insights.institutionLabels([supplierId])).get(supplierId)?.brin ?? null);
      const base: RoutesDto = { region: tenant.region.code, scope: supplierId === null ? 'region' : 'supplier', institution, cohorts: [] };
      const range = await this.repository.cohortRange(tenant.region.id, supplierId);
      if (!range) return { value: base, regionId: tenant.region.id };
      const to = query.cohortTo ?? range.max;
      const from = query.cohortFrom ?? Math.max(range.min, to - DEFAULT_WINDOW + 1);
      if (from > to) throw problem('invalid-request', 'cohortFrom is after cohortTo.', [{ parameter: 'cohortFrom', code: 'afterCohortTo', detail: 'cohortFrom must not be after cohortTo' }]);
      const rows = await this.repository.routes(tenant.region.id, supplierId, from, to);
      const disclosure = await this.disclosure.forRegion(tenant.region.id, from, to);
      const definitions = new Map((await this.definitions.listForRegion(tenant.region.id)).map((definition) => [definition.id, definition]));
      const cohorts: RouteCohortDto[] = [];
      for (const [cohort, cohortRows] of groupBy(rows, (row) => String(row.cohort))) {
        const definition = definitions.get(cohortRows[0].definitionSetId);
        if (!definition) continue;
        const tables = new RouteTables(Number(cohort), disclosure, supplierId === null ? { route: ROUTE } : { supplier: supplierId, route: ROUTE }, supplierId !== null);
        cohorts.push({ cohort: Number(cohort), definitionSet: toDefinitionReference(definition), suppressionK: definition.suppressionK, ...tables.build(cohortRows) });
      }
      return { value: { ...base, cohorts }, regionId: tenant.region.id };
    });
  }
}

/** The cells of one cohort, depth first, each with its share of its parent. */
class RouteTables {
  constructor(
    private readonly cohort: number,
    private readonly disclosure: RegionDisclosure,
    private readonly tenant: CellSpec,
    private readonly perturbNextSteps: boolean,
  ) {}

  build(rows: RouteRow[]): { total: RouteCellDto; cells: RouteCellDto[] } {
    const total = this.cell({}, 'Totaal', sum(rows), null);
    const cells: RouteCellDto[] = [];
    for (const [prior, priorRows] of groupBy(rows, (row) => row.prior)) {
      const priorCell = this.cell({ prior }, prior, sum(priorRows), total);
      cells.push(priorCell);
      for (const [first, firstRows] of groupBy(priorRows, (row) => row.first)) {
        const firstCell = this.cell({ prior, first }, STAGE_LABELS[first] ?? first, sum(firstRows), priorCell);
        cells.push(firstCell);
        // Every next step, also one no student took: a step that vanishes would say as much as its count.
        const key = firstRows.reduce((cellKey, row) => addKeys(cellKey, row.key), 0);
        for (const next of ROUTE_STEPS) {
          const n = firstRows.find((row) => row.next === next)?.n ?? 0;
          cells.push(this.nextStep(next, n, key, firstCell));
        }
      }
    }
    return { total, cells };
  }

  /** A route cell as the plan published it. */
  private cell(spec: { prior?: string; first?: string }, label: string, n: number, parent: RouteCellDto | null): RouteCellDto {
    const published = this.disclosure.isPublished(this.cohort, { ...this.tenant, prior: spec.prior, first: spec.first });
    return this.row({ prior: spec.prior ?? null, first: spec.first ?? null, next: null }, label, published ? n : null, parent, published ? 'published' : 'suppressed');
  }

  /**
   * A next step (no cell of its own) is shown exactly where its route cell is published, as the
   * outcome rates are shown in a published outcome cell. A supplying school's own next steps carry
   * cell-key noise: with a record of its own it could move one pupil's next step and read the change
   * (docs/disclosure-control.md, attack 5). The key changes with any record's next step, so each
   * such change draws the noise of every step anew.
   */
  private nextStep(next: string, n: number, key: number, parent: RouteCellDto): RouteCellDto {
    const place = { prior: parent.prior, first: parent.first, next };
    const label = STEP_LABELS[next] ?? next;
    if (parent.suppressed || parent.n === null) return this.row(place, label, null, parent, 'suppressed');
    if (!this.perturbNextSteps) return this.row(place, label, n, parent, 'published');
    return this.row(place, label, perturbedCount(n, parent.n, key, `route:${next}`), parent, 'perturbed');
  }

  private row(place: { prior: string | null; first: string | null; next: string | null }, label: string, shown: number | null, parent: RouteCellDto | null, protection: RouteProtection): RouteCellDto {
    const share = shown !== null && parent !== null && parent.n !== null && parent.n > 0 ? Math.round((shown / parent.n) * 10_000) / 10_000 : null;
    return { ...place, label, n: shown, share, suppressed: shown === null, protection };
  }
}
