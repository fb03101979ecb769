import { createTestContext, TestContext } from 'test/utils/test-context';
import { AbandonedUploadsSweep } from 'src/ingest/abandoned-uploads.sweep';
import { InstitutionEntity } from 'src/institutions/institution.entity';

/**
 * A streamed upload whose process died leaves its batch row 'receiving' (the row committed on its
 * own; the records were rolled back with the upload's transaction). Such a batch has no
 * transaction holding its advisory lock, and is shown as failed from then on; the recurring
 * abandoned-upload sweep (or a delete of it) records it so.
 */
describe('uploads cut off by a crash', () => {
  let ctx: TestContext;
  let X: InstitutionEntity, Y: InstitutionEntity;
  let tokenX: string, tokenY: string;
  const statusOf = async (id: string, token = tokenX): Promise<string> =>
    ((await ctx.http.get(`/v1/uploads/${id}`).set('Authorization', `Bearer ${token}`).expect(200)).body as { status: string }).status;
  /** A batch row as a streamed upload writes it before its transaction opens. */
  const receivingBatch = async (institution: InstitutionEntity, ageSeconds: number): Promise<string> =>
    (
      await ctx.dataSource.query<Array<{ id: string }>>(
        `INSERT INTO ingest_batches (institution_id, client_id, kind, source, status, rows_total, started_at)
         VALUES ($1, 'a-client-that-crashed', 'enrolments', 'csv', 'receiving', 40000, now() - make_interval(secs => $2)) RETURNING id::text AS id`,
        [institution.id, ageSeconds],
      )
    )[0].id;

  beforeAll(async () => {
    ctx = await createTestContext();
    X = await ctx.newInstitution({ sectors: ['hbo'] });
    Y = await ctx.newInstitution({ sectors: ['hbo'] });
    tokenX = await ctx.tokenFor({ institution: X, scopes: ['records:write', 'records:read'] });
    tokenY = await ctx.tokenFor({ institution: Y, scopes: ['records:write', 'records:read'] });
  });
  afterAll(() => ctx.close());

  it('shows an abandoned upload as failed, and refuses to delete it as such', async () => {
    const id = await receivingBatch(X, 120);
    expect(await statusOf(id)).toBe('failed');
    const refused = await ctx.http.delete(`/v1/batches/${id}`).set('Authorization', `Bearer ${tokenX}`).expect(409);
    expect(refused.body.detail).toContain('failed');
    // The delete, a write, recorded it as failed (reads only show it so).
    const [row] = await ctx.dataSource.query<Array<{ status: string; finished: boolean }>>(`SELECT status, finished_at IS NOT NULL AS finished FROM ingest_batches WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'failed', finished: true });
  });

  it('reads write nothing: the recurring sweep records the failure', async () => {
    const id = await receivingBatch(X, 120);
    const young = await receivingBatch(Y, 10);
    expect(await statusOf(id)).toBe('failed');
    const failedOnly = await ctx.http.get('/v1/uploads?status=failed').set('Authorization', `Bearer ${tokenX}`).expect(200);
    expect((failedOnly.body.items as Array<{ id: string }>).map((item) => item.id)).toContain(id);
    const rowOf = async (batch: string) =>
      (await ctx.dataSource.query<Array<{ status: string; finished: boolean }>>(`SELECT status, finished_at IS NOT NULL AS finished FROM ingest_batches WHERE id = $1`, [batch]))[0];
    expect(await rowOf(id)).toEqual({ status: 'receiving', finished: false });

    const sweep = ctx.app.get(AbandonedUploadsSweep);
    const next = await sweep.sweep();
    expect(next.failed).toBe(1);
    expect(await rowOf(id)).toEqual({ status: 'failed', finished: true });
    // The young upload may still take its lock: left alone, and looked at again once its grace period is over.
    expect(await rowOf(young)).toEqual({ status: 'receiving', finished: false });
    expect(next.runAgainAt?.getTime()).toBeGreaterThan(Date.now() + 15_000);
    expect(next.runAgainAt?.getTime()).toBeLessThanOrEqual(Date.now() + 20_000);
    expect((await sweep.sweep()).failed).toBe(0);
    await ctx.dataSource.query(`UPDATE ingest_batches SET status = 'failed', finished_at = now() WHERE id = $1`, [young]);
  });

  it('leaves a young batch alone: its upload may be about to take the lock', async () => {
    const id = await receivingBatch(X, 0);
    expect(await statusOf(id)).toBe('receiving');
    await ctx.dataSource.query(`UPDATE ingest_batches SET started_at = now() - interval '2 minutes' WHERE id = $1`, [id]);
    const list = await ctx.http.get('/v1/uploads').set('Authorization', `Bearer ${tokenX}`).expect(200);
    expect((list.body.items as Array<{ id: string; status: string }>).find((item) => item.id === id)?.status).toBe('failed');
  });

  it('touches only the batches of the caller’s institution', async () => {
    const other = await receivingBatch(Y, 120);
    await ctx.http.get('/v1/uploads').set('Authorization', `Bearer ${tokenX}`).expect(200);
    const [row] = await ctx.dataSource.query<Array<{ status: string }>>(`SELECT status FROM ingest_batches WHERE id = $1`, [other]);
    expect(row.status).toBe('receiving');
    expect(await statusOf(other, tokenY)).toBe('failed');
  });

  // On the embedded database a second session cannot hold a lock while the API reads: one session serves all.
  const onPostgres = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);
  (onPostgres ? it : it.skip)('never fails an upload whose transaction is alive (PostgreSQL)', async () => {
    const id = await receivingBatch(X, 120);
    const writer = ctx.dataSource.createQueryRunner();
    await writer.connect();
    await writer.startTransaction();
    try {
      await writer.query(`SELECT pg_advisory_xact_lock(hashtextextended('ingest-batch:' || $1::text, 0))`, [id]);
      expect(await statusOf(id)).toBe('receiving');
    } finally {
      await writer.rollbackTransaction();
      await writer.release();
    }
    expect(await statusOf(id)).toBe('failed');
  });
});
