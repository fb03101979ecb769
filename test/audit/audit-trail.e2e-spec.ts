import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { BSN, enrolment, ONDERWIJSNUMMER, pseudonym, PROGRAMMES } from 'test/ingest/records.factory';
import { createTestContext, TestContext } from 'test/utils/test-context';

interface AuditRow {
  request_id: string;
  client_id: string | null;
  institution_id: string | null;
  method: string;
  route: string;
  required_scope: string | null;
  outcome: string;
  status_code: number;
  target: Record<string, unknown>;
  detail: Record<string, unknown>;
}

/** The entry of the response with this X-Request-Id, once written. */
async function auditEntryOf(context: TestContext, response: { headers: Record<string, string> }): Promise<AuditRow> {
  const requestId = response.headers['x-request-id'];
  expect(requestId).toEqual(expect.any(String));
  await context.flushAudit();
  const rows: AuditRow[] = await context.dataSource.query(`SELECT * FROM audit_log WHERE request_id = $1`, [requestId]);
  expect(rows).toHaveLength(1);
  return rows[0];
}

/**
 * Every API request leaves an audit entry, also when it is refused before a controller runs,
 * and the entry says what the request touched, never with a student-level value.
 */
describe('audit trail', () => {
  let ctx: TestContext;
  let institution: InstitutionEntity;
  let region: RegionEntity;
  let token: string;

  beforeAll(async () => {
    ctx = await createTestContext({ BODY_LIMIT: '2kb' });
    region = await ctx.newRegion();
    institution = await ctx.newInstitution({ sectors: ['mbo', 'hbo'] });
    await ctx.addMember(region, institution);
    token = await ctx.tokenFor({ institution, scopes: ['records:write', 'records:read', 'insights:read', 'audit:read'] });
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    await ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: PROGRAMMES }).expect(200);
  });
  afterAll(() => ctx?.close());

  const entryOf = (response: { headers: Record<string, string> }) => auditEntryOf(ctx, response);
  const withBearer = (test: ReturnType<TestContext['http']['get']>) => test.set('Authorization', `Bearer ${token}`);

  it('audits a body that is not JSON (400), with the client its valid token names', async () => {
    const response = await withBearer(ctx.http.post('/v1/enrolments:batch')).set('Content-Type', 'application/json').send('{"records": [').expect(400);
    const entry = await entryOf(response);
    expect(entry).toMatchObject({
      method: 'POST',
      route: '/v1/enrolments\\:batch',
      outcome: 'rejected',
      status_code: 400,
      institution_id: institution.id,
      client_id: expect.stringMatching(/^test-/),
    });
  });

  it('audits a body larger than the service accepts (413)', async () => {
    const body = JSON.stringify({ records: [enrolment(1, { programmeCode: 'x'.repeat(4_000) })] });
    const response = await withBearer(ctx.http.post('/v1/enrolments:batch')).set('Content-Type', 'application/json').send(body).expect(413);
    expect(await entryOf(response)).toMatchObject({ route: '/v1/enrolments\\:batch', outcome: 'rejected', status_code: 413, institution_id: institution.id });
  });

  it('audits a refused body without a client when the token is not valid', async () => {
    const response = await ctx.http.post('/v1/enrolments:batch').set('Authorization', 'Bearer not.a.token').set('Content-Type', 'application/json').send('{').expect(400);
    expect(await entryOf(response)).toMatchObject({ status_code: 400, client_id: null, institution_id: null });
  });

  it('audits 401 and 403 as denied', async () => {
    const anonymous = await ctx.http.get('/v1/enrolments').expect(401);
    expect(await entryOf(anonymous)).toMatchObject({ route: '/v1/enrolments', required_scope: 'records:read', outcome: 'denied', status_code: 401, client_id: null });

    const forbidden = await withBearer(ctx.http.get('/v1/clients')).expect(403);
    expect(await entryOf(forbidden)).toMatchObject({ route: '/v1/clients', outcome: 'denied', status_code: 403, institution_id: institution.id });

  });

  it('audits an unknown route (404) without its path, which may hold an identifier', async () => {
    const response = await withBearer(ctx.http.get(`/v1/students/${BSN}`)).expect(404);
    const entry = await entryOf(response);
    expect(entry).toMatchObject({ method: 'GET', route: '(unmatched)', outcome: 'rejected', status_code: 404 });
    expect(JSON.stringify(entry)).not.toContain(BSN);
  });

  it('records the region, cohorts and breakdown a view was read for, and the rows it returned', async () => {
    const response = await withBearer(ctx.http.get('/v1/insights/alumni'))
      .query({ region: region.code, cohortFrom: '2019', cohortTo: '2023', breakdown: 'sector' })
      .expect(200);
    const entry = await entryOf(response);
    expect(entry.outcome).toBe('allowed');
    const body = response.body as { cohorts: Array<{ rows: unknown[] }> };
    expect(entry.target).toEqual({
      region: region.code,
      cohortFrom: 2019,
      cohortTo: 2023,
      breakdown: 'sector',
      rows: body.cohorts.reduce((sum, cohort) => sum + cohort.rows.length, 0),
    });
  });

  it('records the batch a write created and the records it wrote', async () => {
    const records = [enrolment('audit-1'), enrolment('audit-2'), enrolment('audit-3')];
    const response = await withBearer(ctx.http.post('/v1/enrolments:batch')).send({ records }).expect(200);
    const entry = await entryOf(response);
    expect(entry.target).toEqual({ batchId: response.body.batchId, written: 3 });

    const read = await withBearer(ctx.http.get(`/v1/uploads/${response.body.batchId as string}`)).expect(200);
    expect((await entryOf(read)).target).toEqual({ resource: 'uploads', id: response.body.batchId, rows: 1 });
  });

  it('records the record read and the rows and total of a page, with a pseudonym filter withheld', async () => {
    const list = await withBearer(ctx.http.get('/v1/enrolments')).query({ limit: '2', sort: '-id', cohort: '2023' }).expect(200);
    expect((await entryOf(list)).target).toEqual({ cohort: 2023, filters: { limit: 2, sort: '-id' }, rows: 2, total: list.body.total });
    expect(list.body.total).toBeGreaterThanOrEqual(3);

    const id = (list.body.items as Array<{ id: string }>)[0].id;
    const one = await withBearer(ctx.http.get(`/v1/enrolments/${id}`)).expect(200);
    expect((await entryOf(one)).target).toEqual({ resource: 'enrolments', id, rows: 1 });

    const student = pseudonym('audit-1');
    const filtered = await withBearer(ctx.http.get('/v1/enrolments')).query({ pseudonym: student }).expect(200);
    const entry = await entryOf(filtered);
    expect(entry.target).toEqual({ filters: { pseudonym: '[withheld]' }, rows: 1, total: 1 });
    expect(JSON.stringify(entry)).not.toContain(student);
  });

  it('never records a pseudonym or a raw identifier the caller sent, in the path or the query', async () => {
    const student = pseudonym('audit-2');
    const erased = await withBearer(ctx.http.delete(`/v1/pseudonyms/${student}`)).expect(200);
    const erasure = await entryOf(erased);
    expect(erasure).toMatchObject({ route: '/v1/pseudonyms/:pseudonym', outcome: 'allowed' });
    expect(erasure.target).toEqual({ written: 1 });

    const raw = await withBearer(ctx.http.delete(`/v1/pseudonyms/${BSN}`));
    expect(raw.status).toBeGreaterThanOrEqual(400);
    const refusedErasure = await entryOf(raw);

    const rawId = await withBearer(ctx.http.get(`/v1/enrolments/${ONDERWIJSNUMMER}`)).expect(404);
    const rawIdEntry = await entryOf(rawId);
    expect(rawIdEntry.target).toEqual({ resource: 'enrolments', id: '[withheld]' });

    const rawQuery = await withBearer(ctx.http.get('/v1/enrolments')).query({ pseudonym: BSN, sort: ONDERWIJSNUMMER, region: BSN });
    const rawQueryEntry = await entryOf(rawQuery);
    expect(rawQueryEntry.target.filters).toEqual({ pseudonym: '[withheld]', sort: '[withheld]', region: '[withheld]' });

    for (const entry of [erasure, refusedErasure, rawIdEntry, rawQueryEntry]) {
      const text = JSON.stringify(entry);
      expect(text).not.toContain(student);
      expect(text).not.toContain(BSN);
      expect(text).not.toContain(ONDERWIJSNUMMER);
    }
  });

  it('records the client a token request named, and not its secret', async () => {
    const { clientId, secret } = await ctx.newClient({ institution, scopes: ['records:read'] });
    const issued = await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }).expect(200);
    const entry = await entryOf(issued);
    expect(entry.target).toEqual({ client: clientId });
    expect(JSON.stringify(entry)).not.toContain(secret);

    const wrong = await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: BSN, client_secret: secret }).expect(401);
    expect((await entryOf(wrong)).target).toEqual({ client: '[withheld]' });
  });

  it('audits a request the client abandons before the answer', async () => {
    const server = ctx.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const requestId = `abandoned-${Date.now()}`;
      const upload = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/uploads?kind=enrolments',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv', 'Content-Length': '1000000', 'X-Request-Id': requestId },
      });
      upload.on('error', () => undefined);
      upload.write('pseudonym,programme_code\n');
      // The service is now reading a body that never comes; the client goes away.
      await new Promise((resolve) => setTimeout(resolve, 300));
      upload.destroy();
      let rows: AuditRow[] = [];
      for (let attempt = 0; attempt < 50 && rows.length === 0; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await ctx.flushAudit();
        rows = await ctx.dataSource.query(`SELECT * FROM audit_log WHERE request_id = $1`, [requestId]);
      }
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ route: '/v1/uploads', outcome: 'aborted', institution_id: institution.id, detail: expect.objectContaining({ aborted: true }) });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('shows the institution its own refused requests in GET /v1/audit, with their targets', async () => {
    const response = await withBearer(ctx.http.get('/v1/audit')).query({ limit: '200' }).expect(200);
    const items = response.body.items as Array<{ statusCode: number; route: string; target: Record<string, unknown> }>;
    expect(items.map((item) => item.statusCode)).toEqual(expect.arrayContaining([400, 413, 403, 200]));
    expect(items.find((item) => item.route === '/v1/insights/alumni')?.target).toMatchObject({ region: region.code, breakdown: 'sector' });
  });
});

describe('audit trail under a rate limit', () => {
  let limited: TestContext;
  // Its own application after the first has closed: passport's strategies are global to the process.
  beforeAll(async () => {
    limited = await createTestContext({ RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(() => limited?.close());

  it('audits 429 as denied', async () => {
    // RATE_LIMIT_PER_MINUTE=2 per client in the second application.
    const limitedToken = await limited.tokenFor({ scopes: ['platform:admin'] });
    const statuses: number[] = [];
    let refused: { headers: Record<string, string> } | undefined;
    for (let i = 0; i < 6 && !refused; i++) {
      const response = await limited.http.get('/v1/regions').set('Authorization', `Bearer ${limitedToken}`);
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(statuses).toContain(429);
    expect(await auditEntryOf(limited, refused!)).toMatchObject({ route: '/v1/regions', outcome: 'denied', status_code: 429, client_id: expect.stringMatching(/^test-/) });
  });
});
