import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { createTestContext, TestContext } from 'test/utils/test-context';

/** A problem document never repeats a secret of the request, wherever the request put it. */
describe('no secret in a problem body', () => {
  let ctx: TestContext;
  let port: number;
  let client: { clientId: string; secret: string };
  const SECRET = 'Zr8-very-secret-value_4711';
  const json = (secret = SECRET): string => JSON.stringify({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: secret });

  beforeAll(async () => {
    ctx = await createTestContext();
    const server = await ctx.app.listen(0, '127.0.0.1');
    port = (server.address() as AddressInfo).port;
    const institution = await ctx.newInstitution({ sectors: ['hbo'] });
    client = await ctx.newClient({ institution, scopes: ['records:read'] });
  });
  afterAll(() => ctx.close());

  /** A POST exactly as given: no header is added (supertest would add a Content-Type). */
  const rawPost = (path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('answers JSON sent as a form (curl -d without a Content-Type) by saying so, without the secret', async () => {
    const response = await ctx.http.post('/v1/auth/token').set('Content-Type', 'application/x-www-form-urlencoded').send(json()).expect(400);
    expect(response.text).not.toContain(SECRET);
    expect(response.body.detail).toContain('Content-Type: application/json');
    expect(response.body.errors).toEqual([expect.objectContaining({ header: 'content-type', code: 'jsonSentAsForm' })]);
  });

  it('does not echo the secret of a JSON body sent with no Content-Type at all, or as text', async () => {
    const variants: Array<Record<string, string>> = [{}, { 'content-type': 'text/plain' }, { 'content-type': 'application/octet-stream' }];
    for (const headers of variants) {
      const response = await rawPost('/v1/auth/token', json(), headers);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.text).not.toContain(SECRET);
    }
  });

  it('masks secrets however they are written, also a secret with characters JSON or a URL escapes', async () => {
    const awkward = 'p"a&s=s w/ö\\rd-4711';
    const bodies = [
      json(awkward),
      `{"client_secret": "${SECRET}", "grant_type": 1}`,
      `client_secret=${encodeURIComponent(SECRET)}&{"x":1}=y`,
      JSON.stringify({ nested: { password: SECRET }, grant_type: 'client_credentials' }),
    ];
    for (const body of bodies) {
      const response = await ctx.http.post('/v1/auth/token').set('Content-Type', 'application/x-www-form-urlencoded').send(body);
      expect(response.status).toBe(400);
      for (const secret of [SECRET, awkward, JSON.stringify(awkward).slice(1, -1), encodeURIComponent(awkward)]) expect(response.text).not.toContain(secret);
    }
  });

  it('still names unknown fields and keeps credentials out of other routes’ problems', async () => {
    const unknown = await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: SECRET, password: SECRET }).expect(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ pointer: '#/password', code: 'whitelistValidation' })]);
    expect(unknown.text).not.toContain(SECRET);

    const basic = await ctx.http.get('/v1/clients').auth(client.clientId, SECRET).expect(401);
    expect(basic.text).not.toContain(SECRET);
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    const webhook = await ctx.http
      .post('/v1/clients')
      .set('Authorization', `Bearer ${admin}`)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(JSON.stringify({ name: 'x', clientSecret: SECRET, scopes: ['records:read'] }))
      .expect(400);
    expect(webhook.text).not.toContain(SECRET);
    expect(webhook.text).not.toContain(admin);
  });
});
