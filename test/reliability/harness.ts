/**
 * Shared machinery of the reliability suite (`npm run test:reliability`): the built service as a
 * child process, HTTP with hard time bounds, test tenants, generated records and CSV streams,
 * memory readings from /proc, and the figures each test reports.
 *
 * Everything runs on loopback; every loop is bounded in count and in time.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { appendFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { Agent, request as httpRequest, IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

export const ROOT = join(__dirname, '..', '..');

/** Seconds each autocannon run lasts: 60 in CI, shorter locally with RELIABILITY_LOAD_SECONDS. */
export const LOAD_SECONDS = Math.max(5, Math.min(600, Number(process.env.RELIABILITY_LOAD_SECONDS ?? 60) || 60));

/** The PostgreSQL the suite creates its scratch databases on (the same one `npm test` uses). */
export const postgresBaseUrl = (): string => process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const log = (message: string): void => void process.stderr.write(`[reliability] ${message}\n`);

/** A fixed JWT secret for all services of a run, so that a token survives a restart of the service. */
export const JWT_SECRET = randomBytes(32).toString('hex');

// ---------------------------------------------------------------- build

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

let built = false;
/** The suite runs the built service (dist/), as production does; builds it when older than the sources. */
export function ensureBuilt(): void {
  if (built) return;
  const main = join(ROOT, 'dist/src/main.js');
  const fresh = existsSync(main) && statSync(main).mtimeMs >= Math.max(newestSource(join(ROOT, 'src')), newestSource(join(ROOT, 'migrations')));
  if (!fresh && process.env.RELIABILITY_NO_BUILD !== 'true') {
    log('building dist/ (npm run build)…');
    const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error('npm run build failed');
  }
  if (!existsSync(main)) throw new Error('dist/src/main.js is missing: run `npm run build`');
  built = true;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

// ---------------------------------------------------------------- HTTP

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Milliseconds from sending to the end of the response. */
  ms: number;
}

/** No keep-alive: every request is on its own connection, so a killed service shows at once. */
const agent = new Agent({ keepAlive: false, maxSockets: 256 });

export type Body = string | Buffer | Readable;

/**
 * One HTTP request with a hard time bound: rejects with a `timeout` error when no complete
 * response arrived within `timeoutMs`. A Readable body is streamed (chunked unless a
 * content-length header is given).
 */
export function http(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Body; timeoutMs?: number } = {},
): Promise<HttpResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, result?: HttpResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // The service answered (or gave up) before the whole body was sent: stop producing it.
      const body = options.body;
      if (body instanceof Readable && !body.readableEnded) {
        body.unpipe();
        body.destroy();
        req.destroy();
      }
      if (error) reject(error);
      else resolve(result!);
    };
    const headers = { ...(options.headers ?? {}) };
    // A string or Buffer body always travels with its length (node:http sends a DELETE body unframed otherwise).
    if ((typeof options.body === 'string' || Buffer.isBuffer(options.body)) && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const req = httpRequest(new URL(path, baseUrl), { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }));
      res.on('error', (error) => finish(error));
      res.on('aborted', () => finish(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
    });
    const timer = setTimeout(() => {
      finish(Object.assign(new Error(`${method} ${path}: no response within ${timeoutMs} ms`), { code: 'TIMEOUT' }));
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => finish(error));
    const body = options.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else {
      body.on('error', (error) => {
        req.destroy(error);
        finish(error);
      });
      body.pipe(req);
    }
  });
}

export const json = <T = Record<string, unknown>>(result: HttpResult): T => JSON.parse(result.body) as T;

export async function jsonRequest<T = Record<string, unknown>>(baseUrl: string, method: string, path: string, token: string | undefined, payload?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (payload !== undefined) {
    body = JSON.stringify(payload);
    headers['content-type'] = 'application/json';
  }
  const result = await http(baseUrl, method, path, { headers, body });
  if (result.status < 200 || result.status >= 300) throw new Error(`${method} ${path}: HTTP ${result.status} ${result.body.slice(0, 500)}`);
  return json<T>(result);
}

// ---------------------------------------------------------------- the service as a child process

export type ServiceDatabase = { url: string } | { dataDir: string };

export interface ServiceOptions {
  /** Folder for the log file. */
  dir: string;
  name: string;
  database: ServiceDatabase;
  env?: Record<string, string>;
  /** Reuse a port (a restart on the same address). */
  port?: number;
  readyTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The built service (`node dist/src/main.js`) in a child process. */
export class ServiceProcess {
  readonly exited: Promise<ExitInfo>;
  exitInfo: ExitInfo | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly port: number,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  static async start(options: ServiceOptions): Promise<ServiceProcess> {
    ensureBuilt();
    const port = options.port ?? (await freePort());
    mkdirSync(options.dir, { recursive: true });
    const logFile = join(options.dir, `${options.name}.log`);
    const out = createWriteStream(logFile, { flags: 'a' });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'true',
      DOCS_ENABLED: 'true',
      JWT_SECRET,
      RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_FAILURES_PER_MINUTE: '1000000',
      TOKEN_REQUESTS_PER_MINUTE: '1000000',
      TOKEN_FAILURES_BEFORE_BACKOFF: '1000000',
      ...('url' in options.database ? { DATABASE_URL: options.database.url } : { DATA_DIR: options.database.dataDir }),
      ...options.env,
    };
    const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    const service = new ServiceProcess(child, `http://127.0.0.1:${port}`, port, logFile);
    try {
      const readyMs = await service.waitReady(options.readyTimeoutMs ?? 180_000);
      log(`${options.name} ready after ${readyMs} ms (${'url' in options.database ? 'PostgreSQL' : 'embedded PGlite'}, pid ${service.pid})`);
    } catch (error) {
      await service.kill();
      throw error;
    }
    return service;
  }

  /** Polls /health/ready until 200 (bounded in time). */
  async waitReady(timeoutMs: number): Promise<number> {
    const started = Date.now();
    for (let attempt = 0; attempt < 100_000; attempt++) {
      if (!this.alive) throw new Error(`the service exited (${JSON.stringify(this.exitInfo)}) before it was ready; log:\n${this.tail()}`);
      try {
        const ready = await http(this.baseUrl, 'GET', '/health/ready', { timeoutMs: 5_000 });
        if (ready.status === 200) return Date.now() - started;
      } catch {
        // not listening yet
      }
      if (Date.now() - started > timeoutMs) throw new Error(`the service was not ready within ${timeoutMs} ms; log:\n${this.tail()}`);
      await sleep(200);
    }
    throw new Error('unreachable');
  }

  /** Sends a signal and waits (bounded) for the exit; returns how long it took. */
  async signal(signal: NodeJS.Signals, waitMs: number): Promise<ExitInfo & { ms: number; timedOut: boolean }> {
    const started = Date.now();
    if (this.alive) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([this.exited, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)))]);
    clearTimeout(timer);
    if (!result) {
      this.child.kill('SIGKILL');
      const info = await this.exited;
      return { ...info, ms: Date.now() - started, timedOut: true };
    }
    return { ...result, ms: Date.now() - started, timedOut: false };
  }

  /** kill -9. */
  async kill(): Promise<ExitInfo> {
    if (this.alive) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** A graceful stop, then kill -9 if it takes longer than 60 s. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const stopped = await this.signal('SIGTERM', 60_000);
    log(`${this.logFile.replace(/^.*\//, '').replace(/\.log$/, '')} stopped: exit ${stopped.code ?? stopped.signal} after ${stopped.ms} ms${stopped.timedOut ? ' (killed after 60 s)' : ''}`);
  }

  /** Peak resident memory since start (VmHWM) and the current one (VmRSS), in kB. */
  memory(): { rssKb: number; hwmKb: number } {
    return readMemory(this.pid);
  }

  tail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  logText(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }
}

export function readMemory(pid: number): { rssKb: number; hwmKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

// ---------------------------------------------------------------- tenants

export interface Tenant {
  brin: string;
  clientId: string;
  clientSecret: string;
  token: string;
}

export async function tokenFor(baseUrl: string, clientId: string, clientSecret: string): Promise<string> {
  const body = await jsonRequest<{ access_token: string }>(baseUrl, 'POST', '/v1/auth/token', undefined, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
  return body.access_token;
}

/** The demo clients (README): `<id>-secret`. */
export const demoToken = (baseUrl: string, clientId: string): Promise<string> => tokenFor(baseUrl, clientId, `${clientId}-secret`);

let brinSequence = 0;
/** A BRIN of the form 8xYY that the demo data does not use (the demo's start with 9). */
export const freshBrin = (): string => {
  const n = (process.pid + brinSequence++ * 7919) % (10 * 26 * 26);
  return `8${Math.floor(n / 676)}${String.fromCharCode(65 + Math.floor((n % 676) / 26))}${String.fromCharCode(65 + (n % 26))}`;
};

/** A new receiving institution (mbo, hbo, wo) and a records client for it, through the admin API. */
export async function newReceiver(baseUrl: string, adminToken: string, scopes: string[] = ['records:write', 'records:read']): Promise<Tenant> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const brin = freshBrin();
    const created = await http(baseUrl, 'POST', '/v1/institutions', {
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ brin, name: `Betrouwbaarheid ${brin}`, sectors: ['mbo', 'hbo', 'wo'], vestigingen: [{ code: `${brin}00`, name: 'Hoofdlocatie' }] }),
    });
    if (created.status === 409) continue;
    if (created.status >= 300) throw new Error(`create institution: HTTP ${created.status} ${created.body}`);
    const client = await jsonRequest<{ clientId: string; clientSecret: string }>(baseUrl, 'POST', '/v1/clients', adminToken, {
      name: `Betrouwbaarheid ${brin}`,
      institutionBrin: brin,
      scopes,
    });
    return { brin, clientId: client.clientId, clientSecret: client.clientSecret, token: await tokenFor(baseUrl, client.clientId, client.clientSecret) };
  }
  throw new Error('no free BRIN found');
}

// ---------------------------------------------------------------- records

/** An hbo programme of the demo catalogue, a demo vo school as the prior school. */
const PROGRAMME = { code: '92001', sector: 'hbo', level: 'bachelor', form: 'voltijd' } as const;
const PRIOR_BRIN = '90VB';

export const pseudonymOf = (seed: string, index: number): string => createHash('sha256').update(`reliability:${seed}:${index}`).digest('hex');

export interface EnrolmentJson {
  pseudonym: string;
  programmeCode: string;
  sector: string;
  level: string;
  form: string;
  startDate: string;
  priorBrin: string;
  priorDiplomaType: string;
  priorDiplomaYear: number;
}

/** Row `index` of a set named `seed`: unique natural key per (seed, index). */
export const enrolment = (seed: string, index: number): EnrolmentJson => ({
  pseudonym: pseudonymOf(seed, index),
  programmeCode: PROGRAMME.code,
  sector: PROGRAMME.sector,
  level: PROGRAMME.level,
  form: PROGRAMME.form,
  startDate: '2023-09-01',
  priorBrin: PRIOR_BRIN,
  priorDiplomaType: 'havo',
  priorDiplomaYear: 2023,
});

export const batchBody = (seed: string, count: number): string => JSON.stringify({ records: Array.from({ length: count }, (_, i) => enrolment(seed, i)) });

export const CSV_HEADER = 'pseudonym,programme_code,sector,level,form,start_date,prior_brin,prior_diploma_type,prior_diploma_year';
const csvLine = (seed: string, index: number): string => `${pseudonymOf(seed, index)},${PROGRAMME.code},${PROGRAMME.sector},${PROGRAMME.level},${PROGRAMME.form},2023-09-01,${PRIOR_BRIN},havo,2023\n`;
/** Bytes of one CSV line (all lines have the same length). */
export const CSV_LINE_BYTES = Buffer.byteLength(csvLine('x', 0));

export interface CsvStreamOptions {
  /** Rows per pushed chunk. */
  rowsPerChunk?: number;
  /** Pause between chunks (slow streaming); 0 streams as fast as the service reads. */
  delayMs?: number;
  /** Called with the rows sent so far. */
  onProgress?: (rowsSent: number) => void;
}

/** A CSV file of `rows` generated enrolments, produced as it is read (never held in memory). */
export function csvStream(seed: string, rows: number, options: CsvStreamOptions = {}): Readable & { rowsSent: () => number } {
  const perChunk = options.rowsPerChunk ?? 2_000;
  let next = 0;
  let headerSent = false;
  let waiting = false;
  const stream = new Readable({
    read() {
      if (waiting) return;
      const produce = (): void => {
        waiting = false;
        let text = '';
        if (!headerSent) {
          text += `${CSV_HEADER}\n`;
          headerSent = true;
        }
        const end = Math.min(rows, next + perChunk);
        for (; next < end; next++) text += csvLine(seed, next);
        options.onProgress?.(next);
        this.push(text);
        if (next >= rows) this.push(null);
      };
      if (options.delayMs && next > 0) {
        waiting = true;
        setTimeout(produce, options.delayMs);
      } else produce();
    },
  });
  return Object.assign(stream, { rowsSent: () => next });
}

export const csvBytes = (rows: number): number => Buffer.byteLength(`${CSV_HEADER}\n`) + rows * CSV_LINE_BYTES;

// ---------------------------------------------------------------- problem documents

/** Signs of a leaked stack trace or internal path in a response body. */
export const STACK_TRACE = /\n\s+at [^\n]+:\d+:\d+|node_modules|\/dist\/src\/|\/src\/[a-z-]+\/[a-z-]+\.(?:ts|js)|QueryFailedError|TypeError:|ReferenceError:/;

/** What every error response must be: RFC 9457 problem+json with its own status, no stack trace. */
export function problemViolations(result: HttpResult): string[] {
  const problems: string[] = [];
  if (STACK_TRACE.test(result.body)) problems.push('body looks like a stack trace or names internal files');
  if (result.status < 400) return problems;
  const type = String(result.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) problems.push(`content-type ${type || '(none)'} is not application/problem+json`);
  try {
    const document = JSON.parse(result.body) as { status?: unknown; title?: unknown; type?: unknown };
    if (document.status !== result.status) problems.push(`problem status ${String(document.status)} ≠ HTTP ${result.status}`);
    if (typeof document.title !== 'string' || typeof document.type !== 'string') problems.push('problem without type or title');
  } catch {
    problems.push('body is not JSON');
  }
  return problems;
}

// ---------------------------------------------------------------- figures

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const resultsDir = (): string => {
  const dir = process.env.RELIABILITY_RESULTS_DIR || join(tmpdir(), 'doorstroom-reliability');
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** Records a figure of this run: printed, and appended to figures.jsonl for docs/reliability.md. */
export function figure(test: string, data: Record<string, unknown>): void {
  const line = { test, at: new Date().toISOString(), ...data };
  appendFileSync(join(resultsDir(), 'figures.jsonl'), `${JSON.stringify(line)}\n`);
  log(`${test}: ${JSON.stringify(data)}`);
}

/** A temp folder for one test file, under the results folder (logs are kept for inspection). */
export function workDir(name: string): string {
  const dir = join(resultsDir(), `${name}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
