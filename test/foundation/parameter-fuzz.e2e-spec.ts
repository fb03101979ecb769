/**
 * Every path, query and header parameter of every route in the OpenAPI document gets numbers out
 * of every integer range and broken percent-encodings (test/utils/parameter-attacks.ts), sent by
 * a caller that holds the route's scopes, so the values reach validation, the service and the
 * database. Oracle: never 5xx; every error is problem+json whose `status` is the HTTP status.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OPENAPI_PATH } from 'scripts/generate-openapi';
import { fuzzOperations, FuzzOperation, ParameterCase, parameterCases } from 'test/utils/parameter-attacks';
import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';

describe('parameter fuzzing of every route', () => {
  let ctx: TestContext;
  const tokens: Record<'admin' | 'coordinator' | 'institution', string> = { admin: '', coordinator: '', institution: '' };
  const plausibleValues: Record<string, string> = {};

  beforeAll(async () => {
    ctx = await createTestContext();
    const region = await ctx.newRegion();
    const institution = await ctx.newInstitution({ sectors: ['hbo'] });
    await ctx.addMember(region, institution);
    tokens.admin = await ctx.tokenFor({ scopes: ['platform:admin', 'audit:read'] });
    tokens.coordinator = await ctx.tokenFor({ region, scopes: ['region:admin', 'insights:read', 'alerts:read', 'alerts:write', 'audit:read'] });
    tokens.institution = await ctx.tokenFor({ institution, scopes: ['records:write', 'records:read', 'insights:read', 'alerts:read', 'alerts:write'] });
    Object.assign(plausibleValues, { code: region.code, brin: institution.brin, pseudonym: pseudonymFor('fuzz'), clientId: 'test-no-such-client' });
  });

  afterAll(() => ctx?.close());

  const tokenFor = (operation: FuzzOperation): string | undefined => {
    if (operation.requiredScopes.length === 0) return undefined;
    if (operation.requiredScopes.includes('platform:admin')) return tokens.admin;
    if (operation.requiredScopes.some((scope) => scope === 'region:admin' || scope === 'audit:read')) return tokens.coordinator;
    return tokens.institution;
  };

  const plausible = (name: string, format?: string): string => (format === 'uuid' ? randomUUID() : (plausibleValues[name] ?? (name === 'id' ? '1' : 'x')));
  // The operations come from the committed document (the drift test holds it to the code), so
  // each gets a test of its own.
  const operations = fuzzOperations(JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as Parameters<typeof fuzzOperations>[0]);
  const seen = { requests: 0, byStatus: {} as Record<number, number> };

  afterAll(() => {
    process.stdout.write(`parameter fuzzing: ${seen.requests} requests over ${operations.length} operations; statuses ${JSON.stringify(seen.byStatus)}\n`);
  });

  it('covers every route with parameters', () => {
    expect(operations.filter((operation) => operation.parameters.some((parameter) => parameter.in === 'path' || parameter.in === 'query')).length).toBeGreaterThan(30);
  });

  it.each(operations.map((operation) => [`${operation.method} ${operation.path}`, operation] as const))('%s: never 5xx, always problem+json', async (_name, operation) => {
    const token = tokenFor(operation);
    const failures: string[] = [];
    const send = async (attack: ParameterCase): Promise<void> => {
      let call = ctx.http[attack.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](attack.url);
      if (token) call = call.set('authorization', `Bearer ${token}`);
      for (const [name, value] of Object.entries(attack.headers)) call = call.set(name, value);
      if (attack.method !== 'GET' && attack.method !== 'DELETE') call = call.set('content-type', 'application/json').send(attack.body ?? '{}');
      const response = await call;
      seen.requests++;
      seen.byStatus[response.status] = (seen.byStatus[response.status] ?? 0) + 1;
      const problem = response.body as { status?: number };
      if (response.status >= 500) failures.push(`${attack.label} → ${response.status} ${response.text.slice(0, 200)}`);
      else if (response.status >= 400 && (!/application\/problem\+json/.test(String(response.headers['content-type'])) || problem.status !== response.status)) {
        failures.push(`${attack.label} → ${response.status} not problem+json: ${String(response.headers['content-type'])} ${response.text.slice(0, 120)}`);
      }
    };
    const cases = parameterCases(operation, plausible);
    // A few at a time: most are refused before the database, and the embedded one takes turns anyway.
    for (let start = 0; start < cases.length; start += 4) await Promise.all(cases.slice(start, start + 4).map(send));
    expect(failures).toEqual([]);
  }, 180_000);
});
