import { Injectable } from '@nestjs/common';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { InterventionScope } from 'src/access/tenancy';
import { notFound } from 'src/common/problem';
import { problem } from 'src/common/problems';
import { EffectDto } from 'src/interventions/dto/effect.dto';
import { CreateInterventionDto, InterventionDetailDto, InterventionDto, InterventionListDto, InterventionListQueryDto, UpdateInterventionDto } from 'src/interventions/dto/intervention.dto';
import { computeEffect, ReadableCell } from 'src/interventions/effect';
import { InterventionChanges, InterventionRow, InterventionsRepository } from 'src/interventions/interventions.repository';
import { brinsOf, Institution, pairKey, resolveParties, resolveTarget, TargetContext, targetPairs } from 'src/interventions/targets';
import { DefinitionsRepository } from 'src/outcomes/definitions.repository';
import { DisclosureService } from 'src/outcomes/disclosure/disclosure.service';
import { perturbOwnSplit } from 'src/outcomes/disclosure/pooled-split';
import { countsFromRow } from 'src/outcomes/figures';

const today = (): string => new Date().toISOString().slice(0, 10);

/**
 * Interventions (step 3 of the kwaliteitscyclus): registered by a region's parties and
 * coordinators, seen by exactly its parties and the region's coordinators, and their effect
 * computed on every read from the latest summaries, from the figures the reader can already read
 * (docs/interventions.md).
 */
@Injectable()
export class InterventionsService {
  constructor(
    private readonly repository: InterventionsRepository,
    private readonly access: AccessService,
    private readonly definitions: DefinitionsRepository,
    private readonly disclosure: DisclosureService,
  ) {}

  /** Registers an intervention: a party on cells it supplies or receives, a coordinator on any cell of its region. */
  async register(auth: Principal, dto: CreateInterventionDto): Promise<InterventionDetailDto> {
    const tenant = await this.access.interventionTenant(auth, dto.region);
    const context = await this.targetContext(brinsOf(dto.parties, dto.target), tenant.memberIds, tenant.institutionId);
    const partyIds = resolveParties(dto.parties, context);
    const target = resolveTarget(dto.target, context);
    const id = await this.repository.insert({
      regionId: tenant.region.id,
      type: dto.type,
      title: dto.title,
      description: dto.description ?? '',
      partyIds,
      target,
      firstCohort: dto.firstCohort,
      metric: dto.metric,
      direction: dto.direction,
      reviewDate: dto.reviewDate,
      registeredByKind: tenant.institutionId ? 'institution' : 'region',
      registeredByInstitutionId: tenant.institutionId,
    });
    return this.get(auth, id);
  }

  /** The caller's interventions (its region's, or those it is a party of), soonest review first. */
  async list(auth: Principal, query: InterventionListQueryDto): Promise<InterventionListDto> {
    const scope = await this.access.interventionScope(auth);
    const rows = (await this.repository.list(scope, { state: query.state, reviewDueBy: query.reviewDueBy })).filter((row) => query.region === undefined || row.regionCode === query.region);
    const items = await this.toDtos(rows);
    return { items, total: items.length };
  }

  /**
   * The caller's active interventions whose review date has come (on or before `on`, default
   * today): the interventions of the review agenda.
   */
  async dueForReview(auth: Principal, on: string = today()): Promise<InterventionDto[]> {
    const scope = await this.access.interventionScope(auth);
    return this.toDtos(await this.repository.list(scope, { state: 'active', reviewDueBy: on }));
  }

  /** One intervention with its effect as the caller may read it. */
  async get(auth: Principal, id: string): Promise<InterventionDetailDto> {
    const scope = await this.access.interventionScope(auth);
    const row = await this.find(scope, id);
    const [dto] = await this.toDtos([row]);
    return { ...dto, effect: await this.effect(row, scope) };
  }

  /** Changes an intervention; the same rules as registering it apply to the result. */
  async update(auth: Principal, id: string, dto: UpdateInterventionDto): Promise<InterventionDetailDto> {
    const scope = await this.access.interventionScope(auth);
    const row = await this.find(scope, id);
    if (row.state === 'withdrawn') throw problem('conflict', 'A withdrawn intervention cannot be changed.');
    const tenant = await this.access.interventionTenant(auth, row.regionCode);
    const changes: InterventionChanges = { type: dto.type, title: dto.title, description: dto.description, firstCohort: dto.firstCohort, metric: dto.metric, direction: dto.direction, reviewDate: dto.reviewDate };
    if (dto.parties !== undefined || dto.target !== undefined) {
      const context = await this.targetContext(brinsOf(dto.parties, dto.target), tenant.memberIds, tenant.institutionId);
      if (dto.parties !== undefined) changes.partyIds = resolveParties(dto.parties, context);
      if (dto.target !== undefined) changes.target = resolveTarget(dto.target, context);
    }
    await this.repository.update(row.id, changes);
    return this.get(auth, id);
  }

  /** Withdraws an intervention: it stays visible to its parties, with its effect, and cannot be changed. */
  async withdraw(auth: Principal, id: string): Promise<InterventionDetailDto> {
    const scope = await this.access.interventionScope(auth);
    const row = await this.find(scope, id);
    if (row.state === 'withdrawn') throw problem('conflict', 'The intervention is already withdrawn.');
    await this.repository.withdraw(row.id);
    return this.get(auth, id);
  }

  private async find(scope: InterventionScope, id: string): Promise<InterventionRow> {
    const row = await this.repository.byId(scope, id);
    if (!row) throw notFound(`Intervention ${id}`);
    return row;
  }

  private async targetContext(brins: string[], memberIds: string[], actingInstitutionId: string | null): Promise<TargetContext> {
    const institutions = await this.repository.institutions([], [...new Set(brins)]);
    return { byBrin: new Map(institutions.map((institution) => [institution.brin, institution])), memberIds: new Set(memberIds), actingInstitutionId };
  }

  /**
   * The effect as this reader reads it. Only supplier × receiver cells it can already read go in:
   * a coordinator every cell of the region, exactly; an institution the cells it supplies or
   * receives, with the switch/uitval split perturbed as in its alumni and intake views. Cells the
   * disclosure layer withholds in a cohort are left out and counted. So the effect is a sum of
   * figures the reader already has, and registering interventions over chosen cells discloses
   * nothing new.
   */
  private async effect(row: InterventionRow, scope: InterventionScope): Promise<EffectDto> {
    const [pairRows, offerings, definitionSets] = await Promise.all([
      this.repository.pairCohorts(row.regionId),
      this.repository.receiverOfferings(row.regionId),
      this.definitions.listForRegion(row.regionId),
    ]);
    const reader = scope.kind === 'institution' ? scope.institutionId : null;
    const readable = (supplierId: string, receiverId: string): boolean => reader === null || supplierId === reader || receiverId === reader;
    const { pairs: targetedAll, sectors } = targetPairs(row.target, offerings);
    const targeted = new Set([...targetedAll].filter((key) => readable(...(key.split('|') as [string, string]))));
    const sectorsOf = new Map<string, Set<string>>();
    for (const offering of offerings) sectorsOf.set(offering.receiverId, (sectorsOf.get(offering.receiverId) ?? new Set()).add(offering.sector));
    const comparison = new Set(
      pairRows
        .filter((pair) => readable(pair.supplierId, pair.receiverId) && !targetedAll.has(pairKey(pair.supplierId, pair.receiverId)))
        .filter((pair) => [...(sectorsOf.get(pair.receiverId) ?? [])].some((sector) => sectors.has(sector)))
        .map((pair) => pairKey(pair.supplierId, pair.receiverId)),
    );
    const cohorts = pairRows.map((pair) => pair.cohort);
    const disclosure = cohorts.length > 0 ? await this.disclosure.forRegion(row.regionId, Math.min(...cohorts), Math.max(...cohorts)) : null;
    const cells: ReadableCell[] = pairRows
      .filter((pair) => targeted.has(pairKey(pair.supplierId, pair.receiverId)) || comparison.has(pairKey(pair.supplierId, pair.receiverId)))
      .map((pair) => {
        const counts = countsFromRow(pair);
        const published = disclosure?.isPublished(pair.cohort, { supplier: pair.supplierId, receiver: pair.receiverId }) ?? false;
        const shown = reader === null ? counts : perturbOwnSplit(counts, { n: counts.n, nSwitchExternal: counts.nSwitchExternal, nUitval: counts.nUitval, key: Number(pair.key) });
        return { cohort: pair.cohort, pair: pairKey(pair.supplierId, pair.receiverId), definitionSetId: pair.definitionSetId, counts: published ? shown : null };
      });
    const switchers = new Map(definitionSets.map((definition) => [definition.id, definition.switchersCountAsUitval]));
    const result = computeEffect({
      cells,
      targeted,
      comparison,
      firstCohort: row.firstCohort,
      metric: row.metric,
      direction: row.direction,
      switchersCountAsUitval: (id) => switchers.get(id) ?? false,
    });
    const splitMetric = row.metric === 'uitval' || row.metric === 'switch';
    return {
      ...result,
      protection: reader !== null && splitMetric ? 'perturbed' : 'published',
      targetedCells: targeted.size,
      targetedCellsNotReadable: targetedAll.size - targeted.size,
    };
  }

  private async toDtos(rows: InterventionRow[]): Promise<InterventionDto[]> {
    const ids = new Set<string>();
    for (const row of rows) {
      row.partyIds.forEach((id) => ids.add(id));
      if (row.registeredByInstitutionId) ids.add(row.registeredByInstitutionId);
      if (row.target.kind === 'cells') row.target.cells.forEach((cell) => ids.add(cell.supplierId).add(cell.receiverId));
      else row.target.supplierIds.forEach((id) => ids.add(id));
    }
    const labels = new Map((await this.repository.institutions([...ids], [])).map((institution): [string, Institution] => [institution.id, institution]));
    const label = (id: string) => ({ brin: labels.get(id)?.brin ?? '', name: labels.get(id)?.name ?? '' });
    const now = today();
    return rows.map((row) => ({
      id: row.id,
      region: row.regionCode,
      type: row.type,
      title: row.title,
      description: row.description,
      parties: row.partyIds.map(label),
      target: {
        kind: row.target.kind,
        cells: row.target.kind === 'cells' ? row.target.cells.map((cell) => ({ supplier: label(cell.supplierId), receiver: label(cell.receiverId) })) : [],
        sector: row.target.kind === 'sector' ? row.target.sector : null,
        programmes: row.target.kind === 'programmes' ? row.target.programmes : [],
        suppliers: row.target.kind === 'cells' ? [] : row.target.supplierIds.map(label),
      },
      firstCohort: row.firstCohort,
      metric: row.metric,
      direction: row.direction,
      reviewDate: row.reviewDate,
      reviewDue: row.state === 'active' && row.reviewDate <= now,
      state: row.state,
      registeredBy: { kind: row.registeredByKind, institution: row.registeredByInstitutionId ? label(row.registeredByInstitutionId).brin : null },
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }));
  }
}
