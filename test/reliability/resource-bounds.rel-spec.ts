/**
 * Resource bounds of the built service on PostgreSQL:
 * - streaming: a 500,000-row CSV upload (~57 MB) is read as it arrives; the service's peak
 *   resident memory (VmHWM from /proc) grows by far less than the file;
 * - PostgreSQL statement_timeout is in effect on the service's own sessions: a query of the
 *   service that waits on a lock held by the test is cancelled by the server after
 *   DB_STATEMENT_TIMEOUT_MS (seen in pg_stat_activity while it waits), and answered 503;
 * - idle_in_transaction_session_timeout: an upload whose client stalls mid-file loses its
 *   transaction; nothing is written and the client gets an answer;
 * - REQUEST_TIMEOUT_MS: a request still being sent after it (slow body, slow headers) is cut off;
 * - the pool: the service never holds more PostgreSQL sessions than DB_POOL_SIZE under load.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Client } from 'pg';
import { DatabaseConnection } from 'src/database/database-connection';
import { createScratchDatabase } from 'src/database/scratch-database';
import {
  batchBody,
  csvBytes,
  csvStream,
  demoToken,
  figure,
  http,
  HttpResult,
  json,
  newReceiver,
  postgresBaseUrl,
  problemViolations,
  readMemory,
  ServiceProcess,
  sleep,
  workDir,
} from 'test/reliability/harness';
import { pgQuery } from 'test/reliability/pg-cluster';

describe('resource bounds (PostgreSQL)', () => {
  let database: DatabaseConnection;
  let url: string;
  let databaseName: string;
  const dir = workDir('resource-bounds');
  const services: ServiceProcess[] = [];

  const start = async (name: string, env: Record<string, string> = {}): Promise<ServiceProcess> => {
    const service = await ServiceProcess.start({ dir, name, database: { url }, env: { TOKEN_TTL_SECONDS: '3600', ...env } });
    services.push(service);
    return service;
  };

  const rowsOf = async (brin: string): Promise<number> =>
    (await pgQuery<{ n: number }>(url, `SELECT count(*)::int AS n FROM enrolments e JOIN institutions i ON i.id = e.institution_id WHERE i.brin = $1`, [brin]))[0].n;

  beforeAll(async () => {
    database = await createScratchDatabase(postgresBaseUrl());
    url = (database.target as { url: string }).url;
    databaseName = new URL(url).pathname.slice(1);
  });

  // Each test stops its services, so that the next one sees only its own sessions.
  afterEach(async () => {
    for (const service of services.splice(0)) await service.stop();
  });

  afterAll(async () => {
    await database?.close();
  });

  it('streams a 500,000-row CSV upload: it completes in a heap far smaller than the file, and peak memory does not grow with the file', async () => {
    // A V8 heap of 96 MB cannot hold a 56 MB file as JavaScript strings (UTF-16: twice that).
    const heapLimitMb = 96;
    const service = await start('streaming', { NODE_OPTIONS: `--max-old-space-size=${heapLimitMb}` });
    const admin = await demoToken(service.baseUrl, 'demo-admin');
    const tenant = await newReceiver(service.baseUrl, admin);
    const upload = async (rows: number): Promise<{ rows: number; fileMb: number; seconds: number; hwmMb: number; peakRssMb: number; status: number; inserted: number }> => {
      let peakRssKb = 0;
      const sampler = setInterval(() => {
        try {
          peakRssKb = Math.max(peakRssKb, readMemory(service.pid).rssKb);
        } catch {
          // the process is gone; the assertions below say so
        }
      }, 100);
      const started = Date.now();
      let result: HttpResult;
      try {
        result = await http(service.baseUrl, 'POST', '/v1/uploads?kind=enrolments', {
          headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'text/csv', 'idempotency-key': randomUUID() },
          body: csvStream(`streaming-${rows}-${randomUUID()}`, rows, { rowsPerChunk: 5_000 }),
          timeoutMs: 600_000,
        });
      } finally {
        clearInterval(sampler);
      }
      const seconds = (Date.now() - started) / 1000;
      return {
        rows,
        fileMb: Math.round((csvBytes(rows) / 2 ** 20) * 10) / 10,
        seconds: Math.round(seconds * 10) / 10,
        hwmMb: Math.round(service.memory().hwmKb / 1024),
        peakRssMb: Math.round(peakRssKb / 1024),
        status: result.status,
        inserted: result.status === 200 ? json<{ inserted: number }>(result).inserted : 0,
      };
    };
    await sleep(2_000);
    const idle = service.memory();
    const first = await upload(500_000);
    // The same again: a service that streams has reached its working set; one that buffers grows again.
    const second = await upload(500_000);
    const idleHwmMb = Math.round(idle.hwmKb / 1024);
    figure('resource-bounds', {
      check: 'streaming',
      heapLimitMb,
      idleRssMb: Math.round(idle.rssKb / 1024),
      idleHwmMb,
      firstUpload: { ...first, rowsPerSecond: Math.round(first.rows / first.seconds), hwmGrowthMb: first.hwmMb - idleHwmMb },
      secondUpload: { ...second, rowsPerSecond: Math.round(second.rows / second.seconds), hwmGrowthMb: second.hwmMb - first.hwmMb },
    });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.inserted).toBe(500_000);
    expect(second.inserted).toBe(500_000);
    expect(await rowsOf(tenant.brin)).toBe(1_000_000);
    expect(service.alive).toBe(true);
    expect(first.hwmMb - idleHwmMb).toBeLessThan(first.fileMb);
    expect(second.hwmMb - first.hwmMb).toBeLessThan(second.fileMb / 4);
  });

  it('PostgreSQL statement_timeout is in effect on the service sessions: a blocked query is cancelled by the server and answered 503', async () => {
    const timeoutMs = 1_000;
    const service = await start('statement-timeout', { DB_STATEMENT_TIMEOUT_MS: String(timeoutMs), DEMO_DATA: 'false', WORKER_ENABLED: 'false' });
    const admin = await demoToken(service.baseUrl, 'demo-admin');
    const tenant = await newReceiver(service.baseUrl, admin);
    const locker = new Client({ connectionString: url, application_name: 'reliability-locker' });
    await locker.connect();
    let result: HttpResult | undefined;
    let waiting: Array<{ state: string; wait: string | null }> = [];
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE enrolments IN ACCESS EXCLUSIVE MODE');
      const pending = http(service.baseUrl, 'GET', '/v1/enrolments?limit=1', { headers: { authorization: `Bearer ${tenant.token}` }, timeoutMs: 30_000 });
      // While the request waits: the service's own session is blocked on the lock, in the database.
      await sleep(Math.floor(timeoutMs / 2));
      waiting = await pgQuery<{ state: string; wait: string | null }>(
        url,
        `SELECT state, wait_event_type AS wait FROM pg_stat_activity WHERE datname = $1 AND application_name = 'doorstroom' AND query ILIKE '%enrolments%' AND wait_event_type = 'Lock'`,
        [databaseName],
      );
      result = await pending;
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    figure('resource-bounds', { check: 'statement_timeout', dbStatementTimeoutMs: timeoutMs, blockedServiceSessionsSeen: waiting.length, status: result.status, answeredMs: result.ms });
    expect(waiting.length).toBeGreaterThanOrEqual(1);
    expect(result.status).toBe(503);
    expect(problemViolations(result)).toEqual([]);
    expect(result.ms).toBeGreaterThanOrEqual(timeoutMs - 100);
    expect(result.ms).toBeLessThan(timeoutMs + 4_000);
  });

  it('idle_in_transaction_session_timeout: an upload whose client stalls mid-file is ended by PostgreSQL, answered, and writes nothing', async () => {
    const timeoutMs = 1_500;
    const service = await start('idle-in-transaction', { DB_STATEMENT_TIMEOUT_MS: String(timeoutMs), DEMO_DATA: 'false', WORKER_ENABLED: 'false', INGEST_CHUNK_ROWS: '1000' });
    const admin = await demoToken(service.baseUrl, 'demo-admin');
    const tenant = await newReceiver(service.baseUrl, admin);
    // 20,000 rows, 2,000 at a time with 4 s between: the transaction idles far longer than the timeout.
    let result: HttpResult | undefined;
    let transportError: string | undefined;
    try {
      result = await http(service.baseUrl, 'POST', '/v1/uploads?kind=enrolments', {
        headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'text/csv', 'idempotency-key': randomUUID() },
        body: csvStream('stalled', 20_000, { rowsPerChunk: 2_000, delayMs: 4_000 }),
        timeoutMs: 90_000,
      });
    } catch (error) {
      transportError = String((error as { code?: string }).code ?? error);
    }
    const rows = await rowsOf(tenant.brin);
    figure('resource-bounds', { check: 'idle_in_transaction_session_timeout', timeoutMs, status: result?.status ?? null, transportError: transportError ?? null, answeredMs: result?.ms ?? null, rowsWritten: rows });
    expect(transportError).toBeUndefined();
    expect(result!.status).toBe(503);
    expect(problemViolations(result!)).toEqual([]);
    expect(rows).toBe(0);
    expect(service.alive).toBe(true);
  });

  it('REQUEST_TIMEOUT_MS cuts off a request still being sent (slow body, slow headers)', async () => {
    const timeoutMs = 3_000;
    const service = await start('request-timeout', { REQUEST_TIMEOUT_MS: String(timeoutMs), DEMO_DATA: 'false', WORKER_ENABLED: 'false' });
    const admin = await demoToken(service.baseUrl, 'demo-admin');
    const tenant = await newReceiver(service.baseUrl, admin);

    // A body that would take 60 s.
    const slowStarted = Date.now();
    let slow: HttpResult | undefined;
    let slowError: string | undefined;
    try {
      slow = await http(service.baseUrl, 'POST', '/v1/uploads?kind=enrolments', {
        headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'text/csv', 'idempotency-key': randomUUID() },
        body: csvStream('slow-body', 60_000, { rowsPerChunk: 1_000, delayMs: 1_000 }),
        timeoutMs: 90_000,
      });
    } catch (error) {
      slowError = String((error as { code?: string }).code ?? error);
    }
    const slowMs = Date.now() - slowStarted;

    // Headers that never end.
    const headersMs = await new Promise<number>((resolve) => {
      const started = Date.now();
      const socket = connect(service.port, '127.0.0.1', () => {
        socket.write('GET /v1/enrolments HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 500);
        socket.on('close', () => {
          clearInterval(drip);
          resolve(Date.now() - started);
        });
      });
      socket.on('error', () => undefined);
      socket.setTimeout(90_000, () => socket.destroy());
    });
    await sleep(1_000);
    const rows = await rowsOf(tenant.brin);
    figure('resource-bounds', { check: 'request timeout', requestTimeoutMs: timeoutMs, slowBody: { status: slow?.status ?? null, error: slowError ?? null, cutAfterMs: slowMs }, slowHeadersCutAfterMs: headersMs, rowsWritten: rows });
    // Node checks request timeouts periodically, so allow a few seconds beyond the setting.
    expect(slowMs).toBeLessThan(timeoutMs + 6_000);
    // Answered as every refusal is, when the client still listens: a 408 problem document.
    if (slow) expect(slow.status).toBe(408);
    expect(headersMs).toBeLessThan(timeoutMs + 6_000);
    expect(rows).toBe(0);
    expect(service.alive).toBe(true);
  });

  it(`never holds more PostgreSQL sessions than DB_POOL_SIZE under load`, async () => {
    const poolSize = 4;
    const service = await start('pool', { DB_POOL_SIZE: String(poolSize), DEMO_DATA: 'false' });
    const admin = await demoToken(service.baseUrl, 'demo-admin');
    const tenant = await newReceiver(service.baseUrl, admin);
    let running = true;
    let maxSessions = 0;
    const statuses: Record<string, number> = {};
    const worker = async (n: number): Promise<void> => {
      for (let i = 0; running && i < 10_000; i++) {
        const seed = `pool-${n}-${i}-${randomUUID()}`;
        const result =
          i % 2 === 0
            ? await http(service.baseUrl, 'POST', '/v1/enrolments:batch', { headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json', 'idempotency-key': seed }, body: batchBody(seed, 50), timeoutMs: 30_000 })
            : await http(service.baseUrl, 'GET', '/v1/enrolments?limit=50', { headers: { authorization: `Bearer ${tenant.token}` }, timeoutMs: 30_000 });
        statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      }
    };
    const workers = Array.from({ length: 16 }, (_, n) => worker(n));
    for (let i = 0; i < 40; i++) {
      const [{ n }] = await pgQuery<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'doorstroom'`, [databaseName]);
      maxSessions = Math.max(maxSessions, n);
      await sleep(250);
    }
    running = false;
    await Promise.all(workers);
    figure('resource-bounds', { check: 'pool', dbPoolSize: poolSize, concurrentClients: 16, maxServiceSessionsSeen: maxSessions, statuses });
    expect(maxSessions).toBeGreaterThan(0);
    expect(maxSessions).toBeLessThanOrEqual(poolSize);
    expect(Object.keys(statuses).filter((status) => status !== '200')).toEqual([]);
  });
});
