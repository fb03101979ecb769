import { JobKind } from 'src/jobs/job-kinds';
import { JobRunner } from 'src/jobs/job-runner';
import { newPersonSession } from 'test/session/identity-providers';
import { createTestContext, TestContext } from 'test/utils/test-context';

// The hourly job that deletes sessions and sign-in attempts past their time, on the embedded
// database and on PostgreSQL: a person who never signs in again leaves no session row behind.
describe('sessions sweep', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('deletes expired and idle sessions and expired sign-in attempts, and keeps the live ones', async () => {
    const region = await ctx.newRegion();
    const live = await newPersonSession(ctx, { role: 'coordinator', regionId: region.id });
    const expired = await newPersonSession(ctx, { role: 'coordinator', regionId: region.id });
    const idle = await newPersonSession(ctx, { role: 'coordinator', regionId: region.id });
    await ctx.dataSource.query(`UPDATE web_sessions SET expires_at = now() - interval '1 second' WHERE person_id = $1`, [expired.personId]);
    await ctx.dataSource.query(`UPDATE web_sessions SET last_seen_at = now() - interval '30 days' WHERE person_id = $1`, [idle.personId]);
    for (const [state, expiresIn] of [
      ['state-live', '10 minutes'],
      ['state-expired', '-1 minute'],
    ]) {
      await ctx.dataSource.query(
        `INSERT INTO sign_in_attempts (state, binding_hash, nonce, code_verifier, provider, expires_at) VALUES ($1, $2, 'nonce', 'verifier', 'schoolid-a', now() + $3::interval)`,
        [state, 'b'.repeat(64), expiresIn],
      );
    }

    // The recurring job waits its hour; bring it forward as a worker's clock would.
    await ctx.app.get(JobRunner).scheduleRecurring();
    await ctx.dataSource.query(`UPDATE jobs SET run_after = now() WHERE kind = $1 AND status = 'pending'`, [JobKind.SweepSessions]);
    await ctx.runJobs();

    const sessions: Array<{ person_id: string }> = await ctx.dataSource.query(`SELECT person_id FROM web_sessions WHERE person_id = ANY($1::uuid[])`, [
      [live.personId, expired.personId, idle.personId],
    ]);
    expect(sessions.map((row) => row.person_id)).toEqual([live.personId]);
    const attempts: Array<{ state: string }> = await ctx.dataSource.query(`SELECT state FROM sign_in_attempts ORDER BY state`);
    expect(attempts.map((row) => row.state)).toEqual(['state-live']);
    const [job]: Array<{ status: string; due_in_s: number }> = await ctx.dataSource.query(
      `SELECT status, round(extract(epoch FROM run_after - now()))::int AS due_in_s FROM jobs WHERE kind = $1`,
      [JobKind.SweepSessions],
    );
    expect(job.status).toBe('pending');
    expect(job.due_in_s).toBeGreaterThan(3000);
  });
});
