import { AuditChainVerifier } from 'src/audit/audit-chain';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { PeopleService } from 'src/people/people.service';
import { CookieClient, signInOverHttp, SignInWorld, startSignInWorld } from 'test/session/identity-providers';

// Sign-in through OpenID Connect against two real providers running in the test, walked over
// HTTP (the browser tests in test/web walk the same flow in Chromium).

const SESSION_COOKIE = 'doorstroom-session';

describe('signing in with a school account (OpenID Connect)', () => {
  let world: SignInWorld;
  let regionR: RegionEntity;
  let regionS: RegionEntity;
  let schoolA: InstitutionEntity;
  let schoolB: InstitutionEntity;
  let outsider: InstitutionEntity;
  let schoolS: InstitutionEntity;

  const session = (client: CookieClient): string | undefined => client.cookie('127.0.0.1', SESSION_COOKIE);
  const api = (client: CookieClient, path: string, init: { method?: string; body?: object; csrf?: string } = {}): Promise<Response> =>
    client.request(`${world.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}), ...(init.csrf ? { 'X-CSRF-Token': init.csrf } : {}) },
    });
  const describeSession = async (client: CookieClient): Promise<{ csrfToken: string; kind: string; scopes: string[]; person: { id: string; displayName: string }; role: { id: string; role: string } }> => {
    const response = await api(client, '/v1/session');
    expect(response.status).toBe(200);
    return (await response.json()) as never;
  };
  const invite = async (role: 'reader' | 'editor' | 'coordinator', target: { institutionBrin?: string; regionCode?: string }, label: string): Promise<string> => {
    const { code } = await world.ctx.app.get(PeopleService).inviteFromCli({ role, ...target, label });
    return code;
  };

  beforeAll(async () => {
    world = await startSignInWorld();
    const { ctx } = world;
    regionR = await ctx.newRegion();
    regionS = await ctx.newRegion();
    schoolA = await ctx.newInstitution();
    schoolB = await ctx.newInstitution();
    outsider = await ctx.newInstitution();
    schoolS = await ctx.newInstitution();
    await ctx.addMember(regionR, schoolA);
    await ctx.addMember(regionR, schoolB);
    await ctx.addMember(regionS, schoolS);
    // A platform administrator lets region R's people in automatically and names A's home organisation.
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    const region = await ctx.http.patch(`/v1/regions/${regionR.code}`).set('Authorization', `Bearer ${admin}`).send({ autoGrantReaders: true }).expect(200);
    expect(region.body.autoGrantReaders).toBe(true);
    const home = await ctx.http.patch(`/v1/institutions/${schoolA.brin}`).set('Authorization', `Bearer ${admin}`).send({ homeOrganization: `School-${schoolA.brin}.example.nl` }).expect(200);
    expect(home.body.homeOrganization).toBe(`school-${schoolA.brin.toLowerCase()}.example.nl`);
    await ctx.http.patch(`/v1/institutions/${schoolB.brin}`).set('Authorization', `Bearer ${admin}`).send({ homeOrganization: `school-${schoolA.brin}.example.nl` }).expect(409);
    await ctx.http.patch(`/v1/institutions/${schoolB.brin}`).set('Authorization', `Bearer ${admin}`).send({ homeOrganization: 'not a domain' }).expect(400);
    world.providers.a.accounts.push(
      { id: 'alice', label: 'Alice', claims: { schac_home_organization: `school-${schoolA.brin.toLowerCase()}.example.nl`, name: 'Alice de Vries' } },
      { id: 'nobody', label: 'Nobody', claims: { schac_home_organization: 'unknown-school.example.nl' } },
    );
    world.providers.b.accounts.push(
      { id: 'bram', label: 'Bram', claims: { nlEduPersonHomeOrganizationId: schoolB.brin } },
      { id: 'olga', label: 'Olga', claims: { nlEduPersonHomeOrganizationId: outsider.brin } },
      { id: 'sven', label: 'Sven', claims: { nlEduPersonHomeOrganizationId: schoolS.brin } },
      { id: 'cora', label: 'Cora', claims: { nlEduPersonHomeOrganizationId: outsider.brin } },
    );
  });
  afterAll(() => world?.close());

  it('lists both providers, with the address that starts signing in', async () => {
    const response = await world.ctx.http.get('/v1/session/providers').expect(200);
    expect(response.body.items).toEqual([
      { id: 'schoolid-a', name: 'SchoolID A', development: false, signInUrl: '/v1/session/sign-in/schoolid-a' },
      { id: 'schoolid-b', name: 'SchoolID B', development: false, signInUrl: '/v1/session/sign-in/schoolid-b' },
    ]);
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce, bound to the browser by an HttpOnly cookie', async () => {
    const client = new CookieClient();
    const response = await client.request(`${world.baseUrl}/v1/session/sign-in/schoolid-a`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin).toBe(world.providers.a.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toBeTruthy();
    expect(location.searchParams.get('nonce')).toBeTruthy();
    expect(location.searchParams.get('redirect_uri')).toBe(`${world.baseUrl}/v1/session/callback/schoolid-a`);
    const cookie = response.headers.getSetCookie().find((header) => header.startsWith('doorstroom-sign-in='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/v1\/session\/callback/);
  });

  it('an unknown provider is a 404', async () => {
    await world.ctx.http.get('/v1/session/sign-in/nope').expect(404);
  });

  it('a person invited as reader signs in, gets an HttpOnly session cookie (no token in the browser) and sees only their institution', async () => {
    const code = await invite('reader', { institutionBrin: schoolB.brin }, 'Bram Bakker, decaan');
    const client = new CookieClient();
    const landed = await signInOverHttp(world, client, 'b', 'bram', `?invitation=${code}`);
    expect(landed.href).toBe(`${world.baseUrl}/app/`);
    expect(session(client)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const me = await describeSession(client);
    expect(me).toMatchObject({ kind: 'institution', person: { displayName: 'Bram Bakker, decaan' }, role: { role: 'reader' } });
    expect(me.scopes.sort()).toEqual(['alerts:read', 'insights:read']);
    // The session's answer holds no token of the provider.
    expect(JSON.stringify(me)).not.toMatch(/eyJ/);

    const regions = (await (await api(client, '/v1/regions')).json()) as { items: Array<{ code: string }> };
    expect(regions.items.map((region: { code: string }) => region.code)).toEqual([regionR.code]);
    expect((await api(client, `/v1/regions/${regionS.code}`)).status).toBe(404);
    // A reader holds no records scope.
    expect((await api(client, '/v1/enrolments')).status).toBe(403);

    // The invitation is used: a second person cannot follow it.
    const other = new CookieClient();
    const refused = await signInOverHttp(world, other, 'b', 'cora', `?invitation=${code}`);
    expect(refused.hash).toBe('#/signin?error=invitation-invalid');
    expect(session(other)).toBeUndefined();
  });

  it('a person whose provider asserts a member institution of a region that allows it becomes its reader automatically (named by provider and subject: no name is requested)', async () => {
    const client = new CookieClient();
    const landed = await signInOverHttp(world, client, 'a', 'alice');
    expect(landed.pathname).toBe('/app/');
    const me = await describeSession(client);
    expect(me).toMatchObject({ kind: 'institution', person: { displayName: 'schoolid-a:alice' }, role: { role: 'reader' } });
    const people = await world.ctx.app.get(PeopleService).listPeopleFromCli({ limit: 100, offset: 0 });
    const alice = people.items.find((person) => person.subject === 'alice')!;
    expect(alice.roles).toEqual([expect.objectContaining({ role: 'reader', institutionBrin: schoolA.brin, grantedVia: 'automatic', revokedAt: null })]);
  });

  it('refuses a person whose institution claim names no member institution, or a member of a region that does not allow it, and stores nothing about them', async () => {
    for (const [provider, account] of [
      ['b', 'olga'], // an institution that is a member of no region
      ['a', 'nobody'], // an institution the service does not know
      ['b', 'sven'], // a member of region S, which does not grant automatically
    ] as const) {
      const client = new CookieClient();
      const landed = await signInOverHttp(world, client, provider, account);
      expect({ account, hash: landed.hash }).toEqual({ account, hash: '#/signin?error=no-role' });
      expect(session(client)).toBeUndefined();
    }
    const [{ count }] = await world.ctx.dataSource.query(`SELECT count(*)::int AS count FROM people WHERE subject IN ('olga', 'nobody', 'sven')`);
    expect(count).toBe(0);
  });

  it('refuses a callback whose state was tampered with, or that comes to another browser', async () => {
    const client = new CookieClient();
    const picker = await client.follow(`${world.baseUrl}/v1/session/sign-in/schoolid-b`);
    const callback = await client.choosePerson(picker.url, 'bram', (url) => url.pathname.startsWith('/v1/session/callback/'));
    expect(callback.url.searchParams.get('code')).toBeTruthy();

    const tampered = new URL(callback.url);
    tampered.searchParams.set('state', `${callback.url.searchParams.get('state')}x`);
    const refused = await client.follow(tampered.href);
    expect(refused.url.hash).toBe('#/signin?error=state');
    expect(session(client)).toBeUndefined();

    // The genuine callback, replayed in another browser (without the sign-in cookie): refused too.
    const stranger = new CookieClient();
    const elsewhere = await stranger.follow(callback.url.href);
    expect(elsewhere.url.hash).toBe('#/signin?error=state');
    expect(session(stranger)).toBeUndefined();
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    const client = new CookieClient();
    const start = await client.request(`${world.baseUrl}/v1/session/sign-in/schoolid-b`);
    const authorize = new URL(start.headers.get('location')!);
    authorize.searchParams.set('nonce', 'a-nonce-of-the-attacker');
    const picker = await client.follow(authorize.href);
    const landed = await client.choosePerson(picker.url, 'bram', (url) => url.pathname.startsWith('/app/'));
    expect(landed.url.hash).toBe('#/signin?error=response');
    expect(session(client)).toBeUndefined();
  });

  it('a cookie-authenticated state-changing request needs the CSRF token; a bearer token does not', async () => {
    const { code } = await world.ctx.app.get(PeopleService).inviteFromCli({ role: 'editor', institutionBrin: schoolB.brin, label: 'Cora, teamleider' });
    const client = new CookieClient();
    await signInOverHttp(world, client, 'b', 'cora', `?invitation=${code}`);
    const me = await describeSession(client);
    expect(me.role.role).toBe('editor');

    const withoutToken = await api(client, '/v1/enrolments:batch', { method: 'POST', body: { records: [] } });
    expect(withoutToken.status).toBe(403);
    expect(((await withoutToken.json()) as { type: string }).type).toMatch(/csrf-token-missing$/);
    const wrongToken = await api(client, '/v1/enrolments:batch', { method: 'POST', body: { records: [] }, csrf: 'not-the-token' });
    expect(wrongToken.status).toBe(403);
    // With the token the request passes the guard and meets validation (an empty batch is invalid).
    const withToken = await api(client, '/v1/enrolments:batch', { method: 'POST', body: { records: [] }, csrf: me.csrfToken });
    expect(withToken.status).toBe(400);

    const token = await world.ctx.tokenFor({ institution: schoolB, scopes: ['records:write'] });
    const bearer = await world.ctx.http.post('/v1/enrolments:batch').set('Authorization', `Bearer ${token}`).send({ records: [] });
    expect(bearer.status).toBe(400);
  });

  it('signs out: the session ends on the server, not only in the browser', async () => {
    const code = await invite('coordinator', { regionCode: regionR.code }, 'Rik, coördinator');
    const client = new CookieClient();
    await signInOverHttp(world, client, 'a', 'alice', `?invitation=${code}`);
    const me = await describeSession(client);
    // Alice is now coordinator of R and (automatically) reader of A: the widest view comes first... unless invited: the invitation's role.
    expect(me).toMatchObject({ kind: 'region', role: { role: 'coordinator' } });
    const token = session(client)!;

    expect((await api(client, '/v1/session/sign-out', { method: 'POST' })).status).toBe(403);
    expect((await api(client, '/v1/session/sign-out', { method: 'POST', csrf: me.csrfToken })).status).toBe(204);
    expect(session(client)).toBeUndefined();
    // The old cookie, sent again, opens nothing.
    client.setCookie('127.0.0.1', SESSION_COOKIE, token);
    const after = await api(client, `/v1/regions/${regionR.code}/report`);
    expect(after.status).toBe(401);
  });

  it('switches between the roles of one person', async () => {
    const client = new CookieClient();
    await signInOverHttp(world, client, 'a', 'alice');
    const me = await describeSession(client);
    expect(me.role.role).toBe('coordinator');
    const { roles: all } = (await (await api(client, '/v1/session')).json()) as { roles: Array<{ id: string; role: string }> };
    const reader = all.find((role) => role.role === 'reader')!;
    expect((await api(client, '/v1/session/role', { method: 'PUT', body: { roleId: reader.id } })).status).toBe(403);
    const switched = await api(client, '/v1/session/role', { method: 'PUT', body: { roleId: reader.id }, csrf: me.csrfToken });
    expect(switched.status).toBe(200);
    expect(((await switched.json()) as { kind: string }).kind).toBe('institution');
    expect((await api(client, `/v1/regions/${regionR.code}/report`)).status).toBe(403);
    const foreign = await api(client, '/v1/session/role', { method: 'PUT', body: { roleId: '00000000-0000-4000-8000-000000000000' }, csrf: me.csrfToken });
    expect(foreign.status).toBe(404);
  });

  it('an expired or idle session, or one whose role was revoked, answers 401', async () => {
    const client = new CookieClient();
    await signInOverHttp(world, client, 'b', 'bram');
    const me = await describeSession(client);
    await world.ctx.dataSource.query(`UPDATE web_sessions SET expires_at = now() - interval '1 second' WHERE person_id = $1`, [me.person.id]);
    const expired = await api(client, '/v1/regions');
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { type: string }).type).toMatch(/session-expired$/);

    const idle = new CookieClient();
    await signInOverHttp(world, idle, 'b', 'bram');
    await world.ctx.dataSource.query(`UPDATE web_sessions SET last_seen_at = now() - interval '2 hours' WHERE person_id = $1`, [me.person.id]);
    expect((await api(idle, '/v1/regions')).status).toBe(401);

    const revoked = new CookieClient();
    await signInOverHttp(world, revoked, 'b', 'bram');
    const current = await describeSession(revoked);
    await world.ctx.app.get(PeopleService).revokeFromCli(current.person.id, current.role.id);
    const refused = await api(revoked, '/v1/regions');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { type: string }).type).toMatch(/session-ended$/);
  });

  it('audits sign-ins, grants and the requests of people, naming the person', async () => {
    await world.ctx.flushAudit();
    const rows: Array<{ method: string; outcome: string; client_id: string | null; detail: Record<string, unknown> }> = await world.ctx.dataSource.query(
      `SELECT method, outcome, client_id, detail FROM audit_log WHERE method IN ('SIGN-IN', 'GRANT', 'REVOKE') OR detail ? 'person' ORDER BY id`,
    );
    const grants = rows.filter((row) => row.method === 'GRANT');
    expect(grants).toEqual(expect.arrayContaining([expect.objectContaining({ detail: expect.objectContaining({ person: 'schoolid-a:alice', role: 'reader', grantedVia: 'automatic' }) })]));
    expect(grants).toEqual(expect.arrayContaining([expect.objectContaining({ detail: expect.objectContaining({ person: 'Bram Bakker, decaan', role: 'reader', grantedVia: 'invitation' }) })]));
    expect(rows.filter((row) => row.method === 'REVOKE')).toEqual([expect.objectContaining({ detail: expect.objectContaining({ person: 'Bram Bakker, decaan', by: 'cli' }) })]);
    const signIns = rows.filter((row) => row.method === 'SIGN-IN');
    expect(signIns.filter((row) => row.outcome === 'denied').map((row) => row.detail.reason)).toEqual(expect.arrayContaining(['no-role', 'state', 'response', 'invitation-invalid']));
    expect(signIns.filter((row) => row.outcome === 'allowed').every((row) => typeof row.detail.person === 'string' && row.client_id?.startsWith('person:'))).toBe(true);
    // An ordinary API request of a person names them too.
    expect(rows.some((row) => row.method === 'GET' && row.detail.person === 'Bram Bakker, decaan' && row.client_id?.startsWith('person:'))).toBe(true);
    // The query of a sign-in route carries credentials (the authorization code, an invitation code): none is recorded.
    const signInTargets: Array<{ target: { filters?: Record<string, unknown> } }> = await world.ctx.dataSource.query(
      `SELECT target FROM audit_log WHERE route LIKE '/v1/session/%' AND target ? 'filters'`,
    );
    expect(signInTargets.length).toBeGreaterThan(0);
    for (const { target } of signInTargets) expect(Object.values(target.filters ?? {}).every((value) => value === '[withheld]')).toBe(true);
    // Grants, revocations and sign-ins are links of the audit log's hash chain like every other entry, and the chain holds.
    const unchained: Array<{ count: number }> = await world.ctx.dataSource.query(
      `SELECT count(*)::int AS count FROM audit_log WHERE method IN ('SIGN-IN', 'GRANT', 'REVOKE') AND (chain_seq IS NULL OR hash IS NULL)`,
    );
    expect(unchained[0].count).toBe(0);
    expect(await world.ctx.app.get(AuditChainVerifier).verify()).toMatchObject({ intact: true });
  });
});
