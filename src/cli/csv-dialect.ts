import { open } from 'node:fs/promises';
import { CliError, errnoCode, EXIT } from 'src/cli/io';

/** Delimiters the tool recognises on its own: comma, and semicolon (a Dutch spreadsheet's CSV export), and tab. */
export const DETECTED_DELIMITERS = [',', ';', '\t'] as const;

/** Throws a usage error unless `delimiter` is one character that can separate CSV fields. */
export function checkDelimiter(delimiter: string): string {
  if (delimiter.length !== 1 || /["\r\n]/.test(delimiter)) throw new CliError('--delimiter must be one character (not a quote or line break)', EXIT.usage);
  return delimiter;
}

/**
 * The field delimiter of a CSV file, read from its header line: the one of comma, semicolon and
 * tab that occurs most often outside quotes (a comma when none does). A spreadsheet in a Dutch
 * locale exports with semicolons, because the comma is its decimal separator.
 */
export async function detectDelimiter(file: string): Promise<string> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      text = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new CliError(`cannot read ${file} (${errnoCode(error) ?? 'read error'})`, EXIT.noInput);
  }
  const counts = new Map<string, number>(DETECTED_DELIMITERS.map((delimiter) => [delimiter, 0]));
  let quoted = false;
  for (const char of text.replace(/^\uFEFF/, '')) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

/** The delimiter given with --delimiter, or else the one detected in the file. */
export const resolveDelimiter = async (file: string, given: string | undefined): Promise<string> =>
  given !== undefined ? checkDelimiter(given) : detectDelimiter(file);
