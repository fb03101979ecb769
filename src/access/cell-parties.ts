import { AlertScope } from 'src/access/tenancy';

/** A cell as the sharing rule needs it: its region, its kind and the institutions at its ends. */
export interface CellOfParties {
  regionId: string;
  cellKind: 'supplier_receiver' | 'supplier_sector' | 'receiver' | 'region';
  supplierInstitutionId: string | null;
  receiverInstitutionId: string | null;
}

/**
 * The sharing rule applied to cells: who are the parties of a cell. A region's coordinators, for
 * every cell of their region; an institution, in a region it belongs to now, for the cells where
 * it is the supplier (supplier × receiver, supplier × sector) or the receiver (supplier ×
 * receiver, receiver total). Region totals are the coordinators'. A signal's parties are those of
 * its cell, and so are a conversation's.
 */
export function cellVisibleTo(scope: AlertScope, cell: CellOfParties): boolean {
  switch (scope.kind) {
    case 'region':
      return cell.regionId === scope.regionId;
    case 'institution': {
      if (!scope.regionIds.includes(cell.regionId)) return false;
      const asSupplier = (cell.cellKind === 'supplier_receiver' || cell.cellKind === 'supplier_sector') && cell.supplierInstitutionId === scope.institutionId;
      const asReceiver = (cell.cellKind === 'supplier_receiver' || cell.cellKind === 'receiver') && cell.receiverInstitutionId === scope.institutionId;
      return asSupplier || asReceiver;
    }
  }
}
