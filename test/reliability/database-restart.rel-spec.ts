/**
 * Database restart under load, on a throwaway PostgreSQL cluster the test starts itself
 * (initdb + pg_ctl on a spare loopback port; the main cluster is never touched).
 *
 * Writers (JSON batches with unique Idempotency-Keys), readers (alumni view, region report) and a
 * readiness poller run while the cluster is stopped with `pg_ctl stop -m fast`, left down, and
 * started again. Proves: the service process survives; every request is answered within
 * ANSWER_BOUND_MS (no hangs); requests during the outage answer 503 problem+json with
 * Retry-After; /health/ready goes 503 and back to 200; every write acknowledged with a 2xx is in
 * the database afterwards, whole; a write that failed is wholly absent or wholly present.
 */
import { randomUUID } from 'node:crypto';
import {
  batchBody,
  demoToken,
  figure,
  http,
  HttpResult,
  log,
  newReceiver,
  percentile,
  problemViolations,
  pseudonymOf,
  ServiceProcess,
  sleep,
  Tenant,
  workDir,
} from 'test/reliability/harness';
import { pgQuery, ThrowawayCluster } from 'test/reliability/pg-cluster';

/** Every request must be answered within this, outage or not. */
const ANSWER_BOUND_MS = 5_000;
const BATCH_RECORDS = 50;
const WARM_MS = 5_000;
const OUTAGE_MS = 8_000;
const AFTER_MS = 6_000;

interface Outcome {
  kind: 'write' | 'read' | 'ready';
  startedAt: number;
  endedAt: number;
  status?: number;
  error?: string;
  seed?: string;
  batchId?: string;
  violations?: string[];
  retryAfter?: string;
  requestId?: string;
}

describe('database restart under load (throwaway PostgreSQL cluster)', () => {
  let cluster: ThrowawayCluster;
  let service: ServiceProcess;
  let uploader: Tenant;
  let supplierToken: string;
  let coordinatorToken: string;
  const dir = workDir('database-restart');

  beforeAll(async () => {
    cluster = await ThrowawayCluster.create();
    await cluster.start();
    service = await ServiceProcess.start({ dir, name: 'database-restart', database: { url: cluster.url }, env: { TOKEN_TTL_SECONDS: '3600' } });
    const admin = await demoToken(service.baseUrl, 'demo-admin');
    uploader = await newReceiver(service.baseUrl, admin);
    supplierToken = await demoToken(service.baseUrl, 'demo-vo-school');
    coordinatorToken = await demoToken(service.baseUrl, 'demo-coordinator');
    // The demo regions' first refresh runs at start-up (about 10 s on a busy 2-core machine): let it
    // finish, so that the outage is measured and not the contention with it.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [{ n }] = await pgQuery<{ n: number }>(cluster.url, `SELECT count(*)::int AS n FROM jobs WHERE kind IN ('refresh-summaries', 'refresh-region') AND status IN ('pending', 'running')`);
      if (n === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    cluster?.destroy();
  });

  it('answers 503 quickly while PostgreSQL is down, recovers by itself, and loses no acknowledged write', async () => {
    const outcomes: Outcome[] = [];
    let running = true;
    const call = async (kind: Outcome['kind'], method: string, path: string, headers: Record<string, string>, body?: string, seed?: string): Promise<void> => {
      const startedAt = Date.now();
      let result: HttpResult | undefined;
      try {
        // The client's own limit is well above the bound, so that a slow answer is measured, not cut.
        result = await http(service.baseUrl, method, path, { headers, body, timeoutMs: 30_000 });
      } catch (error) {
        outcomes.push({ kind, startedAt, endedAt: Date.now(), error: String((error as { code?: string }).code ?? error), seed });
        return;
      }
      const outcome: Outcome = { kind, startedAt, endedAt: Date.now(), status: result.status, seed, violations: problemViolations(result), requestId: String(result.headers['x-request-id'] ?? '') };
      if (result.status === 503) outcome.retryAfter = String(result.headers['retry-after'] ?? '');
      if (kind === 'write' && result.status === 200) outcome.batchId = (JSON.parse(result.body) as { batchId: string }).batchId;
      outcomes.push(outcome);
    };
    const writer = async (): Promise<void> => {
      for (let i = 0; running && i < 100_000; i++) {
        const seed = `restart-${randomUUID()}`;
        await call('write', 'POST', '/v1/enrolments:batch', { authorization: `Bearer ${uploader.token}`, 'content-type': 'application/json', 'idempotency-key': seed }, batchBody(seed, BATCH_RECORDS), seed);
        if (outcomes[outcomes.length - 1]?.status !== 200) await sleep(20);
      }
    };
    const reader = async (n: number): Promise<void> => {
      for (let i = 0; running && i < 100_000; i++) {
        if ((i + n) % 2 === 0) await call('read', 'GET', '/v1/insights/alumni', { authorization: `Bearer ${supplierToken}` });
        else await call('read', 'GET', '/v1/regions/RIJNSTAD/report', { authorization: `Bearer ${coordinatorToken}` });
        if (outcomes[outcomes.length - 1]?.status !== 200) await sleep(20);
      }
    };
    const poller = async (): Promise<void> => {
      for (let i = 0; running && i < 100_000; i++) {
        await call('ready', 'GET', '/health/ready', {});
        await sleep(200);
      }
    };

    const workers = [writer(), writer(), writer(), reader(0), reader(1), reader(2), poller()];
    await sleep(WARM_MS);
    const stopAt = Date.now();
    const stopMs = await cluster.stop('fast');
    const downAt = Date.now();
    log(`PostgreSQL stopped (pg_ctl stop -m fast took ${stopMs} ms)`);
    await sleep(OUTAGE_MS);
    const startAt = Date.now();
    const startMs = await cluster.start();
    const upAt = Date.now();
    log(`PostgreSQL started again (pg_ctl start took ${startMs} ms)`);
    // Recovery: the first readiness 200 after the restart (bounded).
    let recoveredAt: number | undefined;
    for (let i = 0; i < 300 && recoveredAt === undefined; i++) {
      recoveredAt = outcomes.find((o) => o.kind === 'ready' && o.startedAt >= upAt && o.status === 200)?.endedAt;
      if (recoveredAt === undefined) await sleep(100);
    }
    await sleep(AFTER_MS);
    running = false;
    await Promise.all(workers);

    const during = outcomes.filter((o) => o.startedAt >= downAt && o.endedAt <= startAt);
    const errors = outcomes.filter((o) => o.error);
    const slow = outcomes.filter((o) => o.endedAt - o.startedAt > ANSWER_BOUND_MS);
    const statuses = [...new Set(outcomes.map((o) => o.status ?? 0))].sort();
    const bad = outcomes.filter((o) => o.status !== undefined && o.status !== 200 && o.status !== 503);
    const violations = outcomes.filter((o) => (o.violations ?? []).length > 0);
    const acknowledged = outcomes.filter((o) => o.kind === 'write' && o.status === 200);
    const failedWrites = outcomes.filter((o) => o.kind === 'write' && o.status !== 200);
    const tail = outcomes.filter((o) => recoveredAt !== undefined && o.startedAt > recoveredAt + 2_000 && o.kind !== 'ready');
    const latencies = (list: Outcome[]): number[] => list.map((o) => o.endedAt - o.startedAt);

    figure('database-restart', {
      requests: outcomes.length,
      statuses,
      duringOutage: during.length,
      duringOutage503: during.filter((o) => o.status === 503).length,
      outageP50ms: percentile(latencies(during), 50),
      outageP99ms: percentile(latencies(during), 99),
      outageMaxMs: Math.max(0, ...latencies(during)),
      overallMaxMs: Math.max(0, ...latencies(outcomes)),
      pgStopMs: stopMs,
      pgStartMs: startMs,
      readyAgainAfterStartMs: recoveredAt !== undefined ? recoveredAt - upAt : null,
      acknowledgedWrites: acknowledged.length,
      failedWrites: failedWrites.length,
      transportErrors: errors.length,
      slowerThanBound: slow.length,
    });

    expect(service.alive).toBe(true);
    expect(errors.map((o) => `${o.kind} ${o.error}`)).toEqual([]);
    expect(slow.map((o) => `${o.kind} ${o.status} ${o.endedAt - o.startedAt} ms at +${o.startedAt - stopAt} ms`)).toEqual([]);
    expect(bad.map((o) => `${o.kind} ${o.status}`)).toEqual([]);
    expect(violations.map((o) => `${o.kind} ${o.status}: ${o.violations!.join('; ')}`)).toEqual([]);
    // During the outage: 503 for everything that needs the database, with Retry-After.
    expect(during.length).toBeGreaterThan(20);
    expect(during.filter((o) => o.status !== 503)).toEqual([]);
    expect(during.filter((o) => o.retryAfter === '')).toEqual([]);
    expect(during.some((o) => o.kind === 'ready')).toBe(true);
    expect(during.some((o) => o.kind === 'write')).toBe(true);
    // Back by itself: readiness 200 within 15 s of the database, then everything 200 again.
    expect(recoveredAt).toBeDefined();
    expect(recoveredAt! - upAt).toBeLessThan(15_000);
    expect(tail.length).toBeGreaterThan(10);
    expect(tail.filter((o) => o.status !== 200).map((o) => `${o.kind} ${o.status}`)).toEqual([]);

    // Every acknowledged write is in the database, whole; every failed one is absent or whole.
    const committed = await cluster.query<{ id: string; rows: number; status: string }>(
      `SELECT b.id::text, b.status, (SELECT count(*)::int FROM enrolments e WHERE e.created_batch_id = b.id) AS rows
         FROM ingest_batches b WHERE b.id = ANY($1::uuid[])`,
      [acknowledged.map((o) => o.batchId!)],
    );
    expect(committed.length).toBe(acknowledged.length);
    expect(committed.filter((b) => b.status !== 'committed' || b.rows !== BATCH_RECORDS)).toEqual([]);
    const seeds = failedWrites.flatMap((o) => Array.from({ length: BATCH_RECORDS }, () => o.seed!));
    const pseudonyms = failedWrites.flatMap((o) => Array.from({ length: BATCH_RECORDS }, (_, i) => pseudonymOf(o.seed!, i)));
    const counts = await cluster.query<{ seed: string; n: number }>(
      `SELECT s.seed, count(e.id)::int AS n FROM unnest($1::text[], $2::text[]) AS s(seed, pseudonym)
         LEFT JOIN enrolments e ON e.pseudonym = s.pseudonym GROUP BY s.seed`,
      [seeds, pseudonyms],
    );
    const partial = counts.filter((c) => c.n !== 0 && c.n !== BATCH_RECORDS).map((c) => `${c.seed}: ${c.n} of ${BATCH_RECORDS} rows`);
    figure('database-restart', { failedWritesCheckedForPartialRows: failedWrites.length, partial: partial.length });
    expect(partial).toEqual([]);

    // Every API request, answered 200 or 503, is in the audit log: entries recorded while the
    // database was away were kept and written when it came back (bounded wait for the writer).
    const apiRequestIds = outcomes.filter((o) => o.kind !== 'ready' && o.requestId).map((o) => o.requestId!);
    let missing = apiRequestIds.length;
    for (let i = 0; i < 60 && missing > 0; i++) {
      const [{ n }] = await cluster.query<{ n: number }>(`SELECT count(DISTINCT a.request_id)::int AS n FROM audit_log a JOIN unnest($1::text[]) AS r(id) ON a.request_id = r.id`, [apiRequestIds]);
      missing = apiRequestIds.length - n;
      if (missing > 0) await sleep(500);
    }
    figure('database-restart', { apiRequests: apiRequestIds.length, missingFromAuditLog: missing });
    expect(missing).toBe(0);
  });
});
