/**
 * Audit benchmark: what the hash chain costs. Appends N audit entries (default 50,000) in the
 * audit writer's batches of 500 with the chain trigger, then the same number with the trigger
 * removed, alternating rounds so that both see the same machine; prints entries/s of each and
 * their ratio, and how fast `verify-audit` walks the chain. A benchmark, not a test.
 *
 *   npm run bench:audit                                   # embedded PGlite
 *   npm run bench:audit -- --entries 100000
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:audit
 *
 * Runs in two scratch databases (new databases on that server, or in-memory PGlite, dropped at
 * the end): one as migrated, one with the chain's triggers dropped.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AuditChainVerifier } from 'src/audit/audit-chain';
import { AuditRepository, NewAuditEntry } from 'src/audit/audit.repository';
import { ENTITIES } from 'src/app.entities';
import { buildDataSourceOptions, runMigrations } from 'src/database/data-source-options';
import { createScratchDatabase, scratchBaseUrl } from 'src/database/scratch-database';

const BATCH = 500;
const ROUNDS = 4;

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
};

const entry = (i: number): NewAuditEntry => ({
  occurredAt: new Date(),
  requestId: `bench-${i}`,
  clientId: 'bench-client',
  institutionId: null,
  regionId: null,
  method: 'GET',
  route: '/v1/insights/alumni',
  requiredScope: 'insights:read',
  outcome: 'allowed',
  statusCode: 200,
  target: { region: 'BENCH', cohortFrom: 2019, cohortTo: 2023, breakdown: 'receiver', rows: 40 },
  detail: { durationMs: 12 },
});

async function appendTimed(repository: AuditRepository, count: number, offset: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let done = 0; done < count; done += BATCH) {
    await repository.append(Array.from({ length: Math.min(BATCH, count - done) }, (_, i) => entry(offset + done + i)));
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function openScratch(baseUrl: string | undefined): Promise<{ dataSource: DataSource; close(): Promise<void> }> {
  const database = await createScratchDatabase(baseUrl);
  const dataSource = new DataSource(buildDataSourceOptions(database.target, { poolSize: 2, statementTimeoutMs: 600_000 }, ENTITIES));
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    dataSource,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.close();
    },
  };
}

async function main(): Promise<void> {
  const entries = argument('entries', 50_000);
  const perRound = Math.ceil(entries / ROUNDS / BATCH) * BATCH;
  const baseUrl = scratchBaseUrl();
  // Two scratch databases: one as migrated, one without the chain (its triggers dropped, its columns nullable).
  const chainedDb = await openScratch(baseUrl);
  const plainDb = await openScratch(baseUrl);
  try {
    await plainDb.dataSource.query(
      `DROP TRIGGER audit_log_chain_lock ON audit_log; DROP TRIGGER audit_log_chain ON audit_log; DROP TRIGGER audit_log_chain_head ON audit_log;
       ALTER TABLE audit_log ALTER COLUMN chain_seq DROP NOT NULL, ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL`,
    );
    const chainedRepository = new AuditRepository(chainedDb.dataSource);
    const plainRepository = new AuditRepository(plainDb.dataSource);
    let chained = 0;
    let plain = 0;
    for (let round = 0; round < ROUNDS; round++) {
      chained += await appendTimed(chainedRepository, perRound, round * perRound);
      plain += await appendTimed(plainRepository, perRound, round * perRound);
    }
    const total = perRound * ROUNDS;
    const chainedRate = total / chained;
    const plainRate = total / plain;

    const verifyStarted = process.hrtime.bigint();
    const report = await new AuditChainVerifier(chainedRepository).verify();
    const verifySeconds = Number(process.hrtime.bigint() - verifyStarted) / 1e9;

    process.stdout.write(
      [
        `audit appends on ${baseUrl ? 'PostgreSQL' : 'PGlite'}, ${total.toLocaleString('en')} entries each way in batches of ${BATCH}, ${ROUNDS} alternating rounds`,
        `  with the hash chain:    ${Math.round(chainedRate).toLocaleString('en')} entries/s`,
        `  without the chain:      ${Math.round(plainRate).toLocaleString('en')} entries/s`,
        `  ratio chained/plain:    ${(chainedRate / plainRate).toFixed(2)}`,
        `verify-audit: ${report.entries.toLocaleString('en')} entries in ${verifySeconds.toFixed(2)} s (${Math.round(report.entries / verifySeconds).toLocaleString('en')} entries/s), intact: ${report.intact}`,
        '',
      ].join('\n'),
    );
  } finally {
    await chainedDb.close();
    await plainDb.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
