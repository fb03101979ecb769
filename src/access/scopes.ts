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
