/**
 * Views on a real PostgreSQL streaming standby (DATABASE_READ_URL), on throwaway clusters the
 * test makes itself: a primary (initdb + pg_ctl, wal_level replica by default) and a standby of
 * it (`pg_basebackup -R`) on another port. The service writes to the primary and computes views
 * on the standby.
 *
 * Proves, in rounds of "upload a batch, wait for its refresh to commit on the primary, read the
 * region report and the supplier's alumni view at once": every view shows the upload (read your
 * writes), while the standby answers most of them (its `application_name` is on the standby, and
 * the service's counters say so); with the standby stopped the views answer 200 from the primary
 * and readiness stays 200; started again it is used again; promoted (it no longer follows the
 * primary) it is left behind and the views still show every upload.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { batchBody, demoToken, figure, http, log, percentile, ServiceProcess, sleep, workDir } from 'test/reliability/harness';
import { pgQuery, ThrowawayCluster } from 'test/reliability/pg-cluster';

const BATCH_RECORDS = 20;
const RETRY_MS = 1_000;
// Longer than the default 200 ms, so that a standby applying commits 400 ms late is waited for.
const WAIT_MS = 1_000;
// The batches start 2023-09-01 with prior school 90VB: cohort 2023 of RIJNSTAD.
const REPORT = '/v1/regions/RIJNSTAD/report?cohort=2023';
const ALUMNI = '/v1/insights/alumni?cohortFrom=2023&cohortTo=2023';

interface ReplicaInfo {
  state: string;
  replicaReads: number;
  primaryReads: { down: number; behind: number; failed: number };
  waits: number;
  lagBytes?: number | null;
  inRecovery?: boolean;
}

interface Round {
  phase: string;
  reportMs: number;
  alumniMs: number;
  /** Where the two views were computed: counted from the replica's counters around them. */
  onReplica: number;
  waited: number;
  /** How long after the refresh committed on the primary the standby held it (null: it did not within 5 s). */
  replayMs: number | null;
}

describe('views on a PostgreSQL streaming standby (throwaway clusters)', () => {
  let primary: ThrowawayCluster;
  let standby: ThrowawayCluster;
  let service: ServiceProcess;
  let uploaderToken: string;
  let supplierToken: string;
  let coordinatorToken: string;
  const dir = workDir('read-replica');
  const rounds: Round[] = [];

  const get = async (path: string, token: string): Promise<{ ms: number; body: unknown }> => {
    const started = Date.now();
    const result = await http(service.baseUrl, 'GET', path, { headers: { authorization: `Bearer ${token}` }, timeoutMs: 30_000 });
    if (result.status !== 200) throw new Error(`GET ${path}: HTTP ${result.status} ${result.body}`);
    return { ms: Date.now() - started, body: JSON.parse(result.body) as unknown };
  };
  const reportTotal = (body: unknown): number => (body as { total: { n: number } }).total.n;
  const alumniTotal = (body: unknown): number => (body as { cohorts: Array<{ total: { n: number } }> }).cohorts[0].total.n;
  const replicaInfo = async (): Promise<ReplicaInfo> => {
    const result = await http(service.baseUrl, 'GET', '/health/ready', { timeoutMs: 10_000 });
    expect(result.status).toBe(200);
    return (JSON.parse(result.body) as { info: { replica: ReplicaInfo } }).info.replica;
  };
  const regionVersion = async (url: string): Promise<bigint> =>
    BigInt((await pgQuery<{ version: string }>(url, `SELECT v.version::text AS version FROM view_versions v JOIN regions r ON r.id::text = v.scope WHERE r.code = 'RIJNSTAD'`))[0]?.version ?? '0');
  const refreshesIdle = async (timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [{ busy }] = await pgQuery<{ busy: number }>(primary.url, `SELECT count(*)::int AS busy FROM jobs WHERE kind IN ('refresh-summaries', 'refresh-region') AND status IN ('pending', 'running')`);
      if (busy === 0) return;
      if (Date.now() > deadline) throw new Error(`refreshes still busy after ${timeoutMs} ms`);
      await sleep(20);
    }
  };
  /** When the standby holds the primary's version of the region (polled on one connection from the moment the refresh was seen committed). */
  const replayed = async (client: Client, target: bigint, since: number): Promise<number | null> => {
    try {
      while (Date.now() - since < 5_000) {
        const rows = (await client.query<{ version: string }>(`SELECT v.version::text AS version FROM view_versions v JOIN regions r ON r.id::text = v.scope WHERE r.code = 'RIJNSTAD'`)).rows;
        if (BigInt(rows[0]?.version ?? '0') >= target) return Date.now() - since;
        await sleep(1);
      }
      return null;
    } catch {
      return null;
    }
  };

  /** One upload, its refresh, and both views read at once: they must show it. */
  const round = async (phase: string, standbyRunning: boolean): Promise<Round> => {
    const before = { report: reportTotal((await get(REPORT, coordinatorToken)).body), alumni: alumniTotal((await get(ALUMNI, supplierToken)).body) };
    // Connected before the upload, so that the replay time measured is not a connection's.
    const watcher = standbyRunning ? new Client({ connectionString: standby.url, connectionTimeoutMillis: 2_000 }) : null;
    await watcher?.connect();
    const seed = `replica-${randomUUID()}`;
    const upload = await http(service.baseUrl, 'POST', '/v1/enrolments:batch', {
      headers: { authorization: `Bearer ${uploaderToken}`, 'content-type': 'application/json', 'idempotency-key': seed },
      body: batchBody(seed, BATCH_RECORDS),
      timeoutMs: 30_000,
    });
    expect(upload.status).toBe(200);
    await refreshesIdle(60_000);
    const committedAt = Date.now();
    const target = await regionVersion(primary.url);
    const counters = await replicaInfo();
    const [report, alumni, replayMs] = await Promise.all([get(REPORT, coordinatorToken), get(ALUMNI, supplierToken), watcher ? replayed(watcher, target, committedAt) : Promise.resolve(null)]);
    await watcher?.end();
    const after = await replicaInfo();
    // Read your writes: the upload is in both views the moment its refresh has committed.
    expect(reportTotal(report.body)).toBe(before.report + BATCH_RECORDS);
    expect(alumniTotal(alumni.body)).toBe(before.alumni + BATCH_RECORDS);
    const result: Round = { phase, reportMs: report.ms, alumniMs: alumni.ms, onReplica: after.replicaReads - counters.replicaReads, waited: after.waits - counters.waits, replayMs };
    rounds.push(result);
    log(`${phase}: report ${report.ms} ms, alumni ${alumni.ms} ms, ${result.onReplica}/2 on the standby, waited ${result.waited}, standby replayed after ${replayMs ?? '—'} ms`);
    return result;
  };

  beforeAll(async () => {
    primary = await ThrowawayCluster.create();
    await primary.start();
    standby = await ThrowawayCluster.standbyOf(primary);
    await standby.start();
    service = await ServiceProcess.start({
      dir,
      name: 'read-replica',
      database: { url: primary.url },
      env: { DATABASE_READ_URL: standby.url, DATABASE_READ_WAIT_MS: String(WAIT_MS), DATABASE_READ_RETRY_MS: String(RETRY_MS), TOKEN_TTL_SECONDS: '3600', WORKER_POLL_MS: '100' },
      readyTimeoutMs: 180_000,
    });
    uploaderToken = await demoToken(service.baseUrl, 'demo-hogeschool');
    supplierToken = await demoToken(service.baseUrl, 'demo-vo-school');
    coordinatorToken = await demoToken(service.baseUrl, 'demo-coordinator');
    // The demo region's first refresh.
    await refreshesIdle(180_000);
  });

  afterAll(async () => {
    await service?.stop();
    standby?.destroy();
    primary?.destroy();
  });

  it('computes views on the standby and shows every upload as soon as its refresh committed', async () => {
    const [{ inRecovery }] = await pgQuery<{ inRecovery: boolean }>(standby.url, `SELECT pg_is_in_recovery() AS "inRecovery"`);
    expect(inRecovery).toBe(true);
    for (let i = 0; i < 6; i++) await round('standby up', true);
    const info = await replicaInfo();
    log(`replica after the rounds: ${JSON.stringify(info)}`);
    expect(info).toMatchObject({ state: 'up', inRecovery: true });
    // Most views were computed on the standby (a view that found it behind waited or read the primary).
    const up = rounds.filter((r) => r.phase === 'standby up');
    expect(up.reduce((sum, r) => sum + r.onReplica, 0)).toBeGreaterThanOrEqual(up.length);
    const [{ connections }] = await pgQuery<{ connections: number }>(standby.url, `SELECT count(*)::int AS connections FROM pg_stat_activity WHERE application_name = 'doorstroom-read'`);
    expect(connections).toBeGreaterThan(0);
    const replays = up.map((r) => r.replayMs).filter((ms): ms is number => ms !== null);
    figure('read-replica', {
      phase: 'standby up',
      rounds: up.length,
      viewsOnStandby: up.reduce((sum, r) => sum + r.onReplica, 0),
      viewsTotal: 2 * up.length,
      roundsThatWaited: up.filter((r) => r.waited > 0).length,
      replayAfterCommitMsP50: replays.length ? percentile(replays, 50) : null,
      replayAfterCommitMsMax: replays.length ? Math.max(...replays) : null,
      viewMsP50: percentile(up.flatMap((r) => [r.reportMs, r.alumniMs]), 50),
      lagBytes: info.lagBytes ?? null,
    });
  });

  it('never shows a view older than the primary while the standby applies every commit late (recovery_min_apply_delay)', async () => {
    const delay = async (ms: number): Promise<void> => {
      await pgQuery(standby.url, `ALTER SYSTEM SET recovery_min_apply_delay = '${ms}ms'`);
      await pgQuery(standby.url, `SELECT pg_reload_conf()`);
    };
    // Longer than the wait: the views find the standby behind, wait, and read the primary. Three
    // times the wait: the refresh's commit is seen here a little after it happened (in one run on
    // the shared machine 0.5 s after), and a standby only 1.5 s late was caught up by then.
    await delay(3_000);
    await sleep(3_100);
    for (let i = 0; i < 3; i++) await round('standby 3000 ms late', true);
    const late = rounds.filter((r) => r.phase === 'standby 3000 ms late');
    expect(late.every((r) => r.onReplica === 0)).toBe(true);
    expect(late.some((r) => r.waited > 0)).toBe(true);
    // Shorter than the wait: once it is tried again, a view waits for the standby and is computed there.
    await delay(400);
    await sleep(1_600);
    let servedAfterWait: Round | undefined;
    for (let i = 0; i < 10 && !servedAfterWait; i++) {
      const r = await round('standby 400 ms late', true);
      if (r.onReplica > 0 && r.waited > 0) servedAfterWait = r;
      else await sleep(RETRY_MS);
    }
    expect(servedAfterWait).toBeDefined();
    await delay(0);
    await sleep(300);
    const short = rounds.filter((r) => r.phase === 'standby 400 ms late');
    figure('read-replica', {
      phase: 'standby applies late',
      lateRounds: late.length,
      lateViewMsMax: Math.max(...late.flatMap((r) => [r.reportMs, r.alumniMs])),
      lateReplayMs: late.map((r) => r.replayMs),
      shortViewsOnStandbyAfterWaiting: short.reduce((sum, r) => sum + r.onReplica, 0),
      shortViewMs: servedAfterWait ? Math.max(servedAfterWait.reportMs, servedAfterWait.alumniMs) : null,
    });
  });

  it('answers from the primary while the standby is down, and uses the standby again once it is back', async () => {
    const stopMs = await standby.stop('fast');
    log(`standby stopped (pg_ctl stop -m fast took ${stopMs} ms)`);
    const first = await round('standby down', false);
    await round('standby down', false);
    const down = await replicaInfo();
    expect(down.state).toBe('down');
    // Found down by a view (failed) or by the readiness probe first (then views skip it: down).
    expect(down.primaryReads.failed + down.primaryReads.down).toBeGreaterThanOrEqual(4);

    const startMs = await standby.start();
    log(`standby started again (pg_ctl start took ${startMs} ms)`);
    const backAt = Date.now();
    let usedAgainMs: number | null = null;
    for (let i = 0; i < 15 && usedAgainMs === null; i++) {
      await sleep(RETRY_MS);
      const r = await round('standby back', true);
      if (r.onReplica > 0) usedAgainMs = Date.now() - backAt;
    }
    expect(usedAgainMs).not.toBeNull();
    expect((await replicaInfo()).state).toBe('up');
    const downRounds = rounds.filter((r) => r.phase === 'standby down');
    figure('read-replica', {
      phase: 'standby stopped and started',
      firstViewAfterStopMs: Math.max(first.reportMs, first.alumniMs),
      viewMsWhileDownMax: Math.max(...downRounds.flatMap((r) => [r.reportMs, r.alumniMs])),
      standbyUsedAgainAfterStartMs: usedAgainMs,
    });
  });

  it('leaves a promoted standby behind: it no longer follows the primary, and views still show every upload', async () => {
    const promoteMs = await standby.promote();
    log(`standby promoted (pg_ctl promote took ${promoteMs} ms)`);
    const [{ inRecovery }] = await pgQuery<{ inRecovery: boolean }>(standby.url, `SELECT pg_is_in_recovery() AS "inRecovery"`);
    expect(inRecovery).toBe(false);
    const r = await round('standby promoted', false);
    expect(r.onReplica).toBe(0);
    const info = await replicaInfo();
    expect(info).toMatchObject({ state: 'behind', inRecovery: false });
    await round('standby promoted', false);
    figure('read-replica', { phase: 'standby promoted', promoteMs, firstViewsMs: Math.max(r.reportMs, r.alumniMs), waited: r.waited });
  });
});
