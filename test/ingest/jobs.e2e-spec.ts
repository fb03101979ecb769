import { JobsRepository } from 'src/jobs/jobs.repository';
import { JobRunner } from 'src/jobs/job-runner';
import { createTestContext, TestContext } from 'test/utils/test-context';

describe('jobs: the durable queue ingest enqueues into', () => {
  let ctx: TestContext;
  let jobs: JobsRepository;
  const KIND = 'test-job';

  beforeAll(async () => {
    ctx = await createTestContext();
    jobs = ctx.app.get(JobsRepository);
  });
  afterAll(() => ctx.close());

  const statusOf = async (id: string): Promise<{ status: string; attempts: number; last_error: string | null; due: boolean }> =>
    (await ctx.dataSource.query(`SELECT status, attempts, last_error, run_after <= now() AS due FROM jobs WHERE id = $1`, [id]))[0];

  it('enqueues inside the caller’s transaction: a rollback leaves no job', async () => {
    const runner = ctx.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const id = await jobs.insert(runner.manager, KIND, { n: 1 });
    await runner.rollbackTransaction();
    await runner.release();
    const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM jobs WHERE id = $1`, [id]);
    expect(count).toBe(0);
  });

  it('claims due jobs once, in order, and completes them', async () => {
    const first = await jobs.insert(ctx.dataSource.manager, KIND, { n: 1 });
    const second = await jobs.insert(ctx.dataSource.manager, KIND, { n: 2 });
    await jobs.insert(ctx.dataSource.manager, KIND, { n: 3 }, { runAfter: new Date(Date.now() + 3_600_000) });

    const claimed = await jobs.claim({ kinds: [KIND], limit: 10 });
    expect(claimed.map((job) => [job.id, job.payload, job.attempts, job.status])).toEqual([
      [first, { n: 1 }, 1, 'running'],
      [second, { n: 2 }, 1, 'running'],
    ]);
    expect(await jobs.claim({ kinds: [KIND], limit: 10 })).toEqual([]);
    expect(await jobs.claim({ kinds: ['other-kind'], limit: 10 })).toEqual([]);

    expect(await jobs.complete(first)).toBe(true);
    expect(await jobs.complete(first)).toBe(false);
    expect((await statusOf(first)).status).toBe('done');
  });

  it('retries a failed job later and gives up after the last attempt', async () => {
    const id = await jobs.insert(ctx.dataSource.manager, 'flaky', {});
    await jobs.claim({ kinds: ['flaky'] });
    expect(await jobs.fail(id, 'boom', { retryDelayMs: 60_000, maxAttempts: 2 })).toBe('pending');
    expect(await statusOf(id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'boom', due: false });
    expect(await jobs.claim({ kinds: ['flaky'] })).toEqual([]);

    await ctx.dataSource.query(`UPDATE jobs SET run_after = now() WHERE id = $1`, [id]);
    expect(await jobs.claim({ kinds: ['flaky'] })).toHaveLength(1);
    expect(await jobs.fail(id, 'boom again', { maxAttempts: 2 })).toBe('failed');
    expect(await statusOf(id)).toMatchObject({ status: 'failed', attempts: 2, last_error: 'boom again' });
  });

  it('puts back jobs whose worker vanished', async () => {
    const id = await jobs.insert(ctx.dataSource.manager, 'stale', {});
    await jobs.claim({ kinds: ['stale'] });
    await ctx.dataSource.query(`UPDATE jobs SET started_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    expect(await jobs.requeueStale(60_000)).toBe(1);
    expect((await statusOf(id)).status).toBe('pending');
  });

  it('never hands one job to two concurrent workers', async () => {
    for (let i = 0; i < 20; i++) await jobs.insert(ctx.dataSource.manager, 'parallel', { i });
    const results = await Promise.all([1, 2, 3, 4].map(() => jobs.claim({ kinds: ['parallel'], limit: 8 })));
    const ids = results.flat().map((job) => job.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(20);
  });

  it('takes no new jobs once the worker is told to stop, and leaves them queued', async () => {
    const institution = await ctx.newInstitution({ sectors: ['hbo'] });
    const enqueue = (n: number) =>
      Promise.all(Array.from({ length: n }, () => jobs.insert(ctx.dataSource.manager, 'refresh-summaries', { institutionId: institution.id, cohorts: [2022] })));
    const refresh = ctx.app.get(JobRunner);
    const queued = await enqueue(101);
    expect(await refresh.runDue({ stop: () => true })).toBe(0);
    // Stop asked after the first claim (100 jobs at a time): that claim is finished, no other taken.
    let checks = 0;
    expect(await refresh.runDue({ stop: () => checks++ > 0 })).toBe(100);
    const statuses = await ctx.dataSource.query<Array<{ status: string; n: number }>>(
      `SELECT status, count(*)::int AS n FROM jobs WHERE id = ANY($1::bigint[]) GROUP BY status ORDER BY status`,
      [queued],
    );
    expect(statuses).toEqual([
      { status: 'done', n: 100 },
      { status: 'pending', n: 1 },
    ]);
    expect(await refresh.runDue()).toBe(1);
  });
});
