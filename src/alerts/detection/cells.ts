import { CellRef, cellKey, CellSeries, CohortDefinition, RegionSeries } from 'src/alerts/detection/model';
import { addCounts, Counts } from 'src/outcomes/figures';

/** Summary counts of one cohort × supplier × receiver × sector (summed over the finer columns). */
export interface FlowRow {
  cohort: number;
  supplierId: string;
  receiverId: string;
  sector: string;
  definitionSetId: string;
  counts: Counts;
}

/** The cells of a flow row: supplier × receiver, supplier × sector, receiver total, region total. */
export const cellsOfFlow = (row: Pick<FlowRow, 'supplierId' | 'receiverId' | 'sector'>): CellRef[] => [
  { kind: 'supplier_receiver', supplierId: row.supplierId, receiverId: row.receiverId, sector: null },
  { kind: 'supplier_sector', supplierId: row.supplierId, receiverId: null, sector: row.sector },
  { kind: 'receiver', supplierId: null, receiverId: row.receiverId, sector: null },
  { kind: 'region', supplierId: null, receiverId: null, sector: null },
];

/** Whether a flow row counts towards a cell. */
export const flowInCell = (row: Pick<FlowRow, 'supplierId' | 'receiverId' | 'sector'>, cell: CellRef): boolean => {
  switch (cell.kind) {
    case 'supplier_receiver':
      return row.supplierId === cell.supplierId && row.receiverId === cell.receiverId;
    case 'supplier_sector':
      return row.supplierId === cell.supplierId && row.sector === cell.sector;
    case 'receiver':
      return row.receiverId === cell.receiverId;
    case 'region':
      return true;
  }
};

/**
 * Builds the per-cell time series of a region from its summary rows. Every cohort of a region is
 * computed with one definition set; should rows of one cohort disagree, the most frequent wins
 * and the disagreement is reported.
 */
export function buildRegionSeries(rows: readonly FlowRow[]): RegionSeries & { inconsistentCohorts: number[] } {
  const cells = new Map<string, { cell: CellRef; byCohort: Map<number, Counts>; flows: Map<number, string[]> }>();
  const definitionVotes = new Map<number, Map<string, number>>();
  for (const row of rows) {
    const votes = definitionVotes.get(row.cohort) ?? new Map<string, number>();
    votes.set(row.definitionSetId, (votes.get(row.definitionSetId) ?? 0) + 1);
    definitionVotes.set(row.cohort, votes);
    for (const cell of cellsOfFlow(row)) {
      const key = cellKey(cell);
      let entry = cells.get(key);
      if (!entry) {
        entry = { cell, byCohort: new Map(), flows: new Map() };
        cells.set(key, entry);
      }
      const existing = entry.byCohort.get(row.cohort);
      entry.byCohort.set(row.cohort, existing ? addCounts(existing, row.counts) : { ...row.counts });
      if (row.counts.n > 0) {
        const flows = entry.flows.get(row.cohort) ?? [];
        flows.push(`${row.supplierId}|${row.receiverId}|${row.sector}`);
        entry.flows.set(row.cohort, flows);
      }
    }
  }
  const inconsistentCohorts: number[] = [];
  const cohorts: CohortDefinition[] = [...definitionVotes.entries()]
    .sort(([a], [b]) => a - b)
    .map(([cohort, votes]) => {
      if (votes.size > 1) inconsistentCohorts.push(cohort);
      const [definitionSetId] = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
      return { cohort, definitionSetId };
    });
  const series: CellSeries[] = [...cells.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, entry]) => ({
      cell: entry.cell,
      points: [...entry.byCohort.entries()].map(([cohort, counts]) => ({ cohort, counts })),
      flows: new Map([...entry.flows.entries()].map(([cohort, flows]) => [cohort, flows.sort()])),
    }));
  return { cohorts, cells: series, inconsistentCohorts };
}
