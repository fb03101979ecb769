import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { signingKeyId } from 'src/auth/signing-key';
import { loadConfig } from 'src/config/app-config';
import { DEVELOPMENT_KEY_FILE, withDevelopmentSigningKey } from 'src/config/development-key';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { createTestContext, TestContext } from 'test/utils/test-context';

describe('the signing key across restarts', () => {
  let ctx: TestContext;
  let institution: InstitutionEntity;
  let client: { clientId: string; secret: string };

  beforeAll(async () => {
    ctx = await createTestContext();
    institution = await ctx.newInstitution({ sectors: ['hbo'] });
    client = await ctx.newClient({ institution, scopes: ['records:read'] });
  });
  afterAll(() => ctx.close());

  const read = (token: string) => ctx.http.get(`/v1/institutions/${institution.brin}`).set('Authorization', `Bearer ${token}`);
  const signWith = (secret: string, keyid?: string): string =>
    jwt.sign({ sub: client.clientId, scope: 'records:read', inst: institution.id }, secret, {
      algorithm: 'HS256',
      issuer: ctx.config.auth.issuer,
      audience: ctx.config.auth.audience,
      expiresIn: 300,
      ...(keyid ? { keyid } : {}),
    });

  it('names the key a token was signed with (kid)', async () => {
    const response = await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }).expect(200);
    const header = jwt.decode(response.body.access_token, { complete: true })!.header;
    expect(header.kid).toBe(signingKeyId(ctx.config.auth.jwtSecret));
    expect(header.kid).not.toContain(ctx.config.auth.jwtSecret.slice(0, 8));
    await read(response.body.access_token).expect(200);
  });

  it('says the service restarted with another key, not that the client was revoked, for a token of an earlier key', async () => {
    const earlier = randomBytes(32).toString('hex');
    const response = await read(signWith(earlier, signingKeyId(earlier))).expect(401);
    expect(response.body.detail).toMatch(/signed with a key this service no longer uses: the service restarted/);
    expect(response.body.detail).not.toMatch(/revoked/);
  });

  it('still refuses a token that claims the current key but was signed with another, or names no key, without hinting at revocation', async () => {
    for (const keyid of [signingKeyId(ctx.config.auth.jwtSecret), undefined]) {
      const response = await read(signWith(randomBytes(32).toString('hex'), keyid)).expect(401);
      expect(response.body.detail).toMatch(/signature does not match this service's signing key/);
      expect(response.body.detail).not.toMatch(/restarted|revoked/);
    }
  });
});

describe('the development signing key in the data folder', () => {
  let dir: string;
  const configFor = (env: NodeJS.ProcessEnv) => loadConfig({ DATA_DIR: join(dir, 'data'), ...env });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doorstroom-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created once with mode 0600 and read again at the next start', () => {
    const first = withDevelopmentSigningKey(configFor({ NODE_ENV: 'development' }));
    const file = join(dir, 'data', DEVELOPMENT_KEY_FILE);
    expect(first).toMatchObject({ keyFile: file, created: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.config.auth.jwtSecret).toBe(readFileSync(file, 'utf8').trim());
    expect(first.config.auth.jwtSecret).toMatch(/^[0-9a-f]{64}$/);

    const second = withDevelopmentSigningKey(configFor({ NODE_ENV: 'development' }));
    expect(second).toMatchObject({ created: false });
    expect(second.config.auth.jwtSecret).toBe(first.config.auth.jwtSecret);
  });

  it('takes its permissions back to 0600 and refuses a file it did not write', () => {
    withDevelopmentSigningKey(configFor({ NODE_ENV: 'development' }));
    const file = join(dir, 'data', DEVELOPMENT_KEY_FILE);
    chmodSync(file, 0o644);
    withDevelopmentSigningKey(configFor({ NODE_ENV: 'development' }));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'short\n');
    expect(() => withDevelopmentSigningKey(configFor({ NODE_ENV: 'development' }))).toThrow(/Delete it and the service creates a new one/);
  });

  it('is never used when JWT_SECRET is set, nor outside development', () => {
    const secret = randomBytes(32).toString('hex');
    expect(withDevelopmentSigningKey(configFor({ NODE_ENV: 'development', JWT_SECRET: secret })).config.auth.jwtSecret).toBe(secret);
    expect(withDevelopmentSigningKey(configFor({ NODE_ENV: 'production', JWT_SECRET: secret, DATABASE_URL: 'postgres://db/doorstroom' })).keyFile).toBeUndefined();
    expect(withDevelopmentSigningKey(configFor({ NODE_ENV: 'test' })).keyFile).toBeUndefined();
    expect(existsSync(join(dir, 'data', DEVELOPMENT_KEY_FILE))).toBe(false);
  });
});
