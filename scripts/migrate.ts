import { DataSource } from 'typeorm';
import { SetupError } from 'src/common/setup-error';
import { ENTITIES } from 'src/app.entities';
import { loadConfig } from 'src/config/app-config';
import { openDatabase } from 'src/database/database-connection';
import { buildDataSourceOptions, runMigrations } from 'src/database/data-source-options';

/** Applies pending migrations to the configured database (the service also does this at start). */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, poolSize: 2, createMissingDatabase: config.env !== 'production' });
  const dataSource = new DataSource(buildDataSourceOptions(database.target, { poolSize: 2, statementTimeoutMs: config.database.statementTimeoutMs }, ENTITIES));
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    process.stdout.write(applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'No pending migrations.\n');
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof SetupError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
