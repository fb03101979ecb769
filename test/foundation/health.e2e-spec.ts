import { createTestContext, TestContext } from 'test/utils/test-context';
import { AuditWriter } from 'src/audit/audit-writer';

describe('health and documentation', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ DOCS_ENABLED: 'true' });
  });
  afterAll(() => ctx.close());

  it('answers liveness and readiness with the database up', async () => {
    await ctx.http.get('/health').expect(200);
    const ready = await ctx.http.get('/health/ready').expect(200);
    expect(ready.body.details.database.status).toBe('up');
  });

  it('serves Swagger UI and the OpenAPI JSON', async () => {
    const ui = await ctx.http.get('/docs/').expect(200);
    expect(ui.text).toContain('swagger-ui');
    const json = await ctx.http.get('/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(json.body.paths['/v1/auth/token']).toBeDefined();
  });

  it('answers an unknown route with problem+json 404 and a request id', async () => {
    const response = await ctx.http.get('/v1/does-not-exist').set('X-Request-Id', 'abc-123').expect(404);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.headers['x-request-id']).toBe('abc-123');
    expect(response.body).toMatchObject({ status: 404, title: 'Not found' });
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers malformed JSON with a 400 problem, not a 500', async () => {
    const response = await ctx.http.post('/v1/auth/token').set('Content-Type', 'application/json').send('{"grant_type": ').expect(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.detail).toMatch(/JSON/);
  });

  it('sends security headers and keeps CORS closed by default', async () => {
    const response = await ctx.http.get('/health').set('Origin', 'https://evil.example').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('keeps the good audit entries of a batch when one entry cannot be stored', async () => {
    const writer = ctx.app.get(AuditWriter);
    const entry = (requestId: string) => ({
      occurredAt: new Date(),
      requestId,
      clientId: null,
      institutionId: null,
      regionId: null,
      method: 'GET',
      route: '/v1/test',
      requiredScope: null,
      outcome: 'allowed' as const,
      statusCode: 200,
      detail: {},
    });
    writer.record(entry('good-before'));
    writer.record(entry('x'.repeat(500)));
    writer.record(entry('good-after'));
    await writer.flush();
    const rows: Array<{ request_id: string }> = await ctx.dataSource.query(`SELECT request_id FROM audit_log WHERE request_id LIKE 'good-%' ORDER BY id`);
    expect(rows.map((row) => row.request_id)).toEqual(['good-before', 'good-after']);
  });

  it('refuses to update, delete or truncate audit rows, even as the service', async () => {
    await ctx.http.get('/v1/regions').expect(401);
    await ctx.flushAudit();
    const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM audit_log`);
    expect(count).toBeGreaterThan(0);
    await expect(ctx.dataSource.query(`UPDATE audit_log SET outcome = 'allowed'`)).rejects.toThrow(/append-only/);
    await expect(ctx.dataSource.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(ctx.dataSource.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });
});
