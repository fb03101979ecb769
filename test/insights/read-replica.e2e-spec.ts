import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { createTestContext, TestContext } from 'test/utils/test-context';

/**
 * Views on a read replica (DATABASE_READ_URL). The real standby is in
 * test/reliability/read-replica.rel-spec.ts; here the "replica" is the same database (always
 * caught up), another database that lacks the primary's changes (a replica that is behind), or an
 * address where nothing listens (a lost replica). Without DATABASE_READ_URL, and always on the
 * embedded database, nothing changes.
 */
const postgres = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);
const describeOnPostgres = postgres ? describe : describe.skip;

interface Fixture {
  region: RegionEntity;
  supplier: InstitutionEntity;
  receiver: InstitutionEntity;
  token: string;
}

const fixture = async (ctx: TestContext, count: number): Promise<Fixture> => {
  const region = await ctx.newRegion();
  const supplier = await ctx.newInstitution({ sectors: ['vo'] });
  const receiver = await ctx.newInstitution({ sectors: ['hbo'] });
  for (const member of [supplier, receiver]) await ctx.addMember(region, member);
  for (let index = 0; index < count; index++) await ctx.newEnrolment({ receiver, supplier, startDate: '2022-09-01' });
  await ctx.runJobs();
  return { region, supplier, receiver, token: await ctx.tokenFor({ institution: supplier, scopes: ['insights:read'] }) };
};

const alumniTotal = async (ctx: TestContext, token: string): Promise<number> => {
  const response = await ctx.http.get('/v1/insights/alumni').set('Authorization', `Bearer ${token}`).expect(200);
  return response.body.cohorts[0].total.n as number;
};

/** What views read, parents first. */
const VIEW_TABLES = ['regions', 'institutions', 'region_memberships', 'programmes', 'definition_sets', 'outcome_summaries', 'flow_summaries', 'leaver_summaries', 'route_summaries', 'reason_summaries', 'withheld_cells', 'reference_series', 'reference_points', 'view_versions'];

/** Copies what views read, and the view versions, from one database to another as they are now (triggers and foreign keys off, as a standby replays). */
const replicate = async (from: TestContext, to: TestContext): Promise<void> => {
  const runner = to.dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SET session_replication_role = replica`);
    for (const table of VIEW_TABLES) {
      const rows = await from.dataSource.query<unknown[]>(`SELECT * FROM ${table}`);
      await runner.query(`DELETE FROM ${table}`);
      await runner.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(null::${table}, $1::json)`, [JSON.stringify(rows)]);
    }
  } finally {
    await runner.release();
  }
};

const readiness = async (ctx: TestContext): Promise<{ status: string; info: Record<string, Record<string, unknown>> }> => (await ctx.http.get('/health/ready').expect(200)).body;

describe('views without a read replica', () => {
  let ctx: TestContext;
  beforeAll(async () => (ctx = await createTestContext()));
  afterAll(() => ctx.close());

  it('read the one database and report no replica', async () => {
    const { token } = await fixture(ctx, 12);
    expect(await alumniTotal(ctx, token)).toBe(12);
    // (Unless the whole run goes through the replica path: TEST_READ_REPLICA=same, test/utils/test-context.ts.)
    if (!ctx.config.database.read) expect((await readiness(ctx)).info.replica).toBeUndefined();
  });
});

describeOnPostgres('views on a read replica', () => {
  describe('that is caught up', () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext((target) => (target.kind === 'postgres' ? { DATABASE_URL: target.url, DATABASE_READ_URL: target.url, VIEW_CACHE_MB: '0' } : {}));
    });
    afterAll(() => ctx.close());

    it('are computed on the replica, and show a refresh as soon as it committed', async () => {
      const { supplier, receiver, token } = await fixture(ctx, 12);
      expect(await alumniTotal(ctx, token)).toBe(12);
      const replica = (await readiness(ctx)).info.replica;
      expect(replica).toMatchObject({ status: 'up', state: 'up', replicaReads: 1, primaryReads: { down: 0, behind: 0, failed: 0 }, waits: 0 });
      // The replica's own connections, by their application_name.
      const [{ count }] = await ctx.dataSource.query<Array<{ count: number }>>(`SELECT count(*)::int AS count FROM pg_stat_activity WHERE application_name = 'doorstroom-read' AND datname = current_database()`);
      expect(count).toBeGreaterThan(0);

      for (let index = 0; index < 5; index++) await ctx.newEnrolment({ receiver, supplier, startDate: '2022-09-01' });
      await ctx.runJobs();
      expect(await alumniTotal(ctx, token)).toBe(17);
      expect((await readiness(ctx)).info.replica).toMatchObject({ replicaReads: 2 });
    });

    it('answer a refused request as the primary would (the refusal is not a replica failure)', async () => {
      const { token } = await fixture(ctx, 12);
      await ctx.http.get('/v1/insights/alumni?cohortFrom=2023&cohortTo=2021').set('Authorization', `Bearer ${token}`).expect(400);
      expect((await readiness(ctx)).info.replica).toMatchObject({ state: 'up', primaryReads: { down: 0, behind: 0, failed: 0 } });
    });
  });

  describe('that is behind', () => {
    let stale: TestContext;
    let ctx: TestContext;
    beforeAll(async () => {
      // Another database, which gets a copy of what views read: a replica that stopped replaying.
      stale = await createTestContext();
      const staleUrl = (stale.dataSource.options as { url: string }).url;
      ctx = await createTestContext((target) =>
        target.kind === 'postgres' ? { DATABASE_URL: target.url, DATABASE_READ_URL: staleUrl, DATABASE_READ_WAIT_MS: '150', DATABASE_READ_RETRY_MS: '60000', VIEW_CACHE_MB: '0' } : {},
      );
    });
    afterAll(async () => {
      await ctx.close();
      await stale.close();
    });

    it('are never older than the primary: a view waits briefly for the replica, then reads the primary, and the replica is skipped for a while', async () => {
      const { supplier, receiver, token } = await fixture(ctx, 12);
      await replicate(ctx, stale);
      expect(await alumniTotal(ctx, token)).toBe(12);
      expect((await readiness(ctx)).info.replica).toMatchObject({ state: 'up', replicaReads: 1, waits: 0 });

      // The uploader's new records, refreshed on the primary; the replica does not have them.
      for (let index = 0; index < 5; index++) await ctx.newEnrolment({ receiver, supplier, startDate: '2022-09-01' });
      await ctx.runJobs();
      let started = Date.now();
      expect(await alumniTotal(ctx, token)).toBe(17);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(150);
      expect((await readiness(ctx)).info.replica).toMatchObject({ status: 'up', state: 'behind', replicaReads: 1, primaryReads: { behind: 1, failed: 0 }, waits: 1 });

      // Skipped without waiting while it is behind.
      started = Date.now();
      expect(await alumniTotal(ctx, token)).toBe(17);
      expect(Date.now() - started).toBeLessThan(waited);
      expect((await readiness(ctx)).info.replica).toMatchObject({ state: 'behind', primaryReads: { behind: 2 }, waits: 1 });
    });
  });

  describe('on which a statement fails', () => {
    let broken: TestContext;
    let ctx: TestContext;
    beforeAll(async () => {
      broken = await createTestContext();
      const brokenUrl = (broken.dataSource.options as { url: string }).url;
      ctx = await createTestContext((target) => (target.kind === 'postgres' ? { DATABASE_URL: target.url, DATABASE_READ_URL: brokenUrl, VIEW_CACHE_MB: '0' } : {}));
    });
    afterAll(async () => {
      await ctx.close();
      await broken.close();
    });

    it('are read from the primary for that request, and the replica is not taken for lost', async () => {
      const { token } = await fixture(ctx, 12);
      await replicate(ctx, broken);
      await broken.dataSource.query(`ALTER TABLE withheld_cells RENAME TO withheld_cells_elsewhere`);
      expect(await alumniTotal(ctx, token)).toBe(12);
      const replica = (await readiness(ctx)).info.replica;
      expect(replica).toMatchObject({ state: 'up', replicaReads: 0, primaryReads: { down: 0, behind: 0, failed: 1 } });
      expect(replica.lastError).toMatch(/^42P01/);
    });
  });

  describe('that is lost', () => {
    let ctx: TestContext;
    beforeAll(async () => {
      // Port 1 on the loopback: nothing listens, connecting is refused at once.
      ctx = await createTestContext((target) =>
        target.kind === 'postgres' ? { DATABASE_URL: target.url, DATABASE_READ_URL: 'postgres://postgres@127.0.0.1:1/doorstroom', DATABASE_READ_RETRY_MS: '1000', VIEW_CACHE_MB: '0' } : {},
      );
    });
    afterAll(() => ctx.close());

    it('are read from the primary, readiness stays 200 and reports the replica down, and it is tried again later', async () => {
      const { token } = await fixture(ctx, 12);
      expect(await alumniTotal(ctx, token)).toBe(12);
      const first = (await readiness(ctx)).info.replica;
      expect(first).toMatchObject({ status: 'up', state: 'down', replicaReads: 0, primaryReads: { failed: 1 } });
      expect(first.lastError).toMatch(/ECONNREFUSED|connect/);
      // Within the retry period the replica is not asked.
      expect(await alumniTotal(ctx, token)).toBe(12);
      expect((await readiness(ctx)).info.replica).toMatchObject({ primaryReads: { down: 1, failed: 1 } });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await alumniTotal(ctx, token)).toBe(12);
      expect((await readiness(ctx)).info.replica).toMatchObject({ state: 'down', primaryReads: { down: 1, failed: 2 } });
    });
  });
});
