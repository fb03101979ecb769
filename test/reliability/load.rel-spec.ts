/**
 * Load: autocannon against the two main read views (supplier alumni view, coordinator region
 * report) and the JSON batch upload (a unique Idempotency-Key and 100 new records per request),
 * all three at once for LOAD_SECONDS (60 in CI) with 50 connections in total, on PostgreSQL.
 * Expected: zero connection errors and timeouts, zero 5xx, and every acknowledged batch
 * present in the database afterwards.
 */
import autocannon, { Result } from 'autocannon';
import { randomUUID } from 'node:crypto';
import { DatabaseConnection } from 'src/database/database-connection';
import { createScratchDatabase } from 'src/database/scratch-database';
import { demoToken, enrolment, figure, LOAD_SECONDS, log, newReceiver, postgresBaseUrl, ServiceProcess, Tenant, workDir } from 'test/reliability/harness';
import { pgQuery } from 'test/reliability/pg-cluster';

const BATCH_RECORDS = 100;

interface Target {
  name: string;
  connections: number;
  run: () => Promise<Result>;
}

function summarise(name: string, result: Result): Record<string, unknown> {
  const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]));
  return {
    target: name,
    connections: result.connections,
    seconds: result.duration,
    requests: result.requests.total,
    reqPerSec: Math.round(result.requests.average * 10) / 10,
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    status5xx: result['5xx'],
    errors: result.errors,
    timeouts: result.timeouts,
    codes,
  };
}

describe('load (autocannon, PostgreSQL)', () => {
  let database: DatabaseConnection;
  let service: ServiceProcess;
  let databaseUrl: string;
  let uploader: Tenant;
  let supplierToken: string;
  let coordinatorToken: string;
  const dir = workDir('load');

  beforeAll(async () => {
    database = await createScratchDatabase(postgresBaseUrl());
    databaseUrl = (database.target as { url: string }).url;
    service = await ServiceProcess.start({ dir, name: 'load', database: { url: databaseUrl }, env: { TOKEN_TTL_SECONDS: '3600' } });
    const admin = await demoToken(service.baseUrl, 'demo-admin');
    uploader = await newReceiver(service.baseUrl, admin);
    supplierToken = await demoToken(service.baseUrl, 'demo-vo-school');
    coordinatorToken = await demoToken(service.baseUrl, 'demo-coordinator');
  });

  afterAll(async () => {
    await service?.stop();
    await database?.close();
  });

  it(`holds ${LOAD_SECONDS} s of mixed load (views and batch uploads, 50 connections) with no errors and no 5xx`, async () => {
    const duration = LOAD_SECONDS;
    const acknowledged: string[] = [];
    const problems: string[] = [];
    let sequence = 0;
    const common = { url: service.baseUrl, duration, timeout: 20, excludeErrorStats: false };

    const targets: Target[] = [
      {
        name: 'GET /v1/insights/alumni',
        connections: 20,
        run: () =>
          autocannon({
            ...common,
            connections: 20,
            requests: [{ method: 'GET', path: '/v1/insights/alumni?breakdown=receiver', headers: { authorization: `Bearer ${supplierToken}` } }],
          }),
      },
      {
        name: 'GET /v1/regions/RIJNSTAD/report',
        connections: 20,
        run: () =>
          autocannon({
            ...common,
            connections: 20,
            requests: [{ method: 'GET', path: '/v1/regions/RIJNSTAD/report', headers: { authorization: `Bearer ${coordinatorToken}` } }],
          }),
      },
      {
        name: 'POST /v1/enrolments:batch (100 records, unique Idempotency-Key)',
        connections: 10,
        run: () =>
          autocannon({
            ...common,
            connections: 10,
            requests: [
              {
                method: 'POST',
                path: '/v1/enrolments:batch',
                setupRequest: (request) => {
                  const seed = `load-${randomUUID()}-${sequence++}`;
                  const body = JSON.stringify({ records: Array.from({ length: BATCH_RECORDS }, (_, i) => enrolment(seed, i)) });
                  return {
                    ...request,
                    headers: { authorization: `Bearer ${uploader.token}`, 'content-type': 'application/json', 'idempotency-key': seed },
                    body,
                  };
                },
                onResponse: (status, body) => {
                  if (status === 200) {
                    const parsed = JSON.parse(body) as { batchId: string; inserted: number };
                    acknowledged.push(parsed.batchId);
                    if (parsed.inserted !== BATCH_RECORDS) problems.push(`batch ${parsed.batchId} inserted ${parsed.inserted}`);
                  } else if (problems.length < 20) problems.push(`batch HTTP ${status}: ${body.slice(0, 300)}`);
                },
              },
            ],
          }),
      },
    ];

    const started = Date.now();
    const results = await Promise.all(targets.map((target) => target.run()));
    log(`load ran ${Math.round((Date.now() - started) / 1000)} s`);
    const summaries = results.map((result, i) => summarise(targets[i].name, result));
    for (const summary of summaries) figure('load', summary);

    expect(service.alive).toBe(true);
    expect(problems).toEqual([]);
    for (const result of results) {
      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result['5xx']).toBe(0);
      expect(result.non2xx).toBe(0);
      expect(result.requests.total).toBeGreaterThan(0);
    }

    // Every acknowledged batch is in the database, whole.
    const rows = await pgQuery<{ batches: number; rows: number }>(
      databaseUrl,
      `SELECT count(DISTINCT created_batch_id)::int AS batches, count(*)::int AS rows
         FROM enrolments e JOIN institutions i ON i.id = e.institution_id WHERE i.brin = $1`,
      [uploader.brin],
    );
    const committed = await pgQuery<{ n: number }>(databaseUrl, `SELECT count(*)::int AS n FROM ingest_batches WHERE id = ANY($1::uuid[]) AND status = 'committed'`, [acknowledged]);
    figure('load', { acknowledgedBatches: acknowledged.length, rowsInDatabase: rows[0].rows, peakRssMb: Math.round(service.memory().hwmKb / 1024) });
    expect(committed[0].n).toBe(acknowledged.length);
    // A request still in flight when autocannon stops may commit without its answer being counted.
    expect(rows[0].batches).toBeGreaterThanOrEqual(acknowledged.length);
    expect(rows[0].batches).toBeLessThanOrEqual(acknowledged.length + 10);
    expect(rows[0].rows).toBe(rows[0].batches * BATCH_RECORDS);
  });
});
