import { once } from 'node:events';
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { GeneratedRegion } from 'src/generator/region';
import { csvHeader, RecordKind, toCsvLine } from 'src/generator/records';

/** The largest batch the ingest API accepts. */
export const MAX_BATCH_RECORDS = 10_000;

export type OutputFormat = 'csv' | 'json';

export interface WriteOptions {
  outDir: string;
  format: OutputFormat;
  /** Records per JSON batch file (default and maximum 10,000). */
  batchSize?: number;
  /** Called every `progressEvery` records (default 50,000) and at the end. */
  onProgress?: (progress: { enrolments: number; leavers: number }) => void;
  progressEvery?: number;
}

export interface WrittenFile {
  /** Relative to outDir. */
  path: string;
  kind: RecordKind;
  brin: string;
  records: number;
}

export interface WriteSummary {
  outDir: string;
  format: OutputFormat;
  enrolments: number;
  leavers: number;
  files: WrittenFile[];
  /** The manifest: region, institutions, programmes, planted breaks, files. */
  manifest: string;
}

const FLUSH_BYTES = 256 * 1024;

/** Buffers text and writes it in large pieces, waiting when the file stream is full. */
class FileSink {
  private readonly stream: WriteStream;
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
    // Errors surface through `once(..., 'drain')` and `finished`; keep them from crashing the process first.
    this.stream.on('error', () => undefined);
  }

  /** Queues text; true when the caller should `flush()` before writing more. */
  write(text: string): boolean {
    this.pending.push(text);
    this.pendingBytes += text.length;
    return this.pendingBytes >= FLUSH_BYTES;
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
  }
}

/** One output per institution and kind: a CSV file, or a series of JSON batch files. */
interface Output {
  add(record: object): Promise<void> | undefined;
  close(): Promise<void>;
}

class CsvOutput implements Output {
  private sink: FileSink | undefined;

  constructor(
    private readonly outDir: string,
    private readonly file: WrittenFile,
  ) {}

  add(record: object): Promise<void> | undefined {
    if (!this.sink) {
      this.sink = new FileSink(join(this.outDir, this.file.path));
      this.sink.write(`${csvHeader(this.file.kind)}\n`);
    }
    this.file.records++;
    return this.sink.write(`${toCsvLine(this.file.kind, record as never)}\n`) ? this.sink.flush() : undefined;
  }

  async close(): Promise<void> {
    await this.sink?.close();
  }
}

class JsonBatchOutput implements Output {
  private sink: FileSink | undefined;
  private current: WrittenFile | undefined;
  private inBatch = 0;
  private batches = 0;

  constructor(
    private readonly outDir: string,
    private readonly kind: RecordKind,
    private readonly brin: string,
    private readonly batchSize: number,
    private readonly files: WrittenFile[],
  ) {}

  add(record: object): Promise<void> | undefined {
    if (this.sink && this.inBatch >= this.batchSize) return this.rotate().then(() => this.add(record) ?? undefined);
    if (!this.sink) {
      this.batches++;
      const folder = `${this.kind}-${this.brin}`;
      if (this.batches === 1) mkdirSync(join(this.outDir, folder), { recursive: true });
      const path = join(folder, `batch-${String(this.batches).padStart(4, '0')}.json`);
      this.current = { path, kind: this.kind, brin: this.brin, records: 0 };
      this.files.push(this.current);
      this.sink = new FileSink(join(this.outDir, path));
      this.sink.write('{"records":[\n');
      this.inBatch = 0;
    }
    this.current!.records++;
    const text = `${this.inBatch === 0 ? '' : ',\n'}${JSON.stringify(record)}`;
    this.inBatch++;
    return this.sink.write(text) ? this.sink.flush() : undefined;
  }

  private async rotate(): Promise<void> {
    const sink = this.sink!;
    this.sink = undefined;
    sink.write('\n]}\n');
    await sink.close();
  }

  async close(): Promise<void> {
    if (this.sink) await this.rotate();
  }
}

/**
 * Streams a generated region to disk: per receiving institution its enrolments, per supplying
 * school its leavers, as one CSV file each or as JSON batch files of at most 10,000 records
 * (`{"records": [...]}`, the body of the batch endpoints), plus `region.json` describing the
 * region and what was planted. Memory use does not grow with the number of records.
 */
export async function writeRegion(region: GeneratedRegion, options: WriteOptions): Promise<WriteSummary> {
  const batchSize = options.batchSize ?? MAX_BATCH_RECORDS;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_RECORDS) {
    throw new RangeError(`batchSize must be an integer from 1 to ${MAX_BATCH_RECORDS}`);
  }
  const { outDir, format } = options;
  mkdirSync(outDir, { recursive: true });
  const files: WrittenFile[] = [];
  const outputs = new Map<string, Output>();
  const outputFor = (kind: RecordKind, brin: string): Output => {
    const key = `${kind}:${brin}`;
    let output = outputs.get(key);
    if (!output) {
      if (format === 'csv') {
        const file: WrittenFile = { path: `${kind}-${brin}.csv`, kind, brin, records: 0 };
        files.push(file);
        output = new CsvOutput(outDir, file);
      } else {
        output = new JsonBatchOutput(outDir, kind, brin, batchSize, files);
      }
      outputs.set(key, output);
    }
    return output;
  };

  const progressEvery = options.progressEvery ?? 50_000;
  let enrolments = 0;
  let leavers = 0;
  let completed = false;
  try {
    for (const item of region.records()) {
      let pending: Promise<void> | undefined;
      if (item.kind === 'enrolment') {
        enrolments++;
        pending = outputFor('enrolments', item.record.receivingBrin!).add(item.record);
      } else {
        leavers++;
        pending = outputFor('leavers', item.record.supplyingVestiging!.slice(0, 4)).add(item.record);
      }
      if (pending) await pending;
      if (options.onProgress && (enrolments + leavers) % progressEvery === 0) options.onProgress({ enrolments, leavers });
    }
    completed = true;
  } finally {
    // After a failure, close what is open without hiding the first error.
    if (!completed) await Promise.allSettled([...outputs.values()].map((output) => output.close()));
  }
  await Promise.all([...outputs.values()].map((output) => output.close()));
  options.onProgress?.({ enrolments, leavers });

  files.sort((a, b) => a.path.localeCompare(b.path));
  const manifest = join(outDir, 'region.json');
  await writeFile(
    manifest,
    `${JSON.stringify(
      {
        generator: 'doorstroom synthetic region',
        region: region.region,
        options: region.options,
        students: region.studentCount,
        enrolments,
        leavers,
        plantedBreaks: region.plantedBreaks,
        institutions: region.institutions,
        programmes: region.programmes,
        successions: region.successions,
        files,
      },
      null,
      2,
    )}\n`,
  );
  return { outDir, format, enrolments, leavers, files, manifest };
}
