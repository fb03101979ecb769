/** Jest global teardown of the reliability suite: prints the figures this run recorded. */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { resultsDir } from './harness';

export default function report(): void {
  const dir = resultsDir();
  const file = join(dir, 'figures.jsonl');
  if (!existsSync(file)) return;
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const run = existsSync(join(dir, 'run.json')) ? (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { startedAt: string }) : undefined;
  const seconds = run ? Math.round((Date.now() - Date.parse(run.startedAt)) / 1000) : undefined;
  const out = [
    '',
    `Reliability figures (${new Date().toISOString()}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}${seconds !== undefined ? `; suite ${seconds} s` : ''}):`,
    ...lines.map((line) => {
      const { test, at: _at, ...data } = JSON.parse(line) as Record<string, unknown>;
      return `  ${String(test)}: ${JSON.stringify(data)}`;
    }),
    `(also in ${file})`,
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}
