/**
 * The embedded database (PGlite in the service process, data in DATA_DIR) under kill -9.
 *
 * - kill -9 right after acknowledged writes: after a restart on the same DATA_DIR the database
 *   opens and every acknowledged batch is there, whole.
 * - kill -9 while JSON batches are being written: the same, and each unacknowledged batch is
 *   wholly present or wholly absent.
 * - kill -9 halfway through a large CSV upload: the batch is absent after the restart, and the
 *   retry with the same Idempotency-Key completes with exactly the file's rows.
 * - Finally the DATA_DIR is opened directly with PGlite (service stopped) and checked row by row.
 */
import { PGlite } from '@electric-sql/pglite';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  batchBody,
  csvStream,
  demoToken,
  ExitInfo,
  figure,
  http,
  HttpResult,
  json,
  newReceiver,
  ServiceProcess,
  sleep,
  Tenant,
  workDir,
} from 'test/reliability/harness';

const BATCH_RECORDS = 200;
const CSV_ROWS = 100_000;

describe('embedded database (PGlite) under kill -9', () => {
  const dir = workDir('embedded-crash');
  const dataDir = join(dir, 'data');
  let service: ServiceProcess | undefined;
  let tenant: Tenant;
  /** Every batch the service acknowledged with a 200, across all phases. */
  const acknowledged = new Map<string, number>();

  const start = async (name: string): Promise<ServiceProcess> => {
    const started = Date.now();
    service = await ServiceProcess.start({ dir, name, database: { dataDir }, env: { TOKEN_TTL_SECONDS: '3600', LOG_LEVEL: 'info' } });
    figure('embedded-crash', { phase: name, readyAfterMs: Date.now() - started });
    return service;
  };

  const total = async (target: ServiceProcess): Promise<number> => {
    const page = await http(target.baseUrl, 'GET', '/v1/enrolments?limit=1', { headers: { authorization: `Bearer ${tenant.token}` }, timeoutMs: 60_000 });
    if (page.status !== 200) throw new Error(`GET /v1/enrolments: ${page.status} ${page.body}`);
    return json<{ total: number }>(page).total;
  };

  const submit = async (target: ServiceProcess, seed: string): Promise<HttpResult> =>
    http(target.baseUrl, 'POST', '/v1/enrolments:batch', {
      headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json', 'idempotency-key': seed },
      body: batchBody(seed, BATCH_RECORDS),
      timeoutMs: 60_000,
    });

  const checkAcknowledged = async (target: ServiceProcess): Promise<string[]> => {
    const problems: string[] = [];
    for (const [batchId, rows] of acknowledged) {
      const batch = await http(target.baseUrl, 'GET', `/v1/uploads/${batchId}`, { headers: { authorization: `Bearer ${tenant.token}` } });
      const body = batch.status === 200 ? json<{ status: string; rows: number }>(batch) : undefined;
      if (!body || body.status !== 'committed' || body.rows !== rows) problems.push(`${batchId}: HTTP ${batch.status} ${batch.body.slice(0, 200)}`);
    }
    return problems;
  };

  afterAll(async () => {
    await service?.stop();
    // The database folder is large (≈230 MB); the service logs stay for inspection.
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write across kill -9 (right after the writes, and while writing)', async () => {
    let target = await start('embedded-first-start');
    const admin = await demoToken(target.baseUrl, 'demo-admin');
    tenant = await newReceiver(target.baseUrl, admin);

    // Phase 1: acknowledged writes, then kill -9 at once.
    for (let i = 0; i < 10; i++) {
      const result = await submit(target, `embedded-ack-${i}`);
      expect(result.status).toBe(200);
      acknowledged.set(json<{ batchId: string }>(result).batchId, BATCH_RECORDS);
    }
    await target.kill();
    target = await start('embedded-after-kill-1');
    const afterFirst = await total(target);
    const missingFirst = await checkAcknowledged(target);
    figure('embedded-crash', { phase: 'kill -9 right after 10 acknowledged batches', acknowledgedRows: 10 * BATCH_RECORDS, rowsAfterRestart: afterFirst, missing: missingFirst.length });
    expect(missingFirst).toEqual([]);
    expect(afterFirst).toBe(10 * BATCH_RECORDS);

    // Phase 2: kill -9 while two writers are busy.
    let running = true;
    const inFlight: string[] = [];
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; running && i < 10_000; i++) {
        const seed = `embedded-busy-${w}-${i}`;
        inFlight.push(seed);
        try {
          const result = await submit(target, seed);
          if (result.status === 200) acknowledged.set(json<{ batchId: string }>(result).batchId, BATCH_RECORDS);
        } catch {
          return; // the service died under us
        }
      }
    };
    const writers = [writer(0), writer(1)];
    await sleep(4_000);
    const killedAt = acknowledged.size;
    await target.kill();
    running = false;
    await Promise.all(writers);
    target = await start('embedded-after-kill-2');
    const afterSecond = await total(target);
    const missingSecond = await checkAcknowledged(target);
    figure('embedded-crash', {
      phase: 'kill -9 while writing',
      acknowledgedBatches: acknowledged.size,
      acknowledgedBeforeKill: killedAt,
      rowsAfterRestart: afterSecond,
      missing: missingSecond.length,
    });
    expect(missingSecond).toEqual([]);
    // Unacknowledged batches (at most one per writer) are whole or absent.
    expect(afterSecond % BATCH_RECORDS).toBe(0);
    expect(afterSecond).toBeGreaterThanOrEqual(acknowledged.size * BATCH_RECORDS);
    expect(afterSecond).toBeLessThanOrEqual((acknowledged.size + 2) * BATCH_RECORDS);
    expect(inFlight.length).toBeGreaterThan(acknowledged.size - 10);
  });

  it('a CSV upload killed halfway is absent after the restart, and its retry with the same key completes exactly', async () => {
    let target = service!;
    const before = await total(target);
    const key = randomUUID();
    let killed: Promise<ExitInfo> | undefined;
    const body = csvStream('embedded-csv', CSV_ROWS, {
      rowsPerChunk: 2_000,
      delayMs: 10,
      onProgress: (sent) => {
        if (!killed && sent >= CSV_ROWS / 2) killed = target.kill();
      },
    });
    const upload = (stream: ReturnType<typeof csvStream>): Promise<HttpResult> =>
      http(target.baseUrl, 'POST', '/v1/uploads?kind=enrolments', {
        headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'text/csv', 'idempotency-key': key },
        body: stream,
        timeoutMs: 180_000,
      });
    await upload(body).catch(() => undefined);
    await killed;
    target = await start('embedded-after-kill-3');
    const afterCrash = await total(target);
    expect([before, before + CSV_ROWS]).toContain(afterCrash);

    const retryStarted = Date.now();
    let retry: HttpResult | undefined;
    let conflicts = 0;
    for (let attempt = 0; attempt < 60 && Date.now() - retryStarted < 120_000; attempt++) {
      retry = await upload(csvStream('embedded-csv', CSV_ROWS));
      if (retry.status !== 409) break;
      conflicts++;
      await sleep(2_000);
    }
    const final = await total(target);
    figure('embedded-crash', {
      phase: 'kill -9 halfway through a CSV upload',
      rows: CSV_ROWS,
      rowsAddedByCrashedUpload: afterCrash - before,
      retryConflicts409: conflicts,
      retryCompletedAfterMs: Date.now() - retryStarted,
      retryStatus: retry?.status,
      rowsAdded: final - before,
    });
    expect(retry?.status).toBe(200);
    expect(final - before).toBe(CSV_ROWS);
    if (retry?.status === 200) acknowledged.set(json<{ batchId: string }>(retry).batchId, CSV_ROWS);
  });

  it('the DATA_DIR, opened directly after a clean stop, holds every acknowledged batch whole and nothing half-written', async () => {
    await service!.stop();
    const db = await PGlite.create({ dataDir });
    try {
      const rows = (
        await db.query<{ batch: string; n: number }>(
          `SELECT e.created_batch_id::text AS batch, count(*)::int AS n
             FROM enrolments e JOIN institutions i ON i.id = e.institution_id WHERE i.brin = $1 GROUP BY 1`,
          [tenant.brin],
        )
      ).rows;
      const byBatch = new Map(rows.map((row) => [row.batch, row.n]));
      const missing = [...acknowledged].filter(([batchId, n]) => byBatch.get(batchId) !== n).map(([batchId, n]) => `${batchId}: ${byBatch.get(batchId) ?? 0} of ${n}`);
      // Batches nobody acknowledged (in flight at a kill) are whole too.
      const partial = rows.filter((row) => row.n !== BATCH_RECORDS && row.n !== CSV_ROWS).map((row) => `${row.batch}: ${row.n} rows`);
      figure('embedded-crash', { phase: 'direct check of DATA_DIR', batchesOfTenant: rows.length, acknowledgedChecked: acknowledged.size, missing: missing.length, partial: partial.length });
      expect(missing).toEqual([]);
      expect(partial).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
