import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/*
 * The shape of src/ that docs/architecture.md describes, held by a test: modules depend one way,
 * only the access layer reads the caller's identity, SQL parameters are never counted by hand,
 * and no source file grows past what a reader takes in at once.
 */

const SRC = join(__dirname, '..', '..', 'src');
const MAX_LINES = 420;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

const files = sourceFiles(SRC).map((path) => ({ path: relative(SRC, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }));
const moduleOf = (path: string): string => (path.includes('/') ? path.split('/')[0] : '(root)');

describe('the architecture of src/', () => {
  it('has no two modules (folders) that import each other', () => {
    const imports = new Map<string, Set<string>>();
    for (const { path, text } of files) {
      const from = moduleOf(path);
      for (const match of text.matchAll(/from 'src\/([\w-]+)/g)) {
        if (match[1] === from) continue;
        if (!imports.has(from)) imports.set(from, new Set());
        imports.get(from)!.add(match[1]);
      }
    }
    const mutual = [...imports].flatMap(([a, targets]) => [...targets].filter((b) => a < b && imports.get(b)?.has(a)).map((b) => `${a} <-> ${b}`));
    expect(mutual).toEqual([]);
  });

  it('reads the principal\'s kind, institution and region only in the access layer and auth', () => {
    const readers = files.filter(({ path, text }) => !/^(access|auth)\//.test(path) && /\bauth\.(kind|institutionId|regionId)\b/.test(text)).map(({ path }) => path);
    expect(readers).toEqual([]);
  });

  it('numbers SQL parameters through the sql tag, never by hand ($${…}, or $1 in a file that runs queries)', () => {
    expect(files.filter(({ text }) => text.includes('$${')).map(({ path }) => path)).toEqual([]);
    const runsQueries = /\.query\(|\bquery(One)?<|\bexecute\(/;
    const handNumbered = files.filter(({ text }) => runsQueries.test(text) && /\$\d/.test(text)).map(({ path }) => path);
    expect(handNumbered).toEqual([]);
  });

  it(`keeps every source file under ${MAX_LINES} lines`, () => {
    const long = files.map(({ path, text }) => ({ path, lines: text.split('\n').length })).filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
