import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { EX_TEMPFAIL, SetupError } from 'src/common/setup-error';

/** The lock file inside the embedded database's data folder. PostgreSQL ignores files it does not know. */
export const LOCK_FILE_NAME = 'doorstroom.lock';

/** What the lock file records about the process that holds the folder. */
export interface LockHolder {
  pid: number;
  /** Start time of the process (Linux: clock ticks since boot), so that a reused pid is not taken for the holder. */
  startTime: string | null;
  host: string;
  command: string;
  since: string;
  /** Unique per acquisition: a process releases only its own lock. */
  token: string;
}

/** Another live process holds the data folder; the message says which and what to do. */
export class DataFolderInUseError extends SetupError {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
    readonly lockFile: string,
  ) {
    const sameHost = holder.host === hostname();
    super(
      'data-folder-in-use',
      `The data folder ${dataDir} is in use by another Doorstroom process (pid ${holder.pid}` +
        `${sameHost ? '' : ` on host ${holder.host}`}, since ${holder.since}: ${holder.command}). ` +
        'The embedded database has one owner at a time: a change made beside the running service would be lost. ' +
        'Stop that process first, or make the change through its API (/v1/regions, /v1/institutions, /v1/clients). ' +
        (sameHost
          ? `The lock (${lockFile}) is removed when that process stops, and ignored once it has died.`
          : `That host's processes cannot be checked from here: if no service runs there any more, delete ${lockFile}.`),
      EX_TEMPFAIL,
    );
    this.name = 'DataFolderInUseError';
  }
}

export interface DataFolderLock {
  readonly lockFile: string;
  /** Removes the lock file if it is still this acquisition's. */
  release(): void;
}

/** Linux: field 22 of /proc/<pid>/stat, the process start time; elsewhere unknown (null). */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces; count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the recorded holder is a live process on this host (and the same process, not a reused pid). */
export function holderIsAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  if (!Number.isInteger(holder.pid) || holder.pid <= 0 || !isAlive(holder.pid)) return false;
  if (holder.startTime === null) return true;
  const current = processStartTime(holder.pid);
  return current === null || current === holder.startTime;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string') return undefined;
    return {
      pid: parsed.pid,
      startTime: typeof parsed.startTime === 'string' ? parsed.startTime : null,
      host: typeof parsed.host === 'string' ? parsed.host : hostname(),
      command: typeof parsed.command === 'string' ? parsed.command : 'unknown command',
      since: typeof parsed.since === 'string' ? parsed.since : 'unknown',
      token: parsed.token,
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    return undefined;
  }
}

const describeCommand = (): string =>
  process.argv
    .slice(1, 4)
    .map((part) => part.replace(/^.*[\\/](?=[^\\/]+$)/, ''))
    .join(' ')
    .slice(0, 200);

/**
 * Takes the data folder for this process: creates `<dataDir>/doorstroom.lock` exclusively with
 * the pid, or throws DataFolderInUseError when another live process holds it. A lock left by a
 * process that died (kill -9, a crash, a reboot) is taken over: its pid no longer runs, or runs
 * a process that started at another time. Everything that opens the embedded database goes
 * through startEmbeddedDatabase, which takes this lock first.
 */
export function lockDataFolder(dataDir: string): DataFolderLock {
  const lockFile = join(dataDir, LOCK_FILE_NAME);
  const holder: LockHolder = {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    host: hostname(),
    command: describeCommand(),
    since: new Date().toISOString(),
    token: randomBytes(12).toString('hex'),
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(holder)}\n`);
      } finally {
        closeSync(fd);
      }
      return {
        lockFile,
        release: () => {
          try {
            if (readHolder(lockFile)?.token === holder.token) unlinkSync(lockFile);
          } catch {
            // Already gone.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let current: LockHolder | undefined;
    try {
      current = readHolder(lockFile);
    } catch {
      continue; // removed in the meantime: try again
    }
    if (current === undefined) {
      // Being written by its creator this very moment, or left empty by a crash at that moment.
      if (attempt < 10) {
        sleepSync(50);
        continue;
      }
    } else if (holderIsAlive(current)) {
      throw new DataFolderInUseError(dataDir, current, lockFile);
    }
    removeStale(lockFile, current);
  }
  throw new Error(`could not lock the data folder ${dataDir}: the lock file ${lockFile} keeps changing`);
}

/**
 * Removes a stale lock without removing a fresh one that another process created since it was
 * read: the file is moved aside first, and put back if it turns out to be another one.
 */
function removeStale(lockFile: string, stale: LockHolder | undefined): void {
  const aside = `${lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockFile, aside);
  } catch {
    return; // someone else moved or removed it
  }
  let moved: LockHolder | undefined;
  try {
    moved = readHolder(aside);
  } catch {
    moved = undefined;
  }
  if (moved !== undefined && moved.token !== stale?.token) {
    try {
      linkSync(aside, lockFile);
    } catch {
      // A third process took the folder in between; it holds the lock now.
    }
  }
  unlinkSync(aside);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
