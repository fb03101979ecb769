import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';
import { createServer, Server, Socket } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataFolderLock, lockDataFolder } from 'src/database/data-folder-lock';
import { DatabaseAddress, ensurePostgresDatabase } from 'src/database/postgres-preflight';
import { SessionQueue } from 'src/database/session-queue';

/** Where the `pg` driver connects: a PostgreSQL URL, or the socket of the embedded database. */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string }
  | { kind: 'embedded'; socketDir: string; port: number; user: string; database: string };

export interface DatabaseConnection {
  target: DatabaseTarget;
  /** Stops the embedded database cleanly (a checkpoint on disk); a no-op for PostgreSQL. */
  close(): Promise<void>;
  /** Set when the PostgreSQL database did not exist and was created on opening. */
  created?: DatabaseAddress;
}

export interface EmbeddedDatabaseOptions {
  /** Folder for the data; undefined keeps everything in memory (tests). */
  dataDir?: string;
  /** Concurrent client connections the socket multiplexer accepts. */
  maxConnections: number;
}

// The pg driver finds a Unix socket as `<dir>/.s.PGSQL.<port>`.
const SOCKET_PORT = 5432;

/**
 * Starts PGlite in-process and serves it on a private Unix socket, so the application talks to
 * it through the ordinary `pg` driver, exactly as it talks to PostgreSQL. A Unix socket in a
 * fresh 0700 folder keeps other local users and processes out, which a TCP port would not.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<DatabaseConnection> {
  let dataDir: string | undefined;
  let lock: DataFolderLock | undefined;
  if (options.dataDir) {
    dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    // One process at a time: PGlite keeps the database in this process's memory, so a second
    // process's writes would never reach the first and be lost at its next checkpoint.
    lock = lockDataFolder(dataDir);
  }
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir ? { dataDir } : {});
  } catch (error) {
    lock?.release();
    throw error;
  }
  const socketDir = mkdtempSync(join(tmpdir(), 'doorstroom-db-'));
  let server: Server;
  let handlers: Set<PGLiteSocketHandler>;
  try {
    ({ server, handlers } = await serve(db, join(socketDir, `.s.PGSQL.${SOCKET_PORT}`), options.maxConnections));
  } catch (error) {
    await db.close();
    rmSync(socketDir, { recursive: true, force: true });
    lock?.release();
    throw error;
  }

  let closed = false;
  return {
    target: { kind: 'embedded', socketDir, port: SOCKET_PORT, user: 'postgres', database: 'postgres' },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await Promise.all([...handlers].map((handler) => handler.detach(true)));
        await new Promise<void>((done) => server.close(() => done()));
      } finally {
        try {
          await db.close();
        } finally {
          rmSync(socketDir, { recursive: true, force: true });
          lock?.release();
        }
      }
    },
  };
}

/**
 * The socket server: pglite-socket's protocol handler per connection, with one SessionQueue that
 * keeps each connection's request cycles and transactions whole (see session-queue.ts).
 */
async function serve(db: PGlite, path: string, maxConnections: number): Promise<{ server: Server; handlers: Set<PGLiteSocketHandler> }> {
  const queue = new SessionQueue(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const server = createServer((socket: Socket) => {
    if (handlers.size >= maxConnections) {
      socket.destroy();
      return;
    }
    // The handler's type names pglite-socket's own queue class; SessionQueue has its interface.
    const handler = new PGLiteSocketHandler({ queryQueue: queue as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]['queryQueue'], closeOnDetach: true });
    handlers.add(handler);
    handler.addEventListener('close', () => handlers.delete(handler));
    handler.addEventListener('error', () => handlers.delete(handler));
    handler.attach(socket).catch(() => {
      handlers.delete(handler);
      socket.destroy();
    });
  });
  server.maxConnections = maxConnections;
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  return { server, handlers };
}

export async function openDatabase(config: {
  url?: string;
  dataDir?: string;
  poolSize: number;
  /** Create the PostgreSQL database of `url` when it does not exist and the role may (never in production). */
  createMissingDatabase?: boolean;
}): Promise<DatabaseConnection> {
  if (config.url) {
    const { created, address } = await ensurePostgresDatabase(config.url, { create: config.createMissingDatabase ?? false });
    return { target: { kind: 'postgres', url: config.url }, close: () => Promise.resolve(), ...(created ? { created: address } : {}) };
  }
  // Room for the pool plus the migration runner and health checks.
  return startEmbeddedDatabase({ dataDir: config.dataDir, maxConnections: config.poolSize + 5 });
}
