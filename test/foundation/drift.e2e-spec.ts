import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { OPENAPI_PATH, renderOpenApi, sortKeysDeep, validateOpenApi } from 'scripts/generate-openapi';
import { diffEntitiesAgainstMigrations } from 'scripts/schema-diff';
import { ENTITIES } from 'src/app.entities';

/** An entity that no migration creates: the drift check must notice it. */
@Entity({ name: 'drift_probe' })
class DriftProbeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  note!: string;
}

describe('drift checks', () => {
  it('the committed OpenAPI document is what the code generates', async () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(await renderOpenApi());
  });

  it('the check script fails on a document that differs from the code', () => {
    const committed = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as { paths: Record<string, unknown> };
    const folder = mkdtempSync(join(tmpdir(), 'openapi-drift-'));
    const tampered = join(folder, 'openapi.json');
    writeFileSync(tampered, `${JSON.stringify(sortKeysDeep({ ...committed, paths: { ...committed.paths, '/v1/extra': {} } }), null, 2)}\n`);
    const run = spawnSync(process.execPath, ['--experimental-vm-modules', '-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'scripts/generate-openapi.ts', '--check', '--file', tampered], {
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    });
    rmSync(folder, { recursive: true, force: true });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('out of date with the code');
  });

  it('the committed OpenAPI document passes a third-party validator (swagger-parser)', async () => {
    expect(await validateOpenApi(readFileSync(OPENAPI_PATH, 'utf8'))).toEqual([]);
  });

  it('the validator refuses a nameless $ref and keywords OpenAPI does not have', async () => {
    const committed = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as { components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> } };
    const nameless = structuredClone(committed);
    nameless.components.schemas.ProgrammeBatchDto.properties.records.items = { $ref: '#/components/schemas/' };
    expect((await validateOpenApi(JSON.stringify(nameless))).join('\n')).toContain('#/components/schemas/');
    const unknownKeyword = structuredClone(committed);
    unknownKeyword.components.schemas.CreateRegionDto.properties.code.patternMessage = '$property must be …';
    expect(await validateOpenApi(JSON.stringify(unknownKeyword))).not.toEqual([]);
  });

  it('sorts keys at every depth, so the document is reproducible', () => {
    expect(JSON.stringify(sortKeysDeep({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 3 } }))).toBe('{"a":{"c":3,"d":[{"y":2,"z":1}]},"b":1}');
  });

  it('migrations create exactly what the entities describe', async () => {
    expect((await diffEntitiesAgainstMigrations()).up).toEqual([]);
  });

  it('fails when an entity changes without a migration', async () => {
    const diff = await diffEntitiesAgainstMigrations([...ENTITIES, DriftProbeEntity]);
    expect(diff.up.join('\n')).toContain('CREATE TABLE "drift_probe"');
  });
});
