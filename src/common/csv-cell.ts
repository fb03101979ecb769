/**
 * The one rule for cells of every CSV file the service and the command-line tool write, against
 * CSV (formula) injection (OWASP): a spreadsheet runs a text cell that begins with `=`, `+`, `-`,
 * `@`, a tab or a carriage return as a formula, so `=HYPERLINK(…)` in an institution's name would
 * become a live link in the coordinator's spreadsheet. Such a cell is written with a leading
 * apostrophe, which spreadsheets show as text.
 *
 * Numbers are data, not formulas: a number value, and a text cell that is only a plain decimal
 * number (`-3`, `+12.5`, `-1,5`), is written as it is, so that a negative figure stays a
 * negative figure. Such a cell cannot call anything.
 *
 * Neutralising is reversible: a cell that begins with apostrophes followed by a trigger character
 * gets one more apostrophe, and `restoreCsvCell` takes exactly one off again, so a file the
 * tool wrote (`doorstroom pseudonymise`) uploads with the values it was given.
 */

export type CsvValue = string | number | boolean | null | undefined;

/** Characters that make a spreadsheet read the cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^'*[=+\-@\t\r]/;
/** A cell that is only a decimal number, with an optional sign and a decimal point or comma. */
const PLAIN_NUMBER = /^[+-]?[0-9]+(?:[.,][0-9]+)?$/;

/** True when a spreadsheet would run the text as a formula. */
export const isFormulaLike = (text: string): boolean => FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);

/** The text of one cell, safe to open in a spreadsheet; numbers and booleans as they are. */
export function neutraliseCsvCell(value: CsvValue): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') return String(value);
  return isFormulaLike(value) ? `'${value}` : value;
}

/** The value of a cell that `neutraliseCsvCell` wrote: drops the apostrophe it added. */
export function restoreCsvCell(text: string): string {
  return text.length > 1 && text.charCodeAt(0) === 0x27 && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text.slice(1)) ? text.slice(1) : text;
}

/** One RFC 4180 field: neutralised, then quoted when it holds the delimiter, a quote or a line break. */
export function csvField(value: CsvValue, delimiter = ','): string {
  const text = neutraliseCsvCell(value);
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
