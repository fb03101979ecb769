/**
 * A peer side by side: the same questions answered by Doorstroom and by a generic data API over
 * the same summary tables, in one run on the same data. The peer is PostGraphile 4 with
 * @graphile/pg-aggregates (grouped aggregates over GraphQL), installed with npm into a scratch
 * folder for this run only: it is no dependency of the project and is never shipped.
 *
 *   npm run bench:peer                                   # 200,000 enrolments
 *   npm run bench:peer -- --rows 1000000 --duration 10
 *   DATABASE_URL=postgres://user@host:5432/db npm run bench:peer
 *
 * The questions:
 *  a. alumni by receiver for one supplier (90VB) and one cohort: Doorstroom
 *     GET /v1/insights/alumni?breakdown=receiver&cohortFrom=C&cohortTo=C (the supplier's token);
 *     the peer: outcome_summaries filtered by region, supplier and cohort, summed per receiver;
 *  b. the region matrix of one cohort: Doorstroom GET /v1/regions/<code>/report?cohort=C (the
 *     coordinator's token); the peer: outcome_summaries of the region and cohort, summed per
 *     supplier × receiver.
 * Doorstroom is measured with its view cache on (as configured) and off (VIEW_CACHE_MB=0: every
 * request computed from the summaries), the peer as it comes. Before measuring, the peer's sums
 * are checked against Doorstroom's exact figures (n of the supplier's cohort, n of the region's
 * cohort), so that both answer the same question.
 *
 * The peer applies NO disclosure control: no suppression of small cells, no cell-key noise, no
 * audit log, no tenancy (any caller reads every table of the schema, student-level records
 * included). It serves figures that a region must never publish that way; it is here to measure
 * what a plain aggregate API costs, not as an alternative.
 *
 * Options: --rows N (default 200,000), --seed S (default 42), --duration SECONDS per target
 * (default 5), --warmup SECONDS per target, not counted (default 2), --connections C (default
 * 20), --load-concurrency C (default 2), --chunk R (default 10,000), --no-build, --keep-db,
 * --peer-dir DIR (install the peer there, or reuse it when it is already installed there; by
 * default a new temporary folder, removed afterwards), --quiet-wait SECONDS (default 60),
 * --max-minutes M (default 60), --json, --profile-dir DIR (write a V8 CPU profile of the service
 * there, with its cache on and with it off; open in Chrome DevTools).
 *
 * Steps: a scratch database on the server of DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test), created and dropped by this script; the generated
 * region loaded with plain INSERTs and fully refreshed (as bench:views does, scripts/bench-common.ts)
 * while npm installs the peer; then the service (NODE_ENV=production, worker off) and the peer
 * (NODE_ENV=production, no query log, no schema watch, no mutations) as child processes, and
 * autocannon on each target.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { DetectionService } from 'src/alerts/detection.service';
import { runMigrations } from 'src/database/data-source-options';
import { createScratchDatabase } from 'src/database/scratch-database';
import { generateRegion } from 'src/generator/region';
import { RefreshService } from 'src/outcomes/refresh.service';
import {
  Context,
  DEFAULT_DATABASE_URL,
  fmtInt,
  fmtMs,
  LoadFigures,
  LoadRequest,
  load,
  loadRecords,
  log,
  machineInfo,
  measureLoad,
  msSince,
  now,
  openContext,
  redactUrl,
  setUpTenants,
  startService,
  SUPPLIER_BRIN,
  tokenOf,
} from 'scripts/bench-common';
import { ensureBuilt, freePort, http, jsonRequest, ServiceProcess, sleep } from 'scripts/service-harness';
import { commandLine, integerOption } from 'scripts/bench-options';

// ---------------------------------------------------------------- options

interface PeerOptions {
  rows: number;
  seed: number;
  duration: number;
  warmup: number;
  connections: number;
  loadConcurrency: number;
  chunk: number;
  build: boolean;
  keepDb: boolean;
  peerDir: string | undefined;
  quietWait: number;
  maxMinutes: number;
  printJson: boolean;
  profileDir: string | undefined;
}

function parseArgs(argv: string[]): PeerOptions {
  const options: PeerOptions = {
    rows: 200_000,
    seed: 42,
    duration: 5,
    warmup: 2,
    connections: 20,
    loadConcurrency: 2,
    chunk: 10_000,
    build: true,
    keepDb: false,
    peerDir: undefined,
    quietWait: 60,
    maxMinutes: 60,
    printJson: false,
    profileDir: undefined,
  };
  for (const { arg, flag, value } of commandLine(argv)) {
    switch (flag) {
      case '--rows':
        options.rows = integerOption('--rows', value(), 1_000, 50_000_000);
        break;
      case '--seed':
        options.seed = integerOption('--seed', value(), -2_147_483_648, 2_147_483_646);
        break;
      case '--duration':
        options.duration = integerOption('--duration', value(), 1, 600);
        break;
      case '--warmup':
        options.warmup = integerOption('--warmup', value(), 0, 120);
        break;
      case '--connections':
        options.connections = integerOption('--connections', value(), 1, 1_000);
        break;
      case '--load-concurrency':
        options.loadConcurrency = integerOption('--load-concurrency', value(), 1, 16);
        break;
      case '--chunk':
        options.chunk = integerOption('--chunk', value(), 100, 100_000);
        break;
      case '--no-build':
        options.build = false;
        break;
      case '--keep-db':
        options.keepDb = true;
        break;
      case '--peer-dir': {
        const dir = value();
        if (!dir) throw new Error('--peer-dir needs a folder');
        options.peerDir = dir;
        break;
      }
      case '--quiet-wait':
        options.quietWait = integerOption('--quiet-wait', value(), 0, 3_600);
        break;
      case '--max-minutes':
        options.maxMinutes = integerOption('--max-minutes', value(), 1, 24 * 60);
        break;
      case '--json':
        options.printJson = true;
        break;
      case '--profile-dir': {
        const dir = value();
        if (!dir) throw new Error('--profile-dir needs a folder');
        options.profileDir = dir;
        break;
      }
      case '--help':
      case '-h':
        process.stdout.write(`${readFileSync(__filename, 'utf8').split('*/')[0]}*/\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg} (see --help)`);
    }
  }
  return options;
}

// ---------------------------------------------------------------- the peer

const PEER_PACKAGES = ['postgraphile@4', '@graphile/pg-aggregates'];

/** Runs a command to its end, its output into a log file; rejects on a non-zero exit. */
async function run(command: string, args: string[], cwd: string, logFile: string): Promise<void> {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}; log:\n${readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n')}`);
}

const versionOf = (dir: string, name: string): string => (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** Installs the peer into `dir` (never into the project), unless it is there already. */
async function installPeer(dir: string): Promise<{ ms: number; reused: boolean; versions: string }> {
  mkdirSync(dir, { recursive: true });
  const started = now();
  const reused = existsSync(join(dir, 'node_modules/postgraphile/cli.js')) && existsSync(join(dir, 'node_modules/@graphile/pg-aggregates/package.json'));
  if (!reused) await run('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', ...PEER_PACKAGES], dir, join(dir, 'install.log'));
  return { ms: msSince(started), reused, versions: `postgraphile ${versionOf(dir, 'postgraphile')}, @graphile/pg-aggregates ${versionOf(dir, '@graphile/pg-aggregates')}` };
}

/** PostGraphile over the scratch database, as a generic API would be run: production, quiet, read-only schema. */
class Peer {
  private constructor(
    readonly pid: number,
    readonly url: string,
    private readonly stopChild: () => Promise<void>,
  ) {}

  static async start(peerDir: string, databaseUrl: string, logDir: string): Promise<Peer> {
    const port = await freePort();
    const logFile = join(logDir, 'peer.log');
    const out = createWriteStream(logFile, { flags: 'a' });
    const args = [
      join(peerDir, 'node_modules/postgraphile/cli.js'),
      '--connection', databaseUrl,
      '--schema', 'public',
      '--host', '127.0.0.1',
      '--port', String(port),
      '--append-plugins', '@graphile/pg-aggregates',
      // No schema watch (its default is off; said here for the reader), no mutations, no per-query log line.
      '--disable-default-mutations',
      '--disable-query-log',
      '--max-pool-size', '10',
    ];
    // The plugin is resolved from the peer's folder, not from the project.
    const child = spawn(process.execPath, args, { cwd: peerDir, env: { PATH: process.env.PATH, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    let exited = false;
    const exit = once(child, 'exit').then(() => {
      exited = true;
    });
    const peer = new Peer(child.pid!, `http://127.0.0.1:${port}/graphql`, async () => {
      if (!exited) child.kill('SIGTERM');
      await Promise.race([exit, sleep(10_000).then(() => child.kill('SIGKILL'))]);
    });
    const started = Date.now();
    for (;;) {
      if (exited) throw new Error(`the peer exited before it was ready; log:\n${readFileSync(logFile, 'utf8').slice(-3_000)}`);
      try {
        const ready = await http(peer.url, 'POST', '/graphql', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }), timeoutMs: 5_000 });
        if (ready.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() - started > 120_000) {
        await peer.stop();
        throw new Error(`the peer was not ready within 120 s; log:\n${readFileSync(logFile, 'utf8').slice(-3_000)}`);
      }
      await sleep(250);
    }
    log(`peer ready after ${Date.now() - started} ms (pid ${peer.pid})`);
    return peer;
  }

  stop(): Promise<void> {
    return this.stopChild();
  }
}

const SUMS = 'sum { n nDirect nEnrolled nSwitchInternal nSwitchExternal nUitval nDiploma nRendementKnown nDiplomaInTime }';

const ALUMNI_QUERY = `query Alumni($region: UUID!, $supplier: UUID!, $cohort: Int!) {
  allOutcomeSummaries(condition: { regionId: $region, supplierInstitutionId: $supplier, cohort: $cohort }) {
    groupedAggregates(groupBy: [RECEIVER_INSTITUTION_ID]) { keys ${SUMS} }
  }
}`;

const MATRIX_QUERY = `query Matrix($region: UUID!, $cohort: Int!) {
  allOutcomeSummaries(condition: { regionId: $region, cohort: $cohort }) {
    groupedAggregates(groupBy: [SUPPLIER_INSTITUTION_ID, RECEIVER_INSTITUTION_ID]) { keys ${SUMS} }
  }
}`;

interface GroupedAnswer {
  data?: { allOutcomeSummaries: { groupedAggregates: Array<{ keys: string[]; sum: Record<string, string | number> }> } };
  errors?: Array<{ message: string }>;
}

/** The peer's answer to a query: its groups and the sum of n over them. */
async function askPeer(peer: Peer, body: string): Promise<{ groups: number; n: number; bytes: number }> {
  const result = await http(peer.url, 'POST', '/graphql', { headers: { 'content-type': 'application/json', accept: 'application/json' }, body, timeoutMs: 60_000 });
  const answer = JSON.parse(result.body) as GroupedAnswer;
  if (result.status !== 200 || answer.errors?.length || !answer.data) throw new Error(`the peer answered HTTP ${result.status}: ${result.body.slice(0, 500)}`);
  const groups = answer.data.allOutcomeSummaries.groupedAggregates;
  // Sums of integers come back as BigInt, a string in JSON.
  return { groups: groups.length, n: groups.reduce((sum, group) => sum + Number(group.sum.n), 0), bytes: Buffer.byteLength(result.body) };
}

// ---------------------------------------------------------------- main

interface TargetResult extends LoadFigures {
  question: 'alumni' | 'matrix';
  server: 'doorstroom' | 'doorstroom, cache off' | 'peer';
  name: string;
  responseBytes: number;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const baseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const startedAll = now();
  const abortTimer = setTimeout(() => {
    log(`aborting: the run took longer than --max-minutes ${options.maxMinutes}`);
    void cleanup().finally(() => process.exit(2));
  }, options.maxMinutes * 60_000);
  abortTimer.unref();

  ensureBuilt(options.build ? 'always' : 'never', log);
  const dir = mkdtempSync(join(tmpdir(), 'doorstroom-bench-peer-'));
  const peerDir = options.peerDir ?? join(dir, 'peer');
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let scratchName = '';
  let context: Context | undefined;
  let service: ServiceProcess | undefined;
  let peer: Peer | undefined;
  let pool: Pool | undefined;
  let cleaned = false;
  let failed = true;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    for (const name of ['service.log', 'peer.log']) {
      const file = join(dir, name);
      if (failed && existsSync(file)) log(`last lines of ${name}:\n${readFileSync(file, 'utf8').split('\n').slice(-15).join('\n')}`);
    }
    await service?.stop().catch(() => undefined);
    await peer?.stop().catch(() => undefined);
    await context?.close().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    if (scratch && options.keepDb) log(`kept the scratch database ${scratchName} (drop it with: DROP DATABASE "${scratchName}" WITH (FORCE))`);
    else await scratch?.close().catch((error: unknown) => log(`could not drop the scratch database ${scratchName}: ${String(error)}`));
    rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    scratch = await createScratchDatabase(baseUrl);
    const url = (scratch.target as { url: string }).url;
    scratchName = new URL(url).pathname.slice(1);
    const machine = await machineInfo(url);
    log(`scratch database ${scratchName} on ${redactUrl(baseUrl).replace(/\/[^/]*$/, '')} (${machine.postgres}); ${machine.cpus} cores, node ${machine.node}; load ${load()}`);

    // The peer installs while the region loads; its time is reported on its own.
    log(`installing the peer into ${peerDir} (npm install --prefix … ${PEER_PACKAGES.join(' ')})…`);
    const installing = installPeer(peerDir);
    installing.catch(() => undefined);

    // 1. the region, as bench:views builds it
    const jwtSecret = randomBytes(32).toString('hex');
    context = await openContext(url, jwtSecret);
    await runMigrations(context.app.get(DataSource));
    const region = generateRegion({ seed: options.seed, cohorts: [2015, 2025], students: 1 });
    const tenants = await setUpTenants(context, region);
    pool = new Pool({ connectionString: url, max: options.loadConcurrency });
    log(`loading about ${fmtInt(options.rows)} enrolments and their leavers…`);
    const loaded = await loadRecords(pool, tenants, options);
    await pool.end();
    pool = undefined;
    const refreshStarted = now();
    await context.app.get(RefreshService, { strict: false }).refreshRegion(tenants.regionId, 'all');
    await context.app.get(DetectionService, { strict: false }).detectRegion(tenants.regionId);
    log(`full refresh and detection: ${fmtMs(msSince(refreshStarted))}`);
    const supplierId = tenants.institutionIds.get(SUPPLIER_BRIN)!;
    // The supplier's largest cohort: the question with the most rows behind it.
    const [chosen]: Array<{ cohort: number; summaryRows: string }> = await context.app
      .get(DataSource)
      .query(
        `SELECT cohort, (SELECT count(*) FROM outcome_summaries o WHERE o.region_id = $1 AND o.cohort = s.cohort) AS "summaryRows"
           FROM outcome_summaries s WHERE region_id = $1 AND supplier_institution_id = $2 GROUP BY cohort ORDER BY sum(n) DESC, cohort DESC LIMIT 1`,
        [tenants.regionId, supplierId],
      );
    if (!chosen) throw new Error(`no summaries for supplier ${SUPPLIER_BRIN}`);
    const cohort = Number(chosen.cohort);
    await context.close();
    context = undefined;
    const installed = await installing;
    log(`peer ${installed.reused ? 'reused' : 'installed'} (${installed.versions}) in ${fmtMs(installed.ms)}`);

    // 2. the same answers from both
    const alumniPath = `/v1/insights/alumni?breakdown=receiver&cohortFrom=${cohort}&cohortTo=${cohort}`;
    const reportPath = `/v1/regions/${tenants.regionCode}/report?cohort=${cohort}`;
    const alumniBody = JSON.stringify({ query: ALUMNI_QUERY, variables: { region: tenants.regionId, supplier: supplierId, cohort } });
    const matrixBody = JSON.stringify({ query: MATRIX_QUERY, variables: { region: tenants.regionId, cohort } });
    const profile = (name: string): string[] => (options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : []);
    service = await startService(dir, url, jwtSecret, {}, profile('doorstroom'));
    let supplierToken = await tokenOf(service.baseUrl, tenants.supplier);
    let coordinatorToken = await tokenOf(service.baseUrl, tenants.coordinator);
    const alumni = await jsonRequest<{ cohorts: Array<{ cohort: number; total: { n: number | null }; rows: unknown[] }> }>(service.baseUrl, 'GET', alumniPath, supplierToken);
    const report = await jsonRequest<{ total: { n: number | null }; cells: unknown[] }>(service.baseUrl, 'GET', reportPath, coordinatorToken);
    peer = await Peer.start(peerDir, url, dir);
    const peerAlumni = await askPeer(peer, alumniBody);
    const peerMatrix = await askPeer(peer, matrixBody);
    const doorstroomAlumniN = alumni.cohorts.find((entry) => entry.cohort === cohort)?.total.n ?? null;
    const checks = [
      { question: `n of ${SUPPLIER_BRIN}'s alumni, cohort ${cohort}`, doorstroom: doorstroomAlumniN, peer: peerAlumni.n },
      { question: `n of the region, cohort ${cohort}`, doorstroom: report.total.n, peer: peerMatrix.n },
    ];
    for (const check of checks) {
      if (check.doorstroom !== check.peer) throw new Error(`not the same question: ${check.question} is ${check.doorstroom} in Doorstroom, ${check.peer} at the peer`);
    }
    log(`same answers: ${checks.map((check) => `${check.question} = ${fmtInt(check.peer)}`).join('; ')}`);

    // 3. the load: Doorstroom (cache on), the peer, Doorstroom (cache off)
    const results: TargetResult[] = [];
    const doorstroomRequest = (path: string, token: string): LoadRequest => ({ url: `${service!.baseUrl}${path}`, method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    const peerRequest = (body: string): LoadRequest => ({ url: peer!.url, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
    const measureTarget = async (question: TargetResult['question'], server: TargetResult['server'], request: LoadRequest, pid: number, responseBytes: number): Promise<void> => {
      const name = `${question === 'alumni' ? `alumni by receiver (${SUPPLIER_BRIN})` : 'region matrix'}: ${server}`;
      log(`autocannon ${options.connections} connections, ${options.warmup} s warm-up + ${options.duration} s: ${name}…`);
      const figures = await measureLoad(request, options, pid, scratchName);
      results.push({ question, server, name, responseBytes, ...figures });
      log(`  ${fmtInt(figures.reqPerSec)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, non-2xx ${figures.non2xx}, errors ${figures.errors}`);
    };
    const bytesOf = async (path: string, token: string): Promise<number> => Buffer.byteLength((await http(service!.baseUrl, 'GET', path, { headers: { authorization: `Bearer ${token}` } })).body);
    await measureTarget('alumni', 'doorstroom', doorstroomRequest(alumniPath, supplierToken), service.pid, await bytesOf(alumniPath, supplierToken));
    await measureTarget('matrix', 'doorstroom', doorstroomRequest(reportPath, coordinatorToken), service.pid, await bytesOf(reportPath, coordinatorToken));
    await measureTarget('alumni', 'peer', peerRequest(alumniBody), peer.pid, peerAlumni.bytes);
    await measureTarget('matrix', 'peer', peerRequest(matrixBody), peer.pid, peerMatrix.bytes);
    await service.stop();
    log('starting the service again with its view cache off (VIEW_CACHE_MB=0)…');
    service = await startService(dir, url, jwtSecret, { VIEW_CACHE_MB: '0' }, profile('doorstroom-cache-off'));
    supplierToken = await tokenOf(service.baseUrl, tenants.supplier);
    coordinatorToken = await tokenOf(service.baseUrl, tenants.coordinator);
    await measureTarget('alumni', 'doorstroom, cache off', doorstroomRequest(alumniPath, supplierToken), service.pid, await bytesOf(alumniPath, supplierToken));
    await measureTarget('matrix', 'doorstroom, cache off', doorstroomRequest(reportPath, coordinatorToken), service.pid, await bytesOf(reportPath, coordinatorToken));

    // the report
    const of = (question: TargetResult['question'], server: TargetResult['server']): TargetResult => results.find((result) => result.question === question && result.server === server)!;
    const ratioLines = (['alumni', 'matrix'] as const).flatMap((question) => {
      const peerResult = of(question, 'peer');
      return (['doorstroom', 'doorstroom, cache off'] as const).map((server) => {
        const ours = of(question, server);
        const rps = ours.reqPerSec / peerResult.reqPerSec;
        const p99 = ours.p99 / Math.max(peerResult.p99, 1);
        const label = `${question === 'alumni' ? 'alumni by receiver' : 'region matrix'}, ${server} ÷ peer`;
        return `${label.padEnd(50)} req/s ×${rps.toFixed(2).padStart(6)}   p99 ×${p99.toFixed(2).padStart(6)}   ${rps > 1 ? 'Doorstroom ahead' : 'Doorstroom BEHIND (see docs/benchmarks.md)'}`;
      });
    });
    const lines = [
      '',
      `Peer benchmark, ${new Date().toISOString().slice(0, 10)}: region ${tenants.regionCode}, ${fmtInt(loaded.enrolments)} enrolments + ${fmtInt(loaded.leavers)} leavers (seed ${options.seed}); cohort ${cohort} (${fmtInt(Number(chosen.summaryRows))} summary rows in the region)`,
      `machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GB RAM, node ${machine.node}, ${machine.postgres} on the same machine`,
      `peer: ${installed.versions}, ${installed.reused ? `reused from ${peerDir}` : `installed in ${fmtMs(installed.ms)}`}; PostGraphile NODE_ENV=production, no query log, no watch, pool 10`,
      `same question: ${checks.map((check) => `${check.question} ${fmtInt(check.peer)} in both`).join('; ')}; peer groups ${peerAlumni.groups} (alumni), ${peerMatrix.groups} (matrix)`,
      '',
      `${options.connections} connections, ${options.warmup} s warm-up + ${options.duration} s per target; Doorstroom NODE_ENV=production, worker off, DB_POOL_SIZE=10`,
      `${'target'.padEnd(50)} ${'req/s'.padStart(7)} ${'p50'.padStart(5)} ${'p99'.padStart(5)} ${'non2xx'.padStart(6)} ${'errors'.padStart(6)} ${'bytes'.padStart(7)} ${'svc ms'.padStart(6)} ${'pg ms'.padStart(6)} ${'others'.padStart(6)}`,
      ...results.map(
        (result) =>
          `${result.name.padEnd(50)} ${fmtInt(result.reqPerSec).padStart(7)} ${String(result.p50).padStart(5)} ${String(result.p99).padStart(5)} ${String(result.non2xx).padStart(6)} ${String(result.errors + result.timeouts).padStart(6)} ${fmtInt(result.responseBytes).padStart(7)} ${result.serviceCpuMsPerRequest.toFixed(2).padStart(6)} ${result.postgresCpuMsPerRequest.toFixed(2).padStart(6)} ${`${Math.round(result.othersShare * 100)}%`.padStart(6)}`,
      ),
      `latencies in ms; svc ms / pg ms = CPU per request in the serving process (Doorstroom or the peer) / in this database's PostgreSQL backends; others = share of the machine's CPU used by other processes meanwhile`,
      '',
      ...ratioLines,
      '',
      'The peer applies NO disclosure control: no suppression, no cell-key noise, no audit log, no tenancy (any caller reads every',
      'table of the schema, student-level records included). Its figures are ones a region must never publish that way.',
      'Doorstroom answers more per request: labels, definition set, suppression and noise, the benchmark and leavers (alumni),',
      'totals, the trend and references (report), each request authenticated and audited.',
      `whole run ${fmtMs(msSince(startedAll))}`,
      '',
    ];
    failed = false;
    process.stdout.write(lines.join('\n'));
    if (options.printJson) {
      process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), machine, options, cohort, peer: installed, checks, results }, null, 2)}\n`);
    }
  } finally {
    await cleanup();
    clearTimeout(abortTimer);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
