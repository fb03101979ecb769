import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessRepository } from 'src/access/access.repository';
import { cellVisibleTo, CellOfParties } from 'src/access/cell-parties';
import { Principal } from 'src/access/principal';
import { AlertParty, AlertScope, AuditScope, ConversationCell, ConversationParty, InstitutionRef, InstitutionView, InterventionScope, InterventionTenant, PeopleScope, RegionAccess, RegionRef, RoleTarget, Uploader, ViewTenant, WebhookOwner } from 'src/access/tenancy';
import { notFound, ProblemException } from 'src/common/problem';
import { problem, ProblemType } from 'src/common/problems';

const forbidden = (type: ProblemType, detail: string): ProblemException => problem(type, detail);

/**
 * Who may see what, in one place. Every tenancy question of the service is answered here, from
 * the principal and the current memberships; services ask and never read a principal's tenant
 * themselves. Two rules hold throughout:
 * - a caller of the wrong kind for a capability is refused (403) before any object is looked at;
 * - another tenant's object answers exactly like a missing one (the same 404).
 */
@Injectable()
export class AccessService {
  constructor(private readonly repository: AccessRepository) {}

  /** Records belong to institutions: the institution a records client writes and reads for. */
  async uploaderOf(auth: Principal): Promise<Uploader> {
    const institution = auth.kind === 'institution' ? await this.repository.institutionById(auth.institutionId) : undefined;
    if (!institution) throw forbidden('institution-required', 'Records belong to an institution: use a client that acts for one.');
    return institution;
  }

  /**
   * Whether the caller acts for this institution, from its token alone (no database): for reads
   * that must not wait for the database, such as a running upload's progress.
   */
  actsForInstitution(auth: Principal, institutionId: string): boolean {
    return auth.kind === 'institution' && auth.institutionId === institutionId;
  }

  /** The institution the caller acts for, from its token alone; undefined for other callers. */
  institutionOf(auth: Principal): string | undefined {
    return auth.kind === 'institution' ? auth.institutionId : undefined;
  }

  /** Platform administrators see every region; a coordinator its own; an institution those it belongs to now. */
  async visibleRegionIds(auth: Principal): Promise<string[] | 'all'> {
    switch (auth.kind) {
      case 'platform':
        return 'all';
      case 'region':
        return [auth.regionId];
      case 'institution':
        return this.repository.regionIdsOfInstitution(auth.institutionId);
    }
  }

  /**
   * A region by its code, when the caller may see it (`view`) or coordinates it (`coordinate`);
   * otherwise the same 404 as a region that does not exist.
   */
  async requireRegion(auth: Principal, code: string, access: RegionAccess = 'view'): Promise<RegionRef> {
    const region = await this.repository.regionByCode(code);
    if (!region || !(await this.mayAccess(auth, region.id, access))) throw notFound(`Region ${code}`);
    return region;
  }

  /**
   * The region an object belongs to (a definition set), when the caller may see or coordinate it;
   * otherwise the object answers like a missing one, under its own name.
   */
  async requireRegionOf(auth: Principal, object: { regionId: string; label: string }, access: RegionAccess = 'view'): Promise<RegionRef> {
    const region = await this.repository.regionById(object.regionId);
    if (!region || !(await this.mayAccess(auth, region.id, access))) throw notFound(object.label);
    return region;
  }

  /** An institution's own record: platform administrators see every one, an institution itself, coordinators none. */
  async requireInstitution(auth: Principal, brin: string): Promise<InstitutionRef> {
    const institution = await this.repository.institutionByBrin(brin);
    const visible = institution !== undefined && (auth.kind === 'platform' || (auth.kind === 'institution' && auth.institutionId === institution.id));
    if (!institution || !visible) throw notFound(`Institution ${brin}`);
    return institution;
  }

  /**
   * The region a coordinator's view is about: the caller's own region, named or not. The views of
   * a region are for its coordinators (403 for anyone else); another region answers 404.
   */
  async coordinatedRegion(auth: Principal, code: string | undefined): Promise<RegionRef> {
    if (auth.kind !== 'region') throw forbidden('coordinator-view', 'The region report is for the coordinators of the region.');
    const region = await this.repository.regionById(auth.regionId);
    if (!region || (code !== undefined && region.code !== code)) throw notFound(`Region ${code ?? ''}`);
    return region;
  }

  /**
   * The region and institution of an institution's view: the region named, if the institution
   * belongs to it now (else 404), or its only region (else 400: name one).
   */
  async institutionView(auth: Principal, code: string | undefined): Promise<InstitutionView> {
    if (auth.kind !== 'institution') {
      throw forbidden('institution-view', 'This view is for institutions; coordinators use GET /v1/regions/{code}/report.');
    }
    const regions = await this.repository.regionsOfInstitution(auth.institutionId);
    if (code !== undefined) {
      const region = regions.find((candidate) => candidate.code === code);
      if (!region) throw notFound(`Region ${code}`);
      return { region, institutionId: auth.institutionId };
    }
    if (regions.length !== 1) {
      throw problem(
        'invalid-request',
        regions.length === 0 ? 'Your institution is not a member of any region.' : 'Your institution is a member of several regions: name one.',
        [{ parameter: 'region', code: 'regionRequired', detail: 'name the region of the view' }],
      );
    }
    return { region: regions[0], institutionId: auth.institutionId };
  }

  /** The reader of a view open to coordinators and institutions alike (flows): either the coordinator's region or the institution's view. */
  async viewTenant(auth: Principal, code: string | undefined): Promise<ViewTenant> {
    if (auth.kind === 'region') return { kind: 'region', region: await this.coordinatedRegion(auth, code) };
    return { kind: 'institution', ...(await this.institutionView(auth, code)) };
  }

  /** The alerts a caller may see; null for callers who see none (platform administrators). */
  async alertScope(auth: Principal): Promise<AlertScope | null> {
    switch (auth.kind) {
      case 'region':
        return { kind: 'region', regionId: auth.regionId };
      case 'institution':
        return { kind: 'institution', institutionId: auth.institutionId, regionIds: await this.repository.regionIdsOfInstitution(auth.institutionId) };
      case 'platform':
        return null;
    }
  }

  /** The interventions a caller may see (its region's, or those it is a party of); platform administrators none (403). */
  async interventionScope(auth: Principal): Promise<InterventionScope> {
    const scope = await this.alertScope(auth);
    if (!scope) throw forbidden('intervention-party', 'Interventions belong to the parties of a region and its coordinators.');
    return scope;
  }

  /**
   * Where a caller registers or changes an intervention: a coordinator in the region it
   * coordinates, an institution in a region it belongs to now (named, or its only one), with the
   * institution acting (null for coordinators) and the region's current members.
   */
  async interventionTenant(auth: Principal, code: string | undefined): Promise<InterventionTenant> {
    if (auth.kind === 'platform') throw forbidden('intervention-party', 'Interventions belong to the parties of a region and its coordinators.');
    const tenant = await this.viewTenant(auth, code);
    const memberIds = await this.repository.memberIdsOfRegion(tenant.region.id);
    return { region: tenant.region, institutionId: tenant.kind === 'institution' ? tenant.institutionId : null, memberIds };
  }

  /**
   * The party whose triage a caller reads and sets: a coordinator the region's, anyone of an
   * institution (its clients and people) the institution's, in every region it belongs to.
   */
  alertParty(scope: AlertScope): AlertParty {
    return scope.kind === 'region' ? { kind: 'region', id: scope.regionId } : { kind: 'institution', id: scope.institutionId };
  }

  /**
   * The institutions whose webhooks may hear about a region's alerts, besides its coordinators':
   * those that belong to the region now. Read in the transaction that changes the alerts.
   */
  webhookMemberIds(manager: EntityManager, regionId: string): Promise<string[]> {
    return this.repository.memberIdsOfRegion(regionId, manager);
  }

  /**
   * Which alerts of a region a webhook may hear about: the region's, for a webhook of its
   * coordinators; the owner's cells, for a webhook of an institution that is a member now (the
   * caller passes only webhooks of `webhookMemberIds`).
   */
  webhookAlertScope(webhook: { ownerKind: WebhookOwner['kind']; regionId: string | null; institutionId: string | null }, regionId: string): AlertScope | null {
    if (webhook.ownerKind === 'region') return webhook.regionId ? { kind: 'region', regionId: webhook.regionId } : null;
    return webhook.institutionId ? { kind: 'institution', institutionId: webhook.institutionId, regionIds: [regionId] } : null;
  }

  /**
   * Who takes part in conversations for the caller: the party it writes for (an institution, or a
   * region's coordinators) and the cells it may see, as for signals. Null for callers who take
   * part in none (platform administrators).
   */
  async conversationParty(auth: Principal): Promise<ConversationParty | null> {
    const scope = await this.alertScope(auth);
    return scope ? { scope, party: this.alertParty(scope) } : null;
  }

  /** Whether a party takes part in a conversation on this cell: it is one of the cell's parties (the sharing rule, as for signals). */
  takesPart(scope: AlertScope, cell: CellOfParties): boolean {
    return cellVisibleTo(scope, cell);
  }

  /**
   * The supplier × receiver cell a caller starts a conversation on: a region the caller sees (else
   * 404), where the caller, if an institution, is one of the two ends (else 403, before anything
   * about the others is said), and where both ends are members now (else 400, with pointers).
   */
  async requireConversationCell(auth: Principal, cell: { region: string; supplier: string; receiver: string }, pointer: string): Promise<ConversationCell> {
    const region = await this.requireRegion(auth, cell.region);
    const [supplier, receiver] = await Promise.all([this.repository.institutionByBrin(cell.supplier), this.repository.institutionByBrin(cell.receiver)]);
    const own = this.institutionOf(auth);
    if (own !== undefined && supplier?.id !== own && receiver?.id !== own) {
      throw forbidden('other-institution', 'An institution starts conversations on the cells it is part of: name itself as the supplier or the receiver.');
    }
    const members = await this.repository.memberIdsOfRegion(region.id);
    const errors = (['supplier', 'receiver'] as const)
      .filter((end) => {
        const institution = end === 'supplier' ? supplier : receiver;
        return !institution || !members.includes(institution.id);
      })
      .map((end) => ({ pointer: `${pointer}/${end}`, code: 'notAMember', detail: `${cell[end]} is not a member of region ${region.code}` }));
    if (errors.length > 0 || !supplier || !receiver) throw problem('invalid-request', 'Both ends of the cell must be members of the region.', errors);
    return { region, supplier, receiver };
  }

  /** Administrators read the whole audit log; a coordinator the region's entries; an institution its own. */
  auditScope(auth: Principal): AuditScope {
    switch (auth.kind) {
      case 'platform':
        return { all: true };
      case 'region':
        return { regionId: auth.regionId };
      case 'institution':
        return { institutionId: auth.institutionId };
    }
  }

  /**
   * Whose webhooks the caller manages: a coordinator (region:admin) those of the region, an
   * institution (alerts:write) its own. Everyone else is refused.
   */
  webhookOwner(auth: Principal): WebhookOwner {
    if (auth.kind === 'region' && auth.scopes.includes('region:admin')) return { kind: 'region', regionId: auth.regionId };
    if (auth.kind === 'institution' && auth.scopes.includes('alerts:write')) return { kind: 'institution', institutionId: auth.institutionId };
    throw forbidden('insufficient-scope', 'Webhooks are registered by a region’s coordinators (region:admin) or by an institution for itself (alerts:write).');
  }

  /**
   * The key a computed view is kept under: the tenant, not the client, because a view depends on
   * whose data it is and never on which of the tenant's clients asks.
   */
  tenantKey(auth: Principal): string {
    switch (auth.kind) {
      case 'institution':
        return `institution:${auth.institutionId}`;
      case 'region':
        return `region:${auth.regionId}`;
      case 'platform':
        return 'platform';
    }
  }

  /**
   * Whose people and roles the caller manages: platform administrators everyone's; a region's
   * coordinators (region:admin) the roles of their region and of its current members. Anyone else
   * is refused.
   */
  async peopleScope(auth: Principal): Promise<PeopleScope> {
    if (auth.kind === 'platform' && auth.scopes.includes('platform:admin')) return { all: true };
    if (auth.kind === 'region' && auth.scopes.includes('region:admin')) {
      return { regionId: auth.regionId, institutionIds: await this.repository.memberIdsOfRegion(auth.regionId) };
    }
    throw forbidden('insufficient-scope', 'People and roles are managed by platform administrators and by the coordinators of a region (region:admin).');
  }

  /**
   * What a role would be granted on, when the caller may grant it: a region the caller
   * coordinates, or an institution that is a member of it now (administrators: any). Anything
   * else answers like a missing region or institution.
   */
  async requireRoleTarget(auth: Principal, target: { regionCode: string } | { institutionBrin: string }): Promise<RoleTarget> {
    const scope = await this.peopleScope(auth);
    if ('regionCode' in target) {
      const region = await this.repository.regionByCode(target.regionCode);
      if (!region || !('all' in scope || scope.regionId === region.id)) throw notFound(`Region ${target.regionCode}`);
      return { kind: 'region', region };
    }
    const institution = await this.repository.institutionByBrin(target.institutionBrin);
    if (!institution || !('all' in scope || scope.institutionIds.includes(institution.id))) throw notFound(`Institution ${target.institutionBrin}`);
    return { kind: 'institution', institution };
  }

  /** Whether a role (or invitation) on this tenant falls within a people scope. */
  roleInScope(scope: PeopleScope, role: { regionId: string | null; institutionId: string | null; role: string }): boolean {
    if ('all' in scope) return true;
    return role.role === 'coordinator' ? role.regionId === scope.regionId : role.institutionId !== null && scope.institutionIds.includes(role.institutionId);
  }

  /**
   * The institution an identity provider asserts for a person, and the regions whose policy makes
   * such a person a reader for it without an invitation: regions the institution belongs to now
   * that allow it. No institution (unknown claim) or no such region: nothing is granted.
   */
  async automaticReaderGrant(claim: { kind: 'brin' | 'home-organization'; value: string }): Promise<{ institution: InstitutionRef; regionId: string } | null> {
    const institution = await this.repository.institutionByClaim(claim.kind, claim.value);
    if (!institution) return null;
    const [regionId] = await this.repository.autoGrantRegionIdsOf(institution.id);
    return regionId ? { institution, regionId } : null;
  }

  private async mayAccess(auth: Principal, regionId: string, access: RegionAccess): Promise<boolean> {
    if (access === 'coordinate') return auth.kind === 'region' && auth.regionId === regionId;
    const visible = await this.visibleRegionIds(auth);
    return visible === 'all' || visible.includes(regionId);
  }
}
