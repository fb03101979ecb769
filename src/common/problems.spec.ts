import { HttpStatus } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { notFound, ProblemException } from 'src/common/problem';
import { problem, PROBLEMS, ProblemType } from 'src/common/problems';

/** Every .ts file under a folder, tests excluded. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });

describe('problem catalogue', () => {
  it('gives a problem its status and title from the catalogue', () => {
    const error = problem('batch-not-deletable', 'The upload is still running.', [{ parameter: 'id', detail: 'x' }], { retryAfter: 5 });
    expect(error).toBeInstanceOf(ProblemException);
    expect(error.getStatus()).toBe(HttpStatus.CONFLICT);
    expect(error.toDocument('/v1/batches/1')).toEqual({
      type: 'https://doorstroom.nl/problems/batch-not-deletable',
      title: 'Conflict',
      status: 409,
      detail: 'The upload is still running.',
      instance: '/v1/batches/1',
      errors: [{ parameter: 'id', detail: 'x' }],
      retryAfter: 5,
    });
    expect(problem('invalid-records').toDocument()).toEqual({ type: 'https://doorstroom.nl/problems/invalid-records', title: 'Invalid records', status: 422 });
  });

  it('holds only error statuses, and notFound() agrees with it', () => {
    for (const { status } of Object.values(PROBLEMS)) expect(Number(status) >= 400 && Number(status) < 500).toBe(true);
    const missing = notFound('Batch 1');
    expect([missing.getStatus(), missing.title]).toEqual([PROBLEMS['not-found'].status, PROBLEMS['not-found'].title]);
  });

  it('names every problem type the code throws, with the status and title it is thrown with', () => {
    const thrown = new Map<string, string[]>();
    for (const file of sources(join(__dirname, '..'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/new ProblemException\(\s*HttpStatus\.([A-Z_]+),\s*'([a-z-]+)',\s*'([^']*)'/g)) {
        thrown.set(match[2], [...(thrown.get(match[2]) ?? []), `${HttpStatus[match[1] as keyof typeof HttpStatus]} ${match[3]}`]);
      }
      for (const match of text.matchAll(/\b(?:problem|keyProblem|forbidden)\(\s*'([a-z-]+)'/g)) thrown.set(match[1], thrown.get(match[1]) ?? []);
    }
    expect(thrown.size).toBeGreaterThanOrEqual(15);
    for (const [type, uses] of thrown) {
      expect([type, type in PROBLEMS]).toEqual([type, true]);
      const { status, title } = PROBLEMS[type as ProblemType];
      for (const use of uses) expect([type, use]).toEqual([type, `${status} ${title}`]);
    }
  });
});
