import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AccessService } from 'src/access/access.service';
import { PersonRef, personPrincipal, Principal, tenantColumnsOf } from 'src/access/principal';
import { PersonRole, RoleName } from 'src/access/roles';
import { PeopleScope, RoleTarget } from 'src/access/tenancy';
import { AuditRepository, NewAuditEntry } from 'src/audit/audit.repository';
import { Page, PageQueryDto, page } from 'src/common/paging';
import { notFound, ProblemException } from 'src/common/problem';
import { problem } from 'src/common/problems';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { InstitutionClaimKind } from 'src/config/sign-in-config';
import { CreatedInvitationDto, CreateInvitationDto, InvitationDto, PersonDto, RoleDto, RoleRequestDto } from 'src/people/dto/people.dto';
import { GrantedVia, PersonEntity } from 'src/people/person.entity';
import { InvitationRow, PeopleRepository, RoleRow } from 'src/people/people.repository';

/** Who grants or revokes: a signed-in caller, the operator's command line, or the sign-in itself (automatic grants). */
export type Grantor = Principal | 'cli' | 'automatic';

/** Why a sign-in gives no access. The web report explains each in the user's language. */
export type SignInRefusal = 'no-role' | 'invitation-invalid';

export interface SignInIdentity {
  provider: string;
  subject: string;
  /** The institution the provider asserts, if its configuration names a claim and the claim was released. */
  institution?: { kind: InstitutionClaimKind; value: string };
  /** The `name` claim, only if the provider releases it. */
  name?: string;
  /** SHA-256 of an invitation code the person follows. */
  invitationHash?: string;
}

export type SignInResult = { person: PersonEntity; roles: RoleRow[]; invitedRoleId?: string } | { refused: SignInRefusal; person?: PersonEntity };

export const hashCode = (code: string): string => createHash('sha256').update(code, 'utf8').digest('hex');

const invalid = (pointer: string, code: string, detail: string): ProblemException => problem('invalid-request', detail, [{ pointer, code, detail }]);

const grantorId = (grantor: Grantor): string => (grantor === 'cli' || grantor === 'automatic' ? grantor : grantor.clientId);

/** A role row as the access layer knows it. */
export const toPersonRole = (row: Pick<RoleRow, 'id' | 'role' | 'regionId' | 'institutionId'>): PersonRole | null => {
  if (row.role === 'coordinator') return row.regionId ? { id: row.id, role: 'coordinator', regionId: row.regionId } : null;
  return row.institutionId ? { id: row.id, role: row.role, institutionId: row.institutionId } : null;
};

/**
 * One audit entry per grant or revocation, under the tenant of the role (so the region's
 * coordinators and the institution read it in their audit log), naming the person.
 */
function roleChangeEntry(
  action: 'GRANT' | 'REVOKE',
  grantor: Principal | string,
  person: PersonRef,
  role: { id: string; role: RoleName; regionId: string | null; institutionId: string | null; grantedVia?: GrantedVia },
  extra: Record<string, unknown>,
): NewAuditEntry {
  const actor = typeof grantor === 'string' ? null : grantor;
  return {
    occurredAt: new Date(),
    requestId: role.id,
    clientId: actor?.clientId ?? null,
    ...(role.role === 'coordinator' ? { institutionId: null, regionId: role.regionId } : { institutionId: role.institutionId, regionId: null }),
    method: action,
    route: 'people/roles',
    requiredScope: null,
    outcome: 'allowed',
    statusCode: 200,
    target: { resource: 'people', id: person.id },
    detail: {
      person: person.name,
      personId: person.id,
      role: role.role,
      roleId: role.id,
      ...(role.grantedVia ? { grantedVia: role.grantedVia } : {}),
      by: actor ? (actor.person?.name ?? actor.clientId) : grantor,
      ...(actor ? { byTenant: tenantColumnsOf(actor) } : {}),
      ...extra,
    },
  };
}

/**
 * People who sign in through OpenID Connect, and their roles. Who may grant what is asked of the
 * access layer; every grant and revocation is appended to the audit log in its own transaction,
 * naming the person.
 */
@Injectable()
export class PeopleService {
  constructor(
    private readonly repository: PeopleRepository,
    private readonly access: AccessService,
    private readonly auditLog: AuditRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Decides what a signed-in identity may do: accepts the invitation it follows, grants or
   * withdraws the automatic reader role its institution claim earns, and answers with the
   * person's current roles, or a refusal. A person with no role is not stored.
   */
  async signIn(identity: SignInIdentity): Promise<SignInResult> {
    const automatic = identity.institution ? await this.access.automaticReaderGrant(identity.institution) : null;
    return this.audited(async (manager, grants): Promise<SignInResult> => {
      let person = await this.repository.findPerson(identity.provider, identity.subject, manager);
      const invitation = identity.invitationHash ? await this.repository.findOpenInvitation(manager, identity.invitationHash) : null;
      if (identity.invitationHash && !invitation) return { refused: 'invitation-invalid', ...(person ? { person } : {}) };
      if (!person && !invitation && !automatic) return { refused: 'no-role' };

      person ??= await this.repository.createPerson(manager, {
        provider: identity.provider,
        subject: identity.subject,
        displayName: (invitation?.label ?? identity.name ?? `${identity.provider}:${identity.subject}`).slice(0, 200),
      });
      const ref: PersonRef = { id: person.id, name: person.displayName };
      let invitedRoleId: string | undefined;
      if (invitation) {
        const target = invitation.role === 'coordinator' ? { regionId: invitation.regionId! } : { institutionId: invitation.institutionId! };
        invitedRoleId = await this.grantInTransaction(manager, ref, invitation.role, target, 'invitation', `invitation:${invitation.id}`.slice(0, 64), grants);
        await this.repository.acceptInvitation(manager, invitation.id, person.id);
      }
      // Automatic roles follow the claim of this sign-in: granted when it earns one, withdrawn when it no longer does.
      for (const role of await this.repository.currentRoles(person.id, manager)) {
        if (role.grantedVia !== 'automatic') continue;
        if (automatic && role.institutionId === automatic.institution.id) continue;
        await this.revokeInTransaction(manager, ref, role, 'automatic', grants);
      }
      if (automatic) {
        const existing = await this.repository.currentRoleOn(manager, person.id, { institutionId: automatic.institution.id });
        if (!existing) {
          await this.grantInTransaction(manager, ref, 'reader', { institutionId: automatic.institution.id, regionId: automatic.regionId }, 'automatic', 'automatic', grants);
        }
      }
      const roles = await this.repository.currentRoles(person.id, manager);
      if (roles.length === 0) return { refused: 'no-role', person };
      await this.repository.touchSignIn(manager, person.id);
      return { person, roles, ...(invitedRoleId ? { invitedRoleId } : {}) };
    });
  }

  /** Runs `work` in a transaction that also appends the audit entries it collected: a grant is never committed without its entry. */
  private audited<T>(work: (manager: EntityManager, audit: NewAuditEntry[]) => Promise<T>): Promise<T> {
    return this.repository.transaction(async (manager) => {
      const entries: NewAuditEntry[] = [];
      const result = await work(manager, entries);
      await this.auditLog.append(entries, manager);
      return result;
    });
  }

  /** The principal of a person acting in a role that is still theirs; null when it was revoked. */
  async principalFor(personId: string, roleId: string): Promise<Principal | null> {
    const [person, role] = await Promise.all([this.repository.findPersonById(personId), this.repository.currentRole(personId, roleId)]);
    const personRole = role ? toPersonRole(role) : null;
    return person && personRole ? personPrincipal({ id: person.id, name: person.displayName }, personRole) : null;
  }

  currentRoles(personId: string): Promise<RoleRow[]> {
    return this.repository.currentRoles(personId);
  }

  findPerson(personId: string): Promise<PersonEntity | null> {
    return this.repository.findPersonById(personId);
  }

  async listPeople(auth: Principal, query: PageQueryDto): Promise<Page<PersonDto>> {
    const scope = await this.access.peopleScope(auth);
    const { items, total } = await this.repository.peopleInScope(scope, query.limit, query.offset);
    return page(await Promise.all(items.map((person) => this.toPersonDto(scope, person))), total, query);
  }

  async getPerson(auth: Principal, personId: string): Promise<PersonDto> {
    const scope = await this.access.peopleScope(auth);
    return this.toPersonDto(scope, await this.requirePerson(scope, personId));
  }

  async renamePerson(auth: Principal, personId: string, displayName: string): Promise<PersonDto> {
    const scope = await this.access.peopleScope(auth);
    await this.requirePerson(scope, personId);
    await this.repository.renamePerson(personId, displayName);
    return this.toPersonDto(scope, (await this.repository.findPersonById(personId))!);
  }

  /** Grants a role to a person the caller can see (a platform administrator: anyone). */
  async grant(auth: Principal, personId: string, dto: RoleRequestDto): Promise<PersonDto> {
    const scope = await this.access.peopleScope(auth);
    const person = await this.requirePerson(scope, personId);
    const target = await this.access.requireRoleTarget(auth, this.targetOf(dto));
    await this.grantTo(auth, person, dto.role, target);
    return this.toPersonDto(scope, person);
  }

  /** The operator's command line: any person, any tenant. */
  async grantFromCli(personId: string, dto: RoleRequestDto): Promise<RoleDto[]> {
    const person = await this.repository.findPersonById(personId);
    if (!person) throw notFound(`Person ${personId}`);
    const target = await this.targetForCli(dto);
    await this.grantTo('cli', person, dto.role, target);
    return (await this.repository.rolesInScope({ all: true }, person.id)).map(toRoleDto);
  }

  async revoke(auth: Principal, personId: string, roleId: string): Promise<PersonDto> {
    const scope = await this.access.peopleScope(auth);
    const person = await this.requirePerson(scope, personId);
    await this.revokeRole(auth, scope, person, roleId);
    return this.toPersonDto(scope, person);
  }

  async revokeFromCli(personId: string, roleId: string): Promise<RoleDto[]> {
    const person = await this.repository.findPersonById(personId);
    if (!person) throw notFound(`Person ${personId}`);
    await this.revokeRole('cli', { all: true }, person, roleId);
    return (await this.repository.rolesInScope({ all: true }, person.id)).map(toRoleDto);
  }

  async listPeopleFromCli(query: PageQueryDto): Promise<Page<PersonDto>> {
    const { items, total } = await this.repository.peopleInScope({ all: true }, query.limit, query.offset);
    return page(await Promise.all(items.map((person) => this.toPersonDto({ all: true }, person))), total, query);
  }

  async invite(auth: Principal, dto: CreateInvitationDto): Promise<CreatedInvitationDto> {
    const target = await this.access.requireRoleTarget(auth, this.targetOf(dto));
    return this.createInvitation(auth.clientId, dto, target);
  }

  async inviteFromCli(dto: CreateInvitationDto): Promise<CreatedInvitationDto> {
    return this.createInvitation('cli', dto, await this.targetForCli(dto));
  }

  async listInvitations(auth: Principal, query: PageQueryDto): Promise<Page<InvitationDto>> {
    const scope = await this.access.peopleScope(auth);
    const { items, total } = await this.repository.invitationsInScope(scope, query.limit, query.offset);
    return page(items.map(toInvitationDto), total, query);
  }

  async revokeInvitation(auth: Principal, id: string): Promise<InvitationDto> {
    const scope = await this.access.peopleScope(auth);
    const invitation = await this.repository.invitationById(id);
    if (!invitation || !this.access.roleInScope(scope, invitation)) throw notFound(`Invitation ${id}`);
    if (invitation.acceptedAt) throw problem('conflict', 'The invitation was accepted already: revoke the role instead.');
    await this.repository.revokeInvitation(id);
    return toInvitationDto((await this.repository.invitationById(id))!);
  }

  private async createInvitation(createdBy: string, dto: CreateInvitationDto, target: RoleTarget): Promise<CreatedInvitationDto> {
    this.checkRoleFitsTarget(dto.role, target);
    const code = randomBytes(24).toString('base64url');
    const row = await this.repository.insertInvitation({
      codeHash: hashCode(code),
      role: dto.role,
      regionId: target.kind === 'region' ? target.region.id : null,
      institutionId: target.kind === 'institution' ? target.institution.id : null,
      label: dto.label,
      createdBy: createdBy.slice(0, 64),
      expiresAt: new Date(Date.now() + (dto.validDays ?? 7) * 86_400_000),
    });
    const invitationUrl = `${this.config.signIn.publicUrl}/app/#/signin?invitation=${encodeURIComponent(code)}`;
    return { ...toInvitationDto(row), code, invitationUrl };
  }

  private async grantTo(grantor: Grantor, person: PersonEntity, role: RoleName, target: RoleTarget): Promise<void> {
    this.checkRoleFitsTarget(role, target);
    await this.audited((manager, grants) =>
      this.grantInTransaction(
        manager,
        { id: person.id, name: person.displayName },
        role,
        target.kind === 'region' ? { regionId: target.region.id } : { institutionId: target.institution.id },
        'direct',
        grantorId(grantor),
        grants,
        typeof grantor === 'string' ? null : grantor,
      ),
    );
  }

  /**
   * Grants a role, replacing the person's current role on the same tenant (a reader who becomes
   * editor keeps one role there). Returns the role's id; an identical current role is kept as is.
   */
  private async grantInTransaction(
    manager: EntityManager,
    person: PersonRef,
    role: RoleName,
    target: { regionId: string } | { institutionId: string; regionId?: string },
    via: GrantedVia,
    grantedBy: string,
    audit: NewAuditEntry[],
    actor: Principal | null = null,
  ): Promise<string> {
    const tenant = 'institutionId' in target ? { institutionId: target.institutionId } : { regionId: target.regionId };
    const existing = await this.repository.currentRoleOn(manager, person.id, tenant);
    if (existing && existing.role === role) return existing.id;
    if (existing) await this.repository.revokeRole(manager, existing.id);
    const row = {
      personId: person.id,
      role,
      regionId: 'institutionId' in target ? (target.regionId ?? null) : target.regionId,
      institutionId: 'institutionId' in target ? target.institutionId : null,
      grantedVia: via,
      grantedBy,
    };
    const id = await this.repository.insertRole(manager, row);
    audit.push(roleChangeEntry('GRANT', actor ?? grantedBy, person, { ...row, id, role }, existing ? { replaced: existing.role } : {}));
    return id;
  }

  private async revokeInTransaction(manager: EntityManager, person: PersonRef, role: RoleRow, grantor: Grantor, audit: NewAuditEntry[]): Promise<void> {
    await this.repository.revokeRole(manager, role.id);
    audit.push(roleChangeEntry('REVOKE', grantor, person, role, {}));
  }

  private async revokeRole(grantor: Grantor, scope: PeopleScope, person: PersonEntity, roleId: string): Promise<void> {
    const role = (await this.repository.rolesInScope(scope, person.id)).find((candidate) => candidate.id === roleId && candidate.revokedAt === null);
    if (!role) throw notFound(`Role ${roleId}`);
    await this.audited((manager, audit) => this.revokeInTransaction(manager, { id: person.id, name: person.displayName }, role, grantor, audit));
  }


  private checkRoleFitsTarget(role: RoleName, target: RoleTarget): void {
    if (role === 'coordinator' && target.kind !== 'region') throw invalid('#/regionCode', 'regionRequired', 'A coordinator role names a region (regionCode).');
    if (role !== 'coordinator' && target.kind !== 'institution') throw invalid('#/institutionBrin', 'institutionRequired', `A ${role} role names an institution (institutionBrin).`);
  }

  private targetOf(dto: RoleRequestDto): { regionCode: string } | { institutionBrin: string } {
    if (dto.regionCode && dto.institutionBrin) throw invalid('#/institutionBrin', 'exclusive', 'A role names a region or an institution, not both.');
    if (dto.role === 'coordinator') {
      if (!dto.regionCode) throw invalid('#/regionCode', 'regionRequired', 'A coordinator role names a region (regionCode).');
      return { regionCode: dto.regionCode };
    }
    if (!dto.institutionBrin) throw invalid('#/institutionBrin', 'institutionRequired', `A ${dto.role} role names an institution (institutionBrin).`);
    return { institutionBrin: dto.institutionBrin };
  }

  private async targetForCli(dto: RoleRequestDto): Promise<RoleTarget> {
    return this.access.requireRoleTarget({ kind: 'platform', clientId: 'cli', scopes: ['platform:admin'] }, this.targetOf(dto));
  }

  /** A person the caller may look at: one with a role in the caller's scope (administrators: anyone). */
  private async requirePerson(scope: PeopleScope, personId: string): Promise<PersonEntity> {
    const person = await this.repository.findPersonById(personId);
    if (!person || !('all' in scope || (await this.repository.personInScope(scope, personId)))) throw notFound(`Person ${personId}`);
    return person;
  }

  private async toPersonDto(scope: PeopleScope, person: PersonEntity): Promise<PersonDto> {
    return {
      id: person.id,
      provider: person.provider,
      subject: person.subject,
      displayName: person.displayName,
      createdAt: person.createdAt,
      lastSignInAt: person.lastSignInAt,
      roles: (await this.repository.rolesInScope(scope, person.id)).map(toRoleDto),
    };
  }
}

const toRoleDto = (row: RoleRow): RoleDto => ({
  id: row.id,
  role: row.role,
  regionCode: row.role === 'coordinator' ? row.regionCode : null,
  institutionBrin: row.institutionBrin,
  institutionName: row.institutionName,
  grantedVia: row.grantedVia,
  grantedBy: row.grantedBy,
  grantedAt: row.grantedAt,
  revokedAt: row.revokedAt,
});

const toInvitationDto = (row: InvitationRow): InvitationDto => ({
  id: row.id,
  role: row.role,
  regionCode: row.regionCode,
  institutionBrin: row.institutionBrin,
  label: row.label,
  createdBy: row.createdBy,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  acceptedAt: row.acceptedAt,
  acceptedByPersonId: row.acceptedByPersonId,
  revokedAt: row.revokedAt,
});
