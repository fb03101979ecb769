// Builds the browser front end (web/) into dist/web with esbuild: one JavaScript bundle with the
// charting library in it (no CDN, works offline), one stylesheet and index.html. The service
// serves dist/web at /app/ (src/app.factory.ts). Part of `npm run build`; the type check of the
// front end runs before it (`tsc -p web/tsconfig.json`).
import { build, Metafile } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const WEB_SOURCE = resolve(__dirname, '..', 'web');
export const WEB_OUTPUT = resolve(__dirname, '..', 'dist', 'web');

export interface WebBuild {
  outDir: string;
  /** Output file → bytes. */
  files: Record<string, number>;
}

export async function buildWeb(options: { outDir?: string; minify?: boolean } = {}): Promise<WebBuild> {
  const outDir = options.outDir ?? WEB_OUTPUT;
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: [
      { in: join(WEB_SOURCE, 'src', 'main.ts'), out: 'app' },
      { in: join(WEB_SOURCE, 'styles.css'), out: 'app' },
    ],
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    // ECharts is Apache-2.0: its licence comments go into app.js.LEGAL.txt next to the bundle.
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    tsconfig: join(WEB_SOURCE, 'tsconfig.json'),
  });
  await copyFile(join(WEB_SOURCE, 'index.html'), join(outDir, 'index.html'));
  return { outDir, files: sizes(result.metafile) };
}

function sizes(metafile: Metafile): Record<string, number> {
  return Object.fromEntries(Object.entries(metafile.outputs).map(([file, output]) => [file, output.bytes]));
}

if (require.main === module) {
  buildWeb()
    .then(({ outDir, files }) => {
      const lines = Object.entries(files)
        .filter(([file]) => !file.endsWith('.map'))
        .map(([file, bytes]) => `  ${file.split('/').pop()}: ${(bytes / 1024).toFixed(0)} KiB`);
      process.stdout.write(`Web front end built into ${outDir}\n${lines.join('\n')}\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`Web build failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
