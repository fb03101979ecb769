/**
 * The committed OpenAPI document is good enough to generate a client from: openapi-typescript
 * turns it into types, tsc compiles a client written against them (strict), and the client calls
 * the service with the demo region loaded through openapi-fetch. A nameless `$ref`, a wrong
 * required flag or a missing route breaks the generation, the compilation or the calls.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { OPENAPI_PATH } from 'scripts/generate-openapi';
import { DemoService } from 'src/demo/demo.service';
import { createTestContext, TestContext } from 'test/utils/test-context';

/** What the client reports (its own declaration is compiled only inside the test). */
interface DemoClientResult {
  reportRegion: string;
  reportCohort: number | null;
  reportCells: number;
  suppressedCells: number;
  alertTypes: string[];
  alumniCohorts: number;
  institutionVestigingen: string[];
  programmesLoaded: number;
  batchInserted: number;
  invalidTokenStatus: number;
}

const ROOT = join(__dirname, '..', '..');
/** Loading the demo region and computing its summaries takes a while on a busy machine. */
const DEMO_TIMEOUT = 300_000;
const CLIENT_SOURCE = join(__dirname, 'typed-client', 'demo-client.ts');

/**
 * Writes the types openapi-typescript generates for a document into `folder/schema.d.ts`, with
 * its command-line tool (its CommonJS build cannot load its own dependencies); the tool's
 * complaint when it refuses the document.
 */
function generateTypes(document: unknown, folder: string): string | undefined {
  const input = join(folder, 'openapi.json');
  writeFileSync(input, JSON.stringify(document));
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), input, '--output', join(folder, 'schema.d.ts')], { encoding: 'utf8' });
  return run.status === 0 ? undefined : `${run.stdout}${run.stderr}`.trim();
}

/** Compiles the client and its types with tsc; the diagnostics, empty when it compiles. */
function compile(folder: string): string[] {
  const program = ts.createProgram([join(folder, 'demo-client.ts')], {
    strict: true,
    noEmitOnError: true,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
    esModuleInterop: true,
    outDir: join(folder, 'out'),
  });
  const result = program.emit();
  return [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('a typed client generated from openapi/openapi.json', () => {
  let ctx: TestContext;
  let baseUrl: string;
  let folder: string;

  beforeAll(async () => {
    folder = join(ROOT, 'test-artifacts', `typed-client-${process.pid}-${Date.now().toString(36)}`);
    mkdirSync(folder, { recursive: true });
    ctx = await createTestContext();
    if (!(await ctx.app.get(DemoService).seedIfEmpty())) throw new Error('the demo region did not load into the fresh database');
    await ctx.runJobs();
    await ctx.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(ctx.app.getHttpServer().address() as { port: number }).port}`;
  }, DEMO_TIMEOUT);

  afterAll(async () => {
    await ctx?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('generates, compiles with tsc and calls the demo region through openapi-fetch', async () => {
    expect(generateTypes(JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')), folder)).toBeUndefined();
    writeFileSync(join(folder, 'demo-client.ts'), readFileSync(CLIENT_SOURCE, 'utf8'));
    expect(compile(folder)).toEqual([]);

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runDemoClient } = require(join(folder, 'out', 'demo-client.js')) as { runDemoClient: (baseUrl: string, unique: string) => Promise<DemoClientResult> };
    const result = await runDemoClient(baseUrl, String(process.pid % 10_000));
    expect(result).toEqual(
      expect.objectContaining({ reportRegion: 'RIJNSTAD', reportCohort: 2024, programmesLoaded: 1, batchInserted: 1, invalidTokenStatus: 401 }),
    );
    expect(result.reportCells).toBeGreaterThan(10);
    expect(result.alertTypes).toContain('trendbreuk');
    expect(result.alumniCohorts).toBeGreaterThan(3);
    expect(result.institutionVestigingen).toHaveLength(1);
  }, DEMO_TIMEOUT);

  it('does not compile a client against a document with a nameless $ref in a request body', () => {
    const document = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as { components: { schemas: Record<string, { properties: Record<string, { items?: { $ref?: string } }> }> } };
    document.components.schemas.ProgrammeBatchDto.properties.records.items = { $ref: '#/components/schemas/' };
    const broken = join(folder, 'broken');
    mkdirSync(broken, { recursive: true });
    // openapi-typescript either refuses the document or generates types the client cannot compile against.
    if (generateTypes(document, broken) !== undefined) return;
    writeFileSync(join(broken, 'demo-client.ts'), readFileSync(CLIENT_SOURCE, 'utf8'));
    expect(compile(broken).length).toBeGreaterThan(0);
  }, DEMO_TIMEOUT);
});
