/**
 * Hostile input against the built service (PostgreSQL): property-based fuzzing of every write
 * route's body, query, path and headers, generated from the OpenAPI document the service serves
 * (the same generator as openapi/openapi.json) with hostile mutations; plus oversized bodies,
 * too many rows, absurd paging, the rate limit, and prototype-pollution keys (also in-process, to
 * look at Object.prototype itself).
 *
 * Oracle for every response: status 2xx or 4xx, never 5xx; every error is RFC 9457
 * problem+json with its own status; no stack trace or internal path in any body; an answer
 * within ANSWER_BOUND_MS (no hang).
 */
import fc from 'fast-check';
import { DatabaseConnection } from 'src/database/database-connection';
import { createScratchDatabase } from 'src/database/scratch-database';
import {
  batchBody,
  csvStream,
  demoToken,
  enrolment,
  figure,
  http,
  HttpResult,
  json,
  newReceiver,
  postgresBaseUrl,
  problemViolations,
  ServiceProcess,
  Tenant,
  workDir,
} from 'test/reliability/harness';
import { hostileValue, mutated, OpenApiDocument, Operation, operations, POLLUTION_KEYS, pollutionPayload, serialize, valueFor } from 'test/reliability/openapi-fuzz';
import { fuzzOperations, parameterCases } from 'test/utils/parameter-attacks';
import { createTestContext, TestContext } from 'test/utils/test-context';

const ANSWER_BOUND_MS = 15_000;
const RUNS_PER_ROUTE = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 200);
const UPLOAD_MAX = 1024 * 1024;

interface Seen {
  requests: number;
  byStatus: Record<string, number>;
  failures: string[];
  slowestMs: number;
}

const seen: Seen = { requests: 0, byStatus: {}, failures: [], slowestMs: 0 };
/** The failures recorded since `from` (each test checks its own). */
const failuresSince = (from: number): string[] => seen.failures.slice(from);

/** Sends one request and checks the oracle; records a failure instead of throwing, to report them all. */
async function probe(baseUrl: string, label: string, method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<HttpResult | undefined> {
  seen.requests++;
  let result: HttpResult;
  try {
    result = await http(baseUrl, method, path, { headers, body, timeoutMs: ANSWER_BOUND_MS });
  } catch (error) {
    const code = String((error as { code?: string }).code ?? error);
    seen.failures.push(`${label}: ${method} ${path.slice(0, 120)} → ${code}`);
    return undefined;
  }
  seen.byStatus[result.status] = (seen.byStatus[result.status] ?? 0) + 1;
  seen.slowestMs = Math.max(seen.slowestMs, result.ms);
  const problems = problemViolations(result);
  if (result.status >= 500) problems.push(`status ${result.status}`);
  if (problems.length > 0 && seen.failures.length < 200) {
    seen.failures.push(`${label}: ${method} ${path.slice(0, 120)} → ${result.status} (${problems.join('; ')}) body ${(body ?? '').toString().slice(0, 200)} → ${result.body.slice(0, 300)}`);
  }
  return result;
}

describe('hostile input (PostgreSQL)', () => {
  let database: DatabaseConnection;
  let service: ServiceProcess;
  let doc: OpenApiDocument;
  const tokens: Record<string, string> = {};
  let uploader: Tenant;
  const dir = workDir('hostile-input');

  beforeAll(async () => {
    database = await createScratchDatabase(postgresBaseUrl());
    service = await ServiceProcess.start({
      dir,
      name: 'hostile',
      database: { url: (database.target as { url: string }).url },
      // No background worker: nothing of what the fuzzer creates (webhooks) is ever acted on.
      env: { WORKER_ENABLED: 'false', UPLOAD_MAX_BYTES: String(UPLOAD_MAX), TOKEN_TTL_SECONDS: '3600' },
    });
    tokens.admin = await demoToken(service.baseUrl, 'demo-admin');
    tokens.coordinator = await demoToken(service.baseUrl, 'demo-coordinator');
    tokens.institution = await demoToken(service.baseUrl, 'demo-hogeschool');
    uploader = await newReceiver(service.baseUrl, tokens.admin);
    const served = await http(service.baseUrl, 'GET', '/docs-json');
    expect(served.status).toBe(200);
    doc = json<OpenApiDocument>(served);
  });

  afterAll(async () => {
    figure('hostile-input', { requests: seen.requests, byStatus: seen.byStatus, slowestMs: seen.slowestMs, failures: seen.failures.length });
    await service?.stop();
    await database?.close();
  });

  const tokenFor = (op: Operation): string | undefined => {
    const scopes: Record<string, string[]> = {
      admin: ['platform:admin', 'audit:read'],
      coordinator: ['region:admin', 'insights:read', 'alerts:read', 'alerts:write', 'audit:read'],
      institution: ['records:write', 'records:read', 'insights:read', 'alerts:read', 'alerts:write'],
    };
    if (op.requiredScopes.length === 0) return undefined;
    const name = Object.keys(scopes).find((candidate) => op.requiredScopes.some((scope) => scopes[candidate].includes(scope)));
    return name ? tokens[name] : tokens.admin;
  };

  // Path parameters include a real client id (demo-vo-school, which no test here uses): the fuzzer
  // may revoke it or rotate its secret, as a hostile administrator could.
  const pathParam = fc.oneof(
    fc.constantFrom('RIJNSTAD', '92HA', '90VB', '00000000-0000-0000-0000-000000000000', 'demo-vo-school', '1', '0', '-1', 'x'.repeat(5_000), '..', '%2e%2e%2f', '%00', '%ff', '__proto__', 'constructor', ' '),
    fc.string({ maxLength: 30 }),
    fc.uuid(),
  );

  it('fuzzes every write route from the OpenAPI schemas: never 5xx, always problem+json, no stack traces, no hangs', async () => {
    const from = seen.failures.length;
    const writeOps = operations(doc).filter((op) => op.method !== 'GET' && op.path !== '/v1/uploads');
    expect(writeOps.length).toBeGreaterThan(15);
    const started = Date.now();
    const perRoute: Record<string, number> = {};
    for (const op of writeOps) {
      const token = tokenFor(op);
      const pathParams = op.parameters.filter((p) => p.in === 'path');
      const queryParams = op.parameters.filter((p) => p.in === 'query');
      const body = op.bodySchema ? mutated(valueFor(op.bodySchema, doc)) : fc.option(hostileValue, { nil: undefined });
      const query = fc.array(
        fc.tuple(fc.constantFrom(...queryParams.map((p) => p.name), 'limit', 'offset', '__proto__', 'constructor[prototype][x]', 'x'), fc.oneof(fc.string({ maxLength: 20 }), hostileValue.map((v) => serialize(v).slice(0, 2_000)))),
        { maxLength: 3 },
      );
      const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'text/csv', 'application/json; charset=latin1', '');
      const authorization = fc.oneof(
        { weight: 8, arbitrary: fc.constant(token ? `Bearer ${token}` : '') },
        { weight: 1, arbitrary: fc.constantFrom('', 'Bearer', 'Bearer x.y.z', `Bearer ${tokens.institution}`, `Basic ${Buffer.from('demo-admin:demo-admin-secret').toString('base64')}`, `Bearer ${'a'.repeat(9_000)}`) },
      );
      const idempotencyKey = fc.option(fc.oneof(fc.uuid(), fc.constantFrom('', ' ', 'x'.repeat(300), '\t', 'ключ', '../x', 'a,b')), { nil: undefined });
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(fc.tuple(...pathParams.map(() => pathParam)), query, body, contentType, authorization, idempotencyKey, async (params, queryPairs, payload, type, auth, key) => {
          runs++;
          let path = op.path;
          pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, encodeURIComponent(String(params[i])))));
          const search = new URLSearchParams(queryPairs.map(([k, v]): [string, string] => [k, v]));
          const url = `${path}${search.size > 0 ? `?${search.toString()}` : ''}`;
          const headers: Record<string, string> = {};
          if (auth) headers.authorization = auth;
          // Non-latin-1 header values cannot be sent by node:http; they are sent percent-encoded instead.
          if (key !== undefined) headers['idempotency-key'] = /^[\x20-\x7e]*$/.test(key) ? key : encodeURIComponent(key);
          if (type) headers['content-type'] = type;
          const text = payload === undefined ? undefined : serialize(payload);
          await probe(service.baseUrl, op.operationId, op.method, url, headers, text);
          return true;
        }),
        { numRuns: RUNS_PER_ROUTE, seed: 20_261_122, endOnFailure: true, interruptAfterTimeLimit: 60_000 },
      );
      perRoute[`${op.method} ${op.path}`] = runs;
    }
    figure('hostile-input', { fuzzedWriteRoutes: writeOps.length, runsPerRoute: RUNS_PER_ROUTE, seconds: Math.round((Date.now() - started) / 1000) });
    expect(failuresSince(from)).toEqual([]);
  });

  it('gives every path, query and header parameter of every route (reads too) out-of-range numbers and broken encodings: never 5xx', async () => {
    const from = seen.failures.length;
    const operations = fuzzOperations(doc);
    // A BRIN that is no institution: the membership routes must not change the demo region.
    const plausible: Record<string, string> = { code: 'RIJNSTAD', brin: '00ZZ', clientId: 'demo-vo-school', pseudonym: 'ab'.repeat(32), id: '1' };
    let requests = 0;
    for (const op of operations) {
      const token = tokenFor(op as unknown as Operation);
      for (const attack of parameterCases(op, (name, format) => (format === 'uuid' ? '00000000-0000-4000-8000-000000000000' : (plausible[name] ?? 'x')))) {
        const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...attack.headers };
        const hasBody = attack.method !== 'GET' && attack.method !== 'DELETE';
        if (hasBody) headers['content-type'] = 'application/json';
        await probe(service.baseUrl, `parameters ${attack.label}`, attack.method, attack.url, headers, hasBody ? (attack.body ?? '{}') : undefined);
        requests++;
      }
    }
    figure('hostile-input', { parameterAttacks: { operations: operations.length, requests } });
    expect(failuresSince(from)).toEqual([]);
  });

  it('fuzzes the streamed CSV upload (body, kind, content type): never 5xx, always problem+json', async () => {
    const from = seen.failures.length;
    const header = 'pseudonym,programme_code,sector,level,form,start_date,prior_brin,prior_diploma_type,prior_diploma_year';
    const line = fc.oneof(
      fc.constant(`${enrolment('csv-fuzz', 1).pseudonym},92001,hbo,bachelor,voltijd,2023-09-01,90VB,havo,2023`),
      fc.array(fc.oneof(fc.string({ maxLength: 12 }), hostileValue.map((v) => serialize(v).slice(0, 500))), { maxLength: 12 }).map((fields) => fields.join(',')),
      fc.constantFrom('"unclosed,quote', 'a,"b""c",d', '\u0000\u0001', ',,,,,,,,', '"x"y', '\ufeff' + header, 'x'.repeat(100_000)),
    );
    const file = fc.tuple(fc.constantFrom(header, '', 'a,b,c', `${header},${header.split(',')[0]}`, 'PSEUDONYM ,Programme_Code', '\ufeff' + header), fc.array(line, { maxLength: 20 }), fc.constantFrom('\n', '\r\n', '\r')).map(([head, lines, eol]) => [head, ...lines].join(eol));
    const kind = fc.constantFrom('enrolments', 'leavers', '', 'ENROLMENTS', '__proto__', 'x'.repeat(500));
    const type = fc.constantFrom('text/csv', 'text/csv; charset=utf-8', 'text/csv; charset=latin1', 'application/json', 'text/plain', '');
    await fc.assert(
      fc.asyncProperty(file, kind, type, fc.option(fc.uuid(), { nil: undefined }), async (text, k, t, key) => {
        const headers: Record<string, string> = { authorization: `Bearer ${uploader.token}` };
        if (t) headers['content-type'] = t;
        if (key) headers['idempotency-key'] = key;
        await probe(service.baseUrl, 'upload', 'POST', `/v1/uploads?kind=${encodeURIComponent(k)}`, headers, text);
        return true;
      }),
      { numRuns: RUNS_PER_ROUTE * 2, seed: 20_261_123, interruptAfterTimeLimit: 60_000 },
    );
    expect(failuresSince(from)).toEqual([]);
  });

  it('refuses oversized bodies with 413 (JSON over BODY_LIMIT; CSV over UPLOAD_MAX_BYTES, with and without Content-Length)', async () => {
    const from = seen.failures.length;
    const auth = { authorization: `Bearer ${uploader.token}` };
    const bigJson = `{"records":[${`${JSON.stringify(enrolment('big', 0))},`.repeat(45_000)}${JSON.stringify(enrolment('big', 1))}]}`;
    expect(Buffer.byteLength(bigJson)).toBeGreaterThan(10 * 1024 * 1024);
    const json413 = await probe(service.baseUrl, 'big json', 'POST', '/v1/enrolments:batch', { ...auth, 'content-type': 'application/json' }, bigJson);
    const rows = Math.ceil((2 * UPLOAD_MAX) / 120);
    const chunked = await http(service.baseUrl, 'POST', '/v1/uploads?kind=enrolments', { headers: { ...auth, 'content-type': 'text/csv' }, body: csvStream('big-csv', rows), timeoutMs: ANSWER_BOUND_MS });
    const declared = await probe(service.baseUrl, 'big csv declared', 'POST', '/v1/uploads?kind=enrolments', { ...auth, 'content-type': 'text/csv', 'content-length': String(3 * UPLOAD_MAX) }, Buffer.alloc(0));
    figure('hostile-input', { oversized: { json11mb: json413?.status, csvChunked2mb: chunked.status, csvDeclared3mb: declared?.status } });
    expect(json413?.status).toBe(413);
    expect(chunked.status).toBe(413);
    expect(problemViolations(chunked)).toEqual([]);
    expect(declared?.status).toBe(413);
    expect(failuresSince(from)).toEqual([]);
  });

  it('refuses too many rows in a JSON batch (10,001 records) with 413 or 422, writing nothing', async () => {
    const result = await probe(service.baseUrl, 'too many rows', 'POST', '/v1/enrolments:batch', { authorization: `Bearer ${uploader.token}`, 'content-type': 'application/json' }, batchBody('too-many', 10_001));
    figure('hostile-input', { tooManyRows: result?.status });
    expect([413, 422]).toContain(result?.status);
    const page = await http(service.baseUrl, 'GET', '/v1/enrolments?limit=1', { headers: { authorization: `Bearer ${uploader.token}` } });
    expect(json<{ total: number }>(page).total).toBe(0);
  });

  it('answers absurd paging with 400 on every paged route', async () => {
    const from = seen.failures.length;
    const paged = operations(doc).filter((op) => op.method === 'GET' && op.parameters.some((p) => p.in === 'query' && p.name === 'limit') && !op.path.includes('{'));
    expect(paged.length).toBeGreaterThan(5);
    const absurd = ['limit=0', 'limit=-1', 'limit=501', 'limit=1000000000', 'limit=99999999999999999999999', 'limit=1.5', 'limit=abc', 'limit=NaN', 'limit=Infinity', 'limit=', 'limit=1e3', 'limit=0x10', 'limit=1&limit=2', 'limit[]=1', 'offset=-1', 'offset=1000000000000', 'offset=1e400', 'offset=abc'];
    const statuses: Record<string, number[]> = {};
    for (const op of paged) {
      const token = tokenFor(op);
      for (const query of absurd) {
        const result = await probe(service.baseUrl, 'paging', 'GET', `${op.path}?${query}`, token ? { authorization: `Bearer ${token}` } : {});
        (statuses[query] ??= []).push(result?.status ?? 0);
      }
    }
    figure('hostile-input', { pagedRoutes: paged.length, absurdQueries: absurd.length, statuses: Object.fromEntries(Object.entries(statuses).map(([q, s]) => [q, [...new Set(s)]])) });
    for (const [query, list] of Object.entries(statuses)) expect({ query, statuses: [...new Set(list)] }).toEqual({ query, statuses: [400] });
    expect(failuresSince(from)).toEqual([]);
  });

  it('rejects prototype-pollution keys (__proto__, constructor, prototype) in bodies, and the service behaves the same afterwards', async () => {
    const from = seen.failures.length;
    const auth = { authorization: `Bearer ${uploader.token}`, 'content-type': 'application/json' };
    const record = JSON.stringify(enrolment('proto', 0));
    const statuses: Record<string, number> = {};
    for (const key of POLLUTION_KEYS) {
      const payload = pollutionPayload(key).text;
      const bodies = {
        top: `{${JSON.stringify(key)}:${payload},"records":[${record}]}`,
        record: `{"records":[${record.replace(/^\{/, `{${JSON.stringify(key)}:${payload},`)}]}`,
        only: `{${JSON.stringify(key)}:${payload}}`,
      };
      for (const [where, body] of Object.entries(bodies)) {
        const result = await probe(service.baseUrl, `pollution ${key} ${where}`, 'POST', '/v1/enrolments:batch', auth, body);
        statuses[`${key} in ${where}`] = result?.status ?? 0;
      }
      const admin = await probe(service.baseUrl, `pollution ${key} region`, 'POST', '/v1/regions', { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' }, `{"code":"PROTO","name":"x",${JSON.stringify(key)}:${payload}}`);
      statuses[`${key} in POST /v1/regions`] = admin?.status ?? 0;
    }
    figure('hostile-input', { pollution: statuses });
    for (const [where, status] of Object.entries(statuses)) expect({ where, status }).toEqual({ where, status: 400 });
    // Still the same service: a plain valid batch works, and no response carries the injected values.
    const ok = await probe(service.baseUrl, 'after pollution', 'POST', '/v1/enrolments:batch', auth, batchBody('after-proto', 3));
    expect(ok?.status).toBe(200);
    expect(ok?.body).not.toMatch(/polluted|isAdmin/);
    const regions = await probe(service.baseUrl, 'after pollution', 'GET', '/v1/regions', { authorization: `Bearer ${tokens.admin}` });
    expect(regions?.body).not.toMatch(/polluted|isAdmin|PROTO/);
    expect(failuresSince(from)).toEqual([]);
  });

  it('answers over the rate limit with 429 problem+json (per client and per address)', async () => {
    const limited = await ServiceProcess.start({ dir, name: 'rate-limited', database: { url: (database.target as { url: string }).url }, env: { WORKER_ENABLED: 'false', DEMO_DATA: 'false', RATE_LIMIT_PER_MINUTE: '20' } });
    try {
      const statuses: number[] = [];
      let violations: string[] = [];
      let retryAfter: string | undefined;
      // Anonymous: the token endpoint, per address.
      for (let i = 0; i < 30; i++) {
        const result = await http(limited.baseUrl, 'POST', '/v1/auth/token', { headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials","client_id":"nobody","client_secret":"wrong"}' });
        statuses.push(result.status);
        if (result.status === 429) {
          violations = problemViolations(result);
          retryAfter = String(result.headers['retry-after'] ?? '');
        }
      }
      // A client, per client id: the token was issued by the first service (same JWT secret and database).
      const clientStatuses: number[] = [];
      for (let i = 0; i < 30; i++) clientStatuses.push((await http(limited.baseUrl, 'GET', '/v1/enrolments?limit=1', { headers: { authorization: `Bearer ${uploader.token}` } })).status);
      figure('hostile-input', {
        rateLimit: { limitPerMinute: 20, anonymous: { 429: statuses.filter((s) => s === 429).length, other: statuses.filter((s) => s !== 429).length }, client: { 429: clientStatuses.filter((s) => s === 429).length, 200: clientStatuses.filter((s) => s === 200).length }, retryAfter },
      });
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
      expect(statuses.filter((s) => s !== 429 && s !== 401)).toEqual([]);
      expect(violations).toEqual([]);
      expect(clientStatuses.filter((s) => s === 200).length).toBe(20);
      expect(clientStatuses.filter((s) => s === 429).length).toBe(10);
    } finally {
      await limited.stop();
    }
  });
});

describe('prototype pollution, in-process (Object.prototype itself)', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('leaves Object.prototype untouched by __proto__ / constructor / prototype keys in any body', async () => {
    const institution = await ctx.newInstitution({ sectors: ['hbo'] });
    const token = await ctx.tokenFor({ institution, scopes: ['records:write'] });
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    const routes: Array<[string, string]> = [
      ['/v1/enrolments:batch', token],
      ['/v1/leavers:batch', token],
      ['/v1/regions', admin],
      ['/v1/institutions', admin],
      ['/v1/clients', admin],
      ['/v1/programmes:batch', admin],
      ['/v1/auth/token', ''],
    ];
    const statuses = new Set<number>();
    for (const [route, bearer] of routes) {
      for (const key of POLLUTION_KEYS) {
        const payload = pollutionPayload(key).text;
        for (const body of [`{${JSON.stringify(key)}:${payload}}`, `{"records":[{${JSON.stringify(key)}:${payload}}]}`, `{"a":{"b":{${JSON.stringify(key)}:${payload}}}}`]) {
          let request = ctx.http.post(route).set('content-type', 'application/json');
          if (bearer) request = request.set('authorization', `Bearer ${bearer}`);
          const response = await request.send(body);
          statuses.add(response.status);
          expect(response.status).toBeLessThan(500);
        }
      }
    }
    const probe: Record<string, unknown> = {};
    expect(probe.polluted).toBeUndefined();
    expect(probe.isAdmin).toBeUndefined();
    expect(probe.scopes).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(typeof probe.toString).toBe('function');
    expect(({} as { constructor: unknown }).constructor).toBe(Object);
    figure('hostile-input', { inProcessPollutionStatuses: [...statuses].sort() });
  });
});
