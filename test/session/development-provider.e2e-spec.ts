import { DEMO_PEOPLE } from 'src/demo/demo-region';
import { DemoService } from 'src/demo/demo.service';
import { CookieClient, freePort } from 'test/session/identity-providers';
import { createTestContext, TestContext } from 'test/utils/test-context';

// The development identity provider that `npm start` runs inside the service: its demo people
// sign in through the same OpenID Connect flow, session and access checks as a school account.
// (That it never runs in production is the configuration's rule: src/config/sign-in-config.spec.ts.)

describe('the development identity provider inside the service', () => {
  let ctx: TestContext;
  let baseUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // The provider warns that it prefers a newer Node.js; the tests run on the project's supported one.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      ctx = await createTestContext({ PUBLIC_URL: baseUrl, OIDC_DEV_PROVIDER: 'true' });
    } finally {
      warn.mockRestore();
    }
    const demo = ctx.app.get(DemoService);
    // Without the demo regions there is no one to give a role to.
    expect(await demo.seedDemoPeople()).toBe(0);
    expect(await demo.seedIfEmpty()).toBe(true);
    expect(await demo.seedDemoPeople()).toBe(DEMO_PEOPLE.length);
    await ctx.app.listen(port, '127.0.0.1');
  }, 240_000);
  afterAll(() => ctx?.close());

  /** Walks the flow from the sign-in page's button to the web report, choosing a demo person. */
  const signIn = async (account: string): Promise<{ client: CookieClient; landed: URL }> => {
    const client = new CookieClient();
    const picker = await client.follow(`${baseUrl}/v1/session/sign-in/dev`);
    expect(picker.url.pathname).toMatch(/^\/dev-oidc\/interaction\//);
    expect(await picker.response.text()).toContain('Alleen voor ontwikkeling en tests');
    const landed = await client.choosePerson(picker.url, account, (url) => url.pathname.startsWith('/app/'));
    return { client, landed: landed.url };
  };

  it('is offered on the sign-in page, marked as development', async () => {
    const response = await ctx.http.get('/v1/session/providers').expect(200);
    expect(response.body.items).toEqual([{ id: 'dev', name: 'Ontwikkel-IdP', development: true, signInUrl: '/v1/session/sign-in/dev' }]);
  });

  it('gives every demo role a demo person, once (seeding again adds nothing)', async () => {
    expect(await ctx.app.get(DemoService).seedDemoPeople()).toBe(0);
    const rows: Array<{ subject: string; role: string; code: string | null; brin: string | null }> = await ctx.dataSource.query(
      `SELECT p.subject, r.role, g.code, i.brin FROM people p JOIN person_roles r ON r.person_id = p.id
         LEFT JOIN regions g ON g.id = r.region_id LEFT JOIN institutions i ON i.id = r.institution_id
        WHERE p.provider = 'dev' AND r.revoked_at IS NULL ORDER BY p.subject, r.role`,
    );
    const expected = DEMO_PEOPLE.flatMap((person) => person.roles.map((role) => ({ subject: person.subject, role: role.role, code: role.regionCode ?? null, brin: role.institutionBrin ?? null })));
    expect(rows).toEqual(expect.arrayContaining(expected));
    expect(rows).toHaveLength(expected.length);
    expect(new Set(rows.map((row) => row.role))).toEqual(new Set(['coordinator', 'reader', 'editor']));
  });

  it('signs a demo reader in to their own institution only, and a demo coordinator to their region', async () => {
    const reader = await signIn('demo-vo-decaan');
    expect(reader.landed.pathname).toBe('/app/');
    const session = (await (await reader.client.request(`${baseUrl}/v1/session`)).json()) as { kind: string; role: { role: string; institutionBrin: string } };
    expect(session).toMatchObject({ kind: 'institution', role: { role: 'reader', institutionBrin: '90VB' } });
    expect((await reader.client.request(`${baseUrl}/v1/regions/RIJNSTAD/report`)).status).toBe(403);

    const coordinator = await signIn('demo-coordinator-noordkust');
    const regions = (await (await coordinator.client.request(`${baseUrl}/v1/regions`)).json()) as { items: Array<{ code: string }> };
    expect(regions.items.map((region) => region.code)).toEqual(['NOORDKUST']);
    expect((await coordinator.client.request(`${baseUrl}/v1/regions/RIJNSTAD/report`)).status).toBe(404);
  });

  it('refuses the demo person without a role', async () => {
    const { client, landed } = await signIn('demo-no-role');
    expect(landed.hash).toBe('#/signin?error=no-role');
    expect((await client.request(`${baseUrl}/v1/session`)).status).toBe(401);
  });
});
