import { Pool } from 'pg';
import { DatabaseConnection, startEmbeddedDatabase } from 'src/database/database-connection';

/** The embedded database shared by several pooled connections, as the service uses it. */
describe('embedded database (PGlite over a socket)', () => {
  let database: DatabaseConnection;
  let pool: Pool;

  beforeAll(async () => {
    database = await startEmbeddedDatabase({ maxConnections: 12 });
    if (database.target.kind !== 'embedded') throw new Error('expected the embedded database');
    pool = new Pool({ host: database.target.socketDir, port: database.target.port, user: database.target.user, database: database.target.database, max: 8 });
    await pool.query('CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)');
  });
  afterAll(async () => {
    await pool.end();
    await database.close();
  });

  it('keeps concurrent parameterised queries of different connections apart', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) => pool.query<{ value: number; text: string }>('SELECT $1::int * 2 AS value, $2::text AS text', [index, `label-${index}`])),
    );
    results.forEach((result, index) => expect(result.rows[0]).toEqual({ value: index * 2, text: `label-${index}` }));
  });

  it('keeps a transaction to its own connection: others never see or join it', async () => {
    const inTransaction = await pool.connect();
    try {
      await inTransaction.query('BEGIN');
      await inTransaction.query('INSERT INTO items VALUES ($1, $2)', [1, 'uncommitted']);
      // Another connection's query waits for the transaction rather than running inside it.
      const outside = pool.query<{ count: string }>('SELECT count(*) FROM items');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await inTransaction.query('ROLLBACK');
      expect((await outside).rows[0].count).toBe('0');
    } finally {
      inTransaction.release();
    }
  });

  it('runs many concurrent transactions, each all-or-nothing', async () => {
    await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('INSERT INTO items VALUES ($1, $2)', [100 + index, 'a']);
          await client.query('INSERT INTO items VALUES ($1, $2)', [200 + index, 'b']);
          await client.query(index % 2 === 0 ? 'COMMIT' : 'ROLLBACK');
        } finally {
          client.release();
        }
      }),
    );
    const { rows } = await pool.query<{ id: number }>('SELECT id FROM items WHERE id >= 100 ORDER BY id');
    const expected = Array.from({ length: 20 }, (_, index) => index)
      .filter((index) => index % 2 === 0)
      .flatMap((index) => [100 + index, 200 + index])
      .sort((a, b) => a - b);
    expect(rows.map((row) => row.id)).toEqual(expected);
  });

  it('rolls back the transaction of a connection that disappears', async () => {
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO items VALUES ($1, $2)', [999, 'lost']);
    client.release(new Error('drop this connection'));
    const { rows } = await pool.query<{ count: string }>('SELECT count(*) FROM items WHERE id = 999');
    expect(rows[0].count).toBe('0');
  });
});
