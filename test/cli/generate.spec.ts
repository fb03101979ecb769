import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCohorts } from 'src/cli/generate';
import { runInProcess } from 'test/cli/cli-harness';

describe('doorstroom generate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doorstroom-generate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes CSV files per institution and a manifest with the planted breaks, the same for the same seed', async () => {
    const run = await runInProcess(['generate', '--students', '3000', '--cohorts', '2015-2025', '--seed', '42', '--out', join(dir, 'a')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/generated region RIJNSTAD \(seed 42, cohorts 2015-2025, as of 2026-10-01\)/);
    expect(run.stderr).toContain('planted trendbreuk');
    expect(run.stderr).toContain('planted leveringsbreuk');
    expect(readdirSync(join(dir, 'a'))).toEqual(expect.arrayContaining(['region.json', 'enrolments-92HA.csv', 'leavers-90VB.csv']));
    const manifest = JSON.parse(readFileSync(join(dir, 'a', 'region.json'), 'utf8')) as { students: number; plantedBreaks: Array<{ kind: string; cohort: number }> };
    expect(manifest.students).toBe(3000);
    expect(manifest.plantedBreaks.map((b) => b.kind)).toEqual(['trendbreuk', 'leveringsbreuk']);

    await runInProcess(['generate', '--students', '3000', '--cohorts', '2015-2025', '--seed', '42', '--out', join(dir, 'b')]);
    for (const file of readdirSync(join(dir, 'a'))) expect(readFileSync(join(dir, 'b', file))).toEqual(readFileSync(join(dir, 'a', file)));
  });

  it('writes JSON batch files with --format json', async () => {
    const run = await runInProcess(['generate', '--students', '2000', '--cohorts', '2020-2024', '--out', dir, '--format', 'json', '--batch-size', '100']);
    expect(run.code).toBe(0);
    const batch = JSON.parse(readFileSync(join(dir, 'enrolments-92HA', 'batch-0001.json'), 'utf8')) as { records: unknown[] };
    expect(batch.records).toHaveLength(100);
    expect(existsSync(join(dir, 'leavers-90VB', 'batch-0001.json'))).toBe(true);
  });

  it('refuses bad options with a usage error', async () => {
    expect((await runInProcess(['generate', '--cohorts', '2025-2015', '--out', dir])).code).toBe(64);
    expect((await runInProcess(['generate', '--students', 'many', '--out', dir])).code).toBe(64);
    expect((await runInProcess(['generate', '--format', 'xml', '--out', dir])).code).toBe(64);
    expect((await runInProcess(['generate', '--batch-size', '20000', '--format', 'json', '--out', dir])).code).toBe(64);
    expect(parseCohorts('2015–2025')).toEqual([2015, 2025]);
    expect(parseCohorts('2024')).toEqual([2024, 2024]);
  });
});
