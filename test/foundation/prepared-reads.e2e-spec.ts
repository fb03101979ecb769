import { DataSource } from 'typeorm';
import { PreparedReads, preparedReadsOf } from 'src/database/prepared-reads';
import { query, sql } from 'src/database/sql';
import { createTestContext, TestContext } from 'test/utils/test-context';

/**
 * The reads every request runs are named prepared statements on PostgreSQL (PreparedReads), and
 * plain statements on the embedded database, whose one session all connections share.
 */
describe('prepared reads', () => {
  let ctx: TestContext;
  beforeAll(async () => (ctx = await createTestContext()));
  afterAll(async () => ctx?.close());

  const onPostgres = (): boolean => 'url' in ctx.dataSource.options && Boolean(ctx.dataSource.options.url);

  it('reads as named statements, each text parsed once per connection, on PostgreSQL only', async () => {
    const runner = ctx.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const reads = preparedReadsOf(runner.manager);
      const statement = sql`SELECT ${7}::int + 1 AS eight, ${'b'}::text AS letter`;
      for (let round = 0; round < 3; round++) expect(await query(reads, statement)).toEqual([{ eight: 8, letter: 'b' }]);
      await query(reads, sql`SELECT ${1}::int AS other`);
      const prepared = (await runner.query(`SELECT name, statement FROM pg_prepared_statements ORDER BY statement COLLATE "C"`)) as Array<{ name: string; statement: string }>;
      if (!onPostgres()) {
        expect(reads).toBe(runner.manager);
        expect(prepared).toEqual([]);
        return;
      }
      expect(reads).toBeInstanceOf(PreparedReads);
      expect(prepared).toEqual([
        { name: PreparedReads.nameOf('SELECT $1::int + 1 AS eight, $2::text AS letter'), statement: 'SELECT $1::int + 1 AS eight, $2::text AS letter' },
        { name: PreparedReads.nameOf('SELECT $1::int AS other'), statement: 'SELECT $1::int AS other' },
      ]);
    } finally {
      await runner.release();
    }
  });

  it('gives a bad statement the database error, and the connection goes on working', async () => {
    const reads = preparedReadsOf(ctx.dataSource.manager);
    await expect(query(reads, sql`SELECT ${'x'}::int AS number`)).rejects.toMatchObject({ code: '22P02' });
    await expect(query(reads, sql`SELECT nothing FROM no_such_table`)).rejects.toMatchObject({ code: '42P01' });
    expect(await query(reads, sql`SELECT ${'12'}::int AS number`)).toEqual([{ number: 12 }]);
  });

  it('answers on a fresh connection when the result columns changed under a prepared statement', async () => {
    if (!onPostgres()) return;
    // One connection, so the second read meets the statement the first one prepared.
    const single = new DataSource({ type: 'postgres', url: (ctx.dataSource.options as { url: string }).url, extra: { max: 1 } });
    await single.initialize();
    try {
      await single.query(`CREATE TABLE prepared_probe (a int)`);
      await single.query(`INSERT INTO prepared_probe VALUES (1)`);
      const reads = preparedReadsOf(single.manager);
      const probe = sql`SELECT *, pg_backend_pid() AS pid FROM prepared_probe WHERE a = ${1}`;
      const [before] = await query<{ a: number; pid: number }>(reads, probe);
      expect(before.a).toBe(1);
      await single.query(`ALTER TABLE prepared_probe ADD COLUMN b text DEFAULT 'added'`);
      const [after] = await query<{ a: number; b: string; pid: number }>(reads, probe);
      expect(after).toMatchObject({ a: 1, b: 'added' });
      // The connection holding the stale statement was closed, not handed out again.
      expect(after.pid).not.toBe(before.pid);
      const [again] = await query<{ b: string; pid: number }>(reads, probe);
      expect(again).toMatchObject({ b: 'added', pid: after.pid });
    } finally {
      await single.query(`DROP TABLE IF EXISTS prepared_probe`);
      await single.destroy();
    }
  });
});
