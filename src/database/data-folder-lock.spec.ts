import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFolderInUseError, LOCK_FILE_NAME, LockHolder, lockDataFolder } from 'src/database/data-folder-lock';

describe('the data folder lock', () => {
  let dir: string;
  const lockFile = (): string => join(dir, LOCK_FILE_NAME);
  const writeHolder = (holder: Partial<LockHolder>): void =>
    writeFileSync(lockFile(), JSON.stringify({ pid: process.pid, startTime: null, host: hostname(), command: 'node main.js', since: '2026-01-01T00:00:00.000Z', token: 'other', ...holder }));
  /** The pid of a process that has exited. */
  const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doorstroom-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the folder with this pid, refuses a second holder with a message that names the holder, and lets go on release', () => {
    const lock = lockDataFolder(dir);
    const recorded = JSON.parse(readFileSync(lockFile(), 'utf8')) as LockHolder;
    expect(recorded.pid).toBe(process.pid);
    let refused: unknown;
    try {
      lockDataFolder(dir);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DataFolderInUseError);
    expect((refused as Error).message).toContain(`is in use by another Doorstroom process (pid ${process.pid}`);
    expect((refused as Error).message).toContain('Stop that process first');
    lock.release();
    expect(existsSync(lockFile())).toBe(false);
    lockDataFolder(dir).release();
  });

  it('takes over the lock of a process that died', () => {
    const pid = deadPid();
    expect(pid).toBeGreaterThan(0);
    writeHolder({ pid });
    const lock = lockDataFolder(dir);
    expect((JSON.parse(readFileSync(lockFile(), 'utf8')) as LockHolder).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to a process that started at another time (a reused pid)', () => {
    writeHolder({ pid: process.pid, startTime: '1' });
    lockDataFolder(dir).release();
  });

  it('takes over an empty or unreadable lock file (a crash while writing it)', () => {
    writeFileSync(lockFile(), '');
    lockDataFolder(dir).release();
  });

  it('refuses a lock of another host, whose processes it cannot check, and says how to clear it', () => {
    writeHolder({ host: 'elsewhere.example', pid: 1 });
    expect(() => lockDataFolder(dir)).toThrow(`if no service runs there any more, delete ${lockFile()}`);
  });

  it('releases only its own lock', () => {
    const lock = lockDataFolder(dir);
    writeHolder({ token: 'someone-else' });
    lock.release();
    expect(existsSync(lockFile())).toBe(true);
  });
});
