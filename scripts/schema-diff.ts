import { DataSource } from 'typeorm';
import { ENTITIES } from 'src/app.entities';
import { createScratchDatabase, scratchBaseUrl } from 'src/database/scratch-database';
import { buildDataSourceOptions, runMigrations } from 'src/database/data-source-options';

export interface SchemaDiff {
  up: string[];
  down: string[];
}

/**
 * Applies every committed migration to a scratch database and asks TypeORM what the entities
 * would still change: empty when migrations and entities agree.
 */
export async function diffEntitiesAgainstMigrations(entities: Function[] = ENTITIES): Promise<SchemaDiff> {
  const database = await createScratchDatabase(scratchBaseUrl());
  const dataSource = new DataSource(buildDataSourceOptions(database.target, { poolSize: 2, statementTimeoutMs: 60_000 }, entities));
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    const log = await dataSource.driver.createSchemaBuilder().log();
    return { up: log.upQueries.map((query) => query.query), down: log.downQueries.map((query) => query.query).reverse() };
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.close();
  }
}
