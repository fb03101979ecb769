import { ENROLMENTS } from 'src/records/kinds/enrolments';
import { LEAVERS } from 'src/records/kinds/leavers';
import { SURVEYS } from 'src/records/kinds/surveys';
import type { KeyedChunk, RecordKind } from 'src/records/kinds/record-kind';

/**
 * The one description of the upload columns, made from the record kinds' field tables, in the
 * forms where a data officer looks: Markdown for docs/record-columns.md, the README and the
 * upload route's OpenAPI description (Swagger UI at /docs), and plain text for the command
 * line's `--help`.
 */
export interface KindDocs {
  kind: RecordKind<KeyedChunk>;
  title: string;
  batchRoute: string;
}

export const DOCUMENTED_KINDS: readonly KindDocs[] = [
  { kind: ENROLMENTS, title: 'Enrolments (uploaded by the receiving institution)', batchRoute: 'POST /v1/enrolments:batch' },
  { kind: LEAVERS, title: 'Leavers (optional, uploaded by the supplying school)', batchRoute: 'POST /v1/leavers:batch' },
  { kind: SURVEYS, title: 'Alumni survey answers (optional, uploaded by the supplying school)', batchRoute: 'POST /v1/surveys:batch' },
];

export const CSV_RULES = [
  'A CSV upload is UTF-8 and comma-separated; its first line names the columns, in any order, and optional columns may be left out.',
  'A JSON batch carries the same fields under their JSON names, with years as numbers and `diploma` as a boolean.',
  'An upload is all or nothing: every error is listed with its line and column (CSV) or JSON pointer.',
];

const cell = (text: string): string => text.replace(/\|/g, '\\|');
const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

/** The natural key of a kind, by CSV column names. */
const keyColumns = (kind: RecordKind<KeyedChunk>): string[] => kind.key.map((column) => kind.fields.find((field) => field.json === column.json)?.csv ?? column.json);

/** A kind's columns as a Markdown table, with the key and the derived values; `heading` is the level of its title. */
export function columnsMarkdown({ kind, title, batchRoute }: KindDocs, heading = '##'): string[] {
  return [
    `${heading} ${title}`,
    '',
    `CSV: \`POST /v1/uploads?kind=${kind.name}\`; JSON: \`${batchRoute}\`. Natural key, with your institution: ${keyColumns(kind).map((name) => `\`${name}\``).join(', ')}; a row sent again with the same key updates the record.`,
    '',
    '| CSV column | JSON property | required | description | example |',
    '|---|---|---|---|---|',
    ...kind.fields.map((field) => `| \`${field.csv}\` | \`${field.json}\` | ${field.required ? 'yes' : 'no'} | ${cell(field.description)} | \`${cell(field.example)}\` |`),
    ...kind.derived.flatMap((value) => ['', `Stored beside them, derived by the service: \`${value.json}\`, ${cell(lowerFirst(value.description))}`]),
    '',
  ];
}

/** The columns of one kind as plain text for a terminal: one entry per column, wrapped. */
export function columnsHelp(kind: RecordKind<KeyedChunk>, width = 80): string {
  const wrap = (text: string, indent: string): string[] => {
    const lines: string[] = [];
    let line = '';
    for (const word of text.split(/\s+/)) {
      if (line && indent.length + line.length + 1 + word.length > width) {
        lines.push(indent + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(indent + line);
    return lines;
  };
  return [
    ...wrap(`Columns of --kind ${kind.name} (the header line names them, in any order; optional ones may be left out; natural key: ${keyColumns(kind).join(', ')}):`, ''),
    ...kind.fields.flatMap((field) => [`  ${field.csv} (${field.required ? 'required' : 'optional'}), e.g. ${field.example}`, ...wrap(field.description, '      ')]),
  ].join('\n');
}
