import { parse } from 'csv-parse/sync';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvRowToRecord, ENROLMENT_COLUMNS, LEAVER_COLUMNS } from 'src/generator/records';
import { generateRegion } from 'src/generator/region';
import { writeRegion } from 'src/generator/writers';

describe('writeRegion', () => {
  const region = generateRegion({ seed: 3, students: 4_000, cohorts: [2018, 2023] });
  const enrolments = [...region.enrolments()];
  const leavers = [...region.leavers()];
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doorstroom-gen-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one CSV per receiving institution and per supplying school, which read back to the same records', async () => {
    const summary = await writeRegion(region, { outDir: dir, format: 'csv' });
    expect(summary.enrolments).toBe(enrolments.length);
    expect(summary.leavers).toBe(leavers.length);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['region.json', ...region.receivers.map((b) => `enrolments-${b}.csv`), ...region.suppliers.map((b) => `leavers-${b}.csv`)].sort());

    const readBack = region.receivers.flatMap((brin) => {
      const rows = parse<Record<string, string>>(readFileSync(join(dir, `enrolments-${brin}.csv`)), { columns: true });
      expect(Object.keys(rows[0])).toEqual(ENROLMENT_COLUMNS.map(([column]) => column));
      return rows.map((row) => csvRowToRecord('enrolments', row));
    });
    const sortKey = (r: Record<string, unknown>): string => `${String(r.receivingBrin)}|${String(r.pseudonym)}|${String(r.startDate)}`;
    const expected = enrolments.map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>);
    expect(readBack.sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(expected.sort((a, b) => sortKey(a).localeCompare(sortKey(b))));

    const leaverRows = parse<Record<string, string>>(readFileSync(join(dir, `leavers-${region.suppliers[0]}.csv`)), { columns: true });
    expect(Object.keys(leaverRows[0])).toEqual(LEAVER_COLUMNS.map(([column]) => column));
    expect(leaverRows.map((row) => csvRowToRecord('leavers', row))).toEqual(
      [...region.leaversOf(region.suppliers[0])].map((l) => JSON.parse(JSON.stringify(l)) as Record<string, unknown>),
    );

    const manifest = JSON.parse(readFileSync(join(dir, 'region.json'), 'utf8')) as { plantedBreaks: unknown; programmes: unknown[]; enrolments: number; files: Array<{ records: number }> };
    expect(manifest.plantedBreaks).toEqual(region.plantedBreaks);
    expect(manifest.programmes).toHaveLength(region.programmes.length);
    expect(manifest.enrolments).toBe(enrolments.length);
    expect(manifest.files.reduce((sum, file) => sum + file.records, 0)).toBe(enrolments.length + leavers.length);
  });

  it('writes JSON batch files of at most batchSize records, each a valid {"records": [...]} body', async () => {
    const summary = await writeRegion(region, { outDir: dir, format: 'json', batchSize: 500 });
    const all: unknown[] = [];
    for (const file of summary.files.filter((f) => f.kind === 'enrolments')) {
      const body = JSON.parse(readFileSync(join(dir, file.path), 'utf8')) as { records: unknown[] };
      expect(body.records.length).toBe(file.records);
      expect(body.records.length).toBeLessThanOrEqual(500);
      expect(body.records.length).toBeGreaterThan(0);
      all.push(...body.records);
    }
    expect(all).toHaveLength(enrolments.length);
    expect(summary.files.filter((f) => f.brin === '92HA' && f.kind === 'enrolments').length).toBe(Math.ceil([...region.enrolmentsOf('92HA')].length / 500));
  });

  it('refuses a batch size above the API maximum', async () => {
    await expect(writeRegion(region, { outDir: dir, format: 'json', batchSize: 10_001 })).rejects.toThrow(RangeError);
  });
});
