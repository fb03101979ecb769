import { generateRegion, GenerateOptions } from 'src/generator/region';
import { OutputFormat, writeRegion, WriteSummary } from 'src/generator/writers';
import { CliError, CliIo, EXIT } from 'src/cli/io';

export interface GenerateCommandOptions {
  students?: number;
  studentsPerCohort?: number;
  cohorts: string;
  seed: number;
  out: string;
  format: OutputFormat;
  batchSize?: number;
  asOf?: string;
  breaks?: boolean;
}

/** `2015-2025` → [2015, 2025]; a single year means one cohort. */
export function parseCohorts(text: string): [number, number] {
  const match = /^\s*(\d{4})\s*(?:[-–:]\s*(\d{4}))?\s*$/.exec(text);
  if (!match) throw new CliError('--cohorts must be a year or a range of years such as 2015-2025', EXIT.usage);
  const from = Number(match[1]);
  const to = Number(match[2] ?? match[1]);
  if (from > to) throw new CliError('--cohorts: the first year must not be after the last', EXIT.usage);
  return [from, to];
}

/** Generates the synthetic region and writes it to disk; prints a summary to stderr. */
export async function generateCommand(options: GenerateCommandOptions, io: CliIo): Promise<WriteSummary> {
  if (options.format !== 'csv' && options.format !== 'json') throw new CliError('--format must be csv or json', EXIT.usage);
  const generateOptions: GenerateOptions = {
    seed: options.seed,
    cohorts: parseCohorts(options.cohorts),
    students: options.students,
    studentsPerCohort: options.studentsPerCohort,
    asOf: options.asOf,
    plantBreaks: options.breaks ?? true,
  };
  const started = process.hrtime.bigint();
  let region;
  try {
    region = generateRegion(generateOptions);
  } catch (error) {
    if (error instanceof RangeError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
  const progress = io.stderr.isTTY
    ? ({ enrolments, leavers }: { enrolments: number; leavers: number }): void => void io.stderr.write(`\r  ${enrolments} enrolments, ${leavers} leavers`)
    : undefined;
  const summary = await writeRegion(region, { outDir: options.out, format: options.format, batchSize: options.batchSize, onProgress: progress, progressEvery: 100_000 });
  if (progress) io.stderr.write('\n');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const [from, to] = generateOptions.cohorts;
  const lines = [
    `generated region ${region.region.code} (seed ${region.options.seed}, cohorts ${from}-${to}, as of ${region.options.asOf}) in ${seconds.toFixed(1)} s:`,
    `  ${region.studentCount} students, ${summary.enrolments} enrolments, ${summary.leavers} leavers (${Math.round((summary.enrolments + summary.leavers) / Math.max(seconds, 1e-3))} records/s)`,
    `  ${summary.files.length} ${options.format.toUpperCase()} file(s) and ${summary.manifest} in ${summary.outDir}`,
    ...region.plantedBreaks.map((planted) => `  planted ${planted.kind}: ${planted.description}`),
  ];
  io.stderr.write(`${lines.join('\n')}\n`);
  return summary;
}
