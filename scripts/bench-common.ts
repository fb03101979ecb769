/**
 * What the benchmarks of the views share (scripts/bench-views.ts, scripts/bench-peer.ts): a scratch
 * region loaded with plain INSERTs, the application context that sets it up and refreshes it,
 * the built service with the benchmark's settings, CPU accounting from /proc, and one autocannon
 * measurement with its CPU cost. A benchmark helper, not a test.
 */
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AppModule } from 'src/app.module';
import { ClientsService } from 'src/auth/clients.service';
import { Scope } from 'src/access/scopes';
import { loadConfig } from 'src/config/app-config';
import { CREBO_SUCCESSIONS, programmesForApi } from 'src/generator/catalogue';
import { cohortOfDate, EnrolmentRecord, LeaverRecord } from 'src/generator/records';
import { generateRegion, GeneratedRegion } from 'src/generator/region';
import { ProgrammesService } from 'src/programmes/programmes.service';
import { InstitutionsService } from 'src/institutions/institutions.service';
import { ServiceProcess, sleep, tokenFor } from 'scripts/service-harness';

// ---------------------------------------------------------------- helpers

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const log = (message: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
export const now = (): bigint => process.hrtime.bigint();
export const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
export const fmtInt = (value: number): string => Math.round(value).toLocaleString('en');
export const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
export const load = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');

// ---------------------------------------------------------------- the application context (setup and refreshes)

export interface Context {
  app: INestApplicationContext;
  close(): Promise<void>;
}

/** The app's modules without HTTP, on the scratch database: no worker, no demo data. */
export async function openContext(url: string, jwtSecret: string): Promise<Context> {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    JWT_SECRET: jwtSecret,
    DEMO_DATA: 'false',
    WORKER_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: '4',
    // The refresh is measured, not cut off; a statement over the service default is reported below.
    DB_STATEMENT_TIMEOUT_MS: '3600000',
  });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { kind: 'postgres', url }), { logger: ['error', 'warn'] });
  return { app, close: () => app.close() };
}

export interface Tenants {
  regionId: string;
  regionCode: string;
  institutionIds: Map<string, string>;
  supplier: { brin: string; clientId: string; clientSecret: string };
  receiver: { brin: string; clientId: string; clientSecret: string };
  coordinator: { clientId: string; clientSecret: string };
}

export const SUPPLIER_BRIN = '90VB';
export const RECEIVER_BRIN = '92HA';

export async function setUpTenants(context: Context, region: GeneratedRegion): Promise<Tenants> {
  const { app } = context;
  const institutions = app.get(InstitutionsService, { strict: false });
  const clients = app.get(ClientsService, { strict: false });
  const programmes = app.get(ProgrammesService, { strict: false });
  const dataSource = app.get(DataSource);
  const created = await institutions.createRegion({ code: region.region.code, name: region.region.name, retentionMonths: 600 });
  for (const institution of region.institutions) {
    await institutions.createInstitution({ brin: institution.brin, name: institution.name, sectors: institution.sectors, vestigingen: institution.vestigingen });
    await institutions.putMembership(region.region.code, institution.brin, { startDate: '2008-08-01' });
  }
  await programmes.loadProgrammes({ records: programmesForApi() });
  await programmes.loadSuccessors({ records: CREBO_SUCCESSIONS.map((succession) => ({ ...succession })) });
  const rows: Array<{ id: string; brin: string }> = await dataSource.query(`SELECT id::text AS id, brin FROM institutions`);
  const [regionRow]: Array<{ id: string }> = await dataSource.query(`SELECT id::text AS id FROM regions WHERE code = $1`, [created.code]);
  const client = async (name: string, scopes: Scope[], owner: { institutionBrin?: string; regionCode?: string }): Promise<{ clientId: string; clientSecret: string }> => {
    const result = await clients.createClient({ name, scopes, ...owner });
    return { clientId: result.clientId, clientSecret: result.clientSecret };
  };
  return {
    regionId: regionRow.id,
    regionCode: created.code,
    institutionIds: new Map(rows.map((row) => [row.brin, row.id])),
    supplier: { brin: SUPPLIER_BRIN, ...(await client(`bench supplier ${SUPPLIER_BRIN}`, ['insights:read', 'records:read'], { institutionBrin: SUPPLIER_BRIN })) },
    receiver: { brin: RECEIVER_BRIN, ...(await client(`bench receiver ${RECEIVER_BRIN}`, ['insights:read', 'records:read', 'records:write'], { institutionBrin: RECEIVER_BRIN })) },
    coordinator: await client('bench coordinator', ['insights:read', 'alerts:read', 'region:admin'], { regionCode: created.code }),
  };
}

// ---------------------------------------------------------------- the load

const ENROLMENT_INSERT = `
INSERT INTO enrolments (institution_id, receiving_vestiging, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason,
                        cohort, prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, created_batch_id, updated_batch_id)
SELECT u.institution_id, u.receiving_vestiging, u.pseudonym, u.programme_code, u.sector, u.level, u.form, u.start_date, u.end_date, u.end_reason,
       u.cohort, u.prior_brin, u.prior_vestiging, u.prior_diploma_type, u.prior_diploma_year, u.batch_id, u.batch_id
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[], $9::date[], $10::text[],
              $11::smallint[], $12::text[], $13::text[], $14::text[], $15::smallint[], $16::uuid[])
    AS u(institution_id, receiving_vestiging, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason,
         cohort, prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, batch_id)`;

const LEAVER_INSERT = `
INSERT INTO leavers (institution_id, supplying_vestiging, pseudonym, school_year, onderwijssoort, profile, diploma, created_batch_id, updated_batch_id)
SELECT u.institution_id, u.supplying_vestiging, u.pseudonym, u.school_year, u.onderwijssoort, u.profile, u.diploma, u.batch_id, u.batch_id
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::smallint[], $5::text[], $6::text[], $7::boolean[], $8::uuid[])
    AS u(institution_id, supplying_vestiging, pseudonym, school_year, onderwijssoort, profile, diploma, batch_id)`;

class EnrolmentColumns {
  institutionId: string[] = [];
  receivingVestiging: Array<string | null> = [];
  pseudonym: string[] = [];
  programmeCode: string[] = [];
  sector: string[] = [];
  level: string[] = [];
  form: string[] = [];
  startDate: string[] = [];
  endDate: Array<string | null> = [];
  endReason: Array<string | null> = [];
  cohort: number[] = [];
  priorBrin: string[] = [];
  priorVestiging: Array<string | null> = [];
  priorDiplomaType: string[] = [];
  priorDiplomaYear: number[] = [];
  batchId: string[] = [];

  get length(): number {
    return this.pseudonym.length;
  }

  push(record: EnrolmentRecord, institutionId: string, batchId: string): void {
    this.institutionId.push(institutionId);
    this.receivingVestiging.push(record.receivingVestiging ?? null);
    this.pseudonym.push(record.pseudonym);
    this.programmeCode.push(record.programmeCode);
    this.sector.push(record.sector);
    this.level.push(record.level);
    this.form.push(record.form);
    this.startDate.push(record.startDate);
    this.endDate.push(record.endDate ?? null);
    this.endReason.push(record.endReason ?? null);
    this.cohort.push(cohortOfDate(record.startDate));
    this.priorBrin.push(record.priorBrin);
    this.priorVestiging.push(record.priorVestiging ?? null);
    this.priorDiplomaType.push(record.priorDiplomaType);
    this.priorDiplomaYear.push(record.priorDiplomaYear);
    this.batchId.push(batchId);
  }

  params(): unknown[] {
    return [
      this.institutionId,
      this.receivingVestiging,
      this.pseudonym,
      this.programmeCode,
      this.sector,
      this.level,
      this.form,
      this.startDate,
      this.endDate,
      this.endReason,
      this.cohort,
      this.priorBrin,
      this.priorVestiging,
      this.priorDiplomaType,
      this.priorDiplomaYear,
      this.batchId,
    ];
  }
}

class LeaverColumns {
  institutionId: string[] = [];
  supplyingVestiging: Array<string | null> = [];
  pseudonym: string[] = [];
  schoolYear: number[] = [];
  onderwijssoort: string[] = [];
  profile: Array<string | null> = [];
  diploma: boolean[] = [];
  batchId: string[] = [];

  get length(): number {
    return this.pseudonym.length;
  }

  push(record: LeaverRecord, institutionId: string, batchId: string): void {
    this.institutionId.push(institutionId);
    this.supplyingVestiging.push(record.supplyingVestiging ?? null);
    this.pseudonym.push(record.pseudonym);
    this.schoolYear.push(record.schoolYear);
    this.onderwijssoort.push(record.onderwijssoort);
    this.profile.push(record.profile ?? null);
    this.diploma.push(record.diploma);
    this.batchId.push(batchId);
  }

  params(): unknown[] {
    return [this.institutionId, this.supplyingVestiging, this.pseudonym, this.schoolYear, this.onderwijssoort, this.profile, this.diploma, this.batchId];
  }
}

/** Keeps up to `limit` statements in flight; the first failure is thrown at the next call. */
class InFlight {
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown;

  constructor(private readonly limit: number) {}

  async add(work: () => Promise<unknown>): Promise<void> {
    while (this.pending.size >= this.limit) await Promise.race(this.pending);
    this.check();
    const tracked: Promise<void> = work()
      .then(() => undefined)
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  async drain(): Promise<void> {
    await Promise.all(this.pending);
    this.check();
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure instanceof Error ? this.failure : new Error(JSON.stringify(this.failure));
  }
}

export interface LoadResult {
  enrolments: number;
  leavers: number;
  students: number;
  loadMs: number;
  vacuumMs: number;
  enrolmentsPerCohort: Map<number, number>;
}

/** Students the generator needs for about `rows` enrolments, from a small sample of the same seed. */
function studentsFor(rows: number, seed: number): number {
  const sampleStudents = 20_000;
  let enrolments = 0;
  for (const _record of generateRegion({ seed, cohorts: [2015, 2025], students: sampleStudents }).enrolments()) enrolments++;
  // A little more than needed, so that the stream reaches `rows`; the last students are left out.
  return Math.ceil((rows / (enrolments / sampleStudents)) * 1.003) + 100;
}

/** Streams the generated region into the database in chunks; never holds more than a chunk. */
/** What the load needs of a benchmark's options. */
export interface LoadOptions {
  rows: number;
  seed: number;
  chunk: number;
  loadConcurrency: number;
}

export async function loadRecords(pool: Pool, tenants: Tenants, options: LoadOptions): Promise<LoadResult> {
  const students = studentsFor(options.rows, options.seed);
  const region = generateRegion({ seed: options.seed, cohorts: [2015, 2025], students });
  const batchIds = new Map<string, string>();
  for (const [brin, institutionId] of tenants.institutionIds) {
    const institution = region.institutions.find((candidate) => candidate.brin === brin);
    if (!institution) continue;
    const kind = institution.sectors.includes('vo') ? 'leavers' : 'enrolments';
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO ingest_batches (institution_id, client_id, kind, source, status) VALUES ($1, 'bench-views-loader', $2, 'json', 'receiving') RETURNING id::text AS id`,
      [institutionId, kind],
    );
    batchIds.set(brin, rows[0].id);
  }
  const idOf = (brin: string): { institutionId: string; batchId: string } => {
    const institutionId = tenants.institutionIds.get(brin);
    const batchId = batchIds.get(brin);
    if (!institutionId || !batchId) throw new Error(`the generator names an unknown institution ${brin}`);
    return { institutionId, batchId };
  };

  const inFlight = new InFlight(options.loadConcurrency);
  let enrolmentChunk = new EnrolmentColumns();
  let leaverChunk = new LeaverColumns();
  let enrolments = 0;
  let leavers = 0;
  const enrolmentsPerCohort = new Map<number, number>();
  const started = now();
  let nextReport = 500_000;
  const flushEnrolments = async (): Promise<void> => {
    if (enrolmentChunk.length === 0) return;
    const params = enrolmentChunk.params();
    enrolmentChunk = new EnrolmentColumns();
    await inFlight.add(() => pool.query(ENROLMENT_INSERT, params));
  };
  const flushLeavers = async (): Promise<void> => {
    if (leaverChunk.length === 0) return;
    const params = leaverChunk.params();
    leaverChunk = new LeaverColumns();
    await inFlight.add(() => pool.query(LEAVER_INSERT, params));
  };
  for (const item of region.records()) {
    if (item.kind === 'enrolment') {
      if (enrolments === options.rows) break;
      const ids = idOf(item.record.receivingBrin!);
      enrolmentChunk.push(item.record, ids.institutionId, ids.batchId);
      enrolments++;
      const cohort = cohortOfDate(item.record.startDate);
      enrolmentsPerCohort.set(cohort, (enrolmentsPerCohort.get(cohort) ?? 0) + 1);
      if (enrolmentChunk.length === options.chunk) await flushEnrolments();
    } else {
      const ids = idOf(item.record.supplyingVestiging!.slice(0, 4));
      leaverChunk.push(item.record, ids.institutionId, ids.batchId);
      leavers++;
      if (leaverChunk.length === options.chunk) await flushLeavers();
    }
    if (enrolments >= nextReport) {
      const seconds = msSince(started) / 1000;
      log(`  ${fmtInt(enrolments)} enrolments, ${fmtInt(leavers)} leavers (${fmtInt((enrolments + leavers) / seconds)} rows/s, load ${load()})`);
      nextReport += 500_000;
    }
  }
  await flushEnrolments();
  await flushLeavers();
  await inFlight.drain();
  await pool.query(
    `UPDATE ingest_batches b SET status = 'committed', finished_at = now(),
            rows_total = c.n, rows_inserted = c.n
       FROM (SELECT created_batch_id AS id, count(*)::int AS n FROM enrolments GROUP BY 1
             UNION ALL SELECT created_batch_id, count(*)::int FROM leavers GROUP BY 1) c
      WHERE b.id = c.id`,
  );
  const loadMs = msSince(started);
  log(`loaded ${fmtInt(enrolments)} enrolments and ${fmtInt(leavers)} leavers in ${fmtMs(loadMs)}; VACUUM ANALYZE…`);
  const vacuumStarted = now();
  await pool.query('VACUUM ANALYZE enrolments');
  await pool.query('VACUUM ANALYZE leavers');
  const vacuumMs = msSince(vacuumStarted);
  if (enrolments < options.rows) log(`note: the generator gave ${fmtInt(enrolments)} enrolments, fewer than --rows ${fmtInt(options.rows)}`);
  return { enrolments, leavers, students, loadMs, vacuumMs, enrolmentsPerCohort };
}

// ---------------------------------------------------------------- the service

/** The service under measurement, with the benchmark's settings (scripts/service-harness.ts). */
export function startService(dir: string, url: string, jwtSecret: string, extraEnv: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ServiceProcess> {
  return ServiceProcess.start({
    dir,
    name: 'service',
    database: { url },
    nodeArgs,
    env: {
      NODE_ENV: 'production',
      JWT_SECRET: jwtSecret,
      WORKER_ENABLED: 'false',
      TOKEN_TTL_SECONDS: '3600',
      // One client makes all the requests of a run: the per-client rate limit must not answer 429.
      RATE_LIMIT_PER_MINUTE: '100000000',
      ...extraEnv,
    },
  });
}

// ---------------------------------------------------------------- CPU accounting (Linux /proc)

const CLOCK_TICKS = ((): number => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const value = Number(result.stdout?.trim());
  return Number.isInteger(value) && value > 0 ? value : 100;
})();

/** utime + stime of a process in ms, 0 when it is gone. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Busy CPU time of the whole machine in ms (all cores). */
function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line;
    return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** PostgreSQL client backends serving the scratch database (not autovacuum). */
function backendPids(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (title.startsWith('postgres:') && title.includes(` ${database} `) && !title.includes('autovacuum')) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

export interface CpuSnapshot {
  at: bigint;
  service: number;
  postgres: Map<number, number>;
  self: number;
  machine: number;
}

export function cpuSnapshot(servicePid: number, database: string): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    at: now(),
    service: processCpuMs(servicePid),
    postgres: new Map(backendPids(database).map((pid) => [pid, processCpuMs(pid)])),
    self: (usage.user + usage.system) / 1000,
    machine: machineBusyMs(),
  };
}

export interface CpuUse {
  seconds: number;
  serviceMs: number;
  postgresMs: number;
  /** This process: autocannon. */
  selfMs: number;
  /** Everything else on the machine, in ms of CPU. */
  othersMs: number;
}

export function cpuSince(before: CpuSnapshot, servicePid: number, database: string): CpuUse {
  const after = cpuSnapshot(servicePid, database);
  let postgresMs = 0;
  for (const [pid, ms] of after.postgres) postgresMs += ms - (before.postgres.get(pid) ?? 0);
  const serviceMs = after.service - before.service;
  const selfMs = after.self - before.self;
  const machineMs = after.machine - before.machine;
  return { seconds: Number(after.at - before.at) / 1e9, serviceMs, postgresMs, selfMs, othersMs: Math.max(0, machineMs - serviceMs - postgresMs - selfMs) };
}

/** Waits (up to `maxSeconds`) until other processes use less than a third of one core. */
export async function waitForQuiet(servicePid: number, database: string, maxSeconds: number): Promise<{ waitedSeconds: number; othersCores: number }> {
  const started = Date.now();
  for (;;) {
    const before = cpuSnapshot(servicePid, database);
    await sleep(2_000);
    const use = cpuSince(before, servicePid, database);
    const othersCores = use.othersMs / 1000 / use.seconds;
    const waitedSeconds = (Date.now() - started) / 1000;
    if (othersCores < 0.33 || waitedSeconds >= maxSeconds) return { waitedSeconds, othersCores };
  }
}

export const tokenOf = (baseUrl: string, client: { clientId: string; clientSecret: string }): Promise<string> => tokenFor(baseUrl, client.clientId, client.clientSecret);

// ---------------------------------------------------------------- the machine

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  postgres: string;
  postgresSettings: string;
}

export async function machineInfo(url: string): Promise<MachineInfo> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const version = (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
    const settings = (
      await client.query<{ name: string; setting: string }>(
        `SELECT name, current_setting(name) AS setting FROM pg_settings
          WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'max_parallel_workers_per_gather', 'jit') ORDER BY name`,
      )
    ).rows;
    return {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: `PostgreSQL ${version}`,
      postgresSettings: settings.map((row) => `${row.name}=${row.setting}`).join(', '),
    };
  } finally {
    await client.end();
  }
}

export const redactUrl = (url: string): string => {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
};

// ---------------------------------------------------------------- one measurement

/** What autocannon sends: a GET with a token, or a POST with a JSON body. */
export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface LoadFigures {
  requests: number;
  seconds: number;
  reqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU per request, in ms: the serving process, this database's PostgreSQL backends. */
  serviceCpuMsPerRequest: number;
  postgresCpuMsPerRequest: number;
  /** Share of the machine's CPU (all cores) taken by other processes during the measurement. */
  othersShare: number;
  /** Seconds waited for the machine to become quiet before the measurement. */
  waitedSeconds: number;
}

export interface MeasureOptions {
  duration: number;
  warmup: number;
  connections: number;
  quietWait: number;
}

/**
 * Waits for a quiet machine, warms up, then measures `request` with autocannon and the CPU that
 * the serving process (`pid`) and the database's backends spent on it.
 */
export async function measureLoad(request: LoadRequest, options: MeasureOptions, pid: number, database: string): Promise<LoadFigures> {
  const run = (seconds: number): Promise<autocannon.Result> =>
    autocannon({ url: request.url, method: request.method, headers: request.headers, body: request.body, connections: options.connections, duration: seconds, timeout: 10 });
  const quiet = options.quietWait > 0 ? await waitForQuiet(pid, database, options.quietWait) : { waitedSeconds: 0, othersCores: 0 };
  if (quiet.waitedSeconds >= 4) log(`  waited ${Math.round(quiet.waitedSeconds)} s for other processes to quieten (now ${quiet.othersCores.toFixed(2)} cores busy elsewhere)`);
  if (options.warmup > 0) await run(options.warmup);
  const before = cpuSnapshot(pid, database);
  const result = await run(options.duration);
  const cpu = cpuSince(before, pid, database);
  const requests = Math.max(1, result.requests.total);
  return {
    requests: result.requests.total,
    seconds: result.duration,
    reqPerSec: result.requests.total / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    serviceCpuMsPerRequest: cpu.serviceMs / requests,
    postgresCpuMsPerRequest: cpu.postgresMs / requests,
    othersShare: cpu.othersMs / (cpu.seconds * 1000 * cpus().length),
    waitedSeconds: quiet.waitedSeconds,
  };
}
