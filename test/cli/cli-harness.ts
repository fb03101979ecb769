import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from 'src/cli/doorstroom';
import { CliIo } from 'src/cli/io';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const collect = (): { stream: PassThrough & { isTTY?: boolean }; text: () => string } => {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
};

/** Runs the command line in this process with captured output and the given environment only. */
export async function runInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = collect();
  const stderr = collect();
  const io: CliIo = { stdout: stdout.stream, stderr: stderr.stream, env };
  const code = await runCli(args, io);
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const ROOT = join(__dirname, '..', '..');

/** Runs src/cli/doorstroom.ts as its own process, the way `npx doorstroom` runs the built file. */
export function runAsProcess(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(ROOT, 'src/cli/doorstroom.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
