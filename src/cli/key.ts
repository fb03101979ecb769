import { readFileSync } from 'node:fs';
import { assertKeyStrength, MIN_KEY_BYTES } from 'src/pseudonyms/pseudonym';
import { CliError, errnoCode, EXIT } from 'src/cli/io';

export const KEY_ENV = 'DOORSTROOM_PSEUDONYM_KEY';

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * The network's pseudonym key, from a file or from the environment (hex). A key file holds
 * either the raw key bytes or the key as hexadecimal text (one line); text that is entirely
 * hexadecimal is read as hex. Keys shorter than 256 bits are refused. No message here ever
 * contains the key or any part of it.
 */
export function loadPseudonymKey(options: { keyFile?: string; env: NodeJS.ProcessEnv }): { key: Buffer; source: string } {
  let key: Buffer;
  let source: string;
  if (options.keyFile) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(options.keyFile);
    } catch (error) {
      throw new CliError(`cannot read key file ${options.keyFile} (${errnoCode(error) ?? 'read error'})`, EXIT.noInput);
    }
    const text = bytes.toString('latin1').trim();
    key = HEX.test(text) ? Buffer.from(text, 'hex') : bytes;
    source = `key file ${options.keyFile}`;
  } else {
    const value = options.env[KEY_ENV]?.trim();
    if (!value) {
      throw new CliError(`no pseudonym key: pass --key-file <file> or set ${KEY_ENV} (hexadecimal)`, EXIT.config);
    }
    if (!HEX.test(value)) {
      throw new CliError(`${KEY_ENV} must be the key in hexadecimal (an even number of 0-9, a-f characters)`, EXIT.config);
    }
    key = Buffer.from(value, 'hex');
    source = KEY_ENV;
  }
  try {
    assertKeyStrength(key);
  } catch {
    throw new CliError(`the pseudonym key from ${source} is ${key.length} bytes; at least ${MIN_KEY_BYTES} bytes (256 bits) are required`, EXIT.config);
  }
  return { key, source };
}
