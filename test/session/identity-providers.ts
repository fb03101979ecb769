import { createServer, Server } from 'node:http';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { RoleName } from 'src/access/roles';
import { createDevelopmentProvider, DevelopmentAccount } from 'src/session/development-provider';
import { createTestContext, TestContext } from 'test/utils/test-context';

/**
 * Two real OpenID Connect providers (oidc-provider) for the tests, each on an address of its own
 * (127.0.0.2 and 127.0.0.3: other hosts than the service's 127.0.0.1, so their cookies never
 * mix), and the service on a fresh database configured to trust both:
 * - `schoolid-a`, like SURFconext: the institution claim is `schac_home_organization`, a domain;
 * - `schoolid-b`, like Entree Federatie: the institution claim is a BRIN.
 */
export interface TestIdentityProvider {
  id: 'schoolid-a' | 'schoolid-b';
  issuer: string;
  /** People who can sign in; a test may add to it at any time. */
  accounts: DevelopmentAccount[];
  server: Server;
}

export interface SignInWorld {
  ctx: TestContext;
  baseUrl: string;
  providers: Record<'a' | 'b', TestIdentityProvider>;
  close(): Promise<void>;
}

const listen = (server: Server, host: string, port = 0): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });

/** A port that is free now on the service's address (the service needs it before it starts, for its redirect URIs). */
export const freePort = async (): Promise<number> => {
  const probe = createNetServer();
  const port = await new Promise<number>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port));
  });
  await new Promise((resolve) => probe.close(resolve));
  return port;
};

const CLIENT_SECRET = 'test-client-secret-for-the-service-registration';

export async function startProvider(id: TestIdentityProvider['id'], host: string, appBaseUrl: string, scopes: Record<string, string[]>): Promise<TestIdentityProvider> {
  const server = createServer();
  const port = await listen(server, host);
  const issuer = `http://${host}:${port}`;
  const accounts: DevelopmentAccount[] = [];
  // The provider warns that it prefers a newer Node.js; the tests run on the project's supported one.
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const handler = await createDevelopmentProvider({
      issuer,
      mountPath: '',
      title: id === 'schoolid-a' ? 'SchoolID A (test)' : 'SchoolID B (test)',
      clients: [{ clientId: 'doorstroom', clientSecret: CLIENT_SECRET, redirectUris: [`${appBaseUrl}/v1/session/callback/${id}`] }],
      accounts,
      scopes,
    });
    server.on('request', handler);
  } finally {
    warn.mockRestore();
  }
  return { id, issuer, accounts, server };
}

/** The two providers and the service, listening; `env` adds to the service's configuration. */
export async function startSignInWorld(env: NodeJS.ProcessEnv = {}): Promise<SignInWorld> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const a = await startProvider('schoolid-a', '127.0.0.2', baseUrl, { profile: ['name'], schac: ['schac_home_organization'] });
  const b = await startProvider('schoolid-b', '127.0.0.3', baseUrl, { entree: ['nlEduPersonHomeOrganizationId'] });
  const ctx = await createTestContext({
    PUBLIC_URL: baseUrl,
    OIDC_PROVIDERS: 'schoolid-a,schoolid-b',
    OIDC_SCHOOLID_A_NAME: 'SchoolID A',
    OIDC_SCHOOLID_A_ISSUER: a.issuer,
    OIDC_SCHOOLID_A_CLIENT_ID: 'doorstroom',
    OIDC_SCHOOLID_A_CLIENT_SECRET: CLIENT_SECRET,
    OIDC_SCHOOLID_A_SCOPES: 'openid schac',
    OIDC_SCHOOLID_A_INSTITUTION_CLAIM: 'schac_home_organization',
    OIDC_SCHOOLID_A_INSTITUTION_CLAIM_KIND: 'home-organization',
    OIDC_SCHOOLID_B_NAME: 'SchoolID B',
    OIDC_SCHOOLID_B_ISSUER: b.issuer,
    OIDC_SCHOOLID_B_CLIENT_ID: 'doorstroom',
    OIDC_SCHOOLID_B_CLIENT_SECRET: CLIENT_SECRET,
    OIDC_SCHOOLID_B_SCOPES: 'openid entree',
    OIDC_SCHOOLID_B_INSTITUTION_CLAIM: 'nlEduPersonHomeOrganizationId',
    OIDC_SCHOOLID_B_INSTITUTION_CLAIM_KIND: 'brin',
    ...env,
  });
  await ctx.app.listen(port, '127.0.0.1');
  return {
    ctx,
    baseUrl,
    providers: { a, b },
    async close() {
      await ctx.close();
      for (const provider of [a, b]) {
        provider.server.closeAllConnections();
        await new Promise((resolve) => provider.server.close(resolve));
      }
    },
  };
}

/**
 * A browser without a browser: follows redirects by hand and keeps cookies per host, so a test
 * can walk the sign-in flow over HTTP and tamper with any step.
 */
export class CookieClient {
  private readonly jar = new Map<string, Map<string, string>>();

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  setCookie(host: string, name: string, value: string): void {
    if (!this.jar.has(host)) this.jar.set(host, new Map());
    this.jar.get(host)!.set(name, value);
  }

  async request(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const cookies = [...(this.jar.get(target.hostname) ?? new Map<string, string>()).entries()].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { ...(cookies ? { Cookie: cookies } : {}), ...(init.body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}), ...(init.headers ?? {}) },
      ...(init.body ? { body: init.body } : {}),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute)) || value === '';
      if (!this.jar.has(target.hostname)) this.jar.set(target.hostname, new Map());
      if (expired) this.jar.get(target.hostname)!.delete(name);
      else this.jar.get(target.hostname)!.set(name, value);
    }
    return response;
  }

  /** GET, following redirects (with the browser's change of POST to GET on 302/303), until `stop` says so or a page answers. */
  async follow(url: string, stop: (url: URL) => boolean = () => false): Promise<{ url: URL; response: Response }> {
    let current = new URL(url);
    for (let hops = 0; hops < 20; hops++) {
      if (stop(current)) return { url: current, response: new Response(null, { status: 299 }) };
      const response = await this.request(current.href);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url: current, response };
      current = new URL(location, current);
    }
    throw new Error('too many redirects');
  }

  /** On the provider's picker page: choose a person, and follow the redirects until `stop`. */
  async choosePerson(pickerUrl: URL, account: string, stop: (url: URL) => boolean = () => false): Promise<{ url: URL; response: Response }> {
    const response = await this.request(`${pickerUrl.origin}${pickerUrl.pathname.replace(/\/$/, '')}/login`, { method: 'POST', body: new URLSearchParams({ account }).toString() });
    const location = response.headers.get('location');
    if (!location) throw new Error(`choosing ${account}: ${response.status} ${await response.text()}`);
    return this.follow(new URL(location, pickerUrl).href, stop);
  }
}

/** Signs in over HTTP from the service's sign-in route to the end; returns where the browser lands. */
export async function signInOverHttp(world: SignInWorld, client: CookieClient, provider: 'a' | 'b', account: string, query = ''): Promise<URL> {
  const picker = await client.follow(`${world.baseUrl}/v1/session/sign-in/${world.providers[provider].id}${query}`);
  if (!picker.url.pathname.includes('/interaction/')) throw new Error(`expected the provider's picker, got ${picker.url.href} (${picker.response.status})`);
  const landed = await client.choosePerson(picker.url, account, (url) => url.pathname.startsWith('/app/'));
  if (!landed.url.pathname.startsWith('/app/')) throw new Error(`sign-in ended at ${landed.url.href}: ${landed.response.status} ${await landed.response.text()}`);
  return landed.url;
}

export interface PersonSession {
  personId: string;
  roleId: string;
  /** The Cookie header of the session. */
  cookie: string;
  csrfToken: string;
}

/** A person with one role and a live session, written straight into the database (for tests that are not about signing in). */
export async function newPersonSession(ctx: TestContext, role: { role: RoleName; regionId?: string; institutionId?: string }, personId?: string): Promise<PersonSession> {
  let id = personId;
  if (!id) {
    const subject = `person-${randomBytes(6).toString('hex')}`;
    [{ id }] = await ctx.dataSource.query(`INSERT INTO people (provider, subject, display_name) VALUES ('schoolid-a', $1, $2) RETURNING id`, [subject, `Test ${role.role} ${subject}`]);
  }
  const [{ id: roleId }] = await ctx.dataSource.query(
    `INSERT INTO person_roles (person_id, role, region_id, institution_id, granted_via, granted_by) VALUES ($1, $2, $3, $4, 'direct', 'test') RETURNING id`,
    [id, role.role, role.regionId ?? null, role.institutionId ?? null],
  );
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await ctx.dataSource.query(
    `INSERT INTO web_sessions (token_hash, csrf_token, person_id, role_id, provider, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, 'schoolid-a', now() + interval '1 hour', now())`,
    [createHash('sha256').update(token).digest('hex'), csrfToken, id, roleId],
  );
  return { personId: id!, roleId, cookie: `doorstroom-session=${token}`, csrfToken };
}
