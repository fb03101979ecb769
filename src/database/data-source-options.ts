import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from 'migrations/index';
import { EX_CONFIG, SetupError } from 'src/common/setup-error';
import { DatabaseTarget } from 'src/database/database-connection';

export interface PoolSettings {
  poolSize: number;
  statementTimeoutMs: number;
}

/**
 * `entities` comes from the caller (the application's registry is src/app.entities.ts), so that
 * this module depends on no feature.
 */
export function buildDataSourceOptions(target: DatabaseTarget, pool: PoolSettings, entities: Function[]): DataSourceOptions {
  const connection =
    target.kind === 'postgres'
      ? { url: target.url }
      : { host: target.socketDir, port: target.port, username: target.user, database: target.database };
  return {
    type: 'postgres',
    ...connection,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    // gen_random_uuid() is built into PostgreSQL 13+ and PGlite; no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    // TypeORM drops a `where` key whose value is undefined or null by default, which turns a
    // lookup scoped to a tenant into one over every tenant. Refuse such a query instead.
    invalidWhereValuesBehavior: { null: 'throw', undefined: 'throw' },
    logging: false,
    extra: {
      max: pool.poolSize,
      // A request never waits forever for a connection or a runaway query.
      connectionTimeoutMillis: 5_000,
      statement_timeout: pool.statementTimeoutMs,
      idle_in_transaction_session_timeout: pool.statementTimeoutMs,
      application_name: 'doorstroom',
    },
  };
}

/** Whether a data source is the embedded database (PGlite behind its socket), which has one session. */
export const isEmbedded = (dataSource: DataSource): boolean => !('url' in dataSource.options && dataSource.options.url);

// Serialises migration runs of several replicas starting at once.
const MIGRATION_LOCK_ID = 7_263_551_002;

/** Applies pending migrations under an advisory lock; returns the names applied. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } catch (error) {
      // 42501: the role may not change the schema. A hardened service runs as a role without ownership.
      if ((error as { code?: unknown }).code === '42501') {
        throw new SetupError(
          'migrations-need-owner',
          'Migrations are pending and this database role may not apply them (it does not own the schema). Run them as the owner first: ' +
            'DATABASE_URL=<owner> npm run migration:run (in Docker Compose: the migrate service), then start the service again.',
          EX_CONFIG,
        );
      }
      throw error;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}
