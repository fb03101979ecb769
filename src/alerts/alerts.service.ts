import { Injectable } from '@nestjs/common';
import { alertVisibility } from 'src/alerts/alert-disclosure';
import { alertSeries, alertVisibleTo, toAlertDto, toHistoryDto } from 'src/alerts/alert-presenter';
import { TriageState } from 'src/alerts/alert.entity';
import { AlertView } from 'src/alerts/alert-rows';
import { AlertsRepository } from 'src/alerts/alerts.repository';
import { parametersOf } from 'src/alerts/detection.service';
import { AlertDetailDto, AlertListDto, AlertListQueryDto, AlertTransitionDto, AlertTriageRequestDto } from 'src/alerts/dto/alert.dto';
import { WebhooksService } from 'src/alerts/webhooks/webhooks.service';
import { AccessService } from 'src/access/access.service';
import { actorOf, Principal } from 'src/access/principal';
import { notFound } from 'src/common/problem';
import { problem } from 'src/common/problems';
import { DefinitionsRepository } from 'src/outcomes/definitions.repository';
import { ALL_COHORTS, DisclosureService, RegionDisclosure } from 'src/outcomes/disclosure/disclosure.service';
import { AlertParty, AlertScope } from 'src/access/tenancy';
import { toDefinitionReference } from 'src/outcomes/definitions.service';
import { AlertMetric, AlertType, CellKind, RATE_METRICS, RateMetric } from 'src/alerts/detection/model';
import type { RecordSector } from 'src/programmes/programme-codes';
import { AlertReferenceDto } from 'src/references/dto/reference.dto';
import { ComparableDefinition } from 'src/references/reference-comparison';
import { ReferencesService } from 'src/references/references.service';

/** The older actions, kept as aliases: each sets only the caller's party's triage, from the states it allows. */
const ALIASES: Record<'acknowledge' | 'resolve', { from: TriageState[]; to: TriageState; refusal: string }> = {
  acknowledge: { from: ['new'], to: 'seen', refusal: 'only a signal your party has not triaged yet can be acknowledged' },
  resolve: { from: ['new', 'seen', 'in-conversation'], to: 'resolved', refusal: 'your party has already resolved it' },
};

/** A signal as other modules see it: what it is about, never its figures. */
export interface SignalRef {
  id: string;
  regionId: string;
  type: AlertType;
  cellKind: CellKind;
  supplierInstitutionId: string | null;
  receiverInstitutionId: string | null;
  sector: string | null;
  metric: AlertMetric;
  cohort: number;
}

@Injectable()
export class AlertsService {
  constructor(
    private readonly repository: AlertsRepository,
    private readonly access: AccessService,
    private readonly definitions: DefinitionsRepository,
    private readonly webhooks: WebhooksService,
    private readonly disclosure: DisclosureService,
    private readonly references: ReferencesService,
  ) {}

  /** The publication pattern of each region the alerts are in. */
  private async disclosures(views: AlertView[]): Promise<Map<string, RegionDisclosure>> {
    const regions = new Map<string, RegionDisclosure>();
    for (const regionId of new Set(views.map((view) => view.regionId))) regions.set(regionId, await this.disclosure.forRegion(regionId, ALL_COHORTS.from, ALL_COHORTS.to));
    return regions;
  }

  /**
   * The caller's inbox (trendbreuk, leveringsbreuk, methodebreuk; most severe first) with its
   * party's triage, or with `type` one kind of signal (`aandacht`: the watch list).
   */
  async list(auth: Principal, query: AlertListQueryDto): Promise<AlertListDto> {
    const scope = await this.access.alertScope(auth);
    if (!scope || (scope.kind === 'institution' && scope.regionIds.length === 0)) return { items: [], total: 0, limit: query.limit, offset: query.offset };
    const { items, total } = await this.repository.list(
      scope,
      this.access.alertParty(scope),
      {
        type: query.type,
        state: query.state,
        triage: query.triage,
        cohort: query.cohort,
        metric: query.metric,
        cellKind: query.cellKind,
        institutionBrin: query.institution,
        regionCode: query.region,
      },
      query.sort ?? 'severity',
      query.limit,
      query.offset,
    );
    const disclosures = await this.disclosures(items);
    return { items: items.map((view) => toAlertDto(view, alertVisibility(view, disclosures.get(view.regionId)!, scope))), total, limit: query.limit, offset: query.offset };
  }

  /** A visible alert with the caller's party's triage, or the same 404 as a missing one. */
  private async visible(auth: Principal, id: string): Promise<{ view: AlertView; scope: AlertScope; party: AlertParty }> {
    const scope = await this.access.alertScope(auth);
    const party = scope ? this.access.alertParty(scope) : null;
    const view = scope ? await this.repository.findView(id, party) : null;
    if (!view || !scope || !party || !alertVisibleTo(scope, view)) throw notFound(`Alert ${id}`);
    return { view, scope, party };
  }

  async get(auth: Principal, id: string): Promise<AlertDetailDto> {
    const { view, scope, party } = await this.visible(auth, id);
    return this.detail(view, scope, party);
  }

  private async detail(view: AlertView, scope: AlertScope, party: AlertParty): Promise<AlertDetailDto> {
    const cell = { kind: view.cellKind, supplierId: view.supplierInstitutionId, receiverId: view.receiverInstitutionId, sector: view.sector };
    const [{ cohorts, points }, definitionSets, history] = await Promise.all([
      this.repository.cellSeries(view.regionId, cell),
      this.definitions.listForRegion(view.regionId),
      this.repository.history(view.id, party),
    ]);
    const parameters = new Map(definitionSets.map((definition) => [definition.id, parametersOf(definition)]));
    const references = new Map(definitionSets.map((definition) => [definition.id, toDefinitionReference(definition)]));
    const known = cohorts.filter((cohort) => parameters.has(cohort.definitionSetId));
    const visibility = alertVisibility(view, await this.disclosure.forRegion(view.regionId, ALL_COHORTS.from, ALL_COHORTS.to), scope);
    const alert = toAlertDto(view, visibility);
    const definition = definitionSets.find((candidate) => candidate.id === view.definitionSetId);
    return {
      ...alert,
      series: alertSeries(cell, view.metric, known, points, parameters, references, visibility),
      history: history.map(toHistoryDto),
      references: definition ? await this.nationalTrend(view, alert.effectPp, definition) : [],
    };
  }

  /**
   * A trend break of the region (or of a supplier in one sector) against the reference series of
   * the same metric over the same cohorts: did the region move while the country did not? The
   * region's change is the one the alert shows (null where disclosure control withholds it).
   */
  private nationalTrend(view: AlertView, effectPp: number | null, definition: ComparableDefinition): Promise<AlertReferenceDto[]> {
    const tested = (view.type === 'trendbreuk' || view.type === 'aandacht') && (RATE_METRICS as readonly string[]).includes(view.metric);
    if (!tested || (view.cellKind !== 'region' && view.cellKind !== 'supplier_sector')) return Promise.resolve([]);
    return this.references.forAlert({
      metric: view.metric as RateMetric,
      sector: view.cellKind === 'supplier_sector' ? (view.sector as RecordSector | null) : null,
      cohort: view.cohort,
      baselineCohorts: view.baselineCohorts,
      effectPp,
      definitions: [definition],
    });
  }

  /**
   * A signal the caller may see, as other modules need it (a conversation about it): its id, region
   * and cell. Missing or not visible: the same 404 as GET /v1/alerts/{id}.
   */
  async signalOf(auth: Principal, id: string): Promise<SignalRef> {
    const { view } = await this.visible(auth, id);
    return {
      id: view.id,
      regionId: view.regionId,
      type: view.type,
      cellKind: view.cellKind,
      supplierInstitutionId: view.supplierInstitutionId,
      receiverInstitutionId: view.receiverInstitutionId,
      sector: view.sector,
      metric: view.metric,
      cohort: view.cohort,
    };
  }

  /**
   * The caller's party takes the signal into conversation: its triage becomes `in-conversation`
   * when it was `new` or `seen` (a party that resolved it keeps its resolution), with a history
   * row and the party's webhooks, as PUT triage does.
   */
  async enterConversation(auth: Principal, id: string): Promise<void> {
    const { view, party } = await this.visible(auth, id);
    if (view.triageState !== 'new' && view.triageState !== 'seen') return;
    await this.repository.setTriage(view, party, { from: ['new', 'seen'], to: 'in-conversation', note: null, ...actorOf(auth) }, (manager, regionId, changes) =>
      this.webhooks.queueDeliveries(manager, regionId, changes, party).then(() => undefined),
    );
  }

  /** Sets the caller's party's triage; other parties' triage of the same signal is untouched. */
  triage(auth: Principal, id: string, dto: AlertTriageRequestDto): Promise<AlertDetailDto> {
    const note = dto.note?.trim() ?? null;
    if (dto.state === 'resolved' && !note) throw problem('invalid-request', 'A note is required to resolve a signal: what was found, agreed or done.', [{ pointer: '#/note', detail: 'note is required when state is resolved' }]);
    return this.setTriage(auth, id, { to: dto.state, note });
  }

  /** Alias of triage `seen` with a note, from `new` only. */
  acknowledge(auth: Principal, id: string, dto: AlertTransitionDto): Promise<AlertDetailDto> {
    return this.alias(auth, id, 'acknowledge', dto.note);
  }

  /** Alias of triage `resolved` with a note. */
  resolve(auth: Principal, id: string, dto: AlertTransitionDto): Promise<AlertDetailDto> {
    return this.alias(auth, id, 'resolve', dto.note);
  }

  private alias(auth: Principal, id: string, action: 'acknowledge' | 'resolve', note: string): Promise<AlertDetailDto> {
    const rule = ALIASES[action];
    return this.setTriage(auth, id, { from: rule.from, to: rule.to, note: note.trim() }, rule.refusal);
  }

  private async setTriage(auth: Principal, id: string, change: { from?: TriageState[]; to: TriageState; note: string | null }, refusal?: string): Promise<AlertDetailDto> {
    const { view, scope, party } = await this.visible(auth, id);
    const result = await this.repository.setTriage(view, party, { ...change, ...actorOf(auth) }, (manager, regionId, changes) =>
      this.webhooks.queueDeliveries(manager, regionId, changes, party).then(() => undefined),
    );
    if (!result.ok) throw problem('invalid-transition', `Your party's triage of this signal is ${result.state}; ${refusal ?? 'that change is not allowed'}.`, undefined, { state: result.state });
    return this.detail((await this.repository.findView(id, party))!, scope, party);
  }
}
