import { randomBytes } from 'node:crypto';

/**
 * Sign-in of people through OpenID Connect: the identity providers and the web session, read from
 * the environment. Providers are listed in OIDC_PROVIDERS (ids, comma-separated); each id has its
 * own variables, OIDC_<ID>_ISSUER and so on, so several federations can be connected at once.
 */

/** What the institution claim of a provider holds, and so which column of an institution it is matched against. */
export const INSTITUTION_CLAIM_KINDS = ['brin', 'home-organization'] as const;
export type InstitutionClaimKind = (typeof INSTITUTION_CLAIM_KINDS)[number];

export interface IdentityProviderConfig {
  /** Lower-case id used in URLs and stored with every person: `surfconext`, `entree`. */
  id: string;
  /** What the sign-in page shows: "SURFconext". */
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** The claim that names the person's institution; absent: the provider asserts none. */
  institutionClaim?: string;
  institutionClaimKind: InstitutionClaimKind;
  /** Only the built-in development provider: never configured by an operator. */
  development?: boolean;
}

export interface SignInConfig {
  /** Where browsers reach the service; redirect URIs and the cookie's Secure flag follow from it. */
  publicUrl: string;
  providers: IdentityProviderConfig[];
  /** A session ends this long after sign-in, whatever happens. */
  sessionTtlSeconds: number;
  /** And earlier, after this long without a request. */
  sessionIdleSeconds: number;
  /** Runs the development identity provider with demo people inside the service; never in production. */
  developmentProvider: boolean;
}

/**
 * The variables read here rather than by the configuration class (app-config.ts); the README's
 * configuration table names each of them, and each provider's as `OIDC_<ID>_<suffix>`.
 */
export const SIGN_IN_VARIABLES = ['PUBLIC_URL', 'OIDC_PROVIDERS', 'OIDC_DEV_PROVIDER', 'SESSION_TTL_MINUTES', 'SESSION_IDLE_MINUTES'] as const;
export const PROVIDER_VARIABLE_SUFFIXES = ['ISSUER', 'CLIENT_ID', 'CLIENT_SECRET', 'NAME', 'SCOPES', 'INSTITUTION_CLAIM', 'INSTITUTION_CLAIM_KIND'] as const;

const PROVIDER_ID = /^[a-z][a-z0-9-]{0,31}$/;
const toBoolean = (value: string | undefined): boolean | undefined => {
  if (value === undefined) return undefined;
  const lowered = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lowered)) return true;
  if (['false', '0', 'no', 'off'].includes(lowered)) return false;
  return undefined;
};
const toInteger = (value: string | undefined): number | undefined => (value !== undefined && /^\d{1,9}$/.test(value.trim()) ? Number(value) : undefined);

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
};
const isLoopback = (value: string): boolean => {
  const host = new URL(value).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
};

/** The id of the development provider, reserved: no configured provider may use it. */
export const DEVELOPMENT_PROVIDER_ID = 'dev';
/** Where the development provider is mounted inside the service. */
export const DEVELOPMENT_PROVIDER_PATH = '/dev-oidc';

/** The client id of the service at the development provider. */
export const DEVELOPMENT_CLIENT_ID = 'doorstroom-development';
/** The claim the development provider names a demo person's institution with. */
export const DEVELOPMENT_INSTITUTION_CLAIM = 'nl_edu_brin';

/**
 * The development provider, mounted inside the service at PUBLIC_URL + /dev-oidc. Its client
 * secret is made per process: the provider and the service that uses it are the same process.
 */
function developmentProviderConfig(publicUrl: string): IdentityProviderConfig {
  return {
    id: DEVELOPMENT_PROVIDER_ID,
    name: 'Ontwikkel-IdP',
    issuer: `${publicUrl}${DEVELOPMENT_PROVIDER_PATH}`,
    clientId: DEVELOPMENT_CLIENT_ID,
    clientSecret: randomBytes(32).toString('base64url'),
    scopes: ['openid', 'school'],
    institutionClaim: DEVELOPMENT_INSTITUTION_CLAIM,
    institutionClaimKind: 'brin',
    development: true,
  };
}

/**
 * Reads OIDC_PROVIDERS and the variables of each provider, PUBLIC_URL and the session settings.
 * Every problem is pushed onto `problems` naming its variable, like the rest of the configuration.
 */
export function loadSignInConfig(env: Record<string, string | undefined>, context: { env: 'development' | 'test' | 'production'; port: number }, problems: string[]): SignInConfig {
  const production = context.env === 'production';
  const ids = (env.OIDC_PROVIDERS ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${context.port}`).replace(/\/+$/, '');
  // Without PUBLIC_URL the address follows from PORT, whose own problem is reported already.
  if (!isHttpUrl(publicUrl)) {
    if (env.PUBLIC_URL !== undefined) problems.push('PUBLIC_URL: must be an http(s) URL without user name or password, e.g. https://doorstroom.example.nl');
  } else if (production && ids.length > 0 && new URL(publicUrl).protocol !== 'https:') {
    // Only people have sessions: a production service without identity providers (machines only) needs no public address.
    problems.push('PUBLIC_URL: must be https when NODE_ENV=production and OIDC_PROVIDERS is set (the session cookie is Secure)');
  }

  const providers: IdentityProviderConfig[] = [];
  for (const id of ids) {
    const prefix = `OIDC_${id.toUpperCase().replace(/-/g, '_')}_`;
    if (!PROVIDER_ID.test(id) || id === DEVELOPMENT_PROVIDER_ID) {
      problems.push(`OIDC_PROVIDERS: "${id}" is not a provider id (lower-case letters, digits and hyphens; "${DEVELOPMENT_PROVIDER_ID}" is reserved)`);
      continue;
    }
    if (providers.some((provider) => provider.id === id)) {
      problems.push(`OIDC_PROVIDERS: "${id}" is listed twice`);
      continue;
    }
    const issuer = env[`${prefix}ISSUER`];
    const clientId = env[`${prefix}CLIENT_ID`];
    const clientSecret = env[`${prefix}CLIENT_SECRET`];
    if (!issuer || !isHttpUrl(issuer)) problems.push(`${prefix}ISSUER: required, the provider's issuer URL`);
    else if (new URL(issuer).protocol !== 'https:' && (production || !isLoopback(issuer))) {
      problems.push(`${prefix}ISSUER: must be https (plain http only for a provider on this machine outside production)`);
    }
    if (!clientId) problems.push(`${prefix}CLIENT_ID: required, the client id of this service's registration at the provider`);
    if (!clientSecret) problems.push(`${prefix}CLIENT_SECRET: required, the client secret of that registration`);
    const kind = env[`${prefix}INSTITUTION_CLAIM_KIND`] ?? 'brin';
    if (!(INSTITUTION_CLAIM_KINDS as readonly string[]).includes(kind)) problems.push(`${prefix}INSTITUTION_CLAIM_KIND: one of ${INSTITUTION_CLAIM_KINDS.join(', ')}`);
    const scopes = (env[`${prefix}SCOPES`] ?? 'openid').split(/[\s,]+/).filter((scope) => scope.length > 0);
    if (!scopes.includes('openid')) problems.push(`${prefix}SCOPES: must include openid`);
    providers.push({
      id,
      name: env[`${prefix}NAME`] ?? id,
      issuer: issuer ?? '',
      clientId: clientId ?? '',
      clientSecret: clientSecret ?? '',
      scopes,
      ...(env[`${prefix}INSTITUTION_CLAIM`] ? { institutionClaim: env[`${prefix}INSTITUTION_CLAIM`] } : {}),
      institutionClaimKind: kind as InstitutionClaimKind,
    });
  }

  const sessionTtlMinutes = env.SESSION_TTL_MINUTES === undefined ? 480 : toInteger(env.SESSION_TTL_MINUTES);
  if (sessionTtlMinutes === undefined || sessionTtlMinutes < 5 || sessionTtlMinutes > 1440) problems.push('SESSION_TTL_MINUTES: a whole number from 5 to 1440');
  const sessionIdleMinutes = env.SESSION_IDLE_MINUTES === undefined ? 60 : toInteger(env.SESSION_IDLE_MINUTES);
  if (sessionIdleMinutes === undefined || sessionIdleMinutes < 1 || sessionIdleMinutes > 1440) problems.push('SESSION_IDLE_MINUTES: a whole number from 1 to 1440');

  const developmentSetting = toBoolean(env.OIDC_DEV_PROVIDER);
  if (env.OIDC_DEV_PROVIDER !== undefined && developmentSetting === undefined) problems.push('OIDC_DEV_PROVIDER: true or false');
  if (production && developmentSetting === true) problems.push('OIDC_DEV_PROVIDER: the development identity provider never runs when NODE_ENV=production');
  // On by default in development (npm start), so the web report can be tried with demo people;
  // off in tests unless a test asks for it; never in production, whatever is set.
  const developmentProvider = !production && (developmentSetting ?? context.env === 'development');
  if (developmentProvider && isHttpUrl(publicUrl)) providers.unshift(developmentProviderConfig(publicUrl));

  return {
    publicUrl,
    providers,
    sessionTtlSeconds: (sessionTtlMinutes ?? 480) * 60,
    sessionIdleSeconds: (sessionIdleMinutes ?? 60) * 60,
    developmentProvider,
  };
}
