/** 11-proef weights for positions 1..9; the last digit counts negatively. */
const ELEVEN_TEST_WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, -1] as const;

/** Weighted digit sum of a 9-digit string, reduced to 0..10. */
function elevenTestRemainder(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += ELEVEN_TEST_WEIGHTS[i] * (nineDigits.charCodeAt(i) - 48);
  // The −1 weight can make the sum negative; keep the remainder in 0..10.
  return ((sum % 11) + 11) % 11;
}

/**
 * Burgerservicenummer: 8 or 9 digits (an 8-digit value is a BSN that lost its leading zero,
 * so it is left-padded), passing the 11-proef (weighted sum ≡ 0 mod 11), and not all zeros
 * (000000000 passes the arithmetic but is never issued). Input must be digits only; callers
 * that accept formatted input normalise first.
 */
export function isValidBsn(value: string): boolean {
  if (typeof value !== 'string' || !/^[0-9]{8,9}$/.test(value)) return false;
  const nineDigits = value.padStart(9, '0');
  return nineDigits !== '000000000' && elevenTestRemainder(nineDigits) === 0;
}

/**
 * Onderwijsnummer (education number for pupils without a BSN): 9 digits starting with "10",
 * same weights as the BSN, but valid when the weighted sum mod 11 is 5 — so a number can
 * never be both a valid BSN and a valid onderwijsnummer.
 */
export function isValidOnderwijsnummer(value: string): boolean {
  if (typeof value !== 'string' || !/^10[0-9]{7}$/.test(value)) return false;
  return elevenTestRemainder(value) === 5;
}
