import { Scope } from 'src/access/scopes';

interface PrincipalBase {
  /** Public client id (the JWT `sub`). */
  clientId: string;
  scopes: Scope[];
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

/** The tenant columns of a principal, as the audit log records them. */
export const tenantColumnsOf = (principal: Principal): TenantColumns => ({
  institutionId: principal.kind === 'institution' ? principal.institutionId : null,
  regionId: principal.kind === 'region' ? principal.regionId : null,
});

/** Who did something, as histories record it: the kind of party and its client. */
export const actorOf = (principal: Principal): { actorKind: PrincipalKind; actorClientId: string } => ({ actorKind: principal.kind, actorClientId: principal.clientId });
