import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hmacSha256Hex } from 'src/pseudonyms/pseudonym';
import { runAsProcess, runInProcess } from 'test/cli/cli-harness';

// Identifiers in the input. 249566758 is the brief's 11-proef example; the others are
// formatted (dots, spaces), 8 digits (lost leading zero) and an onderwijsnummer.
const RAW = [
  { id: '249566758', normalised: '249566758' },
  { id: '1234.56.782', normalised: '123456782' },
  { id: '12345672', normalised: '012345672' },
  { id: ' 100000004 ', normalised: '100000004' },
];
/** Every form of every identifier that must never appear in any output. */
const FORBIDDEN = [...new Set(RAW.flatMap(({ id, normalised }) => [id.trim(), normalised, normalised.replace(/^0/, '')]))];

const hmac = (key: Buffer, message: string): string => createHmac('sha256', key).update(message, 'utf8').digest('hex');

describe('the HMAC-SHA256 primitive under the pseudonym', () => {
  it('reproduces RFC 4231 test case 1 (key 0x0b × 20, "Hi There")', () => {
    expect(hmacSha256Hex(Buffer.alloc(20, 0x0b), 'Hi There')).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  });

  it('reproduces RFC 4231 test case 2 (key "Jefe")', () => {
    expect(hmacSha256Hex(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('doorstroom pseudonymise', () => {
  let dir: string;
  let key: Buffer;
  let input: string;
  let keyFile: string;
  const output = (): string => join(dir, 'upload.csv');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doorstroom-cli-'));
    key = randomBytes(32);
    keyFile = join(dir, 'key.bin');
    writeFileSync(keyFile, key);
    input = join(dir, 'raw.csv');
    writeFileSync(
      input,
      ['programme_code,BSN,start_date,note', ...RAW.map(({ id }, i) => `92004,"${id}",2024-09-01,"row ${i}, with comma"`)].join('\r\n') + '\r\n',
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const expectNoSecrets = (text: string, keyBytes: Buffer = key): void => {
    expect(text).not.toContain(keyBytes.toString('hex'));
    expect(text).not.toContain(keyBytes.toString('base64'));
    for (const id of FORBIDDEN) expect(text).not.toContain(id);
  };

  it('replaces the identifier column by pseudonym = hex(HMAC-SHA256(K, normalise(id))), in place, keeping the other columns', async () => {
    const run = await runInProcess(['pseudonymise', '--in', input, '--out', output(), '--id-column', 'bsn', '--key-file', keyFile]);
    expect(run).toMatchObject({ code: 0 });
    const lines = readFileSync(output(), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('programme_code,pseudonym,start_date,note');
    expect(lines.slice(1)).toEqual(RAW.map(({ normalised }, i) => `92004,${hmac(key, normalised)},2024-09-01,"row ${i}, with comma"`));
    expect(run.stderr).toContain('pseudonymised 4 row(s)');
    for (const text of [readFileSync(output(), 'utf8'), run.stdout, run.stderr]) expectNoSecrets(text);
    // no temporary file is left behind
    expect(readdirSync(dir).sort()).toEqual(['key.bin', 'raw.csv', 'upload.csv']);
  });

  it('takes the key from DOORSTROOM_PSEUDONYM_KEY (hex) or a hex key file, with the same result', async () => {
    const fromEnv = await runInProcess(['pseudonymise', '--in', input, '--out', output(), '--id-column', 'bsn'], { DOORSTROOM_PSEUDONYM_KEY: key.toString('hex') });
    expect(fromEnv.code).toBe(0);
    const expected = readFileSync(output(), 'utf8');
    expect(expected).toContain(hmac(key, '249566758'));
    expectNoSecrets(fromEnv.stdout + fromEnv.stderr);

    writeFileSync(join(dir, 'key.hex'), `${key.toString('hex')}\n`);
    const fromHexFile = await runInProcess(['pseudonymise', '--in', input, '--out', join(dir, 'second.csv'), '--id-column', 'bsn', '--key-file', join(dir, 'key.hex')]);
    expect(fromHexFile.code).toBe(0);
    expect(readFileSync(join(dir, 'second.csv'), 'utf8')).toBe(expected);
  });

  it('refuses a key shorter than 256 bits, naming its length but never the key, and writes nothing', async () => {
    const short = randomBytes(16);
    writeFileSync(keyFile, short);
    const run = await runInProcess(['pseudonymise', '--in', input, '--out', output(), '--id-column', 'bsn', '--key-file', keyFile]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/16 bytes; at least 32 bytes \(256 bits\) are required/);
    expectNoSecrets(run.stdout + run.stderr, short);
    expect(existsSync(output())).toBe(false);

    // a 20-byte key as in RFC 4231 test case 1 is too short for pseudonyms, also from the environment
    const fromEnv = await runInProcess(['pseudonymise', '--in', input, '--out', output(), '--id-column', 'bsn'], { DOORSTROOM_PSEUDONYM_KEY: '0b'.repeat(20) });
    expect(fromEnv.code).not.toBe(0);
    expect(fromEnv.stderr).toContain('20 bytes');
    expect(fromEnv.stderr).not.toContain('0b'.repeat(20));
  });

  it('refuses a missing key and a key in the environment that is not hex, without echoing it', async () => {
    const none = await runInProcess(['pseudonymise', '--in', input, '--out', output(), '--id-column', 'bsn']);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('--key-file');
    const secretLooking = 'not-hex-but-secret-' + randomBytes(16).toString('base64');
    const notHex = await runInProcess(['pseudonymise', '--in', input, '--out', output(), '--id-column', 'bsn'], { DOORSTROOM_PSEUDONYM_KEY: secretLooking });
    expect(notHex.code).not.toBe(0);
    expect(notHex.stderr).toContain('hexadecimal');
    expect(notHex.stderr).not.toContain(secretLooking);
  });

  it('stops at an empty identifier, naming the row but no identifier, and writes no output file', async () => {
    writeFileSync(input, `bsn,start_date\n249566758,2024-09-01\n  ,2024-09-01\n12345672,2024-09-01\n`);
    const run = await runInProcess(['pseudonymise', '--in', input, '--out', output(), '--id-column', 'bsn', '--key-file', keyFile]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('row 2 (line 3): identifier column is empty');
    expectNoSecrets(run.stdout + run.stderr);
    expect(existsSync(output())).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['key.bin', 'raw.csv']);
  });

  it('reports malformed CSV by line and error code only, never with the content', async () => {
    writeFileSync(input, `bsn,start_date\n249566758,2024-09-01\n12345672,2024-09-01,extra\n`);
    const ragged = await runInProcess(['pseudonymise', '--in', input, '--out', output(), '--id-column', 'bsn', '--key-file', keyFile]);
    expect(ragged.code).not.toBe(0);
    expect(ragged.stderr).toMatch(/line 3: malformed CSV \(CSV_RECORD_INCONSISTENT_FIELDS_LENGTH\)/);
    expectNoSecrets(ragged.stdout + ragged.stderr);

    writeFileSync(input, `bsn,start_date\n249566758,2024-09-01\n1234"56782,2024-09-01\n`);
    const quote = await runInProcess(['pseudonymise', '--in', input, '--out', output(), '--id-column', 'bsn', '--key-file', keyFile]);
    expect(quote.code).not.toBe(0);
    expect(quote.stderr).toMatch(/line 3: malformed CSV \(INVALID_OPENING_QUOTE\)/);
    expect(quote.stderr).not.toContain('1234');
    expectNoSecrets(quote.stdout + quote.stderr);
  });

  it('names a missing identifier column and refuses to overwrite its input', async () => {
    const missing = await runInProcess(['pseudonymise', '--in', input, '--out', output(), '--id-column', 'onderwijsnummer', '--key-file', keyFile]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no column "onderwijsnummer"');
    const same = await runInProcess(['pseudonymise', '--in', input, '--out', input, '--id-column', 'bsn', '--key-file', keyFile]);
    expect(same.code).not.toBe(0);
    expect(same.stderr).toContain('--out must be another file');
  });

  it('works as a program of its own: exit codes, stdout and stderr free of key and identifiers', () => {
    const run = runAsProcess(['pseudonymise', '--in', input, '--out', output(), '--id-column', 'bsn'], { DOORSTROOM_PSEUDONYM_KEY: key.toString('hex') });
    expect(run.stderr).toContain('pseudonymised 4 row(s)');
    expect(run.code).toBe(0);
    expect(readFileSync(output(), 'utf8')).toContain(hmac(key, '012345672'));
    expectNoSecrets(run.stdout + run.stderr);

    const refused = runAsProcess(['pseudonymise', '--in', input, '--out', join(dir, 'x.csv'), '--id-column', 'bsn'], { DOORSTROOM_PSEUDONYM_KEY: '0b'.repeat(20) });
    expect(refused.code).toBe(78);
    expect(refused.stderr).not.toContain('0b'.repeat(20));

    const usage = runAsProcess(['pseudonymise', '--in', input]);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain("required option '--out <file>' not specified");
  });
});
