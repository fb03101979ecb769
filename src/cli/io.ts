/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/**
 * An expected failure with a message that is safe to print: it never contains a key, a
 * secret or a raw identifier. `exitCode` follows sysexits where one fits.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes. */
export const EXIT = { ok: 0, failed: 1, usage: 64, dataError: 65, noInput: 66, unavailable: 69, config: 78 } as const;

/** A Node file-system error code (ENOENT, EACCES, …), if the error has one. */
export const errnoCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;
