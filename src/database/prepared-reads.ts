import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { EntityManager, QueryRunner } from 'typeorm';
import { isEmbedded } from 'src/database/data-source-options';
import type { Queryable } from 'src/database/sql';

/**
 * How many distinct statement texts are prepared per process. The views' statements are built
 * from a fixed set of fragments, so they stay far below this; a text beyond it runs unnamed, so
 * that no connection collects prepared statements without bound.
 */
export const MAX_PREPARED_TEXTS = 512;

/**
 * SQLSTATE 0A000 "cached plan must not change result type": a prepared statement whose result
 * columns changed under it (a migration while the service runs). Its connection must go.
 */
export const isStalePlan = (error: unknown): boolean =>
  (error as { code?: unknown } | undefined)?.code === '0A000' && /cached plan must not change result type/.test(error instanceof Error ? error.message : String(error));

/**
 * Gives a connection back; with an error, pg's pool closes it instead of handing it out again.
 * TypeORM's PostgreSQL query runner takes that error in `releasePostgresConnection`; a runner
 * without it is released as usual.
 */
export const releaseConnection = (runner: QueryRunner, error?: unknown): Promise<void> => {
  const postgres = runner as QueryRunner & { releasePostgresConnection?: (error?: unknown) => Promise<void> };
  return typeof postgres.releasePostgresConnection === 'function' ? postgres.releasePostgresConnection(error) : runner.release();
};

/**
 * Read statements that every request runs (the client, the tenancy, a view's reads) as named
 * prepared statements of their connection, on PostgreSQL. Unnamed, each is parsed and planned
 * again on every request, which cost a view about as much server time as running it. Named, a
 * connection parses each text once, and PostgreSQL's plan cache keeps a generic plan once that
 * is as good as the custom ones. Only for reads: rows back, nothing changed.
 *
 * Not for the embedded database: it serves every connection from one session, where a name that
 * one connection prepared would clash with another connection's.
 */
export class PreparedReads implements Queryable {
  private static readonly names = new Map<string, string>();

  constructor(private readonly manager: EntityManager) {}

  /** The statement's name: a digest of its text, so that one name never stands for two texts. */
  static nameOf(text: string): string | undefined {
    const known = PreparedReads.names.get(text);
    if (known !== undefined || PreparedReads.names.size >= MAX_PREPARED_TEXTS) return known;
    const name = `read_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;
    PreparedReads.names.set(text, name);
    return name;
  }

  async query(text: string, parameters: unknown[] = []): Promise<unknown[]> {
    // Inside a view's replica snapshot: its connection (ReadReplica drops it after a stale plan).
    if (this.manager.queryRunner) return this.run(this.manager.queryRunner, text, parameters);
    const runner = this.manager.connection.createQueryRunner('master');
    let stale: unknown;
    try {
      return await this.run(runner, text, parameters);
    } catch (error) {
      if (!isStalePlan(error)) throw error;
      stale = error;
    } finally {
      await releaseConnection(runner, stale);
    }
    // Once more, unnamed, on another connection.
    return this.manager.query<unknown[]>(text, parameters);
  }

  private async run(runner: QueryRunner, text: string, parameters: unknown[]): Promise<unknown[]> {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query({ name: PreparedReads.nameOf(text), text, values: parameters })).rows as unknown[];
  }
}

const preparedReads = new WeakMap<EntityManager, PreparedReads>();

/** Reads through `manager` as prepared statements on PostgreSQL; the manager itself on the embedded database. */
export function preparedReadsOf(manager: EntityManager): Queryable {
  if (isEmbedded(manager.connection)) return manager;
  let reads = preparedReads.get(manager);
  if (!reads) preparedReads.set(manager, (reads = new PreparedReads(manager)));
  return reads;
}
