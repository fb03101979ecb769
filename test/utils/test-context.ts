import { NestExpressApplication } from '@nestjs/platform-express';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp, prepareDatabase } from 'src/app.factory';
import { AuditWriter } from 'src/audit/audit-writer';
import { ApiClientEntity } from 'src/auth/api-client.entity';
import { hashClientSecret } from 'src/auth/client-secret';
import { Scope } from 'src/access/scopes';
import { AppConfig, loadConfig } from 'src/config/app-config';
import { DatabaseConnection, DatabaseTarget } from 'src/database/database-connection';
import { createScratchDatabase, scratchBaseUrl } from 'src/database/scratch-database';
import { InstitutionEntity, Sector } from 'src/institutions/institution.entity';
import { MembershipEntity } from 'src/institutions/membership.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { JobRunner } from 'src/jobs/job-runner';

/**
 * The application on a fresh real database (PGlite by default, PostgreSQL with
 * TEST_DATABASE_URL), with factories for the objects tests need.
 */
export interface TestContext {
  app: NestExpressApplication;
  config: AppConfig;
  dataSource: DataSource;
  http: TestAgent;
  newRegion(overrides?: Partial<Pick<RegionEntity, 'code' | 'name'>>): Promise<RegionEntity>;
  newInstitution(overrides?: Partial<Pick<InstitutionEntity, 'brin' | 'name' | 'sectors'>>): Promise<InstitutionEntity>;
  addMember(region: RegionEntity, institution: InstitutionEntity, startDate?: string): Promise<void>;
  /** A client with a known secret; returns its id and secret. */
  newClient(options: { institution?: InstitutionEntity; region?: RegionEntity; scopes: Scope[] }): Promise<{ clientId: string; secret: string }>;
  /** A bearer token for a new client with the given tenant and scopes. */
  tokenFor(options: { institution?: InstitutionEntity; region?: RegionEntity; scopes: Scope[] }): Promise<string>;
  /** Inserts an enrolment directly (for outcome fixtures); returns its id. */
  newEnrolment(enrolment: NewEnrolment): Promise<string>;
  /** Runs the queued background jobs (summary refreshes and what follows them) to the end. */
  runJobs(): Promise<number>;
  /** Waits until every audit entry recorded so far is in the database. */
  flushAudit(): Promise<void>;
  close(): Promise<void>;
}

let sequence = 0;
const uniqueSuffix = (): string => `${process.pid.toString(36)}${(sequence++).toString(36)}${randomBytes(2).toString('hex')}`.toUpperCase();

/** A BRIN that no other test of this run uses: two digits then two letters. */
export const uniqueBrin = (() => {
  const used = new Set<string>();
  return (): string => {
    for (;;) {
      const digits = String(Math.floor(Math.random() * 100)).padStart(2, '0');
      const letters = String.fromCharCode(65 + Math.floor(Math.random() * 26), 65 + Math.floor(Math.random() * 26));
      const brin = `${digits}${letters}`;
      if (!used.has(brin)) {
        used.add(brin);
        return brin;
      }
    }
  };
})();

export interface NewEnrolment {
  receiver: InstitutionEntity;
  supplier: InstitutionEntity | { brin: string };
  pseudonym?: string;
  programmeCode?: string;
  sector?: 'mbo' | 'hbo' | 'wo';
  level?: string;
  form?: string;
  startDate: string;
  endDate?: string | null;
  endReason?: 'diploma' | 'uitgeschreven' | null;
  exitReason?: string | null;
  priorDiplomaType?: string;
  priorDiplomaYear?: number;
  priorVestiging?: string | null;
}

/** Academic year of a start date: August–December → that year, January–July → the year before. */
export const cohortOf = (startDate: string): number => {
  const [year, month] = startDate.split('-').map(Number) as [number, number];
  return month >= 8 ? year : year - 1;
};

/** A pseudonym as institutions compute it: 64 lower-case hex characters. */
export const pseudonymFor = (label: string): string => createHash('sha256').update(`test-student:${label}`).digest('hex');

export const TEST_ENV: NodeJS.ProcessEnv = {
  WORKER_ENABLED: 'false',
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DEMO_DATA: 'false',
  RATE_LIMIT_PER_MINUTE: '1000000',
  AUTH_FAILURES_PER_MINUTE: '1000000',
  TOKEN_REQUESTS_PER_MINUTE: '1000000',
  TOKEN_FAILURES_BEFORE_BACKOFF: '1000000',
  DB_POOL_SIZE: '8',
};

/**
 * `env` may depend on the scratch database (a function of its target), e.g. to name it in a setting.
 * `logDestination`: receive the service's JSON log lines (at env LOG_LEVEL) instead of discarding them.
 */
export async function createTestContext(
  env: NodeJS.ProcessEnv | ((target: DatabaseTarget) => NodeJS.ProcessEnv) = {},
  options: { logDestination?: DestinationStream } = {},
): Promise<TestContext> {
  const database: DatabaseConnection = await createScratchDatabase(scratchBaseUrl());
  // TEST_READ_REPLICA=same: every view is computed through the read-replica path, on the same database.
  const sameReplica = process.env.TEST_READ_REPLICA === 'same' && database.target.kind === 'postgres' ? { DATABASE_URL: database.target.url, DATABASE_READ_URL: database.target.url } : {};
  const config = loadConfig({ ...TEST_ENV, JWT_SECRET: randomBytes(32).toString('hex'), ...sameReplica, ...(typeof env === 'function' ? env(database.target) : env) });
  let app: NestExpressApplication | undefined;
  try {
    app = await createApp(config, database.target, options.logDestination ? { logDestination: options.logDestination } : { logger: false });
    await prepareDatabase(app, config);
    await app.init();
    // Nest buffers its own log lines until listen(); these tests never listen.
    if (options.logDestination) app.flushLogs();
  } catch (error) {
    if (app) await app.close();
    await database.close();
    throw error;
  }
  const dataSource = app.get(DataSource);
  const server = app.getHttpServer();

  const context: TestContext = {
    app,
    config,
    dataSource,
    http: request(server),
    async newRegion(overrides = {}) {
      const code = overrides.code ?? `R${uniqueSuffix()}`.slice(0, 12);
      return dataSource.getRepository(RegionEntity).save({ code, name: overrides.name ?? `Regio ${code}`, retentionMonths: 120 });
    },
    async newInstitution(overrides = {}) {
      const brin = overrides.brin ?? uniqueBrin();
      const sectors: Sector[] = overrides.sectors ?? ['vo'];
      return dataSource.getRepository(InstitutionEntity).save({
        brin,
        name: overrides.name ?? `Instelling ${brin}`,
        sectors,
        vestigingen: [{ code: `${brin}00`, name: 'Hoofdlocatie' }],
      });
    },
    async addMember(region, institution, startDate = '2015-08-01') {
      await dataSource.getRepository(MembershipEntity).save({ regionId: region.id, institutionId: institution.id, startDate, endDate: null });
    },
    async newClient(options) {
      const secret = randomBytes(24).toString('base64url');
      const clientId = `test-${uniqueSuffix().toLowerCase()}`;
      await dataSource.getRepository(ApiClientEntity).save({
        clientId,
        name: `Test client ${clientId}`,
        institutionId: options.institution?.id ?? null,
        regionId: options.region?.id ?? null,
        scopes: options.scopes,
        secretHash: await hashClientSecret(secret),
        secretRotatedAt: new Date(Date.now() - 60_000),
        revokedAt: null,
      });
      return { clientId, secret };
    },
    async tokenFor(options) {
      const { clientId, secret } = await context.newClient(options);
      const response = await context.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
      if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${JSON.stringify(response.body)}`);
      return (response.body as { access_token: string }).access_token;
    },
    async newEnrolment(enrolment) {
      const sector = enrolment.sector ?? (enrolment.receiver.sectors.includes('mbo') ? 'mbo' : 'hbo');
      const cohort = cohortOf(enrolment.startDate);
      const [row]: Array<{ id: string }> = await dataSource.query(
        `INSERT INTO enrolments (institution_id, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason, cohort,
                                 prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, created_batch_id, updated_batch_id, exit_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) RETURNING id::text AS id`,
        [
          enrolment.receiver.id,
          enrolment.pseudonym ?? pseudonymFor(randomBytes(8).toString('hex')),
          enrolment.programmeCode ?? (sector === 'mbo' ? '25100' : '34000'),
          sector,
          enrolment.level ?? (sector === 'mbo' ? '4' : 'bachelor'),
          enrolment.form ?? (sector === 'mbo' ? 'bol' : 'voltijd'),
          enrolment.startDate,
          enrolment.endDate ?? null,
          enrolment.endReason ?? (enrolment.endDate ? 'uitgeschreven' : null),
          cohort,
          enrolment.supplier.brin,
          enrolment.priorVestiging ?? null,
          enrolment.priorDiplomaType ?? 'havo',
          enrolment.priorDiplomaYear ?? cohort,
          randomUUID(),
          enrolment.exitReason ?? null,
        ],
      );
      await dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-summaries', $1::jsonb)`, [JSON.stringify({ institutionId: enrolment.receiver.id, cohorts: [cohort] })]);
      return row.id;
    },
    runJobs: () => app.get(JobRunner).runDue(),
    flushAudit: () => app.get(AuditWriter).flush(),
    async close() {
      await app.close();
      await database.close();
    },
  };
  return context;
}
