import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DatabaseConnection, startEmbeddedDatabase } from 'src/database/database-connection';

/**
 * A fresh, empty database for one test file or one check: an in-memory PGlite by default, or
 * a new database on the PostgreSQL server named by `baseUrl`, dropped again on close. Runs
 * never see each other's data.
 */
export async function createScratchDatabase(baseUrl: string | undefined, options: { maxConnections?: number } = {}): Promise<DatabaseConnection> {
  if (!baseUrl) return startEmbeddedDatabase({ maxConnections: options.maxConnections ?? 20 });

  const name = `doorstroom_scratch_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    target: { kind: 'postgres', url: url.toString() },
    async close() {
      const dropper = new Client({ connectionString: baseUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** The PostgreSQL the tests and checks use, if any: TEST_DATABASE_URL, else DATABASE_URL. */
export const scratchBaseUrl = (): string | undefined => process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
