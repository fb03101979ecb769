import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync, writeFileSync } from 'node:fs';
import type { OpenAPI } from 'openapi-types';
import { join } from 'node:path';
import { buildOpenApiDocument, createApp } from 'src/app.factory';
import { loadConfig } from 'src/config/app-config';
import { createScratchDatabase } from 'src/database/scratch-database';

export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'openapi.json');

/** Object keys sorted at every depth, so the document is byte-for-byte reproducible. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The OpenAPI document the code describes, serialised deterministically. */
export async function renderOpenApi(): Promise<string> {
  const database = await createScratchDatabase(undefined);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DEMO_DATA: 'false', JWT_SECRET: 'x'.repeat(32) });
  const app = await createApp(config, database.target, { logger: false });
  try {
    await app.init();
    return `${JSON.stringify(sortKeysDeep(buildOpenApiDocument(app)), null, 2)}\n`;
  } finally {
    await app.close();
    await database.close();
  }
}

/**
 * Problems a third-party validator finds in the document (OpenAPI 3 schema and every `$ref`
 * resolving); empty when it is valid. The drift check alone compares the document with itself.
 */
export async function validateOpenApi(rendered: string): Promise<string[]> {
  try {
    await SwaggerParser.validate(JSON.parse(rendered) as OpenAPI.Document);
    return [];
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).split('\n').filter((line) => line.trim().length > 0);
  }
}

async function main(): Promise<void> {
  const rendered = await renderOpenApi();
  const problems = await validateOpenApi(rendered);
  if (problems.length > 0) {
    process.stderr.write(`The OpenAPI document the code describes is invalid:\n${problems.slice(0, 50).join('\n')}\n`);
    process.exit(1);
  }
  const fileFlag = process.argv.indexOf('--file');
  const target = fileFlag > 0 && process.argv[fileFlag + 1] ? process.argv[fileFlag + 1] : OPENAPI_PATH;
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(target, 'utf8');
    } catch {
      // A missing file is drift too.
    }
    if (committed !== rendered) {
      process.stderr.write(`${target === OPENAPI_PATH ? 'openapi/openapi.json' : target} is out of date with the code. Run \`npm run openapi\` and commit the result.\n`);
      process.exit(1);
    }
    process.stdout.write('openapi/openapi.json matches the code and is a valid OpenAPI document.\n');
    return;
  }
  writeFileSync(target, rendered);
  process.stdout.write(`Wrote ${OPENAPI_PATH.replace(`${join(__dirname, '..')}/`, '')}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  });
}
