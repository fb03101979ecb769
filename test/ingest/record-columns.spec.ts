import { readFileSync } from 'node:fs';
import { getMetadataArgsStorage } from 'typeorm';
import { OPENAPI_PATH } from 'scripts/generate-openapi';
import { README_PATH, RECORD_COLUMNS_PATH, renderReadme, renderRecordColumns } from 'scripts/generate-record-docs';
import { DOCUMENTED_KINDS } from 'src/records/kinds/column-docs';
import { runInProcess } from 'test/cli/cli-harness';
import { EnrolmentEntity } from 'src/records/enrolment.entity';
import { ENROLMENTS } from 'src/records/kinds/enrolments';
import { LEAVERS } from 'src/records/kinds/leavers';
import { LeaverEntity } from 'src/records/leaver.entity';

describe('the field tables of the record kinds', () => {
  it('store every value in a column of the kind’s entity', () => {
    for (const [kind, entity] of [
      [ENROLMENTS, EnrolmentEntity],
      [LEAVERS, LeaverEntity],
    ] as const) {
      const columns = getMetadataArgsStorage()
        .columns.filter((column) => column.target === entity)
        .map((column) => column.options.name ?? column.propertyName);
      expect(columns).toEqual(expect.arrayContaining(kind.columns.map((column) => column.column)));
    }
  });

  it('docs/record-columns.md is what they generate (npm run docs:records)', () => {
    expect(readFileSync(RECORD_COLUMNS_PATH, 'utf8')).toBe(renderRecordColumns());
  });

  it('the README lists them too, as they generate it (npm run docs:records)', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    expect(readme).toBe(renderReadme(readme));
    for (const { kind } of DOCUMENTED_KINDS) for (const field of kind.fields) expect(readme).toContain(`| \`${field.csv}\` | \`${field.json}\` |`);
  });

  const everyColumn = (text: string): string[] => {
    // Line breaks and indentation of a terminal or of JSON do not matter, the words do.
    const flat = text.replace(/\s+/g, ' ');
    return DOCUMENTED_KINDS.flatMap(({ kind }) =>
      kind.fields.flatMap((field) => [field.csv, field.example, field.description.replace(/\s+/g, ' ')].filter((part) => !flat.includes(part)).map((part) => `${kind.name}.${field.csv}: ${part}`)),
    );
  };

  it('the upload route describes every column with its meaning and example in /docs (the OpenAPI document)', () => {
    const document = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as { paths: Record<string, Record<string, { description?: string }>> };
    const description = document.paths['/v1/uploads'].post.description ?? '';
    expect(everyColumn(description.replace(/\\\|/g, '|'))).toEqual([]);
  });

  it('`doorstroom upload --help` lists every column with its meaning and example', async () => {
    const help = await runInProcess(['upload', '--help']);
    expect(help.code).toBe(0);
    expect(everyColumn(help.stdout)).toEqual([]);
  });
});
