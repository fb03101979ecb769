import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentVariables } from 'src/config/app-config';
import { PROVIDER_VARIABLE_SUFFIXES, SIGN_IN_VARIABLES } from 'src/config/sign-in-config';

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

/** The suffixes of the per-provider variables the table names as `OIDC_<ID>_<suffix>`. */
export function readmeProviderSuffixes(readme: string): string[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => /^\| variable \| default \| meaning \|/.test(line));
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|')[1]);
  }
  return rows.flatMap((cell) => [...cell.matchAll(/`OIDC_<ID>_([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]));
}

/** The variables sign-in-config.ts reads: fixed names (`env.NAME`) and provider suffixes (`${prefix}SUFFIX`). */
const signInSourceVariables = (): { fixed: string[]; suffixes: string[] } => {
  const source = readFileSync(join(__dirname, 'sign-in-config.ts'), 'utf8');
  return {
    fixed: [...new Set([...source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]))],
    suffixes: [...new Set([...source.matchAll(/\$\{prefix\}([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]))],
  };
};

/** Every variable the configuration class validates. */
const configVariables = (): string[] => [
  ...new Set(getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false).map((metadata) => metadata.propertyName)),
];

describe('README configuration table', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

  it('names every variable of the configuration class and of the sign-in configuration, and no other', () => {
    const documented = readmeVariables(readme);
    const validated = [...configVariables(), ...SIGN_IN_VARIABLES];
    expect(configVariables().length).toBeGreaterThanOrEqual(25);
    expect(validated.filter((name) => !documented.includes(name))).toEqual([]);
    expect(documented.filter((name) => !validated.includes(name))).toEqual([]);
  });

  it('names every variable of an identity provider (OIDC_<ID>_…), and the sign-in configuration reads exactly the variables it lists', () => {
    expect([...readmeProviderSuffixes(readme)].sort()).toEqual([...PROVIDER_VARIABLE_SUFFIXES].sort());
    const read = signInSourceVariables();
    expect(read.fixed.sort()).toEqual([...SIGN_IN_VARIABLES].sort());
    expect(read.suffixes.sort()).toEqual([...PROVIDER_VARIABLE_SUFFIXES].sort());
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
