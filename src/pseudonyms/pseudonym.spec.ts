import fc from 'fast-check';
import {
  assertKeyStrength,
  checkPseudonym,
  hmacSha256Hex,
  MIN_KEY_BYTES,
  normaliseIdentifier,
  PSEUDONYM_PATTERN,
  pseudonymise,
} from './pseudonym';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const VALID_BSN = '249566758';
const VALID_ONDERWIJSNUMMER = '100000004';

const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, -1];
const validBsn = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 })
  .map((digits) => {
    const partial = digits.reduce((sum, digit, i) => sum + WEIGHTS[i] * digit, 0);
    const check = ((partial % 11) + 11) % 11;
    return check <= 9 ? `${digits.join('')}${check}` : '';
  })
  .filter((bsn) => bsn !== '' && bsn !== '000000000');

/** Sprinkle separators through an identifier and around it, as spreadsheets and people do. */
const formatted = (id: string): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.array(fc.constantFrom('', '', '', ' ', '.', '-'), { minLength: id.length, maxLength: id.length }),
      fc.constantFrom('', ' ', '  ', '\t'),
      fc.constantFrom('', ' ', '\n', '\r\n'),
    )
    .map(([separators, before, after]) => `${before}${[...id].map((c, i) => `${separators[i]}${c}`).join('')}${after}`);

const expectMessageHidesValue = (value: string): void => {
  const result = checkPseudonym(value);
  if (result.ok) return;
  const compact = value.replace(/[\s.-]/g, '');
  if (value.trim().length >= 4) expect(result.message).not.toContain(value.trim());
  if (compact.length >= 4) expect(result.message).not.toContain(compact);
  // No run of digits that could be (part of) an identifier.
  expect(result.message).not.toMatch(/[0-9]{4,}/);
};

describe('hmacSha256Hex (the primitive, no key policy)', () => {
  it('matches RFC 4231 test case 1', () => {
    expect(hmacSha256Hex(Buffer.alloc(20, 0x0b), 'Hi There')).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
  });

  it('matches RFC 4231 test case 2', () => {
    expect(hmacSha256Hex(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe('assertKeyStrength', () => {
  it('accepts a 256-bit key and longer', () => {
    expect(() => assertKeyStrength(Buffer.alloc(32, 1))).not.toThrow();
    expect(() => assertKeyStrength(Buffer.alloc(64, 1))).not.toThrow();
  });

  it.each([0, 16, 20, 31])('rejects a %i-byte key without revealing it', (length) => {
    const key = Buffer.alloc(length, 0xab);
    expect(() => assertKeyStrength(key)).toThrow(RangeError);
    expect(() => assertKeyStrength(key)).toThrow(`at least ${MIN_KEY_BYTES} bytes`);
    if (length > 0) {
      try {
        assertKeyStrength(key);
      } catch (error: unknown) {
        expect(String((error as Error).message)).not.toContain('abab');
      }
    }
  });

  it('rejects a key that is not a Buffer', () => {
    expect(() => assertKeyStrength('x'.repeat(64) as unknown as Buffer)).toThrow(TypeError);
  });
});

describe('normaliseIdentifier', () => {
  it.each([
    ['249566758', '249566758'],
    ['  249566758 ', '249566758'],
    ['2495.66.758', '249566758'],
    ['249-566-758', '249566758'],
    ['249 566 758', '249566758'],
    ['249\u00a0566\u00a0758', '249566758'],
    ['12345672', '012345672'],
    ['1234.56.72', '012345672'],
    ['012345672', '012345672'],
    ['100000004', '100000004'],
    ['1234567', '1234567'],
    ['ABC-123', 'ABC123'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseIdentifier(input)).toBe(expected);
  });

  it.each(['', '   ', ' . - '])('rejects an identifier that is empty after normalisation (%j)', (input) => {
    expect(() => normaliseIdentifier(input)).toThrow(RangeError);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (id) => {
        fc.pre(id.replace(/[\s.-]/g, '').length > 0);
        const once = normaliseIdentifier(id);
        expect(normaliseIdentifier(once)).toBe(once);
      }),
    );
  });
});

describe('pseudonymise', () => {
  it('is HMAC-SHA256 of the normalised identifier, hex-encoded', () => {
    expect(pseudonymise(' 2495.66.758 ', KEY)).toBe(hmacSha256Hex(KEY, '249566758'));
    expect(pseudonymise('12345672', KEY)).toBe(hmacSha256Hex(KEY, '012345672'));
  });

  it('refuses a key shorter than 256 bits, e.g. the 20-byte RFC 4231 key', () => {
    expect(() => pseudonymise('Hi There', Buffer.alloc(20, 0x0b))).toThrow(RangeError);
  });

  it('depends on the key', () => {
    const otherKey = Buffer.from(KEY);
    otherKey[0] ^= 1;
    expect(pseudonymise(VALID_BSN, KEY)).not.toBe(pseudonymise(VALID_BSN, otherKey));
  });

  describe('properties', () => {
    it('always produces an accepted pseudonym', () => {
      fc.assert(
        fc.property(fc.string({ minLength: 1 }), fc.uint8Array({ minLength: 32, maxLength: 64 }), (id, key) => {
          fc.pre(id.replace(/[\s.-]/g, '').length > 0);
          const pseudonym = pseudonymise(id, Buffer.from(key));
          expect(pseudonym).toMatch(PSEUDONYM_PATTERN);
          expect(checkPseudonym(pseudonym)).toEqual({ ok: true });
        }),
      );
    });

    it('gives the same pseudonym for the same BSN however it is formatted', () => {
      fc.assert(
        fc.property(
          validBsn.chain((bsn) => fc.tuple(fc.constant(bsn), formatted(bsn), formatted(bsn))),
          ([bsn, first, second]) => {
            const expected = pseudonymise(bsn, KEY);
            expect(pseudonymise(first, KEY)).toBe(expected);
            expect(pseudonymise(second, KEY)).toBe(expected);
            // A BSN with a leading zero may arrive as 8 digits.
            if (bsn.startsWith('0')) expect(pseudonymise(bsn.slice(1), KEY)).toBe(expected);
          },
        ),
      );
    });

    it('gives different BSNs different pseudonyms', () => {
      fc.assert(
        fc.property(validBsn, validBsn, (a, b) => {
          fc.pre(a !== b);
          expect(pseudonymise(a, KEY)).not.toBe(pseudonymise(b, KEY));
        }),
      );
    });
  });
});

describe('checkPseudonym', () => {
  it('accepts 64 lowercase hex characters', () => {
    expect(checkPseudonym('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7')).toEqual({ ok: true });
    expect(checkPseudonym('0'.repeat(64))).toEqual({ ok: true });
  });

  it.each([VALID_BSN, ` ${VALID_BSN} `, '2495.66.758', '249-566-758', '12345672', '012345672'])(
    'rejects the BSN-like value %j as looks_like_bsn',
    (value) => {
      const result = checkPseudonym(value);
      expect(result).toMatchObject({ ok: false, reason: 'looks_like_bsn' });
      expectMessageHidesValue(value);
    },
  );

  it.each([VALID_ONDERWIJSNUMMER, '1000.000.04'])('rejects %j as looks_like_onderwijsnummer', (value) => {
    expect(checkPseudonym(value)).toMatchObject({ ok: false, reason: 'looks_like_onderwijsnummer' });
    expectMessageHidesValue(value);
  });

  it.each([
    ['a 9-digit number failing the 11-proef', '249566759'],
    ['all zeros', '000000000'],
    ['uppercase hex', 'B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7'],
    ['63 characters', 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff'],
    ['65 characters', 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff70'],
    ['surrounding whitespace', ' b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    ['a trailing newline', 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7\n'],
    ['non-hex letters', 'g'.repeat(64)],
    ['an empty string', ''],
    ['a name', 'Jan de Vries'],
  ])('rejects %s as not_a_pseudonym', (_description, value) => {
    const result = checkPseudonym(value);
    expect(result).toMatchObject({ ok: false, reason: 'not_a_pseudonym' });
    expectMessageHidesValue(value);
  });

  it('explains an uppercase pseudonym specifically', () => {
    const result = checkPseudonym('AB'.repeat(32));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/lowercase/);
  });

  it('rejects a non-string without throwing', () => {
    expect(checkPseudonym(249566758 as unknown as string)).toMatchObject({ ok: false, reason: 'not_a_pseudonym' });
  });

  describe('properties', () => {
    it('flags every valid BSN, however formatted, without echoing it', () => {
      fc.assert(
        fc.property(
          validBsn.chain((bsn) => formatted(bsn)),
          (value) => {
            expect(checkPseudonym(value)).toMatchObject({ ok: false, reason: 'looks_like_bsn' });
            expectMessageHidesValue(value);
          },
        ),
      );
    });

    it('never echoes the value in the message', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ minLength: 6 }),
            fc.stringMatching(/^[0-9]{4,12}$/),
            fc.stringMatching(/^[0-9a-fA-F]{60,68}$/),
          ),
          (value) => expectMessageHidesValue(value),
        ),
      );
    });

    it('accepts exactly the values matching the pattern', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f]{64}$/)), (value) => {
          expect(checkPseudonym(value).ok).toBe(PSEUDONYM_PATTERN.test(value));
        }),
      );
    });
  });
});
