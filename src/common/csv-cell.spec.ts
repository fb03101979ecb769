import fc from 'fast-check';
import { csvField, neutraliseCsvCell, restoreCsvCell } from 'src/common/csv-cell';

describe('CSV cells against formula injection', () => {
  it.each([
    ['=HYPERLINK("https://evil.example","klik")', `'=HYPERLINK("https://evil.example","klik")`],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['+31 10 123 4567', "'+31 10 123 4567"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "'\r=1+1"],
    ['-', "'-"],
    ["'=1+1", "''=1+1"],
  ])('neutralises %j', (value, expected) => {
    expect(neutraliseCsvCell(value)).toBe(expected);
  });

  it.each(['Hogeschool Rijnstad', '92HA', '2024', 'a=b', 'x-y', "O'Brien", '', ' =1'])('leaves ordinary text %j alone', (value) => {
    expect(neutraliseCsvCell(value)).toBe(value);
  });

  it('leaves numbers alone: a negative figure is data, not a formula', () => {
    expect(neutraliseCsvCell(-3)).toBe('-3');
    expect(neutraliseCsvCell(-0.125)).toBe('-0.125');
    expect(neutraliseCsvCell(12)).toBe('12');
    expect(neutraliseCsvCell(false)).toBe('false');
    expect(neutraliseCsvCell(null)).toBe('');
    // text that is only a decimal number (also with a Dutch decimal comma) cannot call anything
    for (const text of ['-3', '+12', '-12.5', '-1,5']) expect(neutraliseCsvCell(text)).toBe(text);
    // but a sum is a formula
    expect(neutraliseCsvCell('-1+1')).toBe("'-1+1");
  });

  it('quotes after neutralising, for any delimiter', () => {
    expect(csvField('=1,2')).toBe(`"'=1,2"`);
    expect(csvField('=1;2', ';')).toBe(`"'=1;2"`);
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(-7)).toBe('-7');
  });

  it('restores exactly what it neutralised, for every text', () => {
    const text = fc.oneof(
      fc.string(),
      fc.tuple(fc.constantFrom("'", "''", ''), fc.constantFrom('=', '+', '-', '@', '\t', '\r'), fc.string()).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(text, (value) => {
        const written = neutraliseCsvCell(value);
        // what a spreadsheet sees first is never a formula character, unless the cell is a plain number
        if (/^[=+\-@\t\r]/.test(written)) expect(written).toMatch(/^[+-][0-9]+(?:[.,][0-9]+)?$/);
        expect(restoreCsvCell(written)).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });
});
