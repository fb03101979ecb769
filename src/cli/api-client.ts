import { CliError, EXIT } from 'src/cli/io';

/** One entry of an RFC 9457 problem's `errors[]`. */
export interface ProblemError {
  pointer?: string;
  parameter?: string;
  header?: string;
  line?: number;
  column?: string;
  code?: string;
  detail?: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: ProblemError[];
  [extension: string]: unknown;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Attempts for a request that failed on the network, 429 or 5xx (default 5). */
  retries?: number;
  /** First back-off in ms, doubled on each retry (default 500). */
  backoffMs?: number;
  /** Per-request timeout in ms (default 10 minutes: a batch may take a while). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Told about each retry, with a safe description. */
  onRetry?: (description: string, attempt: number, waitMs: number) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Statuses worth retrying with the same request: rate limit, key in use (409), server trouble. */
const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504]);

/**
 * A small client for the Doorstroom API: client-credentials token (renewed before it expires
 * and after a 401), JSON requests with retries and back-off. Never logs the secret or bodies.
 */
export class DoorstroomApiClient {
  private token: string | undefined;
  private tokenExpiresAt = 0;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new CliError(`--base-url is not a URL`, EXIT.usage);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError('--base-url must be http(s)', EXIT.usage);
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  private async accessToken(force = false): Promise<string> {
    if (!force && this.token && Date.now() < this.tokenExpiresAt - 60_000) return this.token;
    const response = await this.send<{ access_token?: string; expires_in?: number } & Problem>('POST', '/v1/auth/token', {
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: this.options.clientId, client_secret: this.options.clientSecret }),
      headers: { 'content-type': 'application/json' },
      authenticated: false,
    });
    if (response.status !== 200 || typeof response.body.access_token !== 'string') {
      const reason = response.body.detail ?? response.body.title ?? `HTTP ${response.status}`;
      throw new CliError(`could not get a token for client ${this.options.clientId}: ${reason}`, EXIT.config);
    }
    this.token = response.body.access_token;
    this.tokenExpiresAt = Date.now() + (typeof response.body.expires_in === 'number' ? response.body.expires_in : 300) * 1000;
    return this.token;
  }

  /** A JSON POST with bearer token; retries network errors, 408/409/429/5xx; renews the token once on 401. */
  async postJson<T>(path: string, payload: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.send<T>('POST', path, { body: JSON.stringify(payload), headers: { 'content-type': 'application/json', ...headers }, authenticated: true });
  }

  async getJson<T>(path: string): Promise<ApiResponse<T>> {
    return this.send<T>('GET', path, { authenticated: true });
  }

  private async send<T>(method: string, path: string, request: { body?: string; headers?: Record<string, string>; authenticated: boolean }): Promise<ApiResponse<T>> {
    const retries = this.options.retries ?? 5;
    const backoff = this.options.backoffMs ?? 500;
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...request.headers };
      if (request.authenticated) headers.authorization = `Bearer ${await this.accessToken()}`;
      let response: Response;
      try {
        response = await this.fetchImpl(`${this.baseUrl}${path}`, {
          method,
          headers,
          body: request.body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 600_000),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.name : 'error');
        if (attempt > retries) throw new CliError(`${method} ${path} failed after ${attempt} attempts: ${cause}`, EXIT.unavailable);
        const wait = backoff * 2 ** (attempt - 1);
        this.options.onRetry?.(`${method} ${path}: ${cause}`, attempt, wait);
        await sleep(wait);
        continue;
      }
      const text = await response.text();
      let body: unknown = {};
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          body = { detail: `non-JSON response (HTTP ${response.status})` };
        }
      }
      if (response.status === 401 && request.authenticated && !renewed) {
        renewed = true;
        await this.accessToken(true);
        continue;
      }
      if (RETRYABLE.has(response.status) && attempt <= retries) {
        const retryAfter = Number(response.headers.get('retry-after'));
        const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoff * 2 ** (attempt - 1);
        this.options.onRetry?.(`${method} ${path}: HTTP ${response.status}`, attempt, wait);
        await sleep(wait);
        continue;
      }
      return { status: response.status, body: body as T, headers: response.headers };
    }
  }
}
