/**
 * A throwaway PostgreSQL cluster for the fault tests: initdb in a temp folder, started with
 * pg_ctl on a spare loopback port and its own socket folder, stopped and started at will,
 * removed at the end. The main cluster (port 5432) is never touched.
 *
 * initdb and postgres refuse to run as root: as root the cluster runs as the `postgres` user
 * (runuser), and the temp folder is handed to that user. The folder lies in the system's temp
 * folder, not in the results folder: that user must be able to reach it, and a results folder
 * made with `mktemp -d` is closed to everyone but its owner.
 */
import { execFile, spawnSync, SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, log } from 'test/reliability/harness';

/** The newest PostgreSQL binaries on the machine (/usr/lib/postgresql/<version>/bin). */
export function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(base, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)');
  return join(base, versions[0], 'bin');
}

function runAs(user: string | undefined, command: string, args: string[], timeoutMs: number): SpawnSyncReturns<string> {
  const [file, argv] = user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
  return spawnSync(file, argv, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Asynchronous, so that the load running meanwhile in this process is not held up. */
function runAsAsync(user: string | undefined, command: string, args: string[], timeoutMs: number): Promise<{ status: number; output: string }> {
  const [file, argv] = user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
  return new Promise((resolve) => {
    execFile(file, argv, { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      const status = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      resolve({ status, output: `${stdout}${stderr}` });
    });
  });
}

export class ThrowawayCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
    private readonly user: string | undefined,
  ) {}

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** A folder (owned by the user PostgreSQL runs as) with its socket folder, and a spare port. */
  private static async prepare(): Promise<ThrowawayCluster> {
    const bin = postgresBinDir();
    const user = userInfo().uid === 0 ? 'postgres' : undefined;
    const dir = mkdtempSync(join(tmpdir(), 'doorstroom-pg-cluster-'));
    if (user) {
      const pw = spawnSync('id', ['-u', user], { encoding: 'utf8' });
      const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
      if (pw.status !== 0) throw new Error(`running as root and there is no "${user}" user to run PostgreSQL as`);
      chownSync(dir, Number(pw.stdout.trim()), Number(gid.stdout.trim()));
    }
    const cluster = new ThrowawayCluster(dir, await freePort(), bin, user);
    mkdirSync(join(dir, 'socket'), { recursive: true });
    if (user) {
      const uid = Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
      const gid = Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
      chownSync(join(dir, 'socket'), uid, gid);
    }
    return cluster;
  }

  /**
   * A streaming standby of a running cluster: `pg_basebackup -R` (the primary_conninfo and
   * standby.signal written for it), WAL streamed during the copy. Start it with `start()`.
   * initdb's default pg_hba.conf lets replication connections in from the loopback; the
   * default wal_level is `replica`.
   */
  static async standbyOf(primary: ThrowawayCluster): Promise<ThrowawayCluster> {
    const cluster = await ThrowawayCluster.prepare();
    const started = Date.now();
    const backup = await runAsAsync(cluster.user, join(cluster.bin, 'pg_basebackup'), ['-D', cluster.dataDir, '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync'], 300_000);
    if (backup.status !== 0) throw new Error(`pg_basebackup failed: ${backup.output}`);
    log(`standby of port ${primary.port} in ${cluster.dataDir}, port ${cluster.port} (pg_basebackup took ${Date.now() - started} ms)`);
    return cluster;
  }

  /** pg_ctl promote -w: the standby leaves recovery and takes writes of its own. */
  async promote(): Promise<number> {
    const started = Date.now();
    const result = await runAsAsync(this.user, join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-w', '-t', '60', 'promote'], 90_000);
    if (result.status !== 0) throw new Error(`pg_ctl promote failed: ${result.output}`);
    return Date.now() - started;
  }

  static async create(): Promise<ThrowawayCluster> {
    const cluster = await ThrowawayCluster.prepare();
    const { user, bin } = cluster;
    const init = runAs(user, join(bin, 'initdb'), ['-D', cluster.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], 120_000);
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
    log(`throwaway PostgreSQL cluster in ${cluster.dataDir}, port ${cluster.port}`);
    return cluster;
  }

  /** pg_ctl start -w: loopback only, its own socket folder, fsync on. */
  async start(): Promise<number> {
    const started = Date.now();
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${join(this.dir, 'socket')} -c fsync=on -c max_connections=60`;
    const result = await runAsAsync(this.user, join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-l', join(this.dir, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start'], 90_000);
    if (result.status !== 0) throw new Error(`pg_ctl start failed: ${result.output}\n${this.logTail()}`);
    return Date.now() - started;
  }

  /** pg_ctl stop -m <mode> -w. */
  async stop(mode: 'fast' | 'immediate' | 'smart' = 'fast'): Promise<number> {
    const started = Date.now();
    const result = await runAsAsync(this.user, join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop'], 90_000);
    if (result.status !== 0) throw new Error(`pg_ctl stop failed: ${result.output}`);
    return Date.now() - started;
  }

  running(): boolean {
    return runAs(this.user, join(this.bin, 'pg_ctl'), ['-D', this.dataDir, 'status'], 10_000).status === 0;
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(join(this.dir, 'postgres.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no postgres log)';
    }
  }

  /** Stops the cluster (immediately) and removes its folder. */
  destroy(): void {
    try {
      if (this.running()) runAs(this.user, join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-m', 'immediate', '-w', '-t', '60', 'stop'], 90_000);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** A query on a PostgreSQL database by URL, with its own short-lived connection. */
export async function pgQuery<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
