import { randomUUID } from 'node:crypto';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { JobKind } from 'src/jobs/job-kinds';
import { RetentionService } from 'src/retention/retention.service';
import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';

/**
 * The newest cohort past a retention of `months` today, worked out here independently of the
 * service's SQL: cohort c (2023 = 2023-24) ends on 31 July of c + 1 and is past retention from 1
 * August of c + 1 plus `months` on.
 */
const lastExpiredCohort = (months: number, today = new Date()): number => {
  for (let cohort = today.getUTCFullYear(); ; cohort--) {
    const expires = new Date(Date.UTC(cohort + 1, 7 + months, 1));
    if (expires.getTime() <= today.getTime()) return cohort;
  }
};

/**
 * Region R (retention shortened from 600 to 24 months through the API) has receiver X and
 * supplier S; X is also a member of region L (600 months). Region K (600 months) has receiver Y.
 * Institution Z is in no region. Each gets one enrolment (X, Y, Z) or leaver (S) per cohort from
 * `last − 1` to `last + 2`, where `last` is the newest cohort past 24 months today. The sweep must
 * delete X's and S's records of `last − 1` and `last` (X's also from L's figures: the shortest
 * retention wins) and keep everything else.
 */
describe('retention sweep', () => {
  let ctx: TestContext;
  let R: RegionEntity, L: RegionEntity, K: RegionEntity;
  let X: InstitutionEntity, S: InstitutionEntity, Y: InstitutionEntity, Z: InstitutionEntity;
  let admin: string, coordinator: string;
  const last = lastExpiredCohort(24);
  const cohorts = [last - 1, last, last + 1, last + 2];

  const sweep = (options: { batchSize?: number } = {}) => ctx.app.get(RetentionService).sweep(options);
  const countBy = async (table: 'enrolments' | 'leavers', column: 'cohort' | 'school_year', institution: InstitutionEntity): Promise<number[]> =>
    (await ctx.dataSource.query<Array<{ c: number }>>(`SELECT ${column} AS c FROM ${table} WHERE institution_id = $1 ORDER BY 1`, [institution.id])).map((row) => Number(row.c));
  const summarisedCohorts = async (region: RegionEntity): Promise<number[]> =>
    (await ctx.dataSource.query<Array<{ c: number }>>(`SELECT DISTINCT cohort AS c FROM outcome_summaries WHERE region_id = $1 ORDER BY 1`, [region.id])).map((row) => Number(row.c));
  const leaverYears = async (region: RegionEntity): Promise<number[]> =>
    (await ctx.dataSource.query<Array<{ c: number }>>(`SELECT DISTINCT school_year AS c FROM leaver_summaries WHERE region_id = $1 ORDER BY 1`, [region.id])).map((row) => Number(row.c));
  const sweepAudit = async (region: RegionEntity) =>
    ctx.dataSource.query<Array<{ method: string; route: string; client_id: string | null; detail: Record<string, number> }>>(
      `SELECT method, route, client_id, detail FROM audit_log WHERE region_id = $1 AND method = 'JOB' ORDER BY id`,
      [region.id],
    );

  beforeAll(async () => {
    ctx = await createTestContext();
    [R, L, K] = [await ctx.newRegion(), await ctx.newRegion(), await ctx.newRegion()];
    await ctx.dataSource.query(`UPDATE regions SET retention_months = 600 WHERE id = ANY($1::uuid[])`, [[R.id, L.id, K.id]]);
    X = await ctx.newInstitution({ sectors: ['hbo'] });
    S = await ctx.newInstitution({ sectors: ['vo'] });
    Y = await ctx.newInstitution({ sectors: ['hbo'] });
    Z = await ctx.newInstitution({ sectors: ['hbo'] });
    for (const [region, member] of [[R, X], [R, S], [L, X], [L, S], [K, Y], [K, S]] as const) await ctx.addMember(region, member);
    admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    coordinator = await ctx.tokenFor({ region: R, scopes: ['audit:read'] });
    for (const cohort of cohorts) {
      for (const receiver of [X, Y, Z]) {
        for (let student = 0; student < 2; student++) {
          await ctx.newEnrolment({ receiver, supplier: S, pseudonym: pseudonymFor(`retention-${receiver.brin}-${cohort}-${student}`), startDate: `${cohort}-09-01` });
        }
      }
      const batch = randomUUID();
      await ctx.dataSource.query(
        `INSERT INTO leavers (institution_id, pseudonym, school_year, onderwijssoort, diploma, created_batch_id, updated_batch_id) VALUES ($1, $2, $3, 'havo', true, $4, $4)`,
        [S.id, pseudonymFor(`retention-leaver-${cohort}`), cohort, batch],
      );
      await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ($1, $2::jsonb)`, [JobKind.RefreshSummaries, JSON.stringify({ institutionId: S.id, cohorts: [cohort] })]);
    }
    await ctx.runJobs();
  });
  afterAll(() => ctx.close());

  it('deletes nothing while every retention is long, and audits the sweep of each region', async () => {
    const results = await sweep();
    expect(results.filter((result) => [R.id, L.id, K.id].includes(result.regionId)).map((result) => [result.enrolmentsDeleted, result.leaversDeleted])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(await countBy('enrolments', 'cohort', X)).toEqual(cohorts.flatMap((cohort) => [cohort, cohort]));
    expect((await sweepAudit(R)).map((entry) => entry.detail)).toEqual([expect.objectContaining({ retentionMonths: 600, enrolmentsDeleted: 0, leaversDeleted: 0 })]);
    expect(await summarisedCohorts(R)).toEqual(cohorts);
  });

  it('after the region’s retention is shortened (PATCH /v1/regions/{code}), deletes the expired records in audited batches, and the summaries follow', async () => {
    await ctx.http.patch(`/v1/regions/${R.code}`).set('Authorization', `Bearer ${admin}`).send({ retentionMonths: 24 }).expect(200);
    const before = { K: await summarisedCohorts(K), leaversK: await leaverYears(K) };

    // Batches of 3: R has 2 × 2 expired enrolments of X and 2 expired leavers of S.
    const results = await sweep({ batchSize: 3 });
    const ofR = results.find((result) => result.regionId === R.id);
    expect(ofR).toMatchObject({ retentionMonths: 24, lastExpiredCohort: last, enrolmentsDeleted: 4, leaversDeleted: 2, batches: 2 });

    // Expired: gone at X and S (both in R); fresh: kept. Y (only in K) and Z (in no region) keep everything.
    expect(await countBy('enrolments', 'cohort', X)).toEqual([last + 1, last + 1, last + 2, last + 2]);
    expect(await countBy('leavers', 'school_year', S)).toEqual([last + 1, last + 2]);
    expect(await countBy('enrolments', 'cohort', Y)).toEqual(cohorts.flatMap((cohort) => [cohort, cohort]));
    expect(await countBy('enrolments', 'cohort', Z)).toEqual(cohorts.flatMap((cohort) => [cohort, cohort]));

    // Every batch audited, in the region's audit log, which its coordinator reads.
    const entries = (await sweepAudit(R)).slice(1);
    expect(entries.map((entry) => [entry.route, entry.client_id, entry.detail.enrolmentsDeleted, entry.detail.leaversDeleted, entry.detail.batch])).toEqual([
      [`jobs/${JobKind.SweepRetention}`, null, 3, 2, 1],
      [`jobs/${JobKind.SweepRetention}`, null, 1, 0, 2],
    ]);
    await ctx.flushAudit();
    const read = await ctx.http.get('/v1/audit?limit=100').set('Authorization', `Bearer ${coordinator}`).expect(200);
    const jobEntries = (read.body.items as Array<{ method: string; detail: { enrolmentsDeleted: number } }>).filter((item) => item.method === 'JOB');
    expect(jobEntries.map((item) => item.detail.enrolmentsDeleted).sort()).toEqual([0, 1, 3]);

    // The deleting transactions queued refreshes of the cohorts lost; once run, the figures follow.
    const queued = await ctx.dataSource.query<Array<{ payload: { institutionId: string; cohorts: number[] } }>>(
      `SELECT payload FROM jobs WHERE status = 'pending' AND kind = $1 ORDER BY id`,
      [JobKind.RefreshSummaries],
    );
    expect(queued.map((job) => job.payload.institutionId).sort()).toEqual([X.id, S.id, X.id].sort());
    await ctx.runJobs();
    expect(await summarisedCohorts(R)).toEqual([last + 1, last + 2]);
    expect(await leaverYears(R)).toEqual([last + 1, last + 2]);
    // X's records are gone from L's figures too: one record, one retention (the shortest).
    expect(await summarisedCohorts(L)).toEqual([last + 1, last + 2]);
    // K's figures lost S's expired leavers (S is a member of R) and nothing else.
    expect(await summarisedCohorts(K)).toEqual(before.K);
    expect(await leaverYears(K)).toEqual([last + 1, last + 2]);
  });

  it('is idempotent: running it again deletes nothing and queues nothing', async () => {
    const records = async () => ({ X: await countBy('enrolments', 'cohort', X), S: await countBy('leavers', 'school_year', S), Y: await countBy('enrolments', 'cohort', Y) });
    const before = await records();
    const results = await sweep();
    expect(results.map((result) => result.enrolmentsDeleted + result.leaversDeleted)).toEqual(results.map(() => 0));
    expect(await records()).toEqual(before);
    const [{ pending }] = await ctx.dataSource.query<Array<{ pending: number }>>(`SELECT count(*)::int AS pending FROM jobs WHERE status = 'pending' AND kind = $1`, [JobKind.RefreshSummaries]);
    expect(pending).toBe(0);
    expect((await sweepAudit(R)).at(-1)?.detail).toMatchObject({ retentionMonths: 24, enrolmentsDeleted: 0, leaversDeleted: 0 });
  });

  it('runs as the recurring job of its queue', async () => {
    await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ($1, '{}'::jsonb)`, [JobKind.SweepRetention]);
    const auditBefore = (await sweepAudit(R)).length;
    await ctx.runJobs();
    expect(await sweepAudit(R)).toHaveLength(auditBefore + 1);
    const [job] = await ctx.dataSource.query<Array<{ status: string; later: boolean }>>(
      `SELECT status, run_after > now() + interval '23 hours' AS later FROM jobs WHERE kind = $1 ORDER BY id DESC LIMIT 1`,
      [JobKind.SweepRetention],
    );
    expect(job).toEqual({ status: 'pending', later: true });
  });
});
