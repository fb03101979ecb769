import { CsvError, parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { neutraliseCsvCell } from 'src/common/csv-cell';
import { isValidBsn, isValidOnderwijsnummer } from 'src/pseudonyms/bsn';
import { normaliseIdentifier, pseudonymise } from 'src/pseudonyms/pseudonym';
import { checkDelimiter, resolveDelimiter } from 'src/cli/csv-dialect';
import { CliError, CliIo, errnoCode, EXIT } from 'src/cli/io';
import { loadPseudonymKey } from 'src/cli/key';

export interface PseudonymiseOptions {
  in: string;
  out: string;
  idColumn: string;
  keyFile?: string;
  delimiter?: string;
}

export interface PseudonymiseResult {
  rows: number;
  /** Identifiers that are neither a valid BSN nor a valid onderwijsnummer (e.g. a PGN). */
  unrecognised: number;
}

export const PSEUDONYM_COLUMN = 'pseudonym';

/** A csv-parse error, recognised by its code; its message may quote the data and is never shown. */
export const csvErrorOf = (error: unknown): { code: string; lines?: number } | undefined => {
  if (!(error instanceof CsvError)) return undefined;
  const lines = (error as { lines?: unknown }).lines;
  return { code: error.code, lines: typeof lines === 'number' ? lines : undefined };
};

/**
 * Reads a CSV with a raw identifier column (BSN, onderwijsnummer, PGN) and writes it with that
 * column replaced, in the same place, by `pseudonym` = hex(HMAC-SHA256(K, normalise(id))).
 * Streams: memory does not grow with the file. Writes to a temporary file next to the output
 * and renames it when everything succeeded, so a failure leaves no half-pseudonymised file.
 * Nothing it prints or throws contains the key or an identifier.
 */
export async function pseudonymiseFile(options: PseudonymiseOptions, io: CliIo): Promise<PseudonymiseResult> {
  if (options.delimiter !== undefined) checkDelimiter(options.delimiter);
  if (resolve(options.in) === resolve(options.out)) throw new CliError('--out must be another file than --in', EXIT.usage);
  const delimiter = await resolveDelimiter(options.in, options.delimiter);
  const { key } = loadPseudonymKey({ keyFile: options.keyFile, env: io.env });
  const wanted = options.idColumn.trim().toLowerCase();

  const partial = `${options.out}.partial-${process.pid}`;
  let rows = 0;
  let unrecognised = 0;
  try {
    await pipeline(
      createReadStream(options.in),
      parse({ bom: true, delimiter, skip_empty_lines: true, info: true, relax_column_count: false }),
      async function* (records: AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        let idIndex = -1;
        let header = true;
        for await (const { record, info } of records) {
          if (header) {
            header = false;
            const names = record.map((name) => name.trim().toLowerCase());
            idIndex = names.indexOf(wanted);
            if (idIndex < 0) throw new CliError(`the header has no column "${options.idColumn}" (columns: ${record.map((name) => name.trim()).join(', ')})`, EXIT.dataError);
            if (names.indexOf(wanted, idIndex + 1) >= 0) throw new CliError(`the header has the column "${options.idColumn}" twice`, EXIT.dataError);
            if (names.includes(PSEUDONYM_COLUMN)) throw new CliError(`the input already has a "${PSEUDONYM_COLUMN}" column`, EXIT.dataError);
            const out = record.slice();
            out[idIndex] = PSEUDONYM_COLUMN;
            yield out;
            continue;
          }
          rows++;
          const raw = record[idIndex] ?? '';
          let normalised: string;
          try {
            normalised = normaliseIdentifier(raw);
          } catch {
            throw new CliError(`row ${rows} (line ${info.lines}): identifier column is empty`, EXIT.dataError);
          }
          if (!isValidBsn(normalised) && !isValidOnderwijsnummer(normalised)) unrecognised++;
          const out = record.slice();
          out[idIndex] = pseudonymise(raw, key);
          yield out;
        }
        if (header) throw new CliError('the input is empty: a header line naming the columns is required', EXIT.dataError);
      },
      // Cells are neutralised against formula injection (src/common/csv-cell.ts); upload takes the mark off again.
      stringify({ delimiter, cast: { string: neutraliseCsvCell } }),
      createWriteStream(partial, { mode: 0o600 }),
    );
    renameSync(partial, options.out);
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof CliError) throw error;
    const csv = csvErrorOf(error);
    if (csv) throw new CliError(`${csv.lines !== undefined ? `line ${csv.lines}: ` : ''}malformed CSV (${csv.code})`, EXIT.dataError);
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new CliError(`cannot read ${options.in} or write ${options.out} (${code})`, EXIT.noInput);
    // Anything else: say what kind of failure it was, never its message (it could quote data).
    throw new CliError(`pseudonymise failed (${error instanceof Error ? error.name : 'error'}${code ? ` ${code}` : ''})`);
  }
  return { rows, unrecognised };
}
