/**
 * Shared machinery of the reliability suite (`npm run test:reliability`): the built service as a
 * child process, HTTP with hard time bounds, test tenants, generated records and CSV streams,
 * memory readings from /proc, and the figures each test reports.
 *
 * Everything runs on loopback; every loop is bounded in count and in time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ensureBuilt as ensureServiceBuilt, http, HttpResult, jsonRequest, ServiceOptions, ServiceProcess as HarnessProcess, tokenFor } from 'scripts/service-harness';

export { freePort, http, json, jsonRequest, readMemory, ROOT, sleep, tokenFor } from 'scripts/service-harness';
export type { Body, ExitInfo, HttpResult, ServiceDatabase } from 'scripts/service-harness';

/** Seconds each autocannon run lasts: 60 in CI, shorter locally with RELIABILITY_LOAD_SECONDS. */
export const LOAD_SECONDS = Math.max(5, Math.min(600, Number(process.env.RELIABILITY_LOAD_SECONDS ?? 60) || 60));

/** The PostgreSQL the suite creates its scratch databases on (the same one `npm test` uses). */
export const postgresBaseUrl = (): string => process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export const log = (message: string): void => void process.stderr.write(`[reliability] ${message}\n`);

/** A fixed JWT secret for all services of a run, so that a token survives a restart of the service. */
export const JWT_SECRET = randomBytes(32).toString('hex');

let built = false;
/** The suite runs the built service (dist/), as production does; builds it when older than the sources. */
export function ensureBuilt(): void {
  if (built) return;
  ensureServiceBuilt(process.env.RELIABILITY_NO_BUILD === 'true' ? 'never' : 'if-stale', log);
  built = true;
}

/** The built service in a child process (scripts/service-harness.ts), with the suite's settings. */
export type ServiceProcess = HarnessProcess;
export const ServiceProcess = {
  start(options: Omit<ServiceOptions, 'log'>): Promise<ServiceProcess> {
    ensureBuilt();
    return HarnessProcess.start({
      ...options,
      log,
      env: { NODE_ENV: 'development', DEMO_DATA: 'true', DOCS_ENABLED: 'true', JWT_SECRET, RATE_LIMIT_PER_MINUTE: '1000000', AUTH_FAILURES_PER_MINUTE: '1000000', TOKEN_REQUESTS_PER_MINUTE: '1000000', TOKEN_FAILURES_BEFORE_BACKOFF: '1000000', ...options.env },
    });
  },
};

// ---------------------------------------------------------------- tenants

export interface Tenant {
  brin: string;
  clientId: string;
  clientSecret: string;
  token: string;
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
