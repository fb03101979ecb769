import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { openDatabase } from 'src/database/database-connection';
import { DatabaseMissingError, ensurePostgresDatabase } from 'src/database/postgres-preflight';
import { scratchBaseUrl } from 'src/database/scratch-database';

/**
 * A DATABASE_URL whose database does not exist yet, on the PostgreSQL server of the tests (only
 * with TEST_DATABASE_URL or DATABASE_URL): created where that is allowed, else one clear message.
 */
const baseUrl = scratchBaseUrl();
const ROOT = join(__dirname, '..', '..');

(baseUrl ? describe : describe.skip)('a database that does not exist yet', () => {
  const created: string[] = [];
  const roles: string[] = [];
  const newName = (): string => `doorstroom_missing_${randomBytes(5).toString('hex')}`;
  const urlFor = (database: string, role?: string): string => {
    const url = new URL(baseUrl!);
    url.pathname = `/${database}`;
    if (role) {
      url.username = role;
      url.password = '';
    }
    return url.toString();
  };
  const admin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: baseUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const exists = (database: string): Promise<boolean> =>
    admin(async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1);

  afterAll(async () => {
    await admin(async (client) => {
      for (const database of created) await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      for (const role of roles) await client.query(`DROP ROLE IF EXISTS "${role}"`);
    });
  });

  it('is created on opening outside production, when the role may', async () => {
    const name = newName();
    created.push(name);
    const database = await openDatabase({ url: urlFor(name), poolSize: 1, createMissingDatabase: true });
    expect(database.created).toMatchObject({ database: name });
    expect(await exists(name)).toBe(true);
    const client = new Client({ connectionString: urlFor(name) });
    await client.connect();
    expect((await client.query('SELECT current_database() AS name')).rows[0].name).toBe(name);
    await client.end();
    // a second opening finds it
    expect((await openDatabase({ url: urlFor(name), poolSize: 1, createMissingDatabase: true })).created).toBeUndefined();
  });

  it('is not created in production: the error says what to do', async () => {
    const name = newName();
    const failure = ensurePostgresDatabase(urlFor(name), { create: false });
    await expect(failure).rejects.toBeInstanceOf(DatabaseMissingError);
    await expect(failure).rejects.toThrow(`The database "${name}" does not exist on `);
    await expect(failure).rejects.toThrow(`CREATE DATABASE "${name}"`);
    expect(await exists(name)).toBe(false);
  });

  it('is explained when the role may not create it (no CREATEDB)', async () => {
    const role = `doorstroom_nocreate_${randomBytes(4).toString('hex')}`;
    roles.push(role);
    await admin((client) => client.query(`CREATE ROLE "${role}" LOGIN NOCREATEDB`));
    const name = newName();
    const failure = ensurePostgresDatabase(urlFor(name, role), { create: true });
    await expect(failure).rejects.toThrow(`the role "${role}" may not create it (permission denied: the role has no CREATEDB)`);
    expect(await exists(name)).toBe(false);
  });

  it('stops the service with one JSON log line, not nine retries with stack traces', async () => {
    const name = newName();
    const child = spawn(process.execPath, ['--experimental-vm-modules', '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(ROOT, 'src/main.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        NODE_ENV: 'production',
        DATABASE_URL: urlFor(name),
        JWT_SECRET: randomBytes(32).toString('hex'),
        HOST: '127.0.0.1',
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);

    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as { level: number; code: string; msg: string };
    expect(line).toMatchObject({ level: 60, code: 'database-missing' });
    expect(line.msg).toContain(`The database "${name}" does not exist`);
    expect(line.msg).toContain('createdb');
    expect(line.msg).not.toMatch(/\n\s+at /);
    expect(code).toBe(78);
    expect(await exists(name)).toBe(false);
  }, 200_000);
});
