import { listRoutes } from 'test/utils/routes';
import { createTestContext, TestContext } from 'test/utils/test-context';
import { SCOPES } from 'src/access/scopes';

describe('route inventory', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('finds the routes of every controller', () => {
    const keys = listRoutes(ctx.app).map((route) => route.key);
    expect(keys).toEqual(expect.arrayContaining(['POST /v1/auth/token', 'GET /health/ready', 'GET /v1/regions/:code']));
  });

  it('every route declares an access rule with known scopes', () => {
    const routes = listRoutes(ctx.app);
    const undeclared = routes.filter((route) => !route.rule).map((route) => `${route.key} (${route.controller}.${route.handler})`);
    expect(undeclared).toEqual([]);
    for (const route of routes) {
      if (route.rule && !route.rule.public) {
        expect(route.rule.scopes.length).toBeGreaterThan(0);
        for (const scope of route.rule.scopes) expect(SCOPES).toContain(scope);
      }
    }
  });

  it('only the token endpoint, health probes and the session routes (which check the session cookie themselves) are public', () => {
    const publicRoutes = listRoutes(ctx.app)
      .filter((route) => route.rule?.public)
      .map((route) => route.key);
    expect(publicRoutes.sort()).toEqual([
      'GET /health',
      'GET /health/ready',
      'GET /v1/session',
      'GET /v1/session/callback/:provider',
      'GET /v1/session/providers',
      'GET /v1/session/sign-in/:provider',
      'POST /v1/auth/token',
      'POST /v1/session/sign-out',
      'PUT /v1/session/role',
    ]);
  });

  it('documents every protected route with bearer security and its scopes in OpenAPI', async () => {
    const document = (await ctx.http.get('/docs-json')).body as { paths?: Record<string, Record<string, { security?: unknown[]; 'x-required-scopes'?: string[] }>> };
    // Docs are disabled in this context unless configured; fall back to building the document.
    const paths = document.paths ?? (await import('src/app.factory')).buildOpenApiDocument(ctx.app).paths;
    for (const route of listRoutes(ctx.app)) {
      if (!route.rule || route.rule.public) continue;
      const [method, path] = route.key.split(' ');
      const openApiPath = path.replace(/\/:([A-Za-z]+)/g, '/{$1}');
      const operation = (paths as Record<string, Record<string, { security?: unknown[]; 'x-required-scopes'?: string[] }>>)[openApiPath]?.[method.toLowerCase()];
      expect({ route: route.key, security: operation?.security }).toEqual({ route: route.key, security: [{ bearer: [] }] });
      expect(operation?.['x-required-scopes']).toEqual(route.rule.scopes);
    }
  });
});
