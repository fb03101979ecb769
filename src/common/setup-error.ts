/**
 * A start-up failure the operator has to fix (a folder in use, a database that does not exist):
 * reported as one log line that says what to do, never as a stack trace.
 */
export class SetupError extends Error {
  constructor(
    /** Stable, machine-readable name of the problem, e.g. `database-missing`. */
    readonly code: string,
    message: string,
    /** Exit status of a command that stops on it (sysexits). */
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'SetupError';
  }
}

/** sysexits: a configuration error (78) and a temporary failure worth retrying later (75). */
export const EX_CONFIG = 78;
export const EX_TEMPFAIL = 75;
