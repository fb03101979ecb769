import { Injectable } from '@nestjs/common';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { problem } from 'src/common/problems';
import { ReasonCellDto, ReasonCohortDto, ReasonsDto, ReasonsQueryDto } from 'src/insights/dto/reasons.dto';
import { InsightsRepository } from 'src/insights/insights.repository';
import { ReasonRow, ReasonScope, ReasonViewsRepository } from 'src/insights/reason-views.repository';
import { ViewCache } from 'src/insights/view-cache';
import { DEFAULT_WINDOW } from 'src/insights/view-parts';
import { addKeys } from 'src/outcomes/disclosure/cell-key';
import { DisclosureService } from 'src/outcomes/disclosure/disclosure.service';
import { Reader, readsReasons } from 'src/outcomes/disclosure/readers';
import { protectReasons } from 'src/outcomes/disclosure/reasons';
import { DefinitionsRepository } from 'src/outcomes/definitions.repository';
import { toDefinitionReference } from 'src/outcomes/definitions.service';
import { ExitReason } from 'src/records/codes';

/** The reasons' names in the web report and the CSV (the causes named in the seed documents). */
export const REASON_LABELS: Record<ExitReason, string> = {
  study_choice: 'Studiekeuze (oriëntatie, verwachtingen)',
  study_skills: 'Studievaardigheden',
  not_landed: 'Niet geland (geen binding, geen zachte landing)',
  content_gap: 'Inhoudelijke hiaten tussen de scholen',
  personal: 'Persoonlijke omstandigheden',
  other: 'Anders',
  unknown: 'Onbekend',
};

/**
 * Reasons for leaving (issue 14): the leavers of each supplier × receiver cell by the reason from
 * the exit interview, per cohort: for the coordinator every cell of the region (exact), for a
 * supplying school its alumni by receiver, for a receiving institution its intake by supplier
 * (with cell-key noise). Shown beside the views that show the leavers of those cells; what is
 * withheld: outcomes/disclosure/reasons.ts.
 */
@Injectable()
export class ReasonsService {
  constructor(
    private readonly repository: ReasonViewsRepository,
    private readonly insights: InsightsRepository,
    private readonly access: AccessService,
    private readonly definitions: DefinitionsRepository,
    private readonly cache: ViewCache,
    private readonly disclosure: DisclosureService,
  ) {}

  reasons(auth: Principal, query: ReasonsQueryDto): Promise<ReasonsDto> {
    return this.cache.remember('reasons', auth, query, async () => {
      const tenant = await this.access.viewTenant(auth, query.region);
      const regionId = tenant.region.id;
      const institutionId = tenant.kind === 'region' ? null : tenant.institutionId;
      const side = institutionId === null ? 'region' : query.perspective === 'intake' ? 'receiver' : 'supplier';
      const scope: ReasonScope = institutionId === null ? { regionId } : side === 'receiver' ? { regionId, receiverId: institutionId } : { regionId, supplierId: institutionId };
      const reader: Reader = institutionId === null ? { kind: 'coordinator' } : { kind: 'institution', institutionId };
      const institution = institutionId === null ? null : ((await this.insights.institutionLabels([institutionId])).get(institutionId)?.brin ?? null);
      const base: ReasonsDto = { region: tenant.region.code, scope: side, institution, cohorts: [] };
      const range = await this.insights.cohortRange(institutionId === null ? { side: 'region', regionId } : { side: side as 'supplier' | 'receiver', regionId, institutionId });
      if (!range) return { value: base, regionId };
      const to = query.cohortTo ?? range.max;
      const from = query.cohortFrom ?? Math.max(range.min, to - DEFAULT_WINDOW + 1);
      if (from > to) throw problem('invalid-request', 'cohortFrom is after cohortTo.', [{ parameter: 'cohortFrom', code: 'afterCohortTo', detail: 'cohortFrom must not be after cohortTo' }]);
      const rows = await this.repository.reasons(scope, from, to);
      const disclosure = await this.disclosure.forRegion(regionId, from, to);
      const definitions = new Map((await this.definitions.listForRegion(regionId)).map((definition) => [definition.id, definition]));
      const labels = await this.insights.institutionLabels([...new Set(rows.flatMap((row) => [row.supplierId, row.receiverId]))]);
      const brinOf = (id: string): string => labels.get(id)?.brin ?? id;
      const cells = new Map<string, ReasonRow[]>();
      for (const row of rows) {
        const key = `${row.cohort}|${row.supplierId}|${row.receiverId}`;
        cells.set(key, [...(cells.get(key) ?? []), row]);
      }
      const cohorts = new Map<number, ReasonCohortDto>();
      for (const cellRows of cells.values()) {
        const { cohort, supplierId, receiverId, definitionSetId } = cellRows[0];
        const definition = definitions.get(definitionSetId);
        const how = readsReasons(reader, { supplier: supplierId, receiver: receiverId });
        if (!definition || how === 'none') continue;
        const counts = new Map(cellRows.flatMap((row) => (row.reason === null ? [] : [[row.reason, row.n] as [string, number]])));
        const key = cellRows.reduce((sum, row) => addKeys(sum, row.key), 0);
        const shown = protectReasons(counts, key, definition.suppressionK, disclosure.isPublished(cohort, { supplier: supplierId, receiver: receiverId }), how === 'perturbed');
        const cell: ReasonCellDto = {
          supplier: brinOf(supplierId),
          supplierName: labels.get(supplierId)?.name ?? supplierId,
          receiver: brinOf(receiverId),
          receiverName: labels.get(receiverId)?.name ?? receiverId,
          leavers: shown.leavers,
          protection: shown.protection,
          reasons: shown.reasons.map((reason) => ({ ...reason, label: REASON_LABELS[reason.reason] })),
        };
        const entry = cohorts.get(cohort) ?? { cohort, definitionSet: toDefinitionReference(definition), suppressionK: definition.suppressionK, cells: [] };
        entry.cells.push(cell);
        cohorts.set(cohort, entry);
      }
      const ordered = [...cohorts.values()].sort((a, b) => a.cohort - b.cohort);
      for (const entry of ordered) entry.cells.sort((a, b) => a.supplier.localeCompare(b.supplier) || a.receiver.localeCompare(b.receiver));
      return { value: { ...base, cohorts: ordered }, regionId };
    });
  }
}
