import { Client, ClientConfig } from 'pg';
import { EX_CONFIG, SetupError } from 'src/common/setup-error';

/** PostgreSQL error codes: the database does not exist; a duplicate database; not allowed. */
const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
const INSUFFICIENT_PRIVILEGE = '42501';

/** The database named in DATABASE_URL does not exist and was not created; the message says what to do. */
export class DatabaseMissingError extends SetupError {
  constructor(message: string) {
    super('database-missing', message, EX_CONFIG);
    this.name = 'DatabaseMissingError';
  }
}

/** Where a URL points, without its password, for messages. */
export interface DatabaseAddress {
  database: string;
  role: string;
  server: string;
}

export function describeDatabaseUrl(url: string): DatabaseAddress {
  const parsed = new URL(url);
  const role = decodeURIComponent(parsed.username) || process.env.PGUSER || process.env.USER || 'postgres';
  // libpq's rule: without a database in the URL, the database has the role's name.
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || role;
  const server = `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  return { database, role, server };
}

const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;

async function connectOnce(config: ClientConfig): Promise<Client> {
  const client = new Client({ ...config, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Makes sure the database of `url` exists before the service (or a command) starts on it.
 * When it does not: creates it through the server's maintenance database `postgres` if `create`
 * is set and the role may (CREATEDB), and otherwise throws DatabaseMissingError, whose message
 * names the database, the server and the commands that fix it. Other connection problems (server
 * down, wrong password) are left to the ordinary connection, which retries them.
 */
export async function ensurePostgresDatabase(url: string, options: { create: boolean }): Promise<{ created: boolean; address: DatabaseAddress }> {
  const address = describeDatabaseUrl(url);
  try {
    const client = await connectOnce({ connectionString: url });
    await client.end();
    return { created: false, address };
  } catch (error) {
    if (codeOf(error) !== INVALID_CATALOG_NAME) return { created: false, address };
  }

  const { database, role, server } = address;
  const [host, port] = server.split(':');
  const fix =
    `Create it as a role that may, e.g. \`createdb -h ${host} -p ${port} -O ${role} ${database}\` ` +
    `or \`CREATE DATABASE ${quoteIdentifier(database)} OWNER ${quoteIdentifier(role)};\`, or point DATABASE_URL at an existing database.`;
  if (!options.create) {
    throw new DatabaseMissingError(`The database "${database}" does not exist on ${server}; in production the service does not create it. ${fix}`);
  }

  const maintenanceUrl = new URL(url);
  maintenanceUrl.pathname = '/postgres';
  let admin: Client;
  try {
    admin = await connectOnce({ connectionString: maintenanceUrl.toString() });
  } catch (error) {
    throw new DatabaseMissingError(
      `The database "${database}" does not exist on ${server}, and the role "${role}" cannot reach the maintenance database "postgres" to create it` +
        ` (${codeOf(error) ?? 'connection failed'}). ${fix}`,
    );
  }
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
    return { created: true, address };
  } catch (error) {
    const code = codeOf(error);
    // Another replica or command created it at the same moment.
    if (code === DUPLICATE_DATABASE) return { created: false, address };
    throw new DatabaseMissingError(
      `The database "${database}" does not exist on ${server}, and the role "${role}" may not create it` +
        ` (${code === INSUFFICIENT_PRIVILEGE ? 'permission denied: the role has no CREATEDB' : (code ?? 'CREATE DATABASE failed')}). ${fix}`,
    );
  } finally {
    await admin.end().catch(() => undefined);
  }
}
