import { CsvRow } from 'src/common/csv-export';
import { FiguresDto, FlowsDto, InsightsViewDto, RegionReportDto } from 'src/insights/dto/insights.dto';
import { ReferenceComparisonDto } from 'src/references/dto/reference.dto';
import { RoutesDto } from 'src/insights/dto/routes.dto';
import { ReasonsDto } from 'src/insights/dto/reasons.dto';

const figureColumns = (figures: FiguresDto): CsvRow => ({
  n: figures.n,
  suppressed: figures.suppressed,
  protection: figures.protection,
  direct: figures.direct,
  uitval: figures.uitval,
  switch_internal: figures.switchInternal,
  switch_external: figures.switchExternal,
  enrolled_year2: figures.enrolledYear2,
  diploma_year1: figures.diplomaYear1,
  rendement: figures.rendement,
  left: figures.left,
  reference_label: null,
  reference_rate: null,
});

const NO_FIGURES = { n: null, suppressed: false, protection: 'published', direct: null, uitval: null, switch_internal: null, switch_external: null, enrolled_year2: null, diploma_year1: null, rendement: null, left: null };

/**
 * The reference series of a cohort: part `reference:<metric>`, the series id as key, its label
 * (source, scope, synthetic; a level series names its level) also in `reference_label`, its published n and its rate in `reference_rate`. Published data,
 * not region records: protection `published`.
 */
const referenceRows = (references: ReferenceComparisonDto[], cohort: number | null, common: CsvRow, extra: CsvRow = {}): CsvRow[] =>
  references.flatMap((reference) =>
    reference.points
      .filter((point) => point.cohort === cohort)
      .map((point) => ({ ...common, part: `reference:${reference.metric}`, ...extra, key: reference.id, label: reference.label, ...NO_FIGURES, n: point.n, reference_label: reference.label, reference_rate: point.rate })),
  );

/** One row per cohort × breakdown key, plus the total and benchmark rows, each naming its definitions. */
export const viewToCsv = (view: InsightsViewDto): CsvRow[] =>
  view.cohorts.flatMap((cohort) => {
    const common = { region: view.region, cohort: cohort.cohort, definition_set: cohort.definitionSet.id, definition_version: cohort.definitionSet.version };
    return [
      ...cohort.rows.map((row) => ({ ...common, part: view.breakdown, key: row.key, label: row.label, ...figureColumns(row) })),
      { ...common, part: 'total', key: '', label: 'Totaal', ...figureColumns(cohort.total) },
      ...(cohort.benchmark ?? []).map((row) => ({ ...common, part: 'benchmark', key: row.key, label: row.label, ...figureColumns(row) })),
      ...(cohort.benchmarkTotal ? [{ ...common, part: 'benchmark-total', key: '', label: 'Regio', ...figureColumns(cohort.benchmarkTotal) }] : []),
      ...referenceRows([...(view.references ?? []), ...(view.levelReferences ?? [])], cohort.cohort, { ...common, definition_set: '', definition_version: '' }),
    ];
  });

export const reportToCsv = (report: RegionReportDto): CsvRow[] => {
  const common = { region: report.region, cohort: report.cohort, definition_set: report.definitionSet?.id ?? '', definition_version: report.definitionSet?.version ?? '' };
  return [
    ...report.cells.map((cell) => ({ ...common, part: 'cell', supplier: cell.supplier, receiver: cell.receiver, ...figureColumns(cell) })),
    ...report.supplierTotals.map((total) => ({ ...common, part: 'supplier-total', supplier: total.key, receiver: '', ...figureColumns(total) })),
    ...report.receiverTotals.map((total) => ({ ...common, part: 'receiver-total', supplier: '', receiver: total.key, ...figureColumns(total) })),
    { ...common, part: 'total', supplier: '', receiver: '', ...figureColumns(report.total) },
    ...report.trend.map((point) => ({
      region: report.region,
      cohort: point.cohort,
      definition_set: point.definitionSet.id,
      definition_version: point.definitionSet.version,
      part: 'trend',
      supplier: '',
      receiver: '',
      ...figureColumns(point),
    })),
    ...report.trend.flatMap((point) =>
      // The report's columns have no key or label: the series is named in reference_label.
      referenceRows(report.references ?? [], point.cohort, { region: report.region, cohort: point.cohort, definition_set: '', definition_version: '' }, { supplier: '', receiver: '' }).map(({ key: _key, label: _label, ...row }) => row),
    ),
  ];
};

export const flowsToCsv = (flows: FlowsDto): CsvRow[] => {
  const labels = new Map(flows.nodes.map((node) => [node.id, node.label]));
  return flows.links.map((link) => ({
    region: flows.region,
    cohort: flows.cohort,
    definition_set: flows.definitionSet?.id ?? '',
    definition_version: flows.definitionSet?.version ?? '',
    source: link.source,
    source_label: labels.get(link.source) ?? link.source,
    target: link.target,
    target_label: labels.get(link.target) ?? link.target,
    value: link.value,
  }));
};

/** One row per route cell: the cohort total, then per prior diploma type, first level and next step. */
export const routesToCsv = (routes: RoutesDto): CsvRow[] =>
  routes.cohorts.flatMap((cohort) =>
    [cohort.total, ...cohort.cells].map((cell) => ({
      region: routes.region,
      scope: routes.scope,
      institution: routes.institution ?? '',
      cohort: cohort.cohort,
      definition_set: cohort.definitionSet.id,
      definition_version: cohort.definitionSet.version,
      prior: cell.prior ?? '',
      first: cell.first ?? '',
      next: cell.next ?? '',
      label: cell.label,
      n: cell.n,
      share: cell.share,
      suppressed: cell.suppressed,
      protection: cell.protection,
    })),
  );

/** One row per cohort × supplier × receiver × reason, each naming its definitions and its protection. */
export const reasonsToCsv = (view: ReasonsDto): CsvRow[] =>
  view.cohorts.flatMap((cohort) =>
    cohort.cells.flatMap((cell) =>
      cell.reasons.map((reason) => ({
        region: view.region,
        scope: view.scope,
        institution: view.institution ?? '',
        cohort: cohort.cohort,
        definition_set: cohort.definitionSet.id,
        definition_version: cohort.definitionSet.version,
        supplier: cell.supplier,
        receiver: cell.receiver,
        leavers: cell.leavers,
        reason: reason.reason,
        label: reason.label,
        n: reason.n,
        suppressed: reason.n === null,
        protection: reason.protection,
      })),
    ),
  );
