import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PeopleScope } from 'src/access/tenancy';
import { GrantedVia, InvitationEntity, PersonEntity, PersonRoleEntity } from 'src/people/person.entity';
import type { RoleName } from 'src/access/roles';
import { execute, query, queryOne, Sql, sql } from 'src/database/sql';

/** A role with the codes that name its tenant, as lists show it. */
export interface RoleRow {
  id: string;
  personId: string;
  role: RoleName;
  regionId: string | null;
  institutionId: string | null;
  regionCode: string | null;
  regionName: string | null;
  institutionBrin: string | null;
  institutionName: string | null;
  grantedVia: GrantedVia;
  grantedBy: string;
  grantedAt: Date;
  revokedAt: Date | null;
}

export interface InvitationRow extends InvitationEntity {
  regionCode: string | null;
  institutionBrin: string | null;
}

const ROLE_COLUMNS = sql`r.id, r.person_id AS "personId", r.role, r.region_id AS "regionId", r.institution_id AS "institutionId",
  rg.code AS "regionCode", rg.name AS "regionName", i.brin AS "institutionBrin", i.name AS "institutionName",
  r.granted_via AS "grantedVia", r.granted_by AS "grantedBy", r.granted_at AS "grantedAt", r.revoked_at AS "revokedAt"`;
const ROLE_FROM = sql`person_roles r LEFT JOIN regions rg ON rg.id = r.region_id LEFT JOIN institutions i ON i.id = r.institution_id`;

const INVITATION_COLUMNS = sql`v.id, v.code_hash AS "codeHash", v.role, v.region_id AS "regionId", v.institution_id AS "institutionId", v.label,
  v.created_by AS "createdBy", v.created_at AS "createdAt", v.expires_at AS "expiresAt", v.accepted_at AS "acceptedAt",
  v.accepted_by_person_id AS "acceptedByPersonId", v.revoked_at AS "revokedAt"`;

/**
 * The roles (alias `r`) or invitations (alias `v`) of a scope: the scope comes first, explicitly
 * (never a key that may be undefined).
 */
const inScope = (scope: PeopleScope, alias: 'r' | 'v'): Sql => {
  if ('all' in scope) return sql`TRUE`;
  const { regionId, institutionIds } = scope;
  return alias === 'r'
    ? sql`((r.role = 'coordinator' AND r.region_id = ${regionId}) OR (r.role <> 'coordinator' AND r.institution_id = ANY(${institutionIds}::uuid[])))`
    : sql`((v.role = 'coordinator' AND v.region_id = ${regionId}) OR (v.role <> 'coordinator' AND v.institution_id = ANY(${institutionIds}::uuid[])))`;
};

/** All SQL of people, their roles and invitations. */
@Injectable()
export class PeopleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findPerson(provider: string, subject: string, manager: EntityManager = this.dataSource.manager): Promise<PersonEntity | null> {
    return manager.getRepository(PersonEntity).findOne({ where: { provider, subject } });
  }

  findPersonById(id: string): Promise<PersonEntity | null> {
    return this.dataSource.getRepository(PersonEntity).findOne({ where: { id } });
  }

  createPerson(manager: EntityManager, person: Pick<PersonEntity, 'provider' | 'subject' | 'displayName'>): Promise<PersonEntity> {
    const repository = manager.getRepository(PersonEntity);
    return repository.save(repository.create({ ...person, lastSignInAt: null }));
  }

  async touchSignIn(manager: EntityManager, personId: string): Promise<void> {
    await execute(manager, sql`UPDATE people SET last_sign_in_at = now() WHERE id = ${personId}`);
  }

  async renamePerson(personId: string, displayName: string): Promise<void> {
    await execute(this.dataSource, sql`UPDATE people SET display_name = ${displayName} WHERE id = ${personId}`);
  }

  /** The person's current roles (all of them: the person's own question). */
  currentRoles(personId: string, manager: EntityManager = this.dataSource.manager): Promise<RoleRow[]> {
    return query<RoleRow>(manager, sql`SELECT ${ROLE_COLUMNS} FROM ${ROLE_FROM} WHERE r.person_id = ${personId} AND r.revoked_at IS NULL ORDER BY r.granted_at, r.id`);
  }

  /** A current role of a person, by id. */
  async currentRole(personId: string, roleId: string): Promise<RoleRow | undefined> {
    return queryOne<RoleRow>(this.dataSource, sql`SELECT ${ROLE_COLUMNS} FROM ${ROLE_FROM} WHERE r.person_id = ${personId} AND r.id = ${roleId} AND r.revoked_at IS NULL`);
  }

  /** The current role of a person on a tenant, if any (at most one: see PeopleService.grant), locked for the grant that may replace it. */
  currentRoleOn(manager: EntityManager, personId: string, target: { regionId: string } | { institutionId: string }): Promise<Pick<PersonRoleEntity, 'id' | 'role'> | undefined> {
    const onTenant =
      'regionId' in target
        ? sql`r.role = 'coordinator' AND r.region_id = ${target.regionId}`
        : sql`r.role <> 'coordinator' AND r.institution_id = ${target.institutionId}`;
    return queryOne(manager, sql`SELECT r.id, r.role FROM person_roles r WHERE r.person_id = ${personId} AND r.revoked_at IS NULL AND ${onTenant} FOR UPDATE`);
  }

  async insertRole(manager: EntityManager, role: Pick<PersonRoleEntity, 'personId' | 'role' | 'regionId' | 'institutionId' | 'grantedVia' | 'grantedBy'>): Promise<string> {
    const repository = manager.getRepository(PersonRoleEntity);
    const saved = await repository.save(repository.create({ ...role, revokedAt: null }));
    return saved.id;
  }

  async revokeRole(manager: EntityManager, roleId: string): Promise<void> {
    await execute(manager, sql`UPDATE person_roles SET revoked_at = now() WHERE id = ${roleId} AND revoked_at IS NULL`);
  }

  /** The person's roles within a scope, current and revoked (the scope's history). */
  rolesInScope(scope: PeopleScope, personId: string): Promise<RoleRow[]> {
    return query<RoleRow>(this.dataSource, sql`SELECT ${ROLE_COLUMNS} FROM ${ROLE_FROM} WHERE ${inScope(scope, 'r')} AND r.person_id = ${personId} ORDER BY r.granted_at, r.id`);
  }

  /** People with a role (current or past) in the scope, by name. */
  async peopleInScope(scope: PeopleScope, limit: number, offset: number): Promise<{ items: PersonEntity[]; total: number }> {
    const filter = sql`p.id IN (SELECT r.person_id FROM person_roles r WHERE ${inScope(scope, 'r')})`;
    const counted = await queryOne<{ total: number }>(this.dataSource, sql`SELECT count(*)::int AS total FROM people p WHERE ${filter}`);
    const items = await query<PersonEntity>(
      this.dataSource,
      sql`SELECT p.id, p.provider, p.subject, p.display_name AS "displayName", p.created_at AS "createdAt", p.last_sign_in_at AS "lastSignInAt"
            FROM people p WHERE ${filter} ORDER BY p.display_name, p.id LIMIT ${limit} OFFSET ${offset}`,
    );
    return { items, total: counted?.total ?? 0 };
  }

  /** Whether the person has any role (current or past) within the scope: who a coordinator may look at. */
  async personInScope(scope: PeopleScope, personId: string): Promise<boolean> {
    return (await this.rolesInScope(scope, personId)).length > 0;
  }

  async insertInvitation(invitation: Pick<InvitationEntity, 'codeHash' | 'role' | 'regionId' | 'institutionId' | 'label' | 'createdBy' | 'expiresAt'>): Promise<InvitationRow> {
    const repository = this.dataSource.getRepository(InvitationEntity);
    const saved = await repository.save(repository.create({ ...invitation, acceptedAt: null, acceptedByPersonId: null, revokedAt: null }));
    return (await this.invitationById(saved.id))!;
  }

  async invitationById(id: string): Promise<InvitationRow | undefined> {
    const rows = await this.invitations(sql`v.id = ${id}`);
    return rows[0];
  }

  /** An invitation that can still be accepted, locked for the sign-in that accepts it. */
  findOpenInvitation(manager: EntityManager, codeHash: string): Promise<InvitationEntity | undefined> {
    return queryOne<InvitationEntity>(
      manager,
      sql`SELECT ${INVITATION_COLUMNS} FROM person_invitations v
           WHERE v.code_hash = ${codeHash} AND v.accepted_at IS NULL AND v.revoked_at IS NULL AND v.expires_at > now()
             FOR UPDATE`,
    );
  }

  async acceptInvitation(manager: EntityManager, id: string, personId: string): Promise<void> {
    await execute(manager, sql`UPDATE person_invitations SET accepted_at = now(), accepted_by_person_id = ${personId} WHERE id = ${id}`);
  }

  async revokeInvitation(id: string): Promise<void> {
    await execute(this.dataSource, sql`UPDATE person_invitations SET revoked_at = now() WHERE id = ${id} AND revoked_at IS NULL AND accepted_at IS NULL`);
  }

  async invitationsInScope(scope: PeopleScope, limit: number, offset: number): Promise<{ items: InvitationRow[]; total: number }> {
    const where = inScope(scope, 'v');
    const counted = await queryOne<{ total: number }>(this.dataSource, sql`SELECT count(*)::int AS total FROM person_invitations v WHERE ${where}`);
    const items = await this.invitations(sql`${where} ORDER BY v.created_at DESC, v.id LIMIT ${limit} OFFSET ${offset}`);
    return { items, total: counted?.total ?? 0 };
  }

  private invitations(where: Sql): Promise<InvitationRow[]> {
    return query<InvitationRow>(
      this.dataSource,
      sql`SELECT ${INVITATION_COLUMNS}, rg.code AS "regionCode", i.brin AS "institutionBrin"
         FROM person_invitations v LEFT JOIN regions rg ON rg.id = v.region_id LEFT JOIN institutions i ON i.id = v.institution_id
        WHERE ${where}`,
    );
  }
}
