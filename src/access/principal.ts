import { PersonRole, ROLE_SCOPES } from 'src/access/roles';
import { Scope } from 'src/access/scopes';

/** The person behind a principal who signed in through OpenID Connect; absent for API clients. */
export interface PersonRef {
  id: string;
  /** How audit entries and histories name the person (see PeopleService for where it comes from). */
  name: string;
}

interface PrincipalBase {
  /** Public client id (the JWT `sub`); for a person `person:<id>`. */
  clientId: string;
  scopes: Scope[];
  person?: PersonRef;
}

/** A client acting for one institution: its records, its alumni and intake, its alerts. */
export interface InstitutionPrincipal extends PrincipalBase {
  kind: 'institution';
  institutionId: string;
}

/** A coordinator of one region: the region's joint views, definitions and alerts. */
export interface RegionPrincipal extends PrincipalBase {
  kind: 'region';
  regionId: string;
}

/** A platform administrator: configuration, no student data. */
export interface PlatformPrincipal extends PrincipalBase {
  kind: 'platform';
}

/**
 * Who a request acts for; decides which tenant every query is scoped to. Each kind carries
 * exactly the tenant id it needs, never null: a missing tenant can never widen a query.
 */
export type Principal = InstitutionPrincipal | RegionPrincipal | PlatformPrincipal;
export type PrincipalKind = Principal['kind'];

/** The tenant columns of a client (or token) row: at most one of them is set. */
export interface TenantColumns {
  institutionId: string | null;
  regionId: string | null;
}

/** An institution client is an institution principal, a region client a coordinator, any other client an administrator. */
export const principalKind = (tenant: TenantColumns): PrincipalKind => (tenant.institutionId ? 'institution' : tenant.regionId ? 'region' : 'platform');

/** The principal of a client, from its id, tenant columns and the scopes it holds now. */
export const principalOf = (client: TenantColumns & { clientId: string; scopes: Scope[] }): Principal => {
  const { clientId, scopes } = client;
  if (client.institutionId) return { clientId, scopes, kind: 'institution', institutionId: client.institutionId };
  if (client.regionId) return { clientId, scopes, kind: 'region', regionId: client.regionId };
  return { clientId, scopes, kind: 'platform' };
};

/**
 * The principal of a person acting in one of their roles: the same kinds and scopes as a client of
 * that tenant, so one access layer decides for clients and people alike.
 */
export const personPrincipal = (person: PersonRef, role: PersonRole): Principal => {
  const clientId = `person:${person.id}`;
  const scopes = [...ROLE_SCOPES[role.role]];
  switch (role.role) {
    case 'coordinator':
      return { clientId, scopes, person, kind: 'region', regionId: role.regionId };
    case 'reader':
    case 'editor':
      return { clientId, scopes, person, kind: 'institution', institutionId: role.institutionId };
  }
};

/** The tenant columns of a principal, as the audit log records them. */
export const tenantColumnsOf = (principal: Principal): TenantColumns => ({
  institutionId: principal.kind === 'institution' ? principal.institutionId : null,
  regionId: principal.kind === 'region' ? principal.regionId : null,
});

/** Who did something, as histories record it: the kind of party and its client. */
export const actorOf = (principal: Principal): { actorKind: PrincipalKind; actorClientId: string } => ({ actorKind: principal.kind, actorClientId: principal.clientId });
