/**
 * Ingest benchmark: loads N generated enrolments into the running service through its HTTP API
 * (JSON batches of 10,000, a few at a time, and one streamed CSV upload) and, in the same run,
 * the same rows with a plain `INSERT … SELECT FROM unnest(…)` into a scratch table of the same
 * shape as `enrolments` (with C connections, and with one, like the single transaction of a CSV
 * upload). Prints rows/s for each, the ratios API/raw, and the API process's peak memory. A
 * benchmark, not a test.
 *
 *   npm run bench:ingest -- --rows 1000000            # embedded PGlite (or DATABASE_URL when set)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:ingest -- --rows 20000
 *
 * Options: --rows N (default 1,000,000), --concurrency C (default 4), --batch-size B (default
 * 10,000), --seed S, --no-build, --skip-json, --skip-csv, --skip-raw, --keep (keep the temp
 * folder), --json (print the results as JSON too).
 *
 * With DATABASE_URL the service and the raw baseline use one new scratch database on that
 * server (dropped afterwards). Without it the service runs on embedded PGlite with its data in a
 * temp folder, and the baseline uses a second embedded PGlite in this process, migrated with the
 * same migrations: like is compared with like.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { ENTITIES } from 'src/app.entities';
import { buildDataSourceOptions, runMigrations } from 'src/database/data-source-options';
import { DatabaseConnection, DatabaseTarget, startEmbeddedDatabase } from 'src/database/database-connection';
import { createScratchDatabase } from 'src/database/scratch-database';
import { programmesForApi } from 'src/generator/catalogue';
import { cohortOfDate, csvHeader, EnrolmentRecord, toCsvLine } from 'src/generator/records';
import { generateRegion } from 'src/generator/region';
import { ensureBuilt, http, jsonRequest, memoryOf, ServiceProcess, tokenFor } from 'scripts/service-harness';
import { commandLine, integerOption } from 'scripts/bench-options';

// ---------------------------------------------------------------- options

interface BenchOptions {
  rows: number;
  concurrency: number;
  batchSize: number;
  seed: number;
  build: boolean;
  json: boolean;
  csv: boolean;
  raw: boolean;
  keep: boolean;
  printJson: boolean;
}

function parseArgs(argv: string[]): BenchOptions {
  const options: BenchOptions = { rows: 1_000_000, concurrency: 4, batchSize: 10_000, seed: 42, build: true, json: true, csv: true, raw: true, keep: false, printJson: false };
  for (const { arg, flag, value } of commandLine(argv)) {
    switch (flag) {
      case '--rows':
        options.rows = integerOption('--rows', value(), 1, 50_000_000);
        break;
      case '--concurrency':
        options.concurrency = integerOption('--concurrency', value(), 1, 64);
        break;
      case '--batch-size':
        options.batchSize = integerOption('--batch-size', value(), 1, 10_000);
        break;
      case '--seed':
        options.seed = integerOption('--seed', value(), -2_147_483_648, 2_147_483_647);
        break;
      case '--no-build':
        options.build = false;
        break;
      case '--skip-json':
        options.json = false;
        break;
      case '--skip-csv':
        options.csv = false;
        break;
      case '--skip-raw':
        options.raw = false;
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--json':
        options.printJson = true;
        break;
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

// ---------------------------------------------------------------- helpers

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);
const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
/** Benchmark requests run for as long as the load takes. */
const HOUR_MS = 3_600_000;

/** Samples a process's resident memory from /proc: VmRSS now, VmHWM (peak since start). */
class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private peakRssKb = 0;

  constructor(private readonly pid: number) {}

  read(): { rssKb: number; hwmKb: number } {
    return memoryOf(this.pid);
  }

  /** Starts a phase: returns a function that stops it and gives the peak VmRSS seen during it. */
  start(): () => number {
    this.peakRssKb = this.read().rssKb;
    this.timer = setInterval(() => {
      this.peakRssKb = Math.max(this.peakRssKb, this.read().rssKb);
    }, 100);
    return () => {
      clearInterval(this.timer);
      this.peakRssKb = Math.max(this.peakRssKb, this.read().rssKb);
      return this.peakRssKb;
    };
  }
}

class Sink {
  private readonly stream: WriteStream;
  constructor(path: string) {
    this.stream = createWriteStream(path);
  }
  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

// ---------------------------------------------------------------- data

interface BenchData {
  batchFiles: string[];
  csvFile: string;
  rows: number;
}

/**
 * Generates exactly `rows` enrolments, without receiving institution (the token says which),
 * as JSON batch files and one CSV file, before anything is timed.
 */
async function prepareData(dir: string, options: BenchOptions): Promise<BenchData> {
  const started = process.hrtime.bigint();
  // about 1.09 enrolments per student; ask for a few more and stop at `rows`
  const region = generateRegion({ seed: options.seed, students: Math.ceil(options.rows / 1.05) + 100, cohorts: [2015, 2025] });
  const csvFile = join(dir, 'enrolments.csv');
  const csv = new Sink(csvFile);
  await csv.write(`${csvHeader('enrolments')}\n`);
  const batchFiles: string[] = [];
  let batch: Sink | undefined;
  let inBatch = 0;
  let rows = 0;
  let csvBuffer = '';
  for (const generated of region.enrolments()) {
    const record: EnrolmentRecord = { ...generated, receivingBrin: undefined, receivingVestiging: undefined };
    if (!batch) {
      const path = join(dir, `batch-${String(batchFiles.length + 1).padStart(5, '0')}.json`);
      batchFiles.push(path);
      batch = new Sink(path);
      await batch.write('{"records":[');
      inBatch = 0;
    }
    await batch.write(`${inBatch === 0 ? '' : ','}${JSON.stringify(record)}`);
    inBatch++;
    csvBuffer += `${toCsvLine('enrolments', record)}\n`;
    if (csvBuffer.length > 1 << 18) {
      await csv.write(csvBuffer);
      csvBuffer = '';
    }
    rows++;
    if (inBatch === options.batchSize || rows === options.rows) {
      await batch.write(']}');
      await batch.close();
      batch = undefined;
    }
    if (rows === options.rows) break;
  }
  await csv.write(csvBuffer);
  await csv.close();
  if (rows < options.rows) throw new Error(`the generator gave only ${rows} enrolments`);
  log(`generated ${rows} enrolments (${batchFiles.length} JSON batches and one CSV of ${mb(statSync(csvFile).size / 1024)}) in ${seconds(started).toFixed(1)} s`);
  return { batchFiles, csvFile, rows };
}

// ---------------------------------------------------------------- the service

/** The service for one load, with the benchmark's settings (scripts/service-harness.ts). */
function startService(dir: string, databaseUrl: string | undefined, jwtSecret: string): Promise<ServiceProcess> {
  return ServiceProcess.start({
    dir,
    name: 'service',
    database: databaseUrl ? { url: databaseUrl } : { dataDir: join(dir, 'service-data') },
    env: {
      NODE_ENV: 'development',
      DEMO_DATA: 'true',
      // The refresh jobs the uploads queue would run meanwhile and share the two cores with the
      // next load: measured here is the ingest path; the refresh has its own benchmark (bench:views).
      WORKER_ENABLED: 'false',
      JWT_SECRET: jwtSecret,
      RATE_LIMIT_PER_MINUTE: '1000000',
      REQUEST_TIMEOUT_MS: '3600000',
      DB_STATEMENT_TIMEOUT_MS: '3600000',
    },
  });
}

interface Receiver {
  brin: string;
  clientId: string;
  clientSecret: string;
}

/** Programmes, two receiving institutions and a client for each, through the admin API. */
async function setUpTenants(baseUrl: string): Promise<Receiver[]> {
  const admin = await tokenFor(baseUrl, 'demo-admin', 'demo-admin-secret');
  await jsonRequest(baseUrl, 'POST', '/v1/programmes:batch', admin, { records: programmesForApi() });
  const receivers: Receiver[] = [];
  for (const brin of ['99BA', '99BB']) {
    await jsonRequest(baseUrl, 'POST', '/v1/institutions', admin, { brin, name: `Benchmark ${brin}`, sectors: ['mbo', 'hbo', 'wo'], vestigingen: [{ code: `${brin}00`, name: 'Hoofdlocatie' }] });
    const client = await jsonRequest<{ clientId: string; clientSecret: string }>(baseUrl, 'POST', '/v1/clients', admin, {
      name: `Benchmark ${brin}`,
      institutionBrin: brin,
      scopes: ['records:write', 'records:read'],
    });
    receivers.push({ brin, clientId: client.clientId, clientSecret: client.clientSecret });
  }
  return receivers;
}

// ---------------------------------------------------------------- the three loads

interface PhaseResult {
  name: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** The API process: RSS before the load, highest RSS sampled during it, VmHWM (peak since its start). */
  idleRssKb?: number;
  peakRssKb?: number;
  hwmKb?: number;
}

async function loadJsonBatches(service: ServiceProcess, token: string, data: BenchData, concurrency: number): Promise<{ seconds: number; inserted: number }> {
  const runId = randomUUID();
  let next = 0;
  let inserted = 0;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next < data.batchFiles.length) {
      const index = next++;
      const body = await readFile(data.batchFiles[index]);
      const result = await http(service.baseUrl, 'POST', '/v1/enrolments:batch', {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${runId}-${index}` },
        body,
        timeoutMs: HOUR_MS,
      });
      if (result.status !== 200 && result.status !== 201) throw new Error(`batch ${index}: HTTP ${result.status} ${result.body.slice(0, 800)}`);
      inserted += (JSON.parse(result.body) as { inserted: number }).inserted;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, data.batchFiles.length) }, worker));
  return { seconds: seconds(started), inserted };
}

async function loadCsvUpload(service: ServiceProcess, token: string, data: BenchData): Promise<{ seconds: number; inserted: number }> {
  const started = process.hrtime.bigint();
  const result = await http(service.baseUrl, 'POST', '/v1/uploads?kind=enrolments', {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(statSync(data.csvFile).size), 'idempotency-key': `bench-csv-${randomUUID()}` },
    body: createReadStream(data.csvFile),
    timeoutMs: HOUR_MS,
  });
  if (result.status !== 200 && result.status !== 201) throw new Error(`CSV upload: HTTP ${result.status} ${result.body.slice(0, 800)}`);
  return { seconds: seconds(started), inserted: (JSON.parse(result.body) as { inserted: number }).inserted };
}

const RAW_TABLE = 'bench_raw_enrolments';

/** The plain baseline: the same rows, same batches, same concurrency, `INSERT … SELECT FROM unnest(…)`. */
async function loadRaw(pool: Pool, data: BenchData, concurrency: number): Promise<{ seconds: number; inserted: number }> {
  await pool.query(`DROP TABLE IF EXISTS ${RAW_TABLE}`);
  // Same columns, defaults, identity, checks and indexes (unique natural key included) as enrolments.
  await pool.query(`CREATE TABLE ${RAW_TABLE} (LIKE enrolments INCLUDING ALL)`);
  const institutionId = randomUUID();
  const batchId = randomUUID();
  const sql = `INSERT INTO ${RAW_TABLE} (institution_id, receiving_vestiging, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason,
      cohort, prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, created_batch_id, updated_batch_id)
    SELECT $1::uuid, u.*, $2::uuid, $2::uuid
      FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::date[], $10::date[], $11::text[],
                  $12::smallint[], $13::text[], $14::text[], $15::text[], $16::smallint[]) AS u`;
  let next = 0;
  let inserted = 0;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next < data.batchFiles.length) {
      const index = next++;
      const { records } = JSON.parse(await readFile(data.batchFiles[index], 'utf8')) as { records: EnrolmentRecord[] };
      const column = <T>(fn: (record: EnrolmentRecord) => T): T[] => records.map(fn);
      const result = await pool.query(sql, [
        institutionId,
        batchId,
        column((r) => r.receivingVestiging ?? null),
        column((r) => r.pseudonym),
        column((r) => r.programmeCode),
        column((r) => r.sector),
        column((r) => r.level),
        column((r) => r.form),
        column((r) => r.startDate),
        column((r) => r.endDate ?? null),
        column((r) => r.endReason ?? null),
        column((r) => cohortOfDate(r.startDate)),
        column((r) => r.priorBrin),
        column((r) => r.priorVestiging ?? null),
        column((r) => r.priorDiplomaType),
        column((r) => r.priorDiplomaYear),
      ]);
      inserted += result.rowCount ?? 0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, data.batchFiles.length) }, worker));
  return { seconds: seconds(started), inserted };
}

/** A `pg` pool on the baseline database; for the embedded case a migrated PGlite of its own. */
async function openBaseline(dir: string, scratchUrl: string | undefined, concurrency: number): Promise<{ pool: Pool; close: () => Promise<void>; kind: string }> {
  let embedded: DatabaseConnection | undefined;
  let target: DatabaseTarget;
  if (scratchUrl) {
    target = { kind: 'postgres', url: scratchUrl };
  } else {
    embedded = await startEmbeddedDatabase({ dataDir: join(dir, 'baseline-data'), maxConnections: concurrency + 5 });
    target = embedded.target;
    const dataSource = new DataSource(buildDataSourceOptions(target, { poolSize: 2, statementTimeoutMs: 3_600_000 }, ENTITIES));
    await dataSource.initialize();
    await runMigrations(dataSource);
    await dataSource.destroy();
  }
  const pool =
    target.kind === 'postgres'
      ? new Pool({ connectionString: target.url, max: concurrency })
      : new Pool({ host: target.socketDir, port: target.port, user: target.user, database: target.database, max: concurrency });
  return {
    pool,
    kind: target.kind === 'postgres' ? 'PostgreSQL' : 'embedded PGlite',
    async close() {
      await pool.end();
      await embedded?.close();
    },
  };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const databaseUrl = process.env.DATABASE_URL || undefined;
  ensureBuilt(options.build ? 'if-stale' : 'never', log);
  const dir = mkdtempSync(join(tmpdir(), 'doorstroom-bench-'));
  let scratch: DatabaseConnection | undefined;
  let service: ServiceProcess | undefined;
  const results: PhaseResult[] = [];
  try {
    const data = await prepareData(dir, options);
    let scratchUrl: string | undefined;
    if (databaseUrl) {
      scratch = await createScratchDatabase(databaseUrl);
      scratchUrl = (scratch.target as { url: string }).url;
    }
    // Each API load runs in a freshly started service, so that its peak memory is its own.
    const jwtSecret = randomBytes(32).toString('hex');
    // The tenants are set up by a service of their own: hashing client secrets (argon2) leaves
    // memory behind in the process, which must not count towards an upload's peak.
    log(`setting up the tenants (${scratchUrl ? 'PostgreSQL scratch database' : 'embedded PGlite'})…`);
    service = await startService(dir, scratchUrl, jwtSecret);
    let receivers: Receiver[];
    try {
      receivers = await setUpTenants(service.baseUrl);
    } finally {
      await service.stop();
      service = undefined;
    }
    const phase = async (name: string, receiverIndex: number, load: (service: ServiceProcess, token: string) => Promise<{ seconds: number; inserted: number }>): Promise<void> => {
      log(`starting the service (${scratchUrl ? 'PostgreSQL scratch database' : 'embedded PGlite'})…`);
      service = await startService(dir, scratchUrl, jwtSecret);
      try {
        const receiver = receivers[receiverIndex];
        const token = await tokenFor(service.baseUrl, receiver.clientId, receiver.clientSecret);
        const memory = new MemorySampler(service.pid);
        const idleRssKb = memory.read().rssKb;
        log(`${name}…`);
        const stop = memory.start();
        const run = await load(service, token);
        const peakRssKb = stop();
        const hwmKb = memory.read().hwmKb;
        if (run.inserted !== data.rows) throw new Error(`${name}: inserted ${run.inserted} of ${data.rows} rows`);
        results.push({ name, rows: data.rows, seconds: run.seconds, rowsPerSecond: data.rows / run.seconds, idleRssKb, peakRssKb, hwmKb });
      } finally {
        await service.stop();
        service = undefined;
      }
    };
    if (options.json) {
      await phase(`API JSON batches (${options.batchSize}, ×${options.concurrency})`, 0, (s, token) => loadJsonBatches(s, token, data, options.concurrency));
    }
    if (options.csv) {
      await phase('API CSV upload (one stream)', 1, (s, token) => loadCsvUpload(s, token, data));
    }
    let baselineKind = scratchUrl ? 'PostgreSQL' : 'embedded PGlite';
    if (options.raw) {
      log('raw INSERT … SELECT FROM unnest(…)…');
      const baseline = await openBaseline(dir, scratchUrl, options.concurrency);
      baselineKind = baseline.kind;
      try {
        const run = await loadRaw(baseline.pool, data, options.concurrency);
        if (run.inserted !== data.rows) throw new Error(`raw insert inserted ${run.inserted} of ${data.rows} rows`);
        // One connection, like the CSV upload, whose single transaction is one backend.
        const single = await loadRaw(baseline.pool, data, 1);
        if (single.inserted !== data.rows) throw new Error(`raw insert inserted ${single.inserted} of ${data.rows} rows`);
        results.unshift(
          { name: `raw INSERT…unnest (${options.batchSize}, ×${options.concurrency})`, rows: data.rows, seconds: run.seconds, rowsPerSecond: data.rows / run.seconds },
          { name: `raw INSERT…unnest (${options.batchSize}, ×1)`, rows: data.rows, seconds: single.seconds, rowsPerSecond: data.rows / single.seconds },
        );
        await baseline.pool.query(`DROP TABLE IF EXISTS ${RAW_TABLE}`);
      } finally {
        await baseline.close();
      }
    }

    const raw = options.raw ? results[0] : undefined;
    const rawSingle = options.raw ? results[1] : undefined;
    const lines = [
      '',
      `Ingest benchmark: ${data.rows.toLocaleString('en')} enrolments, database ${baselineKind}, ${process.platform} ${process.arch}, node ${process.version}`,
      `${'load'.padEnd(40)} ${'seconds'.padStart(9)} ${'rows/s'.padStart(10)} ${'vs raw'.padStart(7)} ${'vs ×1'.padStart(6)} ${'API RSS before'.padStart(15)} ${'API peak (VmHWM)'.padStart(17)}`,
      ...results.map(
        (r) =>
          `${r.name.padEnd(40)} ${r.seconds.toFixed(2).padStart(9)} ${Math.round(r.rowsPerSecond).toLocaleString('en').padStart(10)} ${(raw ? (r.rowsPerSecond / raw.rowsPerSecond).toFixed(2) : '–').padStart(7)} ${(rawSingle ? (r.rowsPerSecond / rawSingle.rowsPerSecond).toFixed(2) : '–').padStart(6)} ${(r.idleRssKb ? mb(r.idleRssKb) : '–').padStart(15)} ${(r.hwmKb ? mb(r.hwmKb) : '–').padStart(17)}`,
      ),
      `vs raw: against raw ×${options.concurrency}; vs ×1: against raw on one connection. The CSV upload is one transaction, so one PostgreSQL backend.`,
      'The API process is started afresh for each API load; VmHWM is its peak resident memory since that start.',
      '',
    ];
    process.stdout.write(lines.join('\n'));
    if (options.printJson) {
      process.stdout.write(`${JSON.stringify({ rows: data.rows, database: baselineKind, concurrency: options.concurrency, batchSize: options.batchSize, results }, null, 2)}\n`);
    }
  } finally {
    await service?.stop().catch(() => undefined);
    await scratch?.close().catch((error: unknown) => log(`could not drop the scratch database: ${String(error)}`));
    if (options.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
