import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

// The browser the tests drive. By default the Chromium that `npm ci` brings (@sparticuz/chromium,
// a headless build that needs no system packages beyond the C, NSS and expat libraries); with
// CHROMIUM_PATH another executable (e.g. Debian's /usr/bin/chromium).

const run = promisify(execFile);

/** The npm package ships Chromium brotli-compressed; the first run unpacks it (~200 MB) once. */
const PACKAGE_MAIN = require.resolve('@sparticuz/chromium');
const PACKAGE_DIR = dirname(dirname(dirname(PACKAGE_MAIN)));

export interface ChromiumExecutable {
  path: string;
  /** Where it came from, for error messages. */
  source: string;
}

/** CHROMIUM_PATH when set, else the npm-provided Chromium, unpacked on first use. */
export async function chromiumExecutable(): Promise<ChromiumExecutable> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH points at ${configured}, which does not exist. Unset it to use the Chromium that npm ci installs.`);
    return { path: configured, source: `CHROMIUM_PATH (${configured})` };
  }
  return { path: await unpackedChromium(), source: '@sparticuz/chromium' };
}

/**
 * Unpacks the package's Chromium next to node_modules (node_modules/.cache), keyed by its
 * version, so a reinstall or an upgrade starts clean. The package itself would unpack into a
 * fixed name in the temporary folder, shared by every checkout and version on the machine and
 * left half-written when interrupted; here it unpacks into a private folder that is renamed
 * into place only when complete, so parallel runs and a killed first run cannot leave a broken
 * browser behind.
 */
async function unpackedChromium(): Promise<string> {
  const { version } = JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };
  const cache = join(PACKAGE_DIR, '..', '..', '.cache', 'doorstroom-chromium');
  const target = join(cache, version);
  const executable = join(target, 'chromium');
  if (existsSync(executable)) return executable;

  await mkdir(cache, { recursive: true });
  await removeAbandoned(cache);
  const staging = join(cache, `${version}.partial-${process.pid}-${Date.now()}`);
  await mkdir(staging);
  try {
    // The package unpacks into os.tmpdir(), which follows TMPDIR: a child process with TMPDIR set
    // to the staging folder keeps this process's environment untouched.
    const started = Date.now();
    const script = `require(${JSON.stringify(PACKAGE_MAIN)}).executablePath().then((path) => process.stdout.write(path))`;
    const { stdout } = await run(process.execPath, ['-e', script], {
      env: { ...process.env, TMPDIR: staging },
      timeout: 300_000,
    });
    if (stdout !== join(staging, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${stdout}, expected ${join(staging, 'chromium')}`);
    try {
      await rename(staging, target);
    } catch (error) {
      // Another run finished first: use its copy.
      const code = (error as NodeJS.ErrnoException).code;
      if (!((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(executable))) throw error;
    }
    process.stderr.write(`Unpacked the npm-provided Chromium ${version} into ${target} in ${((Date.now() - started) / 1000).toFixed(1)} s (first run only).\n`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return executable;
}

/** Staging folders of runs that were killed while unpacking (their process is gone). */
async function removeAbandoned(cache: string): Promise<void> {
  for (const name of await readdir(cache)) {
    const pid = Number(/\.partial-(\d+)-/.exec(name)?.[1]);
    if (!pid || isRunning(pid)) continue;
    await rm(join(cache, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
