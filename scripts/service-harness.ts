/**
 * The service harness shared by the benchmarks (scripts/bench-*.ts) and the reliability suite
 * (test/reliability): the built service as a child process, HTTP with hard time bounds, tokens,
 * and memory readings from /proc. Each user adds its own environment and its own figures.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { Agent, request as httpRequest, IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';

export const ROOT = join(__dirname, '..');

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- build

/** The newest modification time of the TypeScript sources under a folder (tests excluded). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const MAIN = join(ROOT, 'dist/src/main.js');

/** Whether dist/ exists and is at least as new as the service's sources and migrations. */
export const buildIsFresh = (): boolean => existsSync(MAIN) && statSync(MAIN).mtimeMs >= Math.max(newestSource(join(ROOT, 'src')), newestSource(join(ROOT, 'migrations')));

/**
 * Makes sure dist/ holds a build of the service: `always` builds, `if-stale` builds when the
 * sources are newer, `never` only warns about a stale build. Fails when there is none at all.
 */
export function ensureBuilt(mode: 'always' | 'if-stale' | 'never', log: (message: string) => void): void {
  const fresh = mode === 'always' ? false : buildIsFresh();
  if (mode !== 'never' && !fresh) {
    log('building dist/ (npm run build)…');
    const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error('npm run build failed');
    return;
  }
  if (!existsSync(MAIN)) throw new Error('dist/src/main.js is missing: run `npm run build`');
  if (!fresh) log('warning: dist/ is older than the sources: the service runs the older build');
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
 * response arrived within `timeoutMs` (default 30 s). A Readable body is streamed (chunked
 * unless a content-length header is given); a service that answers before reading all of it
 * (an early 4xx) is answered with that response.
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
    // A service that answers before reading the whole body closes the socket: keep its answer.
    req.on('error', (error) => setTimeout(() => finish(error), 200));
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

/** A JSON request that must succeed (2xx); answers the parsed body. */
export async function jsonRequest<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  token: string | undefined,
  payload?: unknown,
  options: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (payload !== undefined) {
    body = JSON.stringify(payload);
    headers['content-type'] = 'application/json';
  }
  const result = await http(baseUrl, method, path, { headers, body, timeoutMs: options.timeoutMs });
  if (result.status < 200 || result.status >= 300) throw new Error(`${method} ${path}: HTTP ${result.status} ${result.body.slice(0, 500)}`);
  return json<T>(result);
}

/** An access token for an API client (client credentials). */
export async function tokenFor(baseUrl: string, clientId: string, clientSecret: string): Promise<string> {
  const body = await jsonRequest<{ access_token: string }>(baseUrl, 'POST', '/v1/auth/token', undefined, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
  return body.access_token;
}

// ---------------------------------------------------------------- memory

/** Resident memory of a process now (VmRSS) and its peak since start (VmHWM), in kB. */
export function readMemory(pid: number): { rssKb: number; hwmKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** Like readMemory, with zeros for a process that is gone. */
export function memoryOf(pid: number): { rssKb: number; hwmKb: number } {
  try {
    return readMemory(pid);
  } catch {
    return { rssKb: 0, hwmKb: 0 };
  }
}

// ---------------------------------------------------------------- the service as a child process

export type ServiceDatabase = { url: string } | { dataDir: string };

export interface ServiceOptions {
  /** Folder for the log file. */
  dir: string;
  /** The log file is `<dir>/<name>.log`. */
  name: string;
  database: ServiceDatabase;
  /** Environment on top of PATH, HOST, PORT, LOG_LEVEL=warn and the database. */
  env?: Record<string, string | undefined>;
  /** Options of node itself before the service's script (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Reuse a port (a restart on the same address). */
  port?: number;
  readyTimeoutMs?: number;
  /** Where the harness reports the service's start and stop. */
  log?: (message: string) => void;
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
    private readonly log: (message: string) => void,
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

  /** Starts the service and waits until /health/ready answers 200. */
  static async start(options: ServiceOptions): Promise<ServiceProcess> {
    const log = options.log ?? ((): void => undefined);
    const port = options.port ?? (await freePort());
    mkdirSync(options.dir, { recursive: true });
    const logFile = join(options.dir, `${options.name}.log`);
    const out = createWriteStream(logFile, { flags: 'a' });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...('url' in options.database ? { DATABASE_URL: options.database.url } : { DATA_DIR: options.database.dataDir }),
      ...options.env,
    };
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    const service = new ServiceProcess(child, `http://127.0.0.1:${port}`, port, logFile, log);
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

  /** A graceful stop, then kill -9 if it takes longer than `waitMs` (default 60 s). */
  async stop(waitMs = 60_000): Promise<void> {
    if (!this.alive) return;
    const stopped = await this.signal('SIGTERM', waitMs);
    this.log(
      `${this.logFile.replace(/^.*\//, '').replace(/\.log$/, '')} stopped: exit ${stopped.code ?? stopped.signal} after ${stopped.ms} ms${stopped.timedOut ? ` (killed after ${waitMs / 1000} s)` : ''}`,
    );
  }

  /** Peak resident memory since start (VmHWM) and the current one (VmRSS), in kB. */
  memory(): { rssKb: number; hwmKb: number } {
    return readMemory(this.pid);
  }

  tail(lines = 40): string {
    return this.logText().split('\n').slice(-lines).join('\n') || '(no log)';
  }

  logText(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }
}
