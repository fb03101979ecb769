import { AlertScope } from 'src/access/tenancy';
import { AlertView } from 'src/alerts/alert-rows';
import { CellRef } from 'src/alerts/detection/model';
import { CellSpec } from 'src/outcomes/disclosure/cells';
import { RegionDisclosure } from 'src/outcomes/disclosure/disclosure.service';

/**
 * What an alert may publish to one reader, from the same pattern as every view
 * (docs/disclosure-control.md, "Alerts"):
 * - a cohort's figures of the alert's cell only where the refresh published that cell; a
 *   baseline only when every cohort it pools is published (else the pooled n minus the published
 *   cohorts gives the withheld one away);
 * - to an institution, nothing of a metric that counts switch (external) or uitval: those come
 *   from other institutions' records and would move with a record it adds. It sees that the
 *   alert exists, its direction and n, not the counts.
 */
export interface AlertVisibility {
  isPublished(cohort: number): boolean;
  /** Counts of the alert's metric are withheld from this reader in every cohort. */
  metricWithheld: boolean;
}

/** The cell of the disclosure engine an alert cell is. */
export function cellSpecOf(cell: CellRef): CellSpec {
  switch (cell.kind) {
    case 'supplier_receiver':
      return { supplier: cell.supplierId!, receiver: cell.receiverId! };
    case 'supplier_sector':
      return { supplier: cell.supplierId!, sector: cell.sector! };
    case 'receiver':
      return { receiver: cell.receiverId! };
    case 'region':
      return {};
  }
}

export const cellOfView = (view: Pick<AlertView, 'cellKind' | 'supplierInstitutionId' | 'receiverInstitutionId' | 'sector'>): CellRef => ({
  kind: view.cellKind,
  supplierId: view.supplierInstitutionId,
  receiverId: view.receiverInstitutionId,
  sector: view.sector,
});

/** Whether the metric counts switch (external) or uitval, which pool other institutions' records. */
const isPooledMetric = (view: Pick<AlertView, 'metric' | 'parameters'>): boolean =>
  view.metric === 'switch' || (view.metric === 'uitval' && view.parameters.switchersCountAsUitval !== true);

export function alertVisibility(view: AlertView, disclosure: RegionDisclosure, scope: AlertScope): AlertVisibility {
  const spec = cellSpecOf(cellOfView(view));
  // Any institution can add a record that moves the split of any cell (its own enrolment's
  // outcome, or another institution's uitval into switch); only coordinators read these counts.
  return {
    isPublished: (cohort) => disclosure.isPublished(cohort, spec),
    metricWithheld: scope.kind === 'institution' && isPooledMetric(view),
  };
}
