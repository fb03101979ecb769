import { Identifier, ident, query, Queryable, sql } from 'src/database/sql';

/**
 * The kept rows of a region (`enrolment_outcomes`, `leaver_outcomes`) live in a partition of their
 * own (migration KeptRowsPerRegion). A full refresh writes the region's rows into a new table
 * without indexes, builds the indexes in one sort each, and swaps that table in for the region's
 * old partition; deleting millions of rows and inserting them again one index entry at a time,
 * into indexes larger than the server's shared buffers, took most of a full refresh.
 *
 * The steps are database functions that run as the tables' owner: the service may run as a role
 * that owns nothing. Until the swap no other transaction sees the new table; the swap itself holds
 * an exclusive lock on the two parent tables from the detach to the commit, which follows at once,
 * so readers of other regions' kept rows wait for milliseconds. The detach waits at most 10 s for
 * transactions that hold a parent table (`lock_timeout` of the swap function); then, or when two
 * full refreshes that both read a parent table deadlock at the swap, the refresh rolls back with
 * the old partition in place and its job is retried.
 */
export const KEPT_TABLES = ['enrolment_outcomes', 'leaver_outcomes'] as const;
export type KeptTable = (typeof KEPT_TABLES)[number];

/** The new table of a full refresh: made by `kept_partition_begin`, of the form `<table>_<region hex>_<generation>`. */
const NEW_TABLE = /^(enrolment_outcomes|leaver_outcomes)_[0-9a-f]{32}_[0-9]+$/;

export interface NewKeptTables {
  enrolments: Identifier;
  leavers: Identifier;
  /** The names, for the steps after the rows are written. */
  names: Record<KeptTable, string>;
}

/** Makes the region's new, empty tables of kept rows (without indexes) in the refresh's transaction. */
export async function beginKeptPartitions(executor: Queryable, regionId: string): Promise<NewKeptTables> {
  const names = {} as Record<KeptTable, string>;
  for (const table of KEPT_TABLES) {
    const [row] = await query<{ name: string }>(executor, sql`SELECT kept_partition_begin(${table}, ${regionId}::uuid) AS name`);
    if (!row || !NEW_TABLE.test(row.name)) throw new Error(`kept_partition_begin answered an unexpected table name for ${table}`);
    names[table] = row.name;
  }
  return { enrolments: ident(names.enrolment_outcomes, [names.enrolment_outcomes]), leavers: ident(names.leaver_outcomes, [names.leaver_outcomes]), names };
}

/**
 * Indexes the filled tables, then swaps them in for the region's old partitions. The indexes are
 * built before either swap, and the swaps go in the order in which a refresh of changed students
 * takes the tables, so the exclusive locks are held only for the swaps themselves.
 */
export async function swapKeptPartitions(executor: Queryable, regionId: string, tables: NewKeptTables): Promise<void> {
  for (const table of KEPT_TABLES) await query(executor, sql`SELECT kept_partition_index(${table}, ${tables.names[table]})`);
  for (const table of KEPT_TABLES) await query(executor, sql`SELECT kept_partition_swap(${table}, ${regionId}::uuid, ${tables.names[table]})`);
}
