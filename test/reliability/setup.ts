/** Jest global setup of the reliability suite: a fresh figures file for this run, and the build. */
// Jest's module mapping does not reach a global setup: resolve the `scripts/…` alias of the harness.
import 'tsconfig-paths/register';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, resultsDir } from './harness';

export default function setup(): void {
  const dir = resultsDir();
  writeFileSync(join(dir, 'figures.jsonl'), '');
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ startedAt: new Date().toISOString() }));
  ensureBuilt();
}
