import { randomUUID } from 'node:crypto';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { RefreshService } from 'src/outcomes/refresh.service';
import { SummariesRepository } from 'src/outcomes/summaries.repository';
import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';

/*
 * A region's kept rows (`enrolment_outcomes`, `leaver_outcomes`) live in a partition of their own,
 * which a full refresh replaces whole (src/outcomes/kept-partitions.ts). On both databases: the
 * partition holds exactly the region's rows with the parent's indexes, a second full refresh
 * replaces it and leaves other regions' rows alone, a refresh that fails leaves the old partition
 * in place, and the functions that do the owner's part refuse every other table.
 */

interface Partition {
  name: string;
  bound: string;
  rows: number;
  indexes: number;
}

describe('the kept rows of a region, in a partition of their own', () => {
  let ctx: TestContext;
  let regionA: RegionEntity;
  let regionB: RegionEntity;
  let refresh: RefreshService;

  const partitions = async (parent: string): Promise<Partition[]> =>
    ctx.dataSource.query(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound,
              (SELECT count(*)::int FROM pg_index ix WHERE ix.indrelid = c.oid) AS indexes, 0 AS rows
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
      [parent],
    );
  const partitionOf = async (parent: string, region: RegionEntity): Promise<Partition> => {
    const found = (await partitions(parent)).filter((partition) => partition.bound === `FOR VALUES IN ('${region.id}')`);
    expect(found).toHaveLength(1);
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM "${found[0].name}"`);
    return { ...found[0], rows: n };
  };
  const keptRows = async (table: string, region: RegionEntity): Promise<string[]> =>
    (await ctx.dataSource.query(`SELECT row_to_json(k)::text AS row FROM ${table} k WHERE region_id = $1 ORDER BY pseudonym, record_key`, [region.id])).map(
      (row: { row: string }) => row.row,
    );
  const parentIndexes = async (parent: string): Promise<number> => {
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM pg_index WHERE indrelid = $1::regclass`, [parent]);
    return n;
  };

  const enrol = async (region: RegionEntity, school: InstitutionEntity, receiver: InstitutionEntity, students: number): Promise<void> => {
    const batch = randomUUID();
    for (let i = 0; i < students; i++) {
      const pseudonym = pseudonymFor(`${region.code}-${i}`);
      await ctx.newEnrolment({ receiver, supplier: school, pseudonym, startDate: '2022-09-01', endDate: i % 3 === 0 ? '2023-01-31' : undefined });
      await ctx.dataSource.query(
        `INSERT INTO leavers (institution_id, pseudonym, school_year, onderwijssoort, diploma, created_batch_id, updated_batch_id) VALUES ($1, $2, 2021, 'havo', true, $3, $3)`,
        [school.id, pseudonym, batch],
      );
    }
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    refresh = ctx.app.get(RefreshService);
    regionA = await ctx.newRegion();
    regionB = await ctx.newRegion();
    for (const [region, students] of [
      [regionA, 5],
      [regionB, 3],
    ] as const) {
      const school = await ctx.newInstitution({ sectors: ['vo'] });
      const receiver = await ctx.newInstitution({ sectors: ['hbo'] });
      await ctx.addMember(region, school);
      await ctx.addMember(region, receiver);
      await enrol(region, school, receiver, students);
      await refresh.refreshRegion(region.id, 'all');
    }
  });
  afterAll(() => ctx?.close());

  it("keeps each region's rows in one partition of each table, indexed as the table is", async () => {
    for (const [region, students] of [
      [regionA, 5],
      [regionB, 3],
    ] as const) {
      const enrolments = await partitionOf('enrolment_outcomes', region);
      const leavers = await partitionOf('leaver_outcomes', region);
      expect(enrolments.rows).toBe(students);
      expect(leavers.rows).toBe(students);
      // The indexes built on the new table were taken for the parent's: none was built twice.
      expect(enrolments.indexes).toBe(await parentIndexes('enrolment_outcomes'));
      expect(leavers.indexes).toBe(await parentIndexes('leaver_outcomes'));
      expect(await keptRows('enrolment_outcomes', region)).toHaveLength(students);
    }
    expect(await partitions('enrolment_outcomes')).toHaveLength(2);
  });

  it("replaces a region's partition at its next full refresh and leaves the other region's alone", async () => {
    const before = { a: await partitionOf('enrolment_outcomes', regionA), b: await partitionOf('enrolment_outcomes', regionB) };
    const rowsBefore = { a: await keptRows('enrolment_outcomes', regionA), b: await keptRows('enrolment_outcomes', regionB), leaversB: await keptRows('leaver_outcomes', regionB) };
    await refresh.refreshRegion(regionA.id, 'all');
    const after = { a: await partitionOf('enrolment_outcomes', regionA), b: await partitionOf('enrolment_outcomes', regionB) };
    expect(after.a.name).not.toBe(before.a.name);
    expect(after.a.name).toMatch(/_2$/);
    expect(after.b.name).toBe(before.b.name);
    expect(await keptRows('enrolment_outcomes', regionA)).toEqual(rowsBefore.a);
    expect(await keptRows('enrolment_outcomes', regionB)).toEqual(rowsBefore.b);
    expect(await keptRows('leaver_outcomes', regionB)).toEqual(rowsBefore.leaversB);
    // The replaced partition is gone, not left detached.
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = $1`, [before.a.name]);
    expect(n).toBe(0);
  });

  it('leaves the old partition and its rows when a full refresh fails before its commit', async () => {
    const before = await partitionOf('enrolment_outcomes', regionA);
    const rowsBefore = await keptRows('enrolment_outcomes', regionA);
    const summaries = ctx.app.get(SummariesRepository);
    // The last step of the refresh's transaction, after the swap.
    const recordRefresh = jest.spyOn(summaries as unknown as { recordRefresh: () => Promise<void> }, 'recordRefresh').mockRejectedValueOnce(new Error('lost connection'));
    try {
      await expect(refresh.refreshRegion(regionA.id, 'all')).rejects.toThrow('lost connection');
    } finally {
      recordRefresh.mockRestore();
    }
    expect(await partitionOf('enrolment_outcomes', regionA)).toEqual(before);
    expect(await keptRows('enrolment_outcomes', regionA)).toEqual(rowsBefore);
    const stray: unknown[] = await ctx.dataSource.query(`SELECT relname FROM pg_class WHERE relname LIKE 'enrolment_outcomes\\_%' AND relkind = 'r' AND NOT relispartition`);
    expect(stray).toEqual([]);
  });

  // PostgreSQL only: PGlite has one connection, so nothing else can hold the table.
  (process.env.TEST_DATABASE_URL ? it : it.skip)('gives up the swap when another transaction holds the table, keeping the old partition', async () => {
    const { Client } = await import('pg');
    const holder = new Client({ connectionString: (ctx.dataSource.options as { url: string }).url });
    await holder.connect();
    try {
      const before = await partitionOf('enrolment_outcomes', regionA);
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM enrolment_outcomes');
      await expect(refresh.refreshRegion(regionA.id, 'all')).rejects.toThrow(/lock timeout/);
      await holder.query('ROLLBACK');
      expect(await partitionOf('enrolment_outcomes', regionA)).toEqual(before);
      // Once the table is free the refresh goes through.
      await refresh.refreshRegion(regionA.id, 'all');
      expect((await partitionOf('enrolment_outcomes', regionA)).name).not.toBe(before.name);
    } finally {
      await holder.end();
    }
  }, 60_000);

  it.each([
    ['begin on another table', `SELECT kept_partition_begin('enrolments', $1::uuid)`, /not a table of kept rows/],
    ['index another table', `SELECT kept_partition_index('enrolment_outcomes', 'enrolments')`, /not a new table of kept rows/],
    ['swap in another table', `SELECT kept_partition_swap('enrolment_outcomes', $1::uuid, 'audit_log')`, /not a new table of kept rows/],
    ['swap in a table under a kept name that is already a partition', `SELECT kept_partition_swap('enrolment_outcomes', $1::uuid, $2)`, /not a new table of kept rows/],
  ])('refuses to %s', async (_what, statement, refusal) => {
    const current = await partitionOf('enrolment_outcomes', regionB);
    const parameters = [regionA.id, current.name].slice(0, (statement.match(/\$\d/g) ?? []).length);
    await expect(ctx.dataSource.query(statement, parameters)).rejects.toThrow(refusal);
  });

  it('may not be run by other roles', async () => {
    const outsider = `kept_outsider_${randomUUID().slice(0, 8)}`;
    await ctx.dataSource.query(`CREATE ROLE ${outsider} NOLOGIN`);
    try {
      await expect(
        ctx.dataSource.transaction(async (manager) => {
          await manager.query(`SET LOCAL ROLE ${outsider}`);
          await manager.query(`SELECT kept_partition_begin('enrolment_outcomes', $1::uuid)`, [regionA.id]);
        }),
      ).rejects.toThrow(/permission denied for function/);
    } finally {
      await ctx.dataSource.query(`DROP ROLE ${outsider}`);
    }
  });

  it("does the owner's part for the service's role, which may not do it itself", async () => {
    const [{ present }] = await ctx.dataSource.query(`SELECT count(*)::int AS present FROM pg_roles WHERE rolname = 'doorstroom_service'`);
    expect(present).toBe(1);
    const current = await partitionOf('enrolment_outcomes', regionB);
    await ctx.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL ROLE doorstroom_service`);
      await manager.query(`SAVEPOINT direct`);
      await expect(manager.query(`ALTER TABLE enrolment_outcomes DETACH PARTITION "${current.name}"`)).rejects.toThrow(/must be owner/);
      await manager.query(`ROLLBACK TO SAVEPOINT direct`);
      const [{ name }] = await manager.query(`SELECT kept_partition_begin('enrolment_outcomes', $1::uuid) AS name`, [regionB.id]);
      await manager.query(`INSERT INTO "${name}" SELECT * FROM enrolment_outcomes WHERE region_id = $1`, [regionB.id]);
      // The new table's check keeps out every other region's rows.
      await manager.query(`SAVEPOINT other`);
      await expect(manager.query(`INSERT INTO "${name}" SELECT * FROM enrolment_outcomes WHERE region_id = $1 LIMIT 1`, [regionA.id])).rejects.toThrow(/check constraint/);
      await manager.query(`ROLLBACK TO SAVEPOINT other`);
      await manager.query(`SELECT kept_partition_index('enrolment_outcomes', $1)`, [name]);
      await manager.query(`SELECT kept_partition_swap('enrolment_outcomes', $1::uuid, $2)`, [regionB.id, name]);
    });
    const after = await partitionOf('enrolment_outcomes', regionB);
    expect(after.name).not.toBe(current.name);
    expect(after.rows).toBe(current.rows);
  });
});
