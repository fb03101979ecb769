/**
 * Failed authentication is limited: requests with a bad or missing bearer token per address, token
 * requests per address, and wrong secrets per client id with a back-off. Each scenario comes from
 * its own address (X-Forwarded-For from the loopback proxy, which the service trusts).
 */
import { createTestContext, TestContext } from 'test/utils/test-context';

const LIMITS = { AUTH_FAILURES_PER_MINUTE: '5', TOKEN_REQUESTS_PER_MINUTE: '8', TOKEN_FAILURES_BEFORE_BACKOFF: '3' };

describe('limits on failed authentication', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(LIMITS);
  });
  afterAll(() => ctx?.close());

  const expectTooMany = (response: { status: number; headers: Record<string, string>; body: { status?: number; retryAfter?: number } }, maxSeconds: number): void => {
    expect(response.status).toBe(429);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.status).toBe(429);
    const retryAfter = Number(response.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
    expect(response.body.retryAfter).toBe(retryAfter);
  };

  it('answers 429 with Retry-After to an address past its limit of requests with invalid tokens; a valid token still passes', async () => {
    const institution = await ctx.newInstitution({ sectors: ['hbo'] });
    const valid = await ctx.tokenFor({ institution, scopes: ['records:read'] });
    const from = (address: string, bearer?: string) => {
      const call = ctx.http.get('/v1/enrolments?limit=1').set('x-forwarded-for', address);
      return bearer ? call.set('authorization', `Bearer ${bearer}`) : call;
    };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await from('203.0.113.10', `not.a.token${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expectTooMany(await from('203.0.113.10', 'x.y.z'), 60);
    // No token at all fails authentication too.
    expectTooMany(await from('203.0.113.10'), 60);
    expect((await from('203.0.113.10', valid)).status).toBe(200);
    // Another address has its own count.
    expect((await from('203.0.113.11', 'x.y.z')).status).toBe(401);
  });

  it('backs off a client id after wrong secrets in a row, even for the right secret, and leaves other clients alone', async () => {
    const target = await ctx.newClient({ scopes: ['records:read'] });
    const bystander = await ctx.newClient({ scopes: ['records:read'] });
    const token = (address: string, clientId: string, secret: string) =>
      ctx.http.post('/v1/auth/token').set('x-forwarded-for', address).send({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
    // Wrong secrets from several addresses: the back-off is per client id, not per address.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await token(`198.51.100.${i}`, target.clientId, `wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    const waiting = await token('198.51.100.20', target.clientId, target.secret);
    expectTooMany(waiting, 1);
    expect(waiting.body).not.toHaveProperty('access_token');
    expect((await token('198.51.100.20', bystander.clientId, bystander.secret)).status).toBe(200);
    // HTTP Basic reaches the same client id.
    const basic = await ctx.http.post('/v1/auth/token').set('x-forwarded-for', '198.51.100.21').auth(target.clientId, target.secret).type('form').send({ grant_type: 'client_credentials' });
    expectTooMany(basic, 1);
  });

  it('limits token requests per address, whatever their outcome', async () => {
    const client = await ctx.newClient({ scopes: ['records:read'] });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await ctx.http
        .post('/v1/auth/token')
        .set('x-forwarded-for', '192.0.2.50')
        .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret });
      statuses.push(response.status);
      if (response.status === 429) expectTooMany(response, 60);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    expect((await ctx.http.post('/v1/auth/token').set('x-forwarded-for', '192.0.2.51').send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret })).status).toBe(200);
  });
});
