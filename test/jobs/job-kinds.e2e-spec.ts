import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { JOB_QUEUE_NAMES, JOB_QUEUES, JobKind, queueOf } from 'src/jobs/job-kinds';
import { JobRunner } from 'src/jobs/job-runner';
import { createTestContext, TestContext } from 'test/utils/test-context';

const ROOT = join(__dirname, '..', '..');

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });

/** The job catalogue against the rest of the code and the database. */
describe('job kinds: one catalogue', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('the membership trigger writes exactly the catalogue’s refresh-region kind', async () => {
    const [fn] = await ctx.dataSource.query<Array<{ source: string }>>(`SELECT prosrc AS source FROM pg_proc WHERE proname = 'region_memberships_queue_refresh'`);
    const kinds = [...fn.source.matchAll(/INSERT INTO jobs \(kind, payload\) VALUES \('([^']+)'/g)].map((match) => match[1]);
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set([JobKind.RefreshRegion]));

    // And what it writes is taken by the refresh queue like any other refresh-region job.
    const region = await ctx.newRegion();
    const institution = await ctx.newInstitution({ sectors: ['hbo'] });
    await ctx.addMember(region, institution);
    const jobs = await ctx.dataSource.query<Array<{ kind: string; payload: { regionId: string } }>>(
      `SELECT kind, payload FROM jobs WHERE status = 'pending' AND payload->>'regionId' = $1`,
      [region.id],
    );
    expect(jobs).toEqual([{ kind: JobKind.RefreshRegion, payload: { regionId: region.id } }]);
    expect(queueOf(JobKind.RefreshRegion)).toBe('refresh');
    await ctx.runJobs();
    const [{ pending }] = await ctx.dataSource.query<Array<{ pending: number }>>(`SELECT count(*)::int AS pending FROM jobs WHERE status = 'pending' AND payload->>'regionId' = $1`, [region.id]);
    expect(pending).toBe(0);
  });

  it('the catalogue trigger writes the refresh-region kind, for every region, only when the catalogue changed', async () => {
    const [fn] = await ctx.dataSource.query<Array<{ source: string }>>(`SELECT prosrc AS source FROM pg_proc WHERE proname = 'catalogue_queue_refresh'`);
    const kinds = [...fn.source.matchAll(/INSERT INTO jobs \(kind, payload\) SELECT '([^']+)'/g)].map((match) => match[1]);
    expect(kinds).toEqual([JobKind.RefreshRegion]);

    const regions = [await ctx.newRegion(), await ctx.newRegion()];
    await ctx.runJobs();
    const queued = async (): Promise<string[]> =>
      (
        await ctx.dataSource.query<Array<{ region: string }>>(
          `SELECT payload->>'regionId' AS region FROM jobs WHERE status = 'pending' AND kind = $1 AND payload->>'regionId' = ANY($2::text[]) ORDER BY 1`,
          [JobKind.RefreshRegion, regions.map((region) => region.id)],
        )
      ).map((row) => row.region);
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    const programme = { code: '25604', sector: 'mbo', name: 'Software developer', level: '4', nominalDurationYears: 3, validFromCohort: 2015 };
    await ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: [programme] }).expect(200);
    expect(await queued()).toEqual(regions.map((region) => region.id).sort());
    await ctx.runJobs();
    // The same catalogue again changes nothing and queues nothing; a new duration moves rendement.
    await ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: [programme] }).expect(200);
    expect(await queued()).toEqual([]);
    await ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: [{ ...programme, nominalDurationYears: 4 }] }).expect(200);
    expect(await queued()).toEqual(regions.map((region) => region.id).sort());
  });

  it('no file under src/ but the catalogue spells a kind', () => {
    const catalogue = join(ROOT, 'src', 'jobs', 'job-kinds.ts');
    const offenders: string[] = [];
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      if (file === catalogue) continue;
      const text = readFileSync(file, 'utf8');
      for (const kind of Object.values(JobKind)) {
        if (text.includes(`'${kind}'`) || text.includes(`"${kind}"`) || text.includes(`\`${kind}\``)) offenders.push(`${relative(ROOT, file)}: ${kind}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('every kind belongs to exactly one queue, and every queue and step has a handler', () => {
    for (const kind of Object.values(JobKind)) {
      expect(JOB_QUEUE_NAMES.filter((name) => (JOB_QUEUES[name].kinds as readonly string[]).includes(kind))).toHaveLength(1);
    }
    expect(ctx.app.get(JobRunner).missingHandlers()).toEqual([]);
  });
});
