import { DataSource } from 'typeorm';
import { DatabaseConnection } from 'src/database/database-connection';
import { buildDataSourceOptions } from 'src/database/data-source-options';
import { createScratchDatabase, scratchBaseUrl } from 'src/database/scratch-database';
import { empty, execute, ident, join, param, prepare, query, queryOne, sql } from 'src/database/sql';

describe('sql (rendering)', () => {
  it('numbers parameters in the order of the text', () => {
    const statement = sql`SELECT * FROM enrolments WHERE institution_id = ${'i-1'} AND cohort = ${2023}`;
    expect(statement.text).toBe('SELECT * FROM enrolments WHERE institution_id = $1 AND cohort = $2');
    expect(statement.values).toEqual(['i-1', 2023]);
  });

  it('splices nested fragments and renumbers their parameters', () => {
    const cohort = sql`AND cohort = ${2023}`;
    const pseudonym = sql`AND pseudonym = ${'ab'}`;
    const statement = sql`SELECT 1 FROM t WHERE a = ${'x'} ${cohort} ${pseudonym} LIMIT ${10}`;
    expect(statement.text).toBe('SELECT 1 FROM t WHERE a = $1 AND cohort = $2 AND pseudonym = $3 LIMIT $4');
    expect(statement.values).toEqual(['x', 2023, 'ab', 10]);
    // Fragments nested two deep; one fragment used twice binds its values once.
    const twice = sql`${sql`(${sql`${1} + ${cohort}`})`} OR ${cohort} OR ${sql`cohort = ${2023}`}`;
    expect(twice.text).toBe('($1 + AND cohort = $2) OR AND cohort = $2 OR cohort = $3');
    expect(twice.values).toEqual([1, 2023, 2023]);
  });

  it('binds one param() once wherever it appears', () => {
    const batch = param('b-1');
    const statement = sql`INSERT INTO t (x, created, updated) VALUES (${'v'}, ${batch}, ${batch}) RETURNING ${batch} = ${'b-1'}`;
    expect(statement.text).toBe('INSERT INTO t (x, created, updated) VALUES ($1, $2, $2) RETURNING $2 = $3');
    expect(statement.values).toEqual(['v', 'b-1', 'b-1']);
    // In a fragment placed after other parameters it takes the next free number.
    expect(sql`${'a'} ${sql`${batch}, ${batch}`}`.text).toBe('$1 $2, $2');
  });

  it('joins fragments, with `, ` by default and `empty` for none', () => {
    const conditions = [sql`a = ${1}`, sql`b = ${2}`, sql`c = ${3}`];
    expect(join(conditions, sql` AND `).text).toBe('a = $1 AND b = $2 AND c = $3');
    expect(join(conditions).text).toBe('a = $1, b = $2, c = $3');
    expect(join([]).text).toBe('');
    expect(sql`SELECT 1${join([])}${empty}`.text).toBe('SELECT 1');
    expect(sql`SELECT 1 ${empty}`.values).toEqual([]);
  });

  it('passes an array as one parameter and requires a cast after it', () => {
    const statement = sql`SELECT 1 WHERE kind = ANY(${['a', 'b']}::text[])`;
    expect(statement.text).toBe('SELECT 1 WHERE kind = ANY($1::text[])');
    expect(statement.values).toEqual([['a', 'b']]);
    expect(() => sql`SELECT 1 WHERE kind = ANY(${['a', 'b']})`).toThrow(/array value 1 needs an explicit cast/);
    expect(() => sql`SELECT ${[1]}`).toThrow(/explicit cast/);
  });

  it('refuses undefined, so a missing filter value cannot widen a query', () => {
    const institutionId = undefined as unknown as string;
    expect(() => sql`SELECT 1 FROM t WHERE institution_id = ${institutionId}`).toThrow(/value 1 is undefined/);
    expect(() => param(undefined as unknown as string)).toThrow(/undefined/);
    // null is a value: SQL NULL.
    expect(sql`SELECT ${null}::text`.values).toEqual([null]);
  });

  it('treats text values as parameters, never as SQL', () => {
    const hostile = `x'; DROP TABLE enrolments; --`;
    const statement = sql`SELECT 1 FROM t WHERE code = ${hostile}`;
    expect(statement.text).toBe('SELECT 1 FROM t WHERE code = $1');
    expect(statement.values).toEqual([hostile]);
  });

  it('prepares a statement once and binds each call\'s values in its slots', () => {
    let builds = 0;
    const bind = prepare<'batch' | 'rows'>((slot) => {
      builds++;
      return sql`UPDATE b SET total = ${slot('rows')}, checked = ${30} WHERE id = ${slot('batch')} AND total < ${slot('rows')}`;
    });
    expect(bind({ batch: 'b-1', rows: 10 })).toEqual({ text: 'UPDATE b SET total = $1, checked = $2 WHERE id = $3 AND total < $1', values: [10, 30, 'b-1'] });
    expect(bind({ batch: 'b-2', rows: 20 }).values).toEqual([20, 30, 'b-2']);
    expect(builds).toBe(1);
    expect(() => bind({ batch: undefined as unknown as string, rows: 1 })).toThrow(/slot batch is undefined/);
  });

  it('takes identifiers only from the list given', () => {
    const allowed = ['cohort', 'start_date', 'r.cohort', 'Odd Name'];
    expect(sql`ORDER BY ${ident('start_date', allowed)} DESC`.text).toBe('ORDER BY start_date DESC');
    expect(sql`SELECT ${ident('r.cohort', allowed)}`.text).toBe('SELECT r.cohort');
    expect(sql`SELECT ${ident('Odd Name', allowed)}`.text).toBe('SELECT "Odd Name"');
    expect(() => ident('cohort; DROP TABLE enrolments', allowed)).toThrow(/not one of the allowed names/);
    expect(() => ident('pseudonym', allowed)).toThrow(/not one of the allowed names/);
  });
});

describe('sql (on the database)', () => {
  let connection: DatabaseConnection;
  let dataSource: DataSource;

  beforeAll(async () => {
    connection = await createScratchDatabase(scratchBaseUrl(), { maxConnections: 4 });
    dataSource = new DataSource({ ...buildDataSourceOptions(connection.target, { poolSize: 2, statementTimeoutMs: 10_000 }, []), migrations: [] });
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE sql_probe (id int PRIMARY KEY, kind text NOT NULL, note text)`);
    await dataSource.query(`INSERT INTO sql_probe VALUES (1, 'a', NULL), (2, 'b', 'x'), (3, 'c', 'y')`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await connection?.close();
  });

  it('answers rows through a DataSource, an EntityManager and a QueryRunner alike', async () => {
    const statement = sql`SELECT id FROM sql_probe WHERE kind = ANY(${['a', 'c', `a' OR true --`]}::text[]) ORDER BY id`;
    expect(await query<{ id: number }>(dataSource, statement)).toEqual([{ id: 1 }, { id: 3 }]);
    expect(await query<{ id: number }>(dataSource.manager, statement)).toEqual([{ id: 1 }, { id: 3 }]);
    const runner = dataSource.createQueryRunner();
    try {
      expect(await query<{ id: number }>(runner, statement)).toEqual([{ id: 1 }, { id: 3 }]);
    } finally {
      await runner.release();
    }
    expect(await queryOne<{ id: number }>(dataSource, sql`SELECT id FROM sql_probe WHERE id = ${99}`)).toBeUndefined();
  });

  it('answers the RETURNING rows of an UPDATE, and execute() its count', async () => {
    await dataSource.transaction(async (manager) => {
      const rows = await query<{ id: number }>(manager, sql`UPDATE sql_probe SET note = ${'z'} WHERE id = ANY(${[2, 3]}::int[]) RETURNING id`);
      expect(rows.map((row) => row.id).sort()).toEqual([2, 3]);
      expect(await execute(manager, sql`UPDATE sql_probe SET note = ${null} WHERE note = ${'z'}`)).toBe(2);
      expect(await execute(manager, sql`DELETE FROM sql_probe WHERE id = ${99}`)).toBe(0);
    });
    expect(await query(dataSource, sql`SELECT id FROM sql_probe WHERE note IS NULL ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('runs composed fragments with a shared parameter as one statement', async () => {
    const kind = param('b');
    const filters = [sql`kind = ${kind}`, sql`id >= ${1}`];
    const statement = sql`SELECT id, ${kind}::text AS asked FROM sql_probe WHERE ${join(filters, sql` AND `)} ORDER BY ${ident('id', ['id', 'kind'])}`;
    expect(statement.text).toBe('SELECT id, $1::text AS asked FROM sql_probe WHERE kind = $1 AND id >= $2 ORDER BY id');
    expect(await query(dataSource, statement)).toEqual([{ id: 2, asked: 'b' }]);
  });
});
