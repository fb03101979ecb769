import { ConfigurationError, loadConfig } from 'src/config/app-config';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('runs on defaults: embedded database, port 3000, demo data in development', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe('./data');
    expect(config.demoData).toBe(true);
    expect(config.docsEnabled).toBe(true);
    expect(config.auth.jwtSecretGenerated).toBe(true);
    expect(config.auth.jwtSecret).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ DEMO_DATA: 'maybe' }, 'DEMO_DATA'],
    [{ DB_POOL_SIZE: '0' }, 'DB_POOL_SIZE'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ CSP_UPGRADE_INSECURE_REQUESTS: 'sometimes' }, 'CSP_UPGRADE_INSECURE_REQUESTS'],
  ])('names the bad setting in %j', (env, name) => {
    const problems = problemsOf(env);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(name);
  });

  it('reports every bad setting at once', () => {
    expect(problemsOf({ PORT: 'x', LOG_LEVEL: 'loud' })).toHaveLength(2);
  });

  it('requires a JWT secret and a PostgreSQL in production, and never loads demo data there', () => {
    const problems = problemsOf({ NODE_ENV: 'production', DEMO_DATA: 'true' });
    expect(problems.join('\n')).toMatch(/JWT_SECRET/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/DEMO_DATA/);
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://db/doorstroom' });
    expect(config.demoData).toBe(false);
    expect(config.docsEnabled).toBe(false);
  });

  it('takes a read replica only together with DATABASE_URL', () => {
    expect(problemsOf({ DATABASE_READ_URL: 'postgres://standby/doorstroom' }).join('\n')).toMatch(/DATABASE_READ_URL: needs DATABASE_URL/);
    expect(problemsOf({ DATABASE_URL: 'postgres://db/doorstroom', DATABASE_READ_URL: 'mysql://standby/db' }).join('\n')).toContain('DATABASE_READ_URL');
    expect(loadConfig({}).database.read).toBeUndefined();
    const config = loadConfig({ DATABASE_URL: 'postgres://db/doorstroom', DATABASE_READ_URL: 'postgres://standby/doorstroom', DATABASE_READ_WAIT_MS: '50' });
    expect(config.database.read).toEqual({ url: 'postgres://standby/doorstroom', waitMs: 50, retryMs: 5000 });
  });

  it('parses lists and booleans', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example', DEMO_DATA: 'false', DOCS_ENABLED: '1' });
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.demoData).toBe(false);
    expect(config.docsEnabled).toBe(true);
  });

  it('upgrades insecure requests only when configured, in every environment (plain http must work off localhost)', () => {
    expect(loadConfig({}).cspUpgradeInsecureRequests).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://db/doorstroom' }).cspUpgradeInsecureRequests).toBe(false);
    expect(loadConfig({ CSP_UPGRADE_INSECURE_REQUESTS: 'true' }).cspUpgradeInsecureRequests).toBe(true);
  });

  it('reads the upload settings: a byte size and a chunk size within bounds', () => {
    expect(loadConfig({}).ingest).toEqual({ uploadMaxBytes: 2 * 1024 ** 3, chunkRows: 2000 });
    expect(loadConfig({ UPLOAD_MAX_BYTES: '500mb', INGEST_CHUNK_ROWS: '5000' }).ingest).toEqual({ uploadMaxBytes: 500 * 1024 ** 2, chunkRows: 5000 });
    expect(loadConfig({ UPLOAD_MAX_BYTES: '1.5kb' }).ingest.uploadMaxBytes).toBe(1536);
    expect(problemsOf({ UPLOAD_MAX_BYTES: 'lots', INGEST_CHUNK_ROWS: '99' })).toEqual([
      'UPLOAD_MAX_BYTES: must be a size such as 500mb or 2gb',
      'INGEST_CHUNK_ROWS: must be an integer from 100 to 50000',
    ]);
    expect(problemsOf({ INGEST_CHUNK_ROWS: '2.5' })).toEqual(['INGEST_CHUNK_ROWS: must be an integer from 100 to 50000']);
    expect(problemsOf({ UPLOAD_MAX_BYTES: '0' })).toEqual(['UPLOAD_MAX_BYTES: must be a size such as 500mb or 2gb']);
  });
});
