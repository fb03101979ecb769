#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { generateCommand } from 'src/cli/generate';
import { CliError, CliIo, EXIT, processIo } from 'src/cli/io';
import { pseudonymiseFile } from 'src/cli/pseudonymise';
import { DEFAULT_CHUNK_ROWS, formatSummary, uploadFile } from 'src/cli/upload';
import { DEFAULT_STUDENTS } from 'src/generator/region';
import { columnsHelp, DOCUMENTED_KINDS } from 'src/records/kinds/column-docs';

const integer =
  (name: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be an integer`);
    const parsed = Number(value);
    if (parsed < min || parsed > max) throw new InvalidArgumentError(`${name} must be from ${min} to ${max}`);
    return parsed;
  };

/** The `doorstroom` command line; `io` decides where output goes (tests pass their own). */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('doorstroom')
    .description('Doorstroom command-line tool: pseudonymise a CSV locally, upload it, generate a synthetic region.')
    .exitOverride()
    .configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('pseudonymise')
    .alias('pseudonymize')
    .description(
      'Replace a raw identifier column (BSN, onderwijsnummer, PGN) by pseudonym = hex(HMAC-SHA256(K, normalise(id))). ' +
        'The key comes from --key-file (raw bytes, or hex text) or DOORSTROOM_PSEUDONYM_KEY (hex); it must be at least 32 bytes. ' +
        'Neither the key nor any identifier is ever printed.',
    )
    .requiredOption('--in <file>', 'CSV with a header line and the raw identifier column')
    .requiredOption('--out <file>', 'CSV to write, with the column `pseudonym` in place of the identifier')
    .requiredOption('--id-column <name>', 'name of the identifier column, e.g. bsn')
    .option('--key-file <file>', 'file with the network key (else DOORSTROOM_PSEUDONYM_KEY, hex)')
    .option('--delimiter <char>', 'field delimiter of input and output (default: detected from the header line: comma, semicolon or tab)')
    .action(async (options: { in: string; out: string; idColumn: string; keyFile?: string; delimiter?: string }) => {
      const result = await pseudonymiseFile(options, io);
      io.stderr.write(`pseudonymised ${result.rows} row(s): column "${options.idColumn}" → "pseudonym" in ${options.out}\n`);
      if (result.unrecognised > 0) {
        io.stderr.write(
          `note: ${result.unrecognised} identifier(s) are neither a valid BSN nor a valid onderwijsnummer (e.g. a PGN); ` +
            'they link across institutions only if every institution writes them the same way\n',
        );
      }
    });

  program
    .command('upload')
    .description(
      'Upload a pseudonymised CSV (enrolments or leavers) through the JSON batch API, in chunks, each with an Idempotency-Key. ' +
        'Resumable: completed chunks are recorded in <file>.upload-state.json and skipped when the command runs again. ' +
        'Every pseudonym is checked here first: a chunk with a value that is not a pseudonym (e.g. a raw BSN) is never sent.',
    )
    .requiredOption('--file <file>', 'pseudonymised CSV with snake_case columns (pseudonym, programme_code, start_date, …)')
    .addOption(new Option('--kind <kind>', 'what the file holds').choices(['enrolments', 'leavers', 'surveys']).makeOptionMandatory())
    .requiredOption('--base-url <url>', 'the Doorstroom API, e.g. http://localhost:3000')
    .requiredOption('--client-id <id>', 'API client id (client credentials)')
    .option('--client-secret <secret>', 'API client secret (better: env DOORSTROOM_CLIENT_SECRET, which stays out of the shell history)')
    .option('--delimiter <char>', 'field delimiter (default: detected from the header line: comma, semicolon as in a Dutch spreadsheet export, or tab)')
    .option('--chunk-size <rows>', 'rows per batch request (1–10000)', integer('--chunk-size', 1, 10_000), DEFAULT_CHUNK_ROWS)
    .option('--state-file <file>', 'where completed chunks are recorded (default <file>.upload-state.json)')
    .option('--restart', 'ignore the state of an earlier run and send every chunk again')
    .option('--retries <n>', 'retries of a request after a network error, 429 or 5xx', integer('--retries', 0, 100), 5)
    .addHelpText('after', `\n${DOCUMENTED_KINDS.map(({ kind }) => columnsHelp(kind)).join('\n\n')}\n`)
    .action(
      async (options: {
        file: string;
        kind: 'enrolments' | 'leavers' | 'surveys';
        baseUrl: string;
        clientId: string;
        clientSecret?: string;
        delimiter?: string;
        chunkSize: number;
        stateFile?: string;
        restart?: boolean;
        retries: number;
      }) => {
        const summary = await uploadFile(options, io);
        io.stdout.write(formatSummary(options, summary));
        if (summary.rejected > 0) setExitCode(EXIT.failed);
      },
    );

  program
    .command('generate')
    .description('Generate a synthetic region (vo schools, mbo, hbo, wo; flows, outcomes, one planted trend break and one supply break) as CSV or JSON batches.')
    .option('--students <n>', `students over all cohorts (default ${DEFAULT_STUDENTS})`, integer('--students', 0))
    .option('--students-per-cohort <n>', 'students in the first cohort instead (later cohorts grow 1% a year)', integer('--students-per-cohort', 0))
    .option('--cohorts <from-to>', 'cohort range', '2015-2025')
    .option('--seed <n>', 'random seed: the same seed gives the same data', integer('--seed', -2_147_483_648, 2_147_483_647), 42)
    .option('--out <dir>', 'output folder', './generated')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('--batch-size <n>', 'records per JSON batch file (max 10000)', integer('--batch-size', 1, 10_000))
    .option('--as-of <date>', 'the date the data describe, YYYY-MM-DD (default: 1 October after the last cohort)')
    .option('--no-breaks', 'do not plant the trend break and the supply break')
    .action(async (options: { students?: number; studentsPerCohort?: number; cohorts: string; seed: number; out: string; format: 'csv' | 'json'; batchSize?: number; asOf?: string; breaks: boolean }) => {
      await generateCommand(options, io);
    });

  return program;
}

/** Runs the command line and returns the exit code; never calls process.exit. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof CliError) {
      io.stderr.write(`doorstroom: ${error.message}\n`);
      return error.exitCode;
    }
    // Unexpected: name the kind of error only; a message could quote input data.
    io.stderr.write(`doorstroom: unexpected ${error instanceof Error ? error.name : 'error'}; set DOORSTROOM_DEBUG=1 for details\n`);
    if (io.env.DOORSTROOM_DEBUG === '1' && error instanceof Error) io.stderr.write(`${error.stack ?? error.message}\n`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`doorstroom: ${error instanceof Error ? error.name : 'error'}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
