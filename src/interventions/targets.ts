import { ProblemFieldError } from 'src/common/problem';
import { problem } from 'src/common/problems';
import { TargetDto } from 'src/interventions/dto/intervention.dto';
import type { InterventionTarget } from 'src/interventions/model';

/*
 * Turning a registration's parties and target (BRIN codes) into what is stored (institution ids),
 * with the rules of who may register what; and a stored target into the supplier × receiver
 * cells its effect is measured on. Pure: the caller looks the institutions up.
 */

export interface Institution {
  id: string;
  brin: string;
  name: string;
}

export interface TargetContext {
  /** Institutions by BRIN (those that exist). */
  byBrin: Map<string, Institution>;
  /** Current members of the region (ids). */
  memberIds: Set<string>;
  /** The institution registering; null for a coordinator (any cell of its region). */
  actingInstitutionId: string | null;
}

const invalid = (errors: ProblemFieldError[]) => problem('invalid-request', 'The intervention cannot be registered as given.', errors);

/** Parties as ids: members of the region, the acting institution among them. */
export function resolveParties(brins: string[], context: TargetContext, pointer = '#/parties'): string[] {
  const errors: ProblemFieldError[] = [];
  const ids = brins.map((brin, index) => {
    const institution = context.byBrin.get(brin);
    if (!institution || !context.memberIds.has(institution.id)) errors.push({ pointer: `${pointer}/${index}`, code: 'notInRegion', detail: `${brin} is not a member of the region` });
    return institution?.id ?? '';
  });
  if (context.actingInstitutionId && !ids.includes(context.actingInstitutionId)) {
    errors.push({ pointer, code: 'callerNotParty', detail: 'an institution registers interventions it is a party of: list yourself' });
  }
  if (errors.length > 0) throw invalid(errors);
  return ids;
}

/** The stored target: exactly one of cells, sector or programmes, every institution a member, and an institution only on cells it is an end of. */
export function resolveTarget(target: TargetDto, context: TargetContext, pointer = '#/target'): InterventionTarget {
  const kinds = [target.cells !== undefined, target.sector !== undefined, target.programmes !== undefined].filter(Boolean).length;
  if (kinds !== 1) throw invalid([{ pointer, code: 'oneTargetKind', detail: 'give exactly one of cells, sector or programmes' }]);
  const errors: ProblemFieldError[] = [];
  const member = (brin: string, at: string): string => {
    const institution = context.byBrin.get(brin);
    if (!institution || !context.memberIds.has(institution.id)) errors.push({ pointer: at, code: 'notInRegion', detail: `${brin} is not a member of the region` });
    return institution?.id ?? '';
  };
  if (target.cells) {
    const cells = target.cells.map((cell, index) => {
      const supplierId = member(cell.supplier, `${pointer}/cells/${index}/supplier`);
      const receiverId = member(cell.receiver, `${pointer}/cells/${index}/receiver`);
      const acting = context.actingInstitutionId;
      if (acting && supplierId && receiverId && acting !== supplierId && acting !== receiverId) {
        errors.push({ pointer: `${pointer}/cells/${index}`, code: 'notYourCell', detail: 'an institution registers interventions only on cells it supplies or receives' });
      }
      return { supplierId, receiverId };
    });
    if (errors.length > 0) throw invalid(errors);
    return { kind: 'cells', cells };
  }
  if (!target.suppliers) throw invalid([{ pointer: `${pointer}/suppliers`, code: 'required', detail: 'a sector or programme target names the supplying schools it reaches' }]);
  const supplierIds = target.suppliers.map((brin, index) => member(brin, `${pointer}/suppliers/${index}`));
  const acting = context.actingInstitutionId;
  if (acting && supplierIds.some((id) => id && id !== acting)) {
    errors.push({ pointer: `${pointer}/suppliers`, code: 'notYourCell', detail: 'an institution registers a sector or programme target for its own pupils only' });
  }
  if (errors.length > 0) throw invalid(errors);
  return target.sector ? { kind: 'sector', sector: target.sector, supplierIds } : { kind: 'programmes', programmes: target.programmes!, supplierIds };
}

export const pairKey = (supplierId: string, receiverId: string): string => `${supplierId}|${receiverId}`;

/**
 * The supplier × receiver cells a target covers, given which receivers teach which sectors and
 * programmes; and the sectors of those cells' receivers (for the comparison group).
 */
export function targetPairs(target: InterventionTarget, offerings: Array<{ receiverId: string; sector: string; programme: string }>): { pairs: Set<string>; sectors: Set<string> } {
  const sectorsOf = new Map<string, Set<string>>();
  for (const offering of offerings) sectorsOf.set(offering.receiverId, (sectorsOf.get(offering.receiverId) ?? new Set()).add(offering.sector));
  let pairs: Array<[string, string]>;
  if (target.kind === 'cells') pairs = target.cells.map((cell) => [cell.supplierId, cell.receiverId]);
  else {
    const receivers = new Set(offerings.filter((offering) => (target.kind === 'sector' ? offering.sector === target.sector : target.programmes.includes(offering.programme))).map((offering) => offering.receiverId));
    pairs = target.supplierIds.flatMap((supplierId) => [...receivers].map((receiverId): [string, string] => [supplierId, receiverId]));
  }
  const sectors = new Set<string>(target.kind === 'sector' ? [target.sector] : pairs.flatMap(([, receiverId]) => [...(sectorsOf.get(receiverId) ?? [])]));
  return { pairs: new Set(pairs.map(([supplierId, receiverId]) => pairKey(supplierId, receiverId))), sectors };
}

/** Every BRIN a registration names. */
export const brinsOf = (parties: string[] | undefined, target: TargetDto | undefined): string[] => [
  ...(parties ?? []),
  ...(target?.cells ?? []).flatMap((cell) => [cell.supplier, cell.receiver]),
  ...(target?.suppliers ?? []),
];
