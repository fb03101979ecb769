import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';
import { randomBytes } from 'node:crypto';
import { loadSignInConfig, SignInConfig } from 'src/config/sign-in-config';

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const lowered = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lowered)) return true;
  if (['false', '0', 'no', 'off'].includes(lowered)) return false;
  return value;
};
const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `123`, `64kb`, `10mb`, `2gb` → bytes; throws on anything else. */
export function parseByteSize(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!match) throw new Error(`not a byte size: ${value}`);
  return Math.floor(Number(match[1]) * BYTE_UNITS[(match[2] ?? 'b').toLowerCase()]);
}

/** A byte size as a number of bytes; anything else stays as it is, for the validator to name. */
const toByteSize = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return parseByteSize(value);
  } catch {
    return value;
  }
};

const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0)
    : value;

/**
 * Every setting the service reads from the environment. Names are the environment variable
 * names, so a validation message names exactly the variable an operator has to fix.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsOptional()
  @IsString()
  HOST: string = '0.0.0.0';

  /** PostgreSQL connection string; without it the service runs on embedded PGlite. */
  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL?: string;

  /**
   * A PostgreSQL streaming standby of DATABASE_URL's database: views and reports read from it
   * when it has the data the primary has (docs/scale.md, "Reads from a replica").
   */
  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_READ_URL?: string;

  /** How long a view waits for the replica to catch up before it reads the primary. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(10_000)
  DATABASE_READ_WAIT_MS: number = 200;

  /** How long a replica that failed (or stayed behind) is left alone before it is tried again. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_READ_RETRY_MS: number = 5_000;

  /** Folder of the embedded database; ignored when DATABASE_URL is set. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  DATA_DIR: string = './data';

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  DB_POOL_SIZE: number = 10;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DB_STATEMENT_TIMEOUT_MS: number = 60_000;

  /** Statement timeout inside a summary refresh, which at national scale runs for minutes. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  REFRESH_STATEMENT_TIMEOUT_MS: number = 1_800_000;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** HMAC key for the built-in token issuer (HS256); at least 32 characters. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters (256 bits)' })
  JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  JWT_ISSUER: string = 'doorstroom';

  @IsOptional()
  @IsString()
  JWT_AUDIENCE: string = 'doorstroom-api';

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(60)
  @Max(86_400)
  TOKEN_TTL_SECONDS: number = 900;

  /** Loads the demo region into an empty database; never in production. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  DEMO_DATA?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  DOCS_ENABLED?: boolean;

  /** Comma-separated list of allowed browser origins; empty means CORS is closed. */
  @IsOptional()
  @Transform(toList)
  @IsString({ each: true })
  CORS_ORIGINS: string[] = [];

  /**
   * Adds upgrade-insecure-requests to the CSP: set it only when browsers reach the service over
   * https (e.g. behind a TLS-terminating proxy). Over plain http at any address but localhost it
   * makes browsers fetch the pages' CSS and JavaScript over https, and /app/ and /docs stay blank.
   */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  CSP_UPGRADE_INSECURE_REQUESTS: boolean = false;

  @IsOptional()
  @IsString()
  BODY_LIMIT: string = '10mb';

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE: number = 600;

  /** Requests per address and minute that may fail authentication (no, a bad or an expired token) before the address gets 429. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  AUTH_FAILURES_PER_MINUTE: number = 60;

  /** Token requests per address and minute, whatever their outcome. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  TOKEN_REQUESTS_PER_MINUTE: number = 30;

  /** Wrong secrets in a row for one client id before each further attempt must wait (1 s, doubling, at most 5 minutes). */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  TOKEN_FAILURES_BEFORE_BACKOFF: number = 5;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS: number = 30_000;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  REQUEST_TIMEOUT_MS: number = 120_000;

  /** Runs the background worker that refreshes summaries and detects trend breaks. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  WORKER_ENABLED: boolean = true;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(50)
  @Max(60_000)
  WORKER_POLL_MS: number = 1000;

  /** Largest streamed CSV upload, e.g. `500mb` or `2gb`; JSON bodies keep the small BODY_LIMIT. */
  @IsOptional()
  @Transform(toByteSize)
  @IsInt({ message: 'UPLOAD_MAX_BYTES must be a size such as 500mb or 2gb' })
  @Min(1, { message: 'UPLOAD_MAX_BYTES must be a size such as 500mb or 2gb' })
  UPLOAD_MAX_BYTES: number = 2 * 1024 ** 3;

  /**
   * Rows per upsert statement of an upload (one round trip each). Larger chunks save little time
   * and let chunk data age into V8's old generation, which shows as resident memory.
   */
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: 'INGEST_CHUNK_ROWS must be an integer from 100 to 50000' })
  @Min(100, { message: 'INGEST_CHUNK_ROWS must be an integer from 100 to 50000' })
  @Max(50_000, { message: 'INGEST_CHUNK_ROWS must be an integer from 100 to 50000' })
  INGEST_CHUNK_ROWS: number = 2_000;

  /** Memory for computed views, kept until the data behind them changes; 0 turns the cache off. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(4096)
  VIEW_CACHE_MB: number = 64;
}

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  database: {
    /** Absent means: start the embedded PGlite database. */
    url?: string;
    dataDir: string;
    poolSize: number;
    statementTimeoutMs: number;
    refreshTimeoutMs: number;
    /** A streaming standby for view reads; only with `url`. */
    read?: { url: string; waitMs: number; retryMs: number };
  };
  logLevel: string;
  auth: {
    jwtSecret: string;
    /** True when no JWT_SECRET was configured and one was generated for this process. */
    jwtSecretGenerated: boolean;
    issuer: string;
    audience: string;
    tokenTtlSeconds: number;
  };
  demoData: boolean;
  docsEnabled: boolean;
  corsOrigins: string[];
  /** Browsers reach the service over https only: the CSP may tell them to upgrade http requests. */
  cspUpgradeInsecureRequests: boolean;
  bodyLimit: string;
  rateLimitPerMinute: number;
  /** Limits on failed authentication: per address, and per client id at the token endpoint. */
  authLimits: { failuresPerMinute: number; tokenRequestsPerMinute: number; tokenFailuresBeforeBackoff: number };
  shutdownTimeoutMs: number;
  requestTimeoutMs: number;
  worker: { enabled: boolean; pollMs: number };
  viewCacheMb: number;
  ingest: { uploadMaxBytes: number; chunkRows: number };
  /** People signing in through OpenID Connect (src/config/sign-in-config.ts). */
  signIn: SignInConfig;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigurationError';
  }
}

/** One line per bad setting, naming the environment variable. */
const describe = (errors: ValidationError[]): string[] =>
  errors.map((error) => `${error.property}: ${[...new Set(Object.values(error.constraints ?? {}).map((message) => message.replace(`${error.property} `, '')))].join('; ')}`);

/** Reads and validates the environment; throws ConfigurationError naming every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const vars = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const problems = describe(validateSync(vars, { skipMissingProperties: false }));
  const production = vars.NODE_ENV === 'production';
  if (production && !vars.JWT_SECRET) {
    problems.push('JWT_SECRET: required when NODE_ENV=production');
  }
  if (production && !vars.DATABASE_URL) {
    problems.push('DATABASE_URL: required when NODE_ENV=production (the embedded database is for development)');
  }
  if (vars.DATABASE_READ_URL && !vars.DATABASE_URL) {
    problems.push('DATABASE_READ_URL: needs DATABASE_URL (a replica of the embedded database does not exist); set DATABASE_URL to the primary or unset DATABASE_READ_URL');
  }
  if (production && vars.DEMO_DATA === true) {
    problems.push('DEMO_DATA: demo data never loads when NODE_ENV=production');
  }
  const signIn = loadSignInConfig(raw, { env: vars.NODE_ENV ?? 'development', port: vars.PORT }, problems);
  if (problems.length > 0) throw new ConfigurationError(problems);

  return {
    env: vars.NODE_ENV,
    port: vars.PORT,
    host: vars.HOST,
    database: {
      url: vars.DATABASE_URL,
      dataDir: vars.DATA_DIR,
      poolSize: vars.DB_POOL_SIZE,
      statementTimeoutMs: vars.DB_STATEMENT_TIMEOUT_MS,
      refreshTimeoutMs: vars.REFRESH_STATEMENT_TIMEOUT_MS,
      ...(vars.DATABASE_READ_URL ? { read: { url: vars.DATABASE_READ_URL, waitMs: vars.DATABASE_READ_WAIT_MS, retryMs: vars.DATABASE_READ_RETRY_MS } } : {}),
    },
    logLevel: vars.LOG_LEVEL,
    auth: {
      // Without a configured secret, tokens are valid for this process only.
      jwtSecret: vars.JWT_SECRET ?? randomBytes(32).toString('hex'),
      jwtSecretGenerated: !vars.JWT_SECRET,
      issuer: vars.JWT_ISSUER,
      audience: vars.JWT_AUDIENCE,
      tokenTtlSeconds: vars.TOKEN_TTL_SECONDS,
    },
    demoData: !production && (vars.DEMO_DATA ?? vars.NODE_ENV === 'development'),
    docsEnabled: vars.DOCS_ENABLED ?? !production,
    corsOrigins: vars.CORS_ORIGINS,
    cspUpgradeInsecureRequests: vars.CSP_UPGRADE_INSECURE_REQUESTS,
    bodyLimit: vars.BODY_LIMIT,
    rateLimitPerMinute: vars.RATE_LIMIT_PER_MINUTE,
    authLimits: {
      failuresPerMinute: vars.AUTH_FAILURES_PER_MINUTE,
      tokenRequestsPerMinute: vars.TOKEN_REQUESTS_PER_MINUTE,
      tokenFailuresBeforeBackoff: vars.TOKEN_FAILURES_BEFORE_BACKOFF,
    },
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
    requestTimeoutMs: vars.REQUEST_TIMEOUT_MS,
    worker: { enabled: vars.WORKER_ENABLED, pollMs: vars.WORKER_POLL_MS },
    viewCacheMb: vars.VIEW_CACHE_MB,
    ingest: { uploadMaxBytes: vars.UPLOAD_MAX_BYTES, chunkRows: vars.INGEST_CHUNK_ROWS },
    signIn,
  };
}

/** Injection token for the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
