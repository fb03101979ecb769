import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EX_CONFIG, SetupError } from 'src/common/setup-error';
import { AppConfig } from 'src/config/app-config';

/** The development signing key, in the data folder next to the embedded database. */
export const DEVELOPMENT_KEY_FILE = 'jwt-signing.key';

export interface SigningKeySource {
  config: AppConfig;
  /** Set when the key is the development key kept in the data folder. */
  keyFile?: string;
  /** True when the key file was created just now. */
  created?: boolean;
}

/**
 * In development without JWT_SECRET, signs tokens with a key kept in the data folder (created once,
 * mode 0600), so that tokens survive a restart of the service. Production requires JWT_SECRET
 * (loadConfig refuses to start without it) and never reads or writes this file; other
 * environments keep the key generated for the process.
 */
export function withDevelopmentSigningKey(config: AppConfig): SigningKeySource {
  if (!config.auth.jwtSecretGenerated || config.env !== 'development') return { config };
  const dir = resolve(config.database.dataDir);
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, DEVELOPMENT_KEY_FILE);
  const created = createOnce(keyFile, `${randomBytes(32).toString('hex')}\n`);
  const secret = readFileSync(keyFile, 'utf8').trim();
  if (!/^[0-9a-f]{64,}$/.test(secret)) {
    throw new SetupError(
      'signing-key-invalid',
      `The development signing key ${keyFile} does not hold the 64 hexadecimal characters this service writes. ` +
        'Delete it and the service creates a new one (tokens issued before stop working), or set JWT_SECRET.',
      EX_CONFIG,
    );
  }
  // The key signs every token: keep it readable by its owner only, also after a copy with looser permissions.
  if ((statSync(keyFile).mode & 0o077) !== 0) chmodSync(keyFile, 0o600);
  return { config: { ...config, auth: { ...config.auth, jwtSecret: secret } }, keyFile, created };
}

/** Writes `content` to `path` unless it exists, atomically: a reader never sees a half-written key. */
function createOnce(path: string, content: string): boolean {
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}
