import jwt from 'jsonwebtoken';
import { createTestContext, TestContext } from 'test/utils/test-context';
import { InstitutionEntity } from 'src/institutions/institution.entity';

describe('POST /v1/auth/token and token verification', () => {
  let ctx: TestContext;
  let institution: InstitutionEntity;
  let client: { clientId: string; secret: string };

  const claimsFor = (clientId: string) => ({ sub: clientId, scope: 'records:read', inst: institution.id });
  const sign = (payload: object, options: jwt.SignOptions = {}, secret = ctx.config.auth.jwtSecret) =>
    jwt.sign(payload, secret, { algorithm: 'HS256', issuer: ctx.config.auth.issuer, audience: ctx.config.auth.audience, expiresIn: 300, ...options });
  const readOwnInstitution = (token: string) => ctx.http.get(`/v1/institutions/${institution.brin}`).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    ctx = await createTestContext();
    institution = await ctx.newInstitution({ sectors: ['hbo'] });
    client = await ctx.newClient({ institution, scopes: ['records:read', 'records:write'] });
  });
  afterAll(() => ctx.close());

  it('issues a token for JSON credentials, form credentials and HTTP Basic', async () => {
    const json = await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }).expect(200);
    expect(json.body).toMatchObject({ token_type: 'Bearer', expires_in: ctx.config.auth.tokenTtlSeconds, scope: 'records:read records:write' });
    expect(json.headers['cache-control']).toBe('no-store');
    const decoded = jwt.decode(json.body.access_token, { complete: true })!;
    expect(decoded.header.alg).toBe('HS256');
    expect(decoded.payload).toMatchObject({ sub: client.clientId, inst: institution.id, iss: ctx.config.auth.issuer, aud: ctx.config.auth.audience });

    const form = await ctx.http
      .post('/v1/auth/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret, scope: 'records:read' })
      .expect(200);
    expect(form.body.scope).toBe('records:read');

    const basic = await ctx.http
      .post('/v1/auth/token')
      .auth(client.clientId, client.secret)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    await readOwnInstitution(basic.body.access_token).expect(200);
  });

  it('refuses a wrong secret, an unknown client and a scope the client does not hold', async () => {
    const wrong = await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'nope' }).expect(401);
    expect(wrong.headers['content-type']).toMatch(/problem\+json/);
    expect(wrong.body.error).toBe('invalid_client');
    await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: 'no-such-client', client_secret: 'nope' }).expect(401);
    const scope = await ctx.http
      .post('/v1/auth/token')
      .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret, scope: 'platform:admin' })
      .expect(400);
    expect(scope.body.errors[0].pointer).toBe('#/scope');
  });

  it('refuses HTTP Basic credentials with broken %-encoding or NUL, and NUL in a JSON body, with 400 problem+json', async () => {
    for (const credentials of ['%E0%A4%A:secret', `${client.clientId}:%zz`, '%:%', '%00:secret', '\u0000:\u0000']) {
      const response = await ctx.http
        .post('/v1/auth/token')
        .set('authorization', `Basic ${Buffer.from(credentials).toString('base64')}`)
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 400, error: 'invalid_request', errors: [{ header: 'authorization', code: 'invalid_encoding' }] });
    }
    // NUL in a JSON body is refused before the database sees it.
    const nul = await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: 'a\u0000b', client_secret: 'x' }).expect(400);
    expect(nul.body.errors).toEqual([expect.objectContaining({ pointer: '#/client_id', code: 'nulCharacter' })]);
    // Well-formed escapes still decode: a client id sent %-encoded is the same client.
    const encoded = [...client.clientId].map((character) => `%${character.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    await ctx.http.post('/v1/auth/token').auth(encoded, client.secret).type('form').send({ grant_type: 'client_credentials' }).expect(200);
  });

  it('validates the token request with pointers', async () => {
    const response = await ctx.http.post('/v1/auth/token').send({ grant_type: 'password', extra: 1 }).expect(400);
    const pointers = response.body.errors.map((error: { pointer: string }) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['#/grant_type', '#/extra']));
  });

  it('accepts a well-formed token', async () => {
    await readOwnInstitution(sign(claimsFor(client.clientId))).expect(200);
  });

  it.each([
    ['no token', () => undefined],
    ['alg none', () => jwt.sign(claimsFor(client.clientId), '', { algorithm: 'none', issuer: ctx.config.auth.issuer, audience: ctx.config.auth.audience })],
    ['a wrong key', () => sign(claimsFor(client.clientId), {}, 'another-secret-of-at-least-thirty-two-chars')],
    ['a wrong issuer', () => sign(claimsFor(client.clientId), { issuer: 'someone-else' })],
    ['a wrong audience', () => sign(claimsFor(client.clientId), { audience: 'another-api' })],
    ['an expired token', () => sign({ ...claimsFor(client.clientId), iat: Math.floor(Date.now() / 1000) - 600 }, { expiresIn: 60 })],
    ['a token not valid yet', () => sign(claimsFor(client.clientId), { notBefore: 600 })],
    ['an unknown client', () => sign(claimsFor('ghost-client'))],
    ['a token claiming another institution', () => sign({ ...claimsFor(client.clientId), inst: '00000000-0000-4000-8000-000000000000' })],
    ['garbage', () => 'not.a.jwt'],
    ['another algorithm (HS512)', () => sign(claimsFor(client.clientId), { algorithm: 'HS512' })],
  ])('refuses %s with 401 problem+json', async (_name, makeToken) => {
    const token = makeToken();
    const request = ctx.http.get(`/v1/institutions/${institution.brin}`);
    const response = await (token ? request.set('Authorization', `Bearer ${token}`) : request).expect(401);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(response.body.status).toBe(401);
  });

  it('refuses a token it has verified before once it expires, as on its first use', async () => {
    // Accepted once: from then on the token is known and not verified again, only its expiry.
    const token = sign(claimsFor(client.clientId), { expiresIn: 60 });
    await readOwnInstitution(token).expect(200);
    await readOwnInstitution(token).expect(200);
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 66_000);
    try {
      const response = await readOwnInstitution(token).expect(401);
      expect(response.body.detail).toBe('The token has expired.');
    } finally {
      clock.mockRestore();
    }
  });

  it('answers 403 when the token lacks the scope of the route', async () => {
    const token = await ctx.tokenFor({ institution, scopes: ['records:read'] });
    const response = await ctx.http.get('/v1/clients').set('Authorization', `Bearer ${token}`).expect(403);
    expect(response.body.requiredScopes).toEqual(['platform:admin']);
  });

  it('ends tokens at once when the client is revoked or its secret rotated', async () => {
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    const revoked = await ctx.newClient({ institution, scopes: ['records:read'] });
    const revokedToken = (await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: revoked.clientId, client_secret: revoked.secret })).body.access_token;
    await readOwnInstitution(revokedToken).expect(200);
    await ctx.http.post(`/v1/clients/${revoked.clientId}/revoke`).set('Authorization', `Bearer ${admin}`).expect(200);
    await readOwnInstitution(revokedToken).expect(401);
    await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: revoked.clientId, client_secret: revoked.secret }).expect(401);

    const rotated = await ctx.newClient({ institution, scopes: ['records:read'] });
    const oldToken = (await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: rotated.clientId, client_secret: rotated.secret })).body.access_token;
    const rotation = await ctx.http.post(`/v1/clients/${rotated.clientId}/rotate-secret`).set('Authorization', `Bearer ${admin}`).expect(200);
    await readOwnInstitution(oldToken).expect(401);
    await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: rotated.clientId, client_secret: rotated.secret }).expect(401);
    // A token issued in the same second as the rotation is still refused; wait for the next second.
    await new Promise((resolve) => setTimeout(resolve, 1100 - (Date.now() % 1000)));
    const fresh = await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: rotated.clientId, client_secret: rotation.body.clientSecret }).expect(200);
    await readOwnInstitution(fresh.body.access_token).expect(200);
  });

  it('stores client secrets only as argon2id hashes and never returns them again', async () => {
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    const created = await ctx.http
      .post('/v1/clients')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'SIS', institutionBrin: institution.brin, scopes: ['records:write'] })
      .expect(201);
    const secret: string = created.body.clientSecret;
    expect(secret.length).toBeGreaterThanOrEqual(40);
    const [row] = await ctx.dataSource.query(`SELECT secret_hash FROM api_clients WHERE client_id = $1`, [created.body.clientId]);
    expect(row.secret_hash).toMatch(/^\$argon2id\$/);
    expect(row.secret_hash).not.toContain(secret);
    const listed = await ctx.http.get(`/v1/clients/${created.body.clientId}`).set('Authorization', `Bearer ${admin}`).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.clientSecret).toBeUndefined();
  });

  it('refuses scopes that do not fit the kind of client', async () => {
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    const response = await ctx.http
      .post('/v1/clients')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'too much', institutionBrin: institution.brin, scopes: ['records:write', 'platform:admin'] })
      .expect(400);
    expect(response.body.errors[0]).toMatchObject({ pointer: '#/scopes', code: 'scopeNotAllowed' });
  });
});
