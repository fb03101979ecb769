import { Scope } from 'src/access/scopes';

/**
 * The roles a person can hold. A role is a tenant and a set of scopes, exactly what an API client
 * of that tenant holds, so a person is authorized by the same access layer as a client.
 * - coordinator of a region: the region's joint views, definitions, alerts, audit and its people;
 * - reader for an institution: its figures and alerts;
 * - editor for an institution: also its records (upload, correct, delete), alert follow-up and audit.
 */
export const ROLES = ['coordinator', 'reader', 'editor'] as const;
export type RoleName = (typeof ROLES)[number];

export const ROLE_SCOPES: Record<RoleName, readonly Scope[]> = {
  coordinator: ['region:admin', 'insights:read', 'alerts:read', 'alerts:write', 'audit:read'],
  reader: ['insights:read', 'alerts:read'],
  editor: ['records:write', 'records:read', 'insights:read', 'alerts:read', 'alerts:write', 'audit:read'],
};

/** A role held by a person: a coordinator's names a region, a reader's or editor's an institution. */
export type PersonRole = { id: string; role: 'coordinator'; regionId: string } | { id: string; role: 'reader' | 'editor'; institutionId: string };

export const isRoleName = (value: string): value is RoleName => (ROLES as readonly string[]).includes(value);
