import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUERIES_DIR, readSnapshots, renderSqlSnapshots, staleSnapshots } from 'scripts/sql-snapshots';

describe('SQL snapshots (src/queries)', () => {
  it('the committed snapshots are the SQL the repositories send', async () => {
    const rendered = await renderSqlSnapshots();
    const committed = readSnapshots(QUERIES_DIR);
    expect(staleSnapshots(rendered, committed)).toEqual([]);
    expect(rendered.size).toBeGreaterThanOrEqual(10);
    // Spot checks: tenant first, numbered parameters, cast arrays.
    expect(committed.get('records.repository.sql')).toContain('FROM enrolments WHERE institution_id = $1 AND cohort = $2 AND pseudonym = $3 AND programme_code = $4');
    expect(committed.get('jobs.repository.sql')).toContain('kind = ANY($1::text[])');
  });

  it('names a snapshot that is missing, extra or changed', () => {
    const rendered = new Map([
      ['a.sql', 'SELECT 1;\n'],
      ['b.sql', 'SELECT 2;\n'],
    ]);
    expect(staleSnapshots(rendered, new Map(rendered))).toEqual([]);
    expect(staleSnapshots(rendered, new Map([['a.sql', 'SELECT 1;\n']]))).toEqual(['b.sql']);
    expect(staleSnapshots(rendered, new Map([...rendered, ['c.sql', '']]))).toEqual(['c.sql']);
    expect(staleSnapshots(rendered, new Map([...rendered, ['a.sql', 'SELECT 11;\n']]))).toEqual(['a.sql']);
  });

  it('the check script fails on a snapshot that differs from the code', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sql-drift-'));
    cpSync(QUERIES_DIR, folder, { recursive: true });
    const file = join(folder, 'jobs.repository.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace('FOR UPDATE SKIP LOCKED', 'FOR UPDATE'));
    const run = spawnSync(process.execPath, ['--experimental-vm-modules', '-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'scripts/sql-snapshots.ts', '--check', '--dir', folder], {
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    });
    rmSync(folder, { recursive: true, force: true });
    expect(run.stderr).toContain('SQL snapshots differ from the code: jobs.repository.sql');
    expect(run.status).toBe(1);
  });
});
