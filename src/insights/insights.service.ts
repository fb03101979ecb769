import { HttpStatus, Injectable } from '@nestjs/common';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { RegionRef } from 'src/access/tenancy';
import { ProblemException } from 'src/common/problem';
import {
  AlumniQueryDto,
  CohortFiguresDto,
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
import { BreakdownColumn, CellRow, InsightsRepository, InstitutionLabel, InstitutionScope, ViewScope } from 'src/insights/insights.repository';
import { ViewCache } from 'src/insights/view-cache';
import { ViewReferences } from 'src/insights/view-references';
import { CellSpec } from 'src/outcomes/disclosure/cells';
import { CohortCell, DisclosureService } from 'src/outcomes/disclosure/disclosure.service';
import { addCounts, Counts, countsFromRow, emptyCounts, Protection, toFigures } from 'src/outcomes/figures';
import { DefinitionsRepository } from 'src/outcomes/definitions.repository';
import { toDefinitionReference } from 'src/outcomes/definitions.service';
import { DEFAULT_WINDOW, DIMENSION_OF, Definitions, doorstroomFigures, groupByCohort, LEFT_OUTCOME, LEVEL_LABELS, Labeller, OUTCOMES, ProtectedCounts, SUPPRESSED_NODE, splitFor } from 'src/insights/view-parts';

@Injectable()
export class InsightsService {
  constructor(
    private readonly repository: InsightsRepository,
    private readonly access: AccessService,
    private readonly definitions: DefinitionsRepository,
    private readonly cache: ViewCache,
    private readonly disclosure: DisclosureService,
    private readonly viewReferences: ViewReferences,
  ) {}

  /** A supplying school's alumni per cohort, broken down, next to the regional benchmark. */
  alumni(auth: Principal, query: AlumniQueryDto): Promise<InsightsViewDto> {
    return this.cache.remember('alumni', auth, query, async () => {
      const { region, institutionId } = await this.access.institutionView(auth, query.region);
      const breakdown = query.breakdown ?? 'receiver';
      const scope: ViewScope = { side: 'supplier', regionId: region.id, institutionId };
      const definitions = await this.loadDefinitions(region.id);
      return { value: await this.breakdownView(scope, region, institutionId, definitions, breakdown, query, true), regionId: region.id };
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
    // One read: the range and the trend over every cohort, the matrix of the chosen cohort.
    const { sectors, matrix, labels } = await this.repository.regionRows(region.id, query.cohort ?? null);
    const range = sectors.length > 0 ? { min: sectors[0].cohort, max: sectors[sectors.length - 1].cohort } : null;
    const cohort = query.cohort ?? range?.max ?? null;
    const empty: RegionReportDto = {
      region: region.code,
      name: region.name,
      cohort,
      definitionSet: null,
      suppressionK: null,
      suppliers: [],
      receivers: [],
      cells: [],
      supplierTotals: [],
      receiverTotals: [],
      total: toFigures(emptyCounts(), 'published', false, 10),
      trend: [],
      methodebreuken: [],
      definitionSets: [],
      references: [],
    };
    if (!range || cohort === null) return empty;

    // The trend: region totals per cohort.
    const trendFrom = query.cohortFrom ?? range.min;
    const trendTo = query.cohortTo ?? range.max;
    const perCohort = sectors.filter((row) => row.cohort >= trendFrom && row.cohort <= trendTo);
    const trendByCohort = groupByCohort(perCohort);

    // The matrix of the chosen cohort, as the refresh protected it together with every linked table.
    const rows = matrix;
    const cohortRows = sectors.filter((row) => row.cohort === cohort);
    const cohortDefinition = definitions.forCohort(cohortRows);
    const supplierIds = [...new Set(rows.map((row) => row.supplierId))].sort();
    const receiverIds = [...new Set(rows.map((row) => row.receiverId))].sort();
    const brinOf = (id: string): string => labels.get(id)?.brin ?? id;
    supplierIds.sort((a, b) => brinOf(a).localeCompare(brinOf(b)));
    receiverIds.sort((a, b) => brinOf(a).localeCompare(brinOf(b)));
    const supplierIndex = new Map(supplierIds.map((id, i) => [id, i]));
    const receiverIndex = new Map(receiverIds.map((id, j) => [id, j]));
    const grid = supplierIds.map(() => receiverIds.map(() => emptyCounts()));
    for (const row of rows) grid[supplierIndex.get(row.supplierId)!][receiverIndex.get(row.receiverId)!] = countsFromRow(row);

    // The withheld cells among those shown: the region total of each trend cohort, the matrix and its margins.
    const shown: CohortCell[] = [...trendByCohort.keys()].map((year) => ({ cohort: year, spec: {} }));
    shown.push({ cohort, spec: {} }, ...supplierIds.map((id) => ({ cohort, spec: { supplier: id } })), ...receiverIds.map((id) => ({ cohort, spec: { receiver: id } })));
    grid.forEach((line, i) => line.forEach((counts, j) => counts.n > 0 && shown.push({ cohort, spec: { supplier: supplierIds[i], receiver: receiverIds[j] } })));
    const disclosure = await this.disclosure.forCells(region.id, shown);

    const trend: TrendPointDto[] = [...trendByCohort.entries()].map(([year, yearRows]) => {
      const definition = definitions.forCohort(yearRows);
      const counts = yearRows.reduce((sum, row) => addCounts(sum, countsFromRow(row)), emptyCounts());
      const protection: Protection = disclosure.isPublished(year, {}) ? 'published' : 'suppressed';
      return { cohort: year, definitionSet: toDefinitionReference(definition), ...toFigures(counts, protection, definition.switchersCountAsUitval, definition.suppressionK) };
    });
    const k = cohortDefinition.suppressionK;
    const switchers = cohortDefinition.switchersCountAsUitval;
    const figures = (counts: Counts, spec: CellSpec) => toFigures(counts, disclosure.isPublished(cohort, spec) ? 'published' : 'suppressed', switchers, k);

    const cells: MatrixCellDto[] = [];
    grid.forEach((line, i) =>
      line.forEach((counts, j) => {
        if (counts.n === 0) return;
        cells.push({ supplier: brinOf(supplierIds[i]), receiver: brinOf(receiverIds[j]), ...figures(counts, { supplier: supplierIds[i], receiver: receiverIds[j] }) });
      }),
    );
    const supplierTotals: MatrixTotalDto[] = supplierIds.map((id, i) => ({
      key: brinOf(id),
      label: labels.get(id)?.name ?? id,
      ...figures(grid[i].reduce(addCounts, emptyCounts()), { supplier: id }),
    }));
    const receiverTotals: MatrixTotalDto[] = receiverIds.map((id, j) => ({
      key: brinOf(id),
      label: labels.get(id)?.name ?? id,
      ...figures(grid.reduce((sum, line) => addCounts(sum, line[j]), emptyCounts()), { receiver: id }),
    }));
    return {
      region: region.code,
      name: region.name,
      cohort,
      definitionSet: toDefinitionReference(cohortDefinition),
      suppressionK: k,
      suppliers: supplierIds.map((id) => ({ brin: brinOf(id), name: labels.get(id)?.name ?? id })),
      receivers: receiverIds.map((id) => ({ brin: brinOf(id), name: labels.get(id)?.name ?? id })),
      cells,
      supplierTotals,
      receiverTotals,
      total: figures(grid.flat().reduce(addCounts, emptyCounts()), {}),
      trend,
      methodebreuken: Definitions.breaks(perCohort),
      definitionSets: definitions.references(perCohort.map((row) => row.definitionSetId)),
      references: await this.viewReferences.forScope(trendFrom, trendTo, perCohort.map((row) => definitions.of(row.definitionSetId)), { sectorRows: perCohort, priorRows: [] }),
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
    const middle: BreakdownColumn = query.via === 'sector' ? 'sector' : 'receiver';
    // The chosen cohort, or the scope's last, in the same statement as its rows.
    const read = await this.repository.flows(scope, 'supplier', middle, query.cohort ?? null, scope.side === 'region' ? 'none' : 'all');
    const { cohort, rows } = read;
    if (cohort === null) return { region: region.code, cohort, definitionSet: null, nodes: [], links: [] };

    const definition = definitions.forCohort(read.definitionRows);
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
    // The cells of a link and of a source node, as the refresh protected them.
    const linkCell = (sourceKey: string, targetKey: string): CellSpec =>
      scope.side === 'receiver'
        ? { supplier: sourceKey, receiver: scope.institutionId, ...(middle === 'sector' ? { sector: targetKey } : {}) }
        : { supplier: sourceKey, [DIMENSION_OF[middle]]: targetKey };
    const sourceCell = (sourceKey: string): CellSpec => (scope.side === 'receiver' ? { supplier: sourceKey, receiver: scope.institutionId } : { supplier: sourceKey });
    const disclosure = await this.disclosure.forCells(region.id, rows.flatMap((row) => [{ cohort, spec: sourceCell(row.sourceKey) }, { cohort, spec: linkCell(row.sourceKey, row.targetKey) }]));

    // Withheld links of a source go into one "suppressed" node; a withheld source is left out.
    const middleOutcomes = new Map<string, ProtectedCounts[]>();
    const bySource = new Map<string, typeof rows>();
    for (const row of rows) {
      const sourceRows = bySource.get(row.sourceKey);
      if (sourceRows) sourceRows.push(row);
      else bySource.set(row.sourceKey, [row]);
    }
    for (const [sourceKey, sourceRows] of bySource) {
      if (!disclosure.isPublished(cohort, sourceCell(sourceKey))) continue;
      const source = nodeId('supplier', sourceKey);
      addNode({ id: source, label: labels.get(sourceKey)?.name ?? sourceKey, kind: 'supplier' });
      for (const row of sourceRows) {
        const published = disclosure.isPublished(cohort, linkCell(sourceKey, row.targetKey));
        const target = published ? nodeId(middle, row.targetKey) : SUPPRESSED_NODE.id;
        if (published) addNode({ id: target, label: middle === 'sector' ? row.targetKey.toUpperCase() : (labels.get(row.targetKey)?.name ?? row.targetKey), kind: middle });
        else addNode(SUPPRESSED_NODE);
        const counts = countsFromRow(row);
        addLink(source, target, counts.n);
        // An institution's link is a whole supplier × receiver cell only via receiver (via sector: a piece of one).
        const whole = middle === 'receiver';
        const parts = middleOutcomes.get(target);
        if (parts) parts.push(splitFor(counts, row.own, whole));
        else middleOutcomes.set(target, [splitFor(counts, row.own, whole)]);
      }
    }
    for (const [middleNode, parts] of middleOutcomes) {
      for (const part of parts) {
        for (const outcome of OUTCOMES) {
          const merged = part.protection === 'split-withheld' && (outcome.key === 'nSwitchExternal' || outcome.key === 'nUitval');
          const target = merged ? LEFT_OUTCOME : outcome;
          const value = part.counts[outcome.key];
          if (value > 0) addNode({ id: target.id, label: target.label, kind: 'outcome' });
          addLink(middleNode, target.id, value);
        }
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
    scope: InstitutionScope,
    region: RegionRef,
    institutionId: string,
    definitions: Definitions,
    breakdown: BreakdownColumn,
    query: { cohortFrom?: number; cohortTo?: number },
    withBenchmark: boolean,
  ): Promise<InsightsViewDto> {
    // One read of every cohort of the scope: the range, the rows, the keys of the reference
    // series and (alumni) the benchmark, which leaves the reader's own intake out: its split
    // between switch and uitval carries noise, as a record of the reader's own can turn another
    // institution's uitval into a switch (docs/disclosure-control.md, attack 5). Read in this one
    // family only, by prior diploma type.
    const read = await this.repository.scopeRows(scope, breakdown, 'all', withBenchmark ? { benchmarkWithout: institutionId, withLeavers: true } : {});
    const range = read.cells.length > 0 ? { min: read.cells[0].cohort, max: read.cells[read.cells.length - 1].cohort } : null;
    const to = range ? (query.cohortTo ?? range.max) : 0;
    const from = range ? (query.cohortFrom ?? Math.max(range.min, to - DEFAULT_WINDOW + 1)) : 0;
    if (range && from > to) throw new ProblemException(HttpStatus.BAD_REQUEST, 'invalid-request', 'Invalid request', 'cohortFrom is after cohortTo.', [{ parameter: 'cohortFrom', code: 'afterCohortTo', detail: 'cohortFrom must not be after cohortTo' }]);
    const inWindow = <T extends { cohort: number }>(rows: T[]): T[] => rows.filter((row) => row.cohort >= from && row.cohort <= to);
    const rows = inWindow(read.cells);
    const { institution, labelOf } = await this.labeller(breakdown, institutionId, rows.map((row) => row.key), read.labels);
    const base: InsightsViewDto = {
      region: region.code,
      institution: { brin: institution?.brin ?? '', name: institution?.name ?? '' },
      breakdown,
      definitionSets: [],
      methodebreuken: [],
      cohorts: [],
      references: [],
      levelReferences: [],
    };
    if (!range) return base;

    const byCohort = groupByCohort(rows);
    const benchmarkByCohort = groupByCohort(inWindow(read.benchmark));
    const tenant: CellSpec = scope.side === 'supplier' ? { supplier: institutionId } : { receiver: institutionId };
    // Each row's cell, made once: the disclosure pattern is read for it and then asked about it.
    const cellOf = new Map(rows.map((row): [CellRow, CellSpec] => [row, { ...tenant, [DIMENSION_OF[breakdown]]: row.key }]));
    const rowCell = (row: CellRow): CellSpec => cellOf.get(row)!;
    const shown: CohortCell[] = [];
    for (const [cohort, cohortRows] of byCohort) {
      shown.push({ cohort, spec: tenant }, ...cohortRows.map((row) => ({ cohort, spec: rowCell(row) })));
      if (withBenchmark) shown.push({ cohort, spec: {} }, ...(benchmarkByCohort.get(cohort) ?? []).map((row) => ({ cohort, spec: { prior: row.key } })));
    }
    const disclosure = await this.disclosure.forCells(region.id, shown);
    // Every row is the reader's own part; it is one whole supplier × receiver cell in the alumni
    // by receiver and in the intake by supplier, and only there is the split published (with noise).
    const ownIsWholeRow = (): boolean => (scope.side === 'supplier' ? breakdown === 'receiver' : breakdown === 'supplier');

    const cohorts: CohortFiguresDto[] = [...byCohort.entries()].map(([cohort, cohortRows]) => {
      const definition = definitions.forCohort(cohortRows);
      const k = definition.suppressionK;
      const switchers = definition.switchersCountAsUitval;
      const shownCounts = cohortRows.map((row) => splitFor(countsFromRow(row), row.own, ownIsWholeRow()));
      const published = (spec: CellSpec, protection: Protection): Protection => (disclosure.isPublished(cohort, spec) ? protection : 'suppressed');
      const total = this.totalFor(scope, breakdown, cohortRows, shownCounts);
      const entry: CohortFiguresDto = {
        cohort,
        definitionSet: toDefinitionReference(definition),
        suppressionK: k,
        total: toFigures(total.counts, published(tenant, total.protection), switchers, k),
        rows: cohortRows.map((row, index) => {
          // Named, not spread: a second spread into one literal costs V8 about ten times the first.
          const { key, label } = labelOf(row.key);
          return { key, label, ...toFigures(shownCounts[index].counts, published(rowCell(row), shownCounts[index].protection), switchers, k) };
        }),
      };
      if (withBenchmark) {
        const benchmark = benchmarkByCohort.get(cohort) ?? [];
        const benchmarkShown = benchmark.map((row) => splitFor(countsFromRow(row), row.own, true));
        entry.benchmark = benchmark.map((row, index) => ({ key: row.key, label: row.key, ...toFigures(benchmarkShown[index].counts, published({ prior: row.key }, benchmarkShown[index].protection), switchers, k) }));
        // The sum of the perturbed rows: it adds up, and draws no noise of its own.
        const benchmarkTotal = benchmarkShown.map((part) => part.counts).reduce(addCounts, emptyCounts());
        entry.benchmarkTotal = toFigures(benchmarkTotal, published({}, benchmark.length > 0 ? 'perturbed' : 'published'), switchers, k);
      }
      return entry;
    });
    const rowDefinitions = rows.map((row) => definitions.of(row.definitionSetId));
    // The alumni's leavers: the school years from the one before the first cohort shown to the last.
    const shownFrom = cohorts.length > 0 ? cohorts[0].cohort - 1 : 0;
    const shownTo = cohorts.length > 0 ? cohorts[cohorts.length - 1].cohort : 0;
    const doorstroom =
      withBenchmark && cohorts.length > 0
        ? { doorstroom: read.leavers.filter((row) => row.schoolYear >= shownFrom && row.schoolYear <= shownTo).map((row) => doorstroomFigures(row, definitions.of(undefined).suppressionK)) }
        : {};
    return {
      ...base,
      definitionSets: definitions.references(rows.map((row) => row.definitionSetId)),
      methodebreuken: Definitions.breaks(rows),
      cohorts,
      references: await this.viewReferences.forScope(from, to, rowDefinitions, { sectorRows: inWindow(read.sectors), priorRows: inWindow(read.priorTypes) }),
      levelReferences: breakdown === 'level' ? await this.viewReferences.forLevels(scope, from, to, rowDefinitions) : [],
      ...doorstroom,
    };
  }

  /**
   * A view's total with its split as the reader may see it: where the rows are whole supplier ×
   * receiver cells (alumni by receiver, intake by supplier), the sum of the perturbed rows, so
   * that it adds up and draws no noise of its own; otherwise `left` only.
   */
  private totalFor(scope: InstitutionScope, breakdown: BreakdownColumn, rows: CellRow[], shown: ProtectedCounts[]): ProtectedCounts {
    const wholeRows = scope.side === 'supplier' ? breakdown === 'receiver' : breakdown === 'supplier';
    if (wholeRows) return { counts: shown.map((part) => part.counts).reduce(addCounts, emptyCounts()), protection: 'perturbed' };
    return { counts: rows.map(countsFromRow).reduce(addCounts, emptyCounts()), protection: 'split-withheld' };
  }

  /** The reader's own name, and what the view shows for a summary key (institution id, code); institutions come with the rows. */
  private async labeller(
    breakdown: BreakdownColumn,
    institutionId: string,
    keys: string[],
    labels: ReadonlyMap<string, InstitutionLabel>,
  ): Promise<{ institution: InstitutionLabel | undefined; labelOf: Labeller }> {
    const institution = labels.get(institutionId);
    switch (breakdown) {
      case 'receiver':
      case 'supplier':
        return {
          institution,
          labelOf: (key) => {
            const label = labels.get(key);
            return label ? { key: label.brin, label: label.name } : { key, label: key };
          },
        };
      case 'programme': {
        const names = await this.repository.programmeLabels([...new Set(keys)]);
        return { institution, labelOf: (key) => ({ key, label: names.get(key) ?? key }) };
      }
      case 'sector':
        return { institution, labelOf: (key) => ({ key, label: key.toUpperCase() }) };
      case 'vestiging':
        return { institution, labelOf: (key) => (key === '' ? { key: '', label: 'Geen vestiging opgegeven' } : { key, label: key }) };
      case 'diplomaType':
        return { institution, labelOf: (key) => ({ key, label: key }) };
      case 'level':
        return { institution, labelOf: (key) => ({ key, label: LEVEL_LABELS[key] ?? key }) };
    }
  }

  private async loadDefinitions(regionId: string): Promise<Definitions> {
    const all = await this.definitions.listForRegion(regionId);
    const active = all.filter((definition) => definition.effectiveFromCohort !== null).sort((a, b) => b.effectiveFromCohort! - a.effectiveFromCohort!);
    const fallback = active[0] ?? all[all.length - 1];
    if (!fallback) throw new Error(`region ${regionId} has no definition set`);
    return new Definitions(new Map(all.map((definition) => [definition.id, definition])), fallback);
  }
}
