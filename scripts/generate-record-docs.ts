import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENROLMENTS } from 'src/ingest/kinds/enrolments';
import { LEAVERS } from 'src/ingest/kinds/leavers';
import type { KeyedChunk, RecordKind } from 'src/ingest/kinds/record-kind';

export const RECORD_COLUMNS_PATH = join(__dirname, '..', 'docs', 'record-columns.md');

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function kindSection(kind: RecordKind<KeyedChunk>, title: string, batchRoute: string): string[] {
  const csvOf = (json: string): string => kind.fields.find((field) => field.json === json)?.csv ?? json;
  return [
    `## ${title}`,
    '',
    `CSV: \`POST /v1/uploads?kind=${kind.name}\`; JSON: \`${batchRoute}\`. Natural key, with your institution: ${kind.key.map((column) => `\`${csvOf(column.json)}\``).join(', ')}; a row sent again with the same key updates the record.`,
    '',
    '| CSV column | JSON property | required | description | example |',
    '|---|---|---|---|---|',
    ...kind.fields.map((field) => `| \`${field.csv}\` | \`${field.json}\` | ${field.required ? 'yes' : 'no'} | ${cell(field.description)} | \`${cell(field.example)}\` |`),
    ...kind.derived.flatMap((value) => ['', `Stored beside them, derived by the service: \`${value.json}\`, ${cell(value.description.charAt(0).toLowerCase() + value.description.slice(1))}`]),
    '',
  ];
}

/** The column reference of the record kinds, from their field tables. */
export function renderRecordColumns(): string {
  return [
    '# Record columns',
    '',
    '<!-- Generated from the field tables in src/ingest/kinds/ by `npm run docs:records`; a test fails when this file is out of date. -->',
    '',
    'A CSV upload is UTF-8 and comma-separated; its first line names the columns, in any order, and optional columns may be left out.',
    'A JSON batch carries the same fields under their JSON names, with years as numbers and `diploma` as a boolean.',
    'An upload is all or nothing: every error is listed with its line and column (CSV) or JSON pointer.',
    '',
    ...kindSection(ENROLMENTS, 'Enrolments (uploaded by the receiving institution)', 'POST /v1/enrolments:batch'),
    ...kindSection(LEAVERS, 'Leavers (optional, uploaded by the supplying school)', 'POST /v1/leavers:batch'),
  ].join('\n');
}

function main(): void {
  const rendered = renderRecordColumns();
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(RECORD_COLUMNS_PATH, 'utf8');
    } catch {
      // A missing file is drift too.
    }
    if (committed !== rendered) {
      process.stderr.write('docs/record-columns.md is out of date with the field tables. Run `npm run docs:records` and commit the result.\n');
      process.exit(1);
    }
    process.stdout.write('docs/record-columns.md matches the field tables.\n');
    return;
  }
  writeFileSync(RECORD_COLUMNS_PATH, rendered);
  process.stdout.write('Wrote docs/record-columns.md\n');
}

if (require.main === module) main();
