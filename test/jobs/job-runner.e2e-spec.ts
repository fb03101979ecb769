import { DetectionService } from 'src/alerts/detection.service';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { JOB_QUEUES, JobKind, JobPayloads } from 'src/jobs/job-kinds';
import { JobQueue } from 'src/jobs/job-queue';
import { JobRunner } from 'src/jobs/job-runner';
import { JobsRepository } from 'src/jobs/jobs.repository';
import { RefreshService } from 'src/outcomes/refresh.service';
import { createTestContext, TestContext } from 'test/utils/test-context';

interface JobRow {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  last_error: string | null;
  due_in_s: number;
}

/** The runner over the real queue: merging, the detection step, retries, recurring jobs. */
describe('JobRunner', () => {
  let ctx: TestContext;
  let runner: JobRunner;
  let queue: JobQueue;
  let region: RegionEntity;
  let X: InstitutionEntity, S: InstitutionEntity;

  const rows = (where: string, params: unknown[] = []): Promise<JobRow[]> =>
    ctx.dataSource.query(
      `SELECT id::text AS id, kind, status, attempts, last_error, round(extract(epoch FROM run_after - now()))::int AS due_in_s FROM jobs WHERE ${where} ORDER BY id`,
      params,
    );
  const enqueue = <K extends JobKind>(kind: K, payload: JobPayloads[K]): Promise<string> => queue.enqueue(ctx.dataSource.manager, kind, payload);

  beforeAll(async () => {
    ctx = await createTestContext();
    runner = ctx.app.get(JobRunner);
    queue = ctx.app.get(JobQueue);
    region = await ctx.newRegion();
    X = await ctx.newInstitution({ sectors: ['hbo'] });
    S = await ctx.newInstitution({ sectors: ['vo'] });
    for (const member of [X, S]) await ctx.addMember(region, member);
    await ctx.newEnrolment({ receiver: X, supplier: S, startDate: '2022-09-01' });
    await ctx.runJobs();
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => ctx.close());

  it('merges a burst of refresh jobs into one refresh per region, with one detection after it', async () => {
    const refresh = jest.spyOn(ctx.app.get(RefreshService), 'refreshRegion');
    const detect = jest.spyOn(ctx.app.get(DetectionService), 'detectRegion');
    // A record changes (its own job queued with it), then a burst of jobs for the same institutions.
    await ctx.newEnrolment({ receiver: X, supplier: S, startDate: '2023-09-01' });
    const ids: string[] = [];
    for (const cohort of [2020, 2021, 2022, 2023, 2024]) ids.push(await enqueue(JobKind.RefreshSummaries, { institutionId: X.id, cohorts: [cohort] }));
    ids.push(await enqueue(JobKind.RefreshSummaries, { institutionId: S.id, cohorts: [2022] }));
    expect(await runner.runDue()).toBe(7);
    expect(refresh.mock.calls).toEqual([[region.id, 'changed']]);
    expect(detect.mock.calls).toEqual([[region.id]]);
    expect((await rows(`id = ANY($1::bigint[])`, [ids])).map((row) => row.status)).toEqual(Array(6).fill('done'));
  });

  it('a refresh job whose changes an earlier refresh already applied runs no detection', async () => {
    const refresh = jest.spyOn(ctx.app.get(RefreshService), 'refreshRegion');
    const detect = jest.spyOn(ctx.app.get(DetectionService), 'detectRegion');
    await enqueue(JobKind.RefreshSummaries, { institutionId: X.id, cohorts: [2023] });
    expect(await runner.runDue()).toBe(1);
    expect(refresh.mock.calls).toEqual([[region.id, 'changed']]);
    expect(detect).not.toHaveBeenCalled();
  });

  it('a failing detection fails its refresh jobs for a retry, which runs both again', async () => {
    const refresh = jest.spyOn(ctx.app.get(RefreshService), 'refreshRegion');
    const detect = jest.spyOn(ctx.app.get(DetectionService), 'detectRegion').mockRejectedValueOnce(new Error('detector down'));
    const id = await enqueue(JobKind.RefreshRegion, { regionId: region.id });
    expect(await runner.runDue()).toBe(1);
    const [failed] = await rows(`id = $1`, [id]);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, last_error: 'detector down' });
    expect(failed.due_in_s).toBe(JOB_QUEUES.refresh.retryDelayMs / 1000);
    expect(await runner.runDue()).toBe(0);

    await ctx.dataSource.query(`UPDATE jobs SET run_after = now() WHERE id = $1`, [id]);
    expect(await runner.runDue()).toBe(1);
    expect(await rows(`id = $1`, [id])).toEqual([expect.objectContaining({ status: 'done', attempts: 2, last_error: null })]);
    expect(refresh).toHaveBeenCalledTimes(2);
    expect(detect).toHaveBeenCalledTimes(2);
  });

  it('keeps one waiting job per recurring kind, re-armed after each run and never given up', async () => {
    const recurring = [JobKind.SweepAbandonedUploads, JobKind.SweepRetention, JobKind.SweepSessions];
    await runner.scheduleRecurring();
    await runner.scheduleRecurring();
    const waiting = await rows(`kind = ANY($1::text[])`, [recurring]);
    expect(waiting.map((row) => [row.kind, row.status])).toEqual(recurring.map((kind) => [kind, 'pending']));

    expect(await runner.runDue()).toBe(3);
    const rearmed = await rows(`kind = ANY($1::text[])`, [recurring]);
    expect(rearmed.map((row) => [row.kind, row.status, row.attempts])).toEqual(recurring.map((kind) => [kind, 'pending', 0]));
    // Nothing is receiving, so the upload sweep waits its whole interval, like the daily retention sweep.
    expect(rearmed.map((row) => row.due_in_s)).toEqual([JOB_QUEUES['abandoned-uploads'].everyMs / 1000, JOB_QUEUES.retention.everyMs / 1000, JOB_QUEUES.sessions.everyMs / 1000]);

    // A failed run is tried again after the retry delay, not failed for good.
    const [retention] = rearmed.filter((row) => row.kind === JobKind.SweepRetention);
    await ctx.dataSource.query(`UPDATE jobs SET run_after = now() WHERE id = $1`, [retention.id]);
    const sweep = jest.spyOn(ctx.dataSource, 'transaction').mockRejectedValueOnce(new Error('database away'));
    expect(await runner.runDue()).toBe(1);
    expect(sweep).toHaveBeenCalled();
    expect(await rows(`id = $1`, [retention.id])).toEqual([
      expect.objectContaining({ status: 'pending', last_error: 'database away', due_in_s: JOB_QUEUES.retention.retryDelayMs / 1000 }),
    ]);

    // A worker's start brings the upload sweep forward (a restart is when a dead process's uploads are found), not the daily one.
    await runner.scheduleRecurring();
    expect((await rows(`kind = ANY($1::text[])`, [recurring])).map((row) => [row.kind, row.due_in_s <= 0])).toEqual([
      [JobKind.SweepAbandonedUploads, true],
      [JobKind.SweepRetention, false],
      [JobKind.SweepSessions, false],
    ]);
    expect(await runner.runDue()).toBe(1);
  });

  it('two waiting rows of one recurring kind (two workers started at once) converge to one', async () => {
    const [first] = await rows(`kind = $1 AND status = 'pending'`, [JobKind.SweepRetention]);
    const second = await ctx.app.get(JobsRepository).insert(ctx.dataSource.manager, JobKind.SweepRetention, {});
    await ctx.dataSource.query(`UPDATE jobs SET run_after = now() WHERE id = ANY($1::bigint[])`, [[first.id, second]]);
    expect(await runner.runDue()).toBe(2);
    expect((await rows(`id = ANY($1::bigint[])`, [[first.id, second]])).map((row) => [row.id, row.status])).toEqual([
      [first.id, 'pending'],
      [second, 'done'],
    ]);
  });

  it('a claim renewed by its worker is not taken for stale; one left alone is queued again', async () => {
    const repository = ctx.app.get(JobsRepository);
    const alive = await enqueue(JobKind.RefreshRegion, { regionId: region.id });
    const dead = await enqueue(JobKind.RefreshRegion, { regionId: region.id });
    await repository.claim({ kinds: [JobKind.RefreshRegion], limit: 2 });
    await ctx.dataSource.query(`UPDATE jobs SET started_at = now() - interval '1 hour' WHERE id = ANY($1::bigint[])`, [[alive, dead]]);
    await repository.heartbeat([alive]);
    expect(await runner.requeueStale()).toBe(1);
    expect((await rows(`id = ANY($1::bigint[])`, [[alive, dead]])).map((row) => row.status)).toEqual(['running', 'pending']);
    await repository.complete(alive);
    await runner.runDue();
  });
});
