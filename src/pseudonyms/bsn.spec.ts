import fc from 'fast-check';
import { isValidBsn, isValidOnderwijsnummer } from './bsn';

const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, -1];
const digitString = (length: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));

/** Complete 8 leading digits with the check digit that gives weighted sum ≡ remainder (mod 11). */
function withCheckDigit(first8: string, remainder: number): string | null {
  const partial = [...first8].reduce((sum, digit, i) => sum + WEIGHTS[i] * Number(digit), 0);
  const check = (((partial - remainder) % 11) + 11) % 11;
  return check <= 9 ? `${first8}${check}` : null;
}

const validBsn = digitString(8)
  .map((first8) => withCheckDigit(first8, 0))
  .filter((bsn): bsn is string => bsn !== null && bsn !== '000000000');
const validOnderwijsnummer = digitString(6)
  .map((middle) => withCheckDigit(`10${middle}`, 5))
  .filter((value): value is string => value !== null);

describe('isValidBsn', () => {
  it('accepts the reference BSN 249566758 (weighted sum 220)', () => {
    expect(isValidBsn('249566758')).toBe(true);
  });

  it('accepts other known-valid test BSNs', () => {
    expect(isValidBsn('111222333')).toBe(true);
    expect(isValidBsn('012345672')).toBe(true);
  });

  it('accepts an 8-digit BSN as the 9-digit one with a leading zero', () => {
    expect(isValidBsn('12345672')).toBe(true);
    expect(isValidBsn('12345673')).toBe(false);
  });

  it.each(['249566759', '249566757', '249566768', '349566758', '294566758', '249566785'])(
    'rejects the invalid neighbour %s',
    (value) => {
      expect(isValidBsn(value)).toBe(false);
    },
  );

  it.each(['000000000', '00000000'])('rejects all zeros (%s), which passes the arithmetic', (value) => {
    expect(isValidBsn(value)).toBe(false);
  });

  it.each(['', '1234567', '1249566758', '2495.66.758', ' 249566758', '24956675a', '２４９５６６７５８', '-49566758'])(
    'rejects %j (not 8 or 9 plain digits)',
    (value) => {
      expect(isValidBsn(value)).toBe(false);
    },
  );

  it('rejects the onderwijsnummer 100000004', () => {
    expect(isValidBsn('100000004')).toBe(false);
  });

  describe('properties', () => {
    it('accepts every number built with the check digit', () => {
      fc.assert(fc.property(validBsn, (bsn) => expect(isValidBsn(bsn)).toBe(true)));
    });

    it('detects every single-digit error', () => {
      fc.assert(
        fc.property(validBsn, fc.nat(8), fc.integer({ min: 1, max: 9 }), (bsn, position, shift) => {
          const digit = (Number(bsn[position]) + shift) % 10;
          const typo = `${bsn.slice(0, position)}${digit}${bsn.slice(position + 1)}`;
          expect(isValidBsn(typo)).toBe(false);
        }),
      );
    });

    it('detects every transposition of two different adjacent digits', () => {
      fc.assert(
        fc.property(validBsn, fc.integer({ min: 0, max: 7 }), (bsn, position) => {
          fc.pre(bsn[position] !== bsn[position + 1]);
          const swapped = `${bsn.slice(0, position)}${bsn[position + 1]}${bsn[position]}${bsn.slice(position + 2)}`;
          expect(isValidBsn(swapped)).toBe(false);
        }),
      );
    });

    it('an 8-digit value is valid exactly when its zero-padded form is', () => {
      fc.assert(
        fc.property(digitString(8), (value) => expect(isValidBsn(value)).toBe(isValidBsn(`0${value}`))),
      );
    });
  });
});

describe('isValidOnderwijsnummer', () => {
  it('accepts the reference onderwijsnummer 100000004 (weighted sum 5)', () => {
    expect(isValidOnderwijsnummer('100000004')).toBe(true);
  });

  it.each(['100000003', '100000005', '100000014', '110000004', '200000004'])('rejects %s', (value) => {
    expect(isValidOnderwijsnummer(value)).toBe(false);
  });

  it.each(['', '10000004', '1000000040', '1000.000.04', ' 100000004', '10000000a'])('rejects %j (format)', (value) => {
    expect(isValidOnderwijsnummer(value)).toBe(false);
  });

  it('rejects a valid BSN', () => {
    expect(isValidOnderwijsnummer('249566758')).toBe(false);
  });

  describe('properties', () => {
    it('accepts every number built with the check digit', () => {
      fc.assert(fc.property(validOnderwijsnummer, (value) => expect(isValidOnderwijsnummer(value)).toBe(true)));
    });

    it('no value is both a valid BSN and a valid onderwijsnummer', () => {
      fc.assert(
        fc.property(fc.oneof(validBsn, validOnderwijsnummer, digitString(9)), (value) => {
          expect(isValidBsn(value) && isValidOnderwijsnummer(value)).toBe(false);
        }),
      );
    });
  });
});
