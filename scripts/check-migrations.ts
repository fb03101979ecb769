import { diffEntitiesAgainstMigrations } from 'scripts/schema-diff';

/** Fails (exit 1) when the entities need schema changes that no migration makes. */
async function main(): Promise<void> {
  const diff = await diffEntitiesAgainstMigrations();
  if (diff.up.length === 0) {
    process.stdout.write('Migrations are in step with the entities.\n');
    return;
  }
  process.stderr.write(
    `The entities need schema changes that no migration makes. Run \`npm run migration:generate -- <Name>\`.\nPending:\n${diff.up.map((query) => `  ${query};`).join('\n')}\n`,
  );
  process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
