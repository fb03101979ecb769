import { createTestContext, TestContext } from 'test/utils/test-context';
import { countRows, enrolment, enrolments, IngestFixture, refreshJobs, setupIngest, toCsv } from 'test/ingest/records.factory';

describe('Idempotency-Key on ingest writes', () => {
  let ctx: TestContext;
  let f: IngestFixture;

  beforeAll(async () => {
    ctx = await createTestContext();
    f = await setupIngest(ctx);
  });
  afterAll(() => ctx.close());

  const post = (token: string, key: string | undefined, body: object) => {
    const request = ctx.http.post('/v1/enrolments:batch').set('Authorization', `Bearer ${token}`);
    if (key !== undefined) request.set('Idempotency-Key', key);
    return request.send(body);
  };
  const batches = async (): Promise<number> =>
    (await ctx.dataSource.query(`SELECT count(*)::int AS count FROM ingest_batches WHERE institution_id = $1`, [f.a.id]))[0].count;

  it('replays the stored response for the same key and body, without writing again', async () => {
    const body = { records: enrolments(3, 0) };
    const first = await post(f.tokenA, 'key-replay-1', body).expect(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const rowsAfterFirst = await countRows(ctx, f.a);
    const batchesAfterFirst = await batches();
    const jobsAfterFirst = (await refreshJobs(ctx, f.a)).length;

    const replay = await post(f.tokenA, 'key-replay-1', body).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(replay.body).toMatchObject({ inserted: 3 });
    expect(await countRows(ctx, f.a)).toEqual(rowsAfterFirst);
    expect(await batches()).toBe(batchesAfterFirst);
    expect(await refreshJobs(ctx, f.a)).toHaveLength(jobsAfterFirst);

    // Without the key the same body is a new request: a new batch, all unchanged.
    const fresh = await post(f.tokenA, undefined, body).expect(200);
    expect(fresh.body).toMatchObject({ inserted: 0, unchanged: 3 });
    expect(fresh.body.batchId).not.toBe(first.body.batchId);
  });

  it('keeps keys at least 24 hours', async () => {
    const [row] = await ctx.dataSource.query(
      `SELECT state, extract(epoch FROM expires_at - now()) AS ttl, response_status FROM idempotency_keys WHERE key = 'key-replay-1'`,
    );
    expect(row.state).toBe('done');
    expect(row.response_status).toBe(200);
    expect(Number(row.ttl)).toBeGreaterThanOrEqual(24 * 3600 - 60);
  });

  it('refuses the same key with a different body (422) and writes nothing', async () => {
    await post(f.tokenA, 'key-mismatch', { records: [enrolment(10)] }).expect(200);
    const before = await countRows(ctx, f.a);
    const response = await post(f.tokenA, 'key-mismatch', { records: [enrolment(11)] }).expect(422);
    expect(response.body.errors).toEqual([expect.objectContaining({ header: 'Idempotency-Key', code: 'idempotency-key-reused' })]);
    expect(await countRows(ctx, f.a)).toEqual(before);
  });

  it('scopes keys per client: another client may use the same key', async () => {
    const otherClient = await ctx.tokenFor({ institution: f.a, scopes: ['records:write'] });
    await post(f.tokenA, 'key-shared', { records: [enrolment(20)] }).expect(200);
    const other = await post(otherClient, 'key-shared', { records: [enrolment(21)] }).expect(200);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.body).toMatchObject({ inserted: 1 });
  });

  it('processes concurrent requests with one key once: the other gets 409 or the replay', async () => {
    const body = { records: enrolments(50, 1_000) };
    const before = await countRows(ctx, f.a);
    const batchesBefore = await batches();
    const responses = await Promise.all([post(f.tokenA, 'key-concurrent', body), post(f.tokenA, 'key-concurrent', body), post(f.tokenA, 'key-concurrent', body)]);
    const processed = responses.filter((response) => response.status === 200 && response.headers['idempotent-replayed'] === undefined);
    expect(processed).toHaveLength(1);
    const others = responses
      .filter((response) => response !== processed[0])
      .map((response) => ({ status: response.status, replayed: response.headers['idempotent-replayed'], body: response.body }));
    for (const other of others) {
      if (other.status === 409) expect(other.body.errors[0]).toMatchObject({ header: 'Idempotency-Key', code: 'idempotency-key-in-use' });
      else expect(other).toEqual({ status: 200, replayed: 'true', body: processed[0].body });
    }
    expect((await countRows(ctx, f.a)).enrolments).toBe(before.enrolments + 50);
    expect(await batches()).toBe(batchesBefore + 1);

    const later = await post(f.tokenA, 'key-concurrent', body).expect(200);
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(later.body).toEqual(processed[0].body);
  });

  it('answers 409 while a request with the key is still in progress', async () => {
    // A request holding the key: as the service records it while the first request runs.
    const clientId: string = (await ctx.dataSource.query(`SELECT client_id FROM idempotency_keys WHERE key = 'key-replay-1'`))[0].client_id;
    await ctx.dataSource.query(`INSERT INTO idempotency_keys (client_id, key, state, expires_at) VALUES ($1, 'key-running', 'in_progress', now() + interval '1 day')`, [clientId]);
    const response = await post(f.tokenA, 'key-running', { records: [enrolment(30)] }).expect(409);
    expect(response.body.detail).toMatch(/still being processed/);
    // A key whose request died long ago (its lease ran out) can be used again.
    await ctx.dataSource.query(`UPDATE idempotency_keys SET created_at = now() - interval '1 hour' WHERE key = 'key-running'`);
    await post(f.tokenA, 'key-running', { records: [enrolment(30)] }).expect(200);
  });

  it('frees the key of a failed request, so that the corrected request can use it', async () => {
    await post(f.tokenA, 'key-retry', { records: [enrolment(40, { programmeCode: '99999' })] }).expect(422);
    const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM idempotency_keys WHERE key = 'key-retry'`);
    expect(count).toBe(0);
    await post(f.tokenA, 'key-retry', { records: [enrolment(40)] }).expect(200);
  });

  it('reuses an expired key for a new request', async () => {
    await post(f.tokenA, 'key-expired', { records: [enrolment(50)] }).expect(200);
    await ctx.dataSource.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'key-expired'`);
    const response = await post(f.tokenA, 'key-expired', { records: [enrolment(51)] }).expect(200);
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(response.body).toMatchObject({ inserted: 1 });
  });

  it('refuses a malformed key with 400', async () => {
    const response = await post(f.tokenA, 'x'.repeat(256), { records: [enrolment(60)] }).expect(400);
    expect(response.body.errors[0]).toMatchObject({ header: 'Idempotency-Key' });
  });

  it('fingerprints a streamed CSV upload: same file replays, another file is refused', async () => {
    const upload = (key: string, csv: string) =>
      ctx.http.post('/v1/uploads?kind=enrolments').set('Authorization', `Bearer ${f.tokenA}`).set('Content-Type', 'text/csv').set('Idempotency-Key', key).send(csv);
    const csv = toCsv(enrolments(5, 2_000));
    const first = await upload('key-csv', csv).expect(200);
    const before = await countRows(ctx, f.a);
    const replay = await upload('key-csv', csv).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    await upload('key-csv', toCsv(enrolments(5, 2_001))).expect(422);
    // The same body to another route is another request.
    await ctx.http
      .post('/v1/uploads?kind=leavers')
      .set('Authorization', `Bearer ${f.tokenA}`)
      .set('Content-Type', 'text/csv')
      .set('Idempotency-Key', 'key-csv')
      .send(csv)
      .expect(422);
    expect(await countRows(ctx, f.a)).toEqual(before);
  });

  it('replays a batch deletion and an erasure', async () => {
    const created = await post(f.tokenA, undefined, { records: [enrolment(70), enrolment(71)] }).expect(200);
    const del = () => ctx.http.delete(`/v1/batches/${created.body.batchId}`).set('Authorization', `Bearer ${f.tokenA}`).set('Idempotency-Key', 'key-delete');
    const first = await del().expect(200);
    expect(first.body).toEqual({ batchId: created.body.batchId, kind: 'enrolments', deleted: 2 });
    const replay = await del().expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    // Without the key the batch is gone already.
    await ctx.http.delete(`/v1/batches/${created.body.batchId}`).set('Authorization', `Bearer ${f.tokenA}`).expect(409);

    await post(f.tokenA, undefined, { records: [enrolment(72)] }).expect(200);
    const erase = () => ctx.http.delete(`/v1/pseudonyms/${enrolment(72).pseudonym}`).set('Authorization', `Bearer ${f.tokenA}`).set('Idempotency-Key', 'key-erase');
    const erased = await erase().expect(200);
    const erasedAgain = await erase().expect(200);
    expect(erasedAgain.headers['idempotent-replayed']).toBe('true');
    expect(erasedAgain.body).toEqual(erased.body);
  });
});
