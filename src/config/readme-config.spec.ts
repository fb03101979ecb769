import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentVariables } from 'src/config/app-config';

/** The variables named in the first column of the README's configuration table. */
export function readmeVariables(readme: string): string[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => /^\| variable \| default \| meaning \|/.test(line));
  if (start < 0) throw new Error('the README has no configuration table (| variable | default | meaning |)');
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|')[1]);
  }
  return rows.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]));
}

/** Every variable the configuration class validates. */
const configVariables = (): string[] => [
  ...new Set(getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false).map((metadata) => metadata.propertyName)),
];

describe('README configuration table', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

  it('names every variable of the configuration class, and no other', () => {
    const documented = readmeVariables(readme);
    const validated = configVariables();
    expect(validated.length).toBeGreaterThanOrEqual(25);
    expect(validated.filter((name) => !documented.includes(name))).toEqual([]);
    expect(documented.filter((name) => !validated.includes(name))).toEqual([]);
  });

  it('notices a variable missing from the table', () => {
    const withoutChunkRows = readme
      .split('\n')
      .filter((line) => !line.startsWith('| `INGEST_CHUNK_ROWS`'))
      .join('\n');
    expect(readmeVariables(readme)).toContain('INGEST_CHUNK_ROWS');
    expect(readmeVariables(withoutChunkRows)).not.toContain('INGEST_CHUNK_ROWS');
    expect(readmeVariables('| variable | default | meaning |\n|---|---|---|\n| `PORT` / `HOST` | x | y |\n\nafter')).toEqual(['PORT', 'HOST']);
  });
});
