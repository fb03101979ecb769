/** Every scope a client can hold. Capabilities come from scopes, not from one exclusive role. */
export const SCOPES = [
  'records:write',
  'records:read',
  'insights:read',
  'alerts:read',
  'alerts:write',
  'audit:read',
  'region:admin',
  'platform:admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export const isScope = (value: string): value is Scope => (SCOPES as readonly string[]).includes(value);

/** Who a client acts for; decides which tenant every query is scoped to. */
export type PrincipalKind = 'institution' | 'region' | 'platform';

export interface Principal {
  /** Public client id (the JWT `sub`). */
  clientId: string;
  kind: PrincipalKind;
  institutionId: string | null;
  regionId: string | null;
  scopes: Scope[];
}
