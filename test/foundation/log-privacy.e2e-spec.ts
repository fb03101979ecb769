import { PassThrough } from 'node:stream';
import { BSN, enrolment, IngestFixture, ONDERWIJSNUMMER, pseudonym, setupIngest, toCsv } from 'test/ingest/records.factory';
import { createTestContext, TestContext } from 'test/utils/test-context';

/**
 * Student identifiers never reach the log: neither a raw BSN or onderwijsnummer sent by mistake
 * (in a path, a query string or a body) nor a pseudonym, also not in the log of a failed SQL
 * statement. The test sends them everywhere and searches the captured log lines.
 */
describe('nothing personal in the logs', () => {
  let ctx: TestContext;
  let f: IngestFixture;
  let captured = '';
  /** A pseudonym the database is made to refuse (a CHECK constraint), so that its INSERT fails with it as a bound parameter. */
  const POISONED = pseudonym('poisoned-in-the-database');
  const ERASED = pseudonym('erased-by-path');
  const formattedBsn = `${BSN.slice(0, 4)}.${BSN.slice(4, 6)}.${BSN.slice(6)}`;
  const encodedBsn = [...BSN].map((digit) => `%3${digit}`).join('');
  const forbidden = (): string[] => [BSN, ONDERWIJSNUMMER, formattedBsn, POISONED, ERASED, BSN.replace(/^0/, '')];

  beforeAll(async () => {
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => (captured += chunk.toString('utf8')));
    ctx = await createTestContext({ LOG_LEVEL: 'trace' }, { logDestination: sink });
    f = await setupIngest(ctx);
    await ctx.dataSource.query(`ALTER TABLE enrolments ADD CONSTRAINT test_refuses_one_pseudonym CHECK (pseudonym <> '${POISONED}') NOT VALID`);
  });
  afterAll(() => ctx.close());

  const as = (token: string) => ({
    get: (path: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`),
    delete: (path: string) => ctx.http.delete(path).set('Authorization', `Bearer ${token}`),
    post: (path: string) => ctx.http.post(path).set('Authorization', `Bearer ${token}`),
  });

  it('sends raw identifiers and pseudonyms in paths, query strings and bodies, and fails an INSERT with one', async () => {
    const api = as(f.tokenA);
    // paths
    for (const value of [BSN, ONDERWIJSNUMMER, formattedBsn, encodedBsn, ERASED]) await api.delete(`/v1/pseudonyms/${value}`);
    await api.get(`/v1/enrolments/${BSN}`);
    await api.get(`/v1/${BSN}/${ERASED}`).expect(404);
    await ctx.http.get(`/v1/pseudonyms/${BSN}`).expect((response) => expect(response.status).toBeGreaterThanOrEqual(400));
    // query strings
    await api.get(`/v1/enrolments?pseudonym=${BSN}&q=${ERASED}`);
    await api.get(`/v1/leavers?pseudonym=${ONDERWIJSNUMMER}`);
    // bodies with errors
    await api.post('/v1/enrolments:batch').send({ records: [enrolment(1, { pseudonym: BSN }), enrolment(2, { pseudonym: ONDERWIJSNUMMER })] }).expect(422);
    await api.post('/v1/uploads?kind=enrolments').set('Content-Type', 'text/csv').send(toCsv([enrolment(3, { pseudonym: formattedBsn })])).expect(422);
    await api.post('/v1/enrolments:batch').set('Content-Type', 'application/json').send(`{"records": [{"pseudonym": "${BSN}", `).expect(400);
    await api.post('/v1/enrolments:batch').send({ records: [enrolment(4)], [BSN]: ERASED }).expect(400);
    // a statement that fails in the database with a pseudonym among its parameters
    const failed = await api.post('/v1/enrolments:batch').send({ records: [enrolment(5), { ...enrolment(6), pseudonym: POISONED }] });
    expect(failed.status).toBe(500);
    expect(JSON.stringify(failed.body)).not.toContain(POISONED);
    await ctx.flushAudit();
  });

  it('logs the requests and the failure, with masked paths and without a single identifier', () => {
    const lines = captured
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg?: string; req?: { path?: string }; err?: { code?: string; query?: string; parameters?: unknown; driverError?: { constraint?: string } } });
    // not vacuous: the requests are there, and the failed statement is logged with what identifies it
    const paths = lines.map((line) => line.req?.path).filter((path): path is string => typeof path === 'string');
    expect(paths).toContain('/v1/pseudonyms/{pseudonym}');
    expect(paths).toContain('/v1/enrolments/{redacted}');
    expect(paths).toContain('/v1/{redacted}/{redacted}');
    expect(paths).toContain('/v1/enrolments');
    const failure = lines.find((line) => line.err?.code === '23514' || line.err?.driverError?.constraint === 'test_refuses_one_pseudonym');
    expect(failure).toBeDefined();
    expect(failure!.err!.query).toMatch(/INSERT INTO enrolments/);
    expect(failure!.err!.parameters).toBeUndefined();

    for (const value of forbidden()) expect(captured).not.toContain(value);
    expect(captured).not.toMatch(/[0-9a-f]{64}/);
  });
});
