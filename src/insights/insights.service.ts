import { HttpStatus, Injectable } from '@nestjs/common';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { RegionRef } from 'src/access/tenancy';
import { ProblemException } from 'src/common/problem';
import {
  AlumniQueryDto,
  BreakdownRowDto,
  CohortFiguresDto,
  DoorstroomDto,
  FlowLinkDto,
  FlowNodeDto,
  FlowsDto,
  FlowsQueryDto,
  InsightsViewDto,
  IntakeQueryDto,
  MatrixCellDto,
  MatrixTotalDto,
  RegionReportDto,
  RegionReportQueryDto,
  TrendPointDto,
} from 'src/insights/dto/insights.dto';
import { addCounts, COUNT_COLUMNS, Counts, emptyCounts, toFigures } from 'src/insights/figures';
import { BreakdownColumn, CellRow, InsightsRepository, ViewScope } from 'src/insights/insights.repository';
import { suppressList, suppressTable } from 'src/insights/suppression';
import { ViewCache } from 'src/insights/view-cache';
import { DefinitionSetEntity } from 'src/outcomes/definition-set.entity';
import { DefinitionsRepository } from 'src/outcomes/definitions.repository';
import { toDefinitionReference } from 'src/outcomes/definitions.service';

const DEFAULT_WINDOW = 10;
const OUTCOMES: Array<{ key: keyof Counts; id: string; label: string }> = [
  { key: 'nEnrolled', id: 'outcome:enrolled', label: 'Ingeschreven (jaar 2)' },
  { key: 'nDiploma', id: 'outcome:diploma', label: 'Diploma' },
  { key: 'nSwitchInternal', id: 'outcome:switch_internal', label: 'Switch intern' },
  { key: 'nSwitchExternal', id: 'outcome:switch_external', label: 'Switch extern' },
  { key: 'nUitval', id: 'outcome:uitval', label: 'Uitval' },
];
type Labeller = (key: string) => { key: string; label: string };

const SUPPRESSED_NODE: FlowNodeDto = { id: 'suppressed', label: 'Overig (kleine aantallen)', kind: 'suppressed' };

const countsOf = (row: Counts): Counts => {
  const counts = emptyCounts();
  for (const [key] of COUNT_COLUMNS) counts[key] = Number(row[key]);
  return counts;
};

/** Definition sets of a region, by id, with the helpers every view needs. */
class Definitions {
  constructor(private readonly byId: Map<string, DefinitionSetEntity>, private readonly fallback: DefinitionSetEntity) {}

  of(id: string | undefined): DefinitionSetEntity {
    return (id ? this.byId.get(id) : undefined) ?? this.fallback;
  }

  /** The definition set a cohort is computed with, from the rows that carry it. */
  forCohort(rows: Array<{ definitionSetId: string }>): DefinitionSetEntity {
    return this.of(rows[0]?.definitionSetId);
  }

  references(ids: Iterable<string>) {
    return [...new Set(ids)].map((id) => toDefinitionReference(this.of(id)));
  }

  /** Cohorts where the definition set differs from the previous cohort's. */
  static breaks(points: Array<{ cohort: number; definitionSetId: string }>): number[] {
    const sorted = [...points].sort((a, b) => a.cohort - b.cohort);
    return sorted.filter((point, index) => index > 0 && point.definitionSetId !== sorted[index - 1].definitionSetId).map((point) => point.cohort);
  }
}

@Injectable()
export class InsightsService {
  constructor(
    private readonly repository: InsightsRepository,
    private readonly access: AccessService,
    private readonly definitions: DefinitionsRepository,
    private readonly cache: ViewCache,
  ) {}

  /** A supplying school's alumni per cohort, broken down, next to the regional benchmark. */
  alumni(auth: Principal, query: AlumniQueryDto): Promise<InsightsViewDto> {
    return this.cache.remember('alumni', auth, query, async () => {
      const { region, institutionId } = await this.access.institutionView(auth, query.region);
      const breakdown = query.breakdown ?? 'receiver';
      const scope: ViewScope = { side: 'supplier', regionId: region.id, institutionId };
      const definitions = await this.loadDefinitions(region.id);
      const view = await this.breakdownView(scope, region, institutionId, definitions, breakdown, query, true);
      const window = view.cohorts.length > 0 ? { from: view.cohorts[0].cohort - 1, to: view.cohorts[view.cohorts.length - 1].cohort } : null;
      if (window) view.doorstroom = await this.doorstroom(region, institutionId, window.from, window.to, definitions);
      return { value: view, regionId: region.id };
    });
  }

  /** A receiving institution's intake per cohort, by supplying school, diploma type or programme. */
  intake(auth: Principal, query: IntakeQueryDto): Promise<InsightsViewDto> {
    return this.cache.remember('intake', auth, query, async () => {
      const { region, institutionId } = await this.access.institutionView(auth, query.region);
      const scope: ViewScope = { side: 'receiver', regionId: region.id, institutionId };
      const definitions = await this.loadDefinitions(region.id);
      return { value: await this.breakdownView(scope, region, institutionId, definitions, query.breakdown ?? 'supplier', query, false), regionId: region.id };
    });
  }

  /** The coordinator's report: supplier × receiver matrix of a cohort, totals and the trend. */
  regionReport(auth: Principal, regionCode: string, query: RegionReportQueryDto): Promise<RegionReportDto> {
    return this.cache.remember('regionReport', auth, { regionCode, query }, async () => {
      const region = await this.access.coordinatedRegion(auth, regionCode);
      return { value: await this.computeRegionReport(region, query), regionId: region.id };
    });
  }

  private async computeRegionReport(region: RegionRef, query: RegionReportQueryDto): Promise<RegionReportDto> {
    const definitions = await this.loadDefinitions(region.id);
    const scope: ViewScope = { side: 'region', regionId: region.id };
    const range = await this.repository.cohortRange(scope);
    const cohort = query.cohort ?? range?.max ?? null;
    const empty: RegionReportDto = {
      region: region.code,
      name: region.name,
      cohort,
      definitionSet: null,
      suppliers: [],
      receivers: [],
      cells: [],
      supplierTotals: [],
      receiverTotals: [],
      total: toFigures(emptyCounts(), false, false, 10),
      trend: [],
      methodebreuken: [],
      definitionSets: [],
    };
    if (!range || cohort === null) return empty;

    // The trend: region totals per cohort.
    const trendFrom = query.cohortFrom ?? range.min;
    const trendTo = query.cohortTo ?? range.max;
    const perCohort = await this.repository.cells(scope, 'sector', trendFrom, trendTo);
    const byCohort = this.groupByCohort(perCohort);
    const trend: TrendPointDto[] = [...byCohort.entries()].map(([year, rows]) => {
      const definition = definitions.forCohort(rows);
      const counts = rows.reduce((sum, row) => addCounts(sum, countsOf(row)), emptyCounts());
      const suppressed = counts.n > 0 && counts.n < definition.suppressionK;
      return { cohort: year, definitionSet: toDefinitionReference(definition), ...toFigures(counts, suppressed, definition.switchersCountAsUitval, definition.suppressionK) };
    });

    // The matrix of the chosen cohort, with complementary suppression over rows and columns.
    const rows = await this.repository.matrix(region.id, cohort);
    const cohortDefinition = definitions.of(perCohort.find((row) => row.cohort === cohort)?.definitionSetId);
    const supplierIds = [...new Set(rows.map((row) => row.supplierId))].sort();
    const receiverIds = [...new Set(rows.map((row) => row.receiverId))].sort();
    const labels = await this.repository.institutionLabels([...supplierIds, ...receiverIds]);
    const brinOf = (id: string): string => labels.get(id)?.brin ?? id;
    supplierIds.sort((a, b) => brinOf(a).localeCompare(brinOf(b)));
    receiverIds.sort((a, b) => brinOf(a).localeCompare(brinOf(b)));
    const grid = supplierIds.map(() => receiverIds.map(() => emptyCounts()));
    for (const row of rows) grid[supplierIds.indexOf(row.supplierId)][receiverIds.indexOf(row.receiverId)] = countsOf(row);
    const k = cohortDefinition.suppressionK;
    const switchers = cohortDefinition.switchersCountAsUitval;
    const mask = suppressTable(grid.map((line) => line.map((counts) => counts.n)), k);

    const cells: MatrixCellDto[] = [];
    grid.forEach((line, i) =>
      line.forEach((counts, j) => {
        if (counts.n === 0) return;
        cells.push({ supplier: brinOf(supplierIds[i]), receiver: brinOf(receiverIds[j]), ...toFigures(counts, mask.suppressed[i][j], switchers, k) });
      }),
    );
    const supplierTotals: MatrixTotalDto[] = supplierIds.map((id, i) => ({
      key: brinOf(id),
      label: labels.get(id)?.name ?? id,
      ...toFigures(grid[i].reduce(addCounts, emptyCounts()), mask.rowTotalSuppressed[i], switchers, k),
    }));
    const receiverTotals: MatrixTotalDto[] = receiverIds.map((id, j) => ({
      key: brinOf(id),
      label: labels.get(id)?.name ?? id,
      ...toFigures(grid.reduce((sum, line) => addCounts(sum, line[j]), emptyCounts()), mask.columnTotalSuppressed[j], switchers, k),
    }));
    const total = grid.flat().reduce(addCounts, emptyCounts());
    return {
      region: region.code,
      name: region.name,
      cohort,
      definitionSet: toDefinitionReference(cohortDefinition),
      suppliers: supplierIds.map((id) => ({ brin: brinOf(id), name: labels.get(id)?.name ?? id })),
      receivers: receiverIds.map((id) => ({ brin: brinOf(id), name: labels.get(id)?.name ?? id })),
      cells,
      supplierTotals,
      receiverTotals,
      total: toFigures(total, mask.grandTotalSuppressed, switchers, k),
      trend,
      methodebreuken: Definitions.breaks(perCohort),
      definitionSets: definitions.references(perCohort.map((row) => row.definitionSetId)),
    };
  }

  /** Sankey nodes and links: supplier → receiver (or sector) → outcome, for one cohort. */
  flows(auth: Principal, query: FlowsQueryDto): Promise<FlowsDto> {
    return this.cache.remember('flows', auth, query, async () => {
      const { region, scope } = await this.flowsScope(auth, query);
      return { value: await this.computeFlows(region, scope, query), regionId: region.id };
    });
  }

  /** Coordinators see the region's flows; an institution its alumni's, or with `perspective=intake` its intake's. */
  private async flowsScope(auth: Principal, query: FlowsQueryDto): Promise<{ region: RegionRef; scope: ViewScope }> {
    const tenant = await this.access.viewTenant(auth, query.region);
    const { region } = tenant;
    if (tenant.kind === 'region') return { region, scope: { side: 'region', regionId: region.id } };
    return { region, scope: { side: query.perspective === 'intake' ? 'receiver' : 'supplier', regionId: region.id, institutionId: tenant.institutionId } };
  }

  private async computeFlows(region: RegionRef, scope: ViewScope, query: FlowsQueryDto): Promise<FlowsDto> {
    const definitions = await this.loadDefinitions(region.id);
    const range = await this.repository.cohortRange(scope);
    const cohort = query.cohort ?? range?.max ?? null;
    if (cohort === null) return { region: region.code, cohort, definitionSet: null, nodes: [], links: [] };

    const middle: BreakdownColumn = query.via === 'sector' ? 'sector' : 'receiver';
    const rows = await this.repository.flows(scope, 'supplier', middle, cohort);
    const definitionRows = await this.repository.cells(scope, 'sector', cohort, cohort);
    const definition = definitions.forCohort(definitionRows);
    const k = definition.suppressionK;
    const labels = await this.repository.institutionLabels([...new Set(rows.flatMap((row) => [row.sourceKey, middle === 'receiver' ? row.targetKey : '']).filter(Boolean))]);
    const nodeId = (kind: string, key: string): string => `${kind}:${kind === 'sector' ? key : (labels.get(key)?.brin ?? key)}`;
    const nodes = new Map<string, FlowNodeDto>();
    const addNode = (node: FlowNodeDto): void => {
      if (!nodes.has(node.id)) nodes.set(node.id, node);
    };
    const links = new Map<string, number>();
    const addLink = (source: string, target: string, value: number): void => {
      if (value <= 0) return;
      const key = `${source}\u0000${target}`;
      links.set(key, (links.get(key) ?? 0) + value);
    };

    // Per source node, the small links are merged into one "suppressed" node (with complementary
    // suppression, so at least two cells and an ambiguous sum go in); their outcomes follow them.
    const middleOutcomes = new Map<string, Counts>();
    const bySource = new Map<string, typeof rows>();
    for (const row of rows) bySource.set(row.sourceKey, [...(bySource.get(row.sourceKey) ?? []), row]);
    for (const [sourceKey, sourceRows] of bySource) {
      const source = nodeId('supplier', sourceKey);
      addNode({ id: source, label: labels.get(sourceKey)?.name ?? sourceKey, kind: 'supplier' });
      const mask = suppressList(sourceRows.map((row) => Number(row.n)), k, { totalPublished: true });
      if (mask.totalSuppressed) continue;
      sourceRows.forEach((row, index) => {
        const counts = countsOf(row);
        const target = mask.suppressed[index] ? SUPPRESSED_NODE.id : nodeId(middle, row.targetKey);
        if (mask.suppressed[index]) addNode(SUPPRESSED_NODE);
        else addNode({ id: target, label: middle === 'sector' ? row.targetKey.toUpperCase() : (labels.get(row.targetKey)?.name ?? row.targetKey), kind: middle });
        addLink(source, target, counts.n);
        middleOutcomes.set(target, addCounts(middleOutcomes.get(target) ?? emptyCounts(), counts));
      });
    }
    for (const [middleNode, counts] of middleOutcomes) {
      for (const outcome of OUTCOMES) {
        if (counts[outcome.key] > 0) addNode({ id: outcome.id, label: outcome.label, kind: 'outcome' });
        addLink(middleNode, outcome.id, counts[outcome.key]);
      }
    }
    return {
      region: region.code,
      cohort,
      definitionSet: toDefinitionReference(definition),
      nodes: [...nodes.values()],
      links: [...links.entries()].map(([key, value]): FlowLinkDto => {
        const [source, target] = key.split('\u0000') as [string, string];
        return { source, target, value };
      }),
    };
  }

  private async breakdownView(
    scope: ViewScope,
    region: RegionRef,
    institutionId: string,
    definitions: Definitions,
    breakdown: BreakdownColumn,
    query: { cohortFrom?: number; cohortTo?: number },
    withBenchmark: boolean,
  ): Promise<InsightsViewDto> {
    const institution = (await this.repository.institutionLabels([institutionId])).get(institutionId);
    const range = await this.repository.cohortRange(scope);
    const base: InsightsViewDto = {
      region: region.code,
      institution: { brin: institution?.brin ?? '', name: institution?.name ?? '' },
      breakdown,
      definitionSets: [],
      methodebreuken: [],
      cohorts: [],
    };
    if (!range) return base;
    const to = query.cohortTo ?? range.max;
    const from = query.cohortFrom ?? Math.max(range.min, to - DEFAULT_WINDOW + 1);
    if (from > to) throw new ProblemException(HttpStatus.BAD_REQUEST, 'invalid-request', 'Invalid request', 'cohortFrom is after cohortTo.', [{ parameter: 'cohortFrom', code: 'afterCohortTo', detail: 'cohortFrom must not be after cohortTo' }]);

    const rows = await this.repository.cells(scope, breakdown, from, to);
    const labelOf = await this.labeller(breakdown, rows.map((row) => row.key));
    const benchmarkRows = withBenchmark ? await this.repository.cells({ side: 'region', regionId: region.id }, 'diplomaType', from, to) : [];
    const benchmarkByCohort = this.groupByCohort(benchmarkRows);

    const cohorts: CohortFiguresDto[] = [...this.groupByCohort(rows).entries()].map(([cohort, cohortRows]) => {
      const definition = definitions.forCohort(cohortRows);
      const k = definition.suppressionK;
      const switchers = definition.switchersCountAsUitval;
      const published = this.publishList(cohortRows, k, switchers, labelOf);
      const entry: CohortFiguresDto = { cohort, definitionSet: toDefinitionReference(definition), total: published.total, rows: published.rows };
      if (withBenchmark) {
        const benchmark = this.publishList(benchmarkByCohort.get(cohort) ?? [], k, switchers, (key) => ({ key, label: key }));
        entry.benchmark = benchmark.rows;
        entry.benchmarkTotal = benchmark.total;
      }
      return entry;
    });
    return {
      ...base,
      definitionSets: definitions.references(rows.map((row) => row.definitionSetId)),
      methodebreuken: Definitions.breaks(rows),
      cohorts,
    };
  }

  /** One cohort's breakdown with its total, suppressed as one published list. */
  private publishList(rows: CellRow[], k: number, switchers: boolean, labelOf: Labeller): { rows: BreakdownRowDto[]; total: ReturnType<typeof toFigures> } {
    const counts = rows.map(countsOf);
    const mask = suppressList(counts.map((item) => item.n), k, { totalPublished: true });
    const total = counts.reduce(addCounts, emptyCounts());
    return {
      rows: rows.map((row, index) => ({ ...labelOf(row.key), ...toFigures(counts[index], mask.suppressed[index], switchers, k) })),
      total: toFigures(total, mask.totalSuppressed, switchers, k),
    };
  }

  /** Turns a summary key (institution id, code) into what the view shows. */
  private async labeller(breakdown: BreakdownColumn, keys: string[]): Promise<Labeller> {
    const unique = [...new Set(keys)];
    switch (breakdown) {
      case 'receiver':
      case 'supplier': {
        const labels = await this.repository.institutionLabels(unique);
        return (key) => {
          const label = labels.get(key);
          return label ? { key: label.brin, label: label.name } : { key, label: key };
        };
      }
      case 'programme': {
        const labels = await this.repository.programmeLabels(unique);
        return (key) => ({ key, label: labels.get(key) ?? key });
      }
      case 'sector':
        return (key) => ({ key, label: key.toUpperCase() });
      case 'vestiging':
        return (key) => (key === '' ? { key: '', label: 'Geen vestiging opgegeven' } : { key, label: key });
      case 'diplomaType':
        return (key) => ({ key, label: key });
    }
  }

  private async doorstroom(region: RegionRef, institutionId: string, from: number, to: number, definitions: Definitions): Promise<DoorstroomDto[]> {
    const rows = await this.repository.leavers(region.id, institutionId, from, to);
    const k = definitions.of(undefined).suppressionK;
    return rows.map((row) => {
      const suppressed = row.nLeavers > 0 && row.nLeavers < k;
      return {
        schoolYear: row.schoolYear,
        leavers: suppressed ? null : row.nLeavers,
        continued: suppressed ? null : row.nContinued,
        rate: suppressed || row.nLeavers === 0 ? null : Math.round((row.nContinued / row.nLeavers) * 10_000) / 10_000,
        suppressed,
      };
    });
  }

  private groupByCohort<T extends { cohort: number }>(rows: T[]): Map<number, T[]> {
    const grouped = new Map<number, T[]>();
    for (const row of rows) grouped.set(Number(row.cohort), [...(grouped.get(Number(row.cohort)) ?? []), row]);
    return new Map([...grouped.entries()].sort((a, b) => a[0] - b[0]));
  }

  private async loadDefinitions(regionId: string): Promise<Definitions> {
    const all = await this.definitions.listForRegion(regionId);
    const active = all.filter((definition) => definition.effectiveFromCohort !== null).sort((a, b) => b.effectiveFromCohort! - a.effectiveFromCohort!);
    const fallback = active[0] ?? all[all.length - 1];
    if (!fallback) throw new Error(`region ${regionId} has no definition set`);
    return new Definitions(new Map(all.map((definition) => [definition.id, definition])), fallback);
  }
}
