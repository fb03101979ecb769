import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffEntitiesAgainstMigrations } from 'scripts/schema-diff';

const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

const quote = (sql: string): string => `\`${sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;

/** Writes a migration with the schema changes the entities need, and registers it in migrations/index.ts. */
async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    process.stderr.write('Usage: npm run migration:generate -- <PascalCaseName>\n');
    process.exit(64);
  }
  const diff = await diffEntitiesAgainstMigrations();
  if (diff.up.length === 0) {
    process.stdout.write('No schema changes: nothing generated.\n');
    return;
  }
  const timestamp = Date.now();
  const className = `${name}${timestamp}`;
  const file = `${timestamp}-${name}`;
  const body = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${diff.up.map((query) => `    await queryRunner.query(${quote(query)});`).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${diff.down.map((query) => `    await queryRunner.query(${quote(query)});`).join('\n')}
  }
}
`;
  writeFileSync(join(MIGRATIONS_DIR, `${file}.ts`), body);
  const indexPath = join(MIGRATIONS_DIR, 'index.ts');
  const index = readFileSync(indexPath, 'utf8')
    .replace(/^(\/\*\*)/m, `import { ${className} } from 'migrations/${file}';\n\n$1`)
    .replace(/= \[([^\]]*)\];/, (_match, list: string) => `= [${[...list.split(',').map((item) => item.trim()).filter(Boolean), className].join(', ')}];`);
  writeFileSync(indexPath, index);
  process.stdout.write(`Wrote migrations/${file}.ts (${diff.up.length} statements). Review it before committing.\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
