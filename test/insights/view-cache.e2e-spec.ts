import { Client } from 'pg';
import { createTestContext, TestContext } from 'test/utils/test-context';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/**
 * Views are kept between requests (ViewCache) until a trigger raises the counter of what they
 * were computed from. Every change that can alter a view must show in the very next request.
 * Region R: S → X, cohort 2022; region Q: T → W, cohort 2022.
 */
describe('kept views follow every change of their inputs', () => {
  let ctx: TestContext;
  let R: RegionEntity, Q: RegionEntity;
  let S: InstitutionEntity, X: InstitutionEntity, T: InstitutionEntity, W: InstitutionEntity;
  const tokens: Record<string, string> = {};
  const get = (path: string, token: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`);
  const enrol = async (supplier: InstitutionEntity, receiver: InstitutionEntity, count: number, uitval = 0): Promise<void> => {
    for (let index = 0; index < count; index++) {
      await ctx.newEnrolment({ receiver, supplier, startDate: '2022-09-01', ...(index < uitval ? { endDate: '2023-03-01' } : {}) });
    }
  };
  const version = async (scope: string): Promise<string | undefined> =>
    (await ctx.dataSource.query<Array<{ version: string }>>(`SELECT version::text AS version FROM view_versions WHERE scope = $1`, [scope]))[0]?.version;

  beforeAll(async () => {
    ctx = await createTestContext();
    R = await ctx.newRegion();
    Q = await ctx.newRegion();
    S = await ctx.newInstitution({ sectors: ['vo'] });
    X = await ctx.newInstitution({ sectors: ['hbo'] });
    T = await ctx.newInstitution({ sectors: ['vo'] });
    W = await ctx.newInstitution({ sectors: ['hbo'] });
    for (const member of [S, X]) await ctx.addMember(R, member);
    for (const member of [T, W]) await ctx.addMember(Q, member);
    await enrol(S, X, 20, 5);
    await enrol(T, W, 30);
    await ctx.runJobs();
    tokens.S = await ctx.tokenFor({ institution: S, scopes: ['insights:read'] });
    tokens.X = await ctx.tokenFor({ institution: X, scopes: ['insights:read'] });
    tokens.T = await ctx.tokenFor({ institution: T, scopes: ['insights:read'] });
    tokens.coordinatorR = await ctx.tokenFor({ region: R, scopes: ['insights:read', 'region:admin'] });
    tokens.admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
  });
  afterAll(() => ctx.close());

  it('answers a repeated request with the same figures, and each tenant with its own', async () => {
    const first = await get('/v1/insights/alumni', tokens.S).expect(200);
    const again = await get('/v1/insights/alumni', tokens.S).expect(200);
    expect(again.body).toEqual(first.body);
    // A school reads its alumni's switch/uitval split with noise; n and left are exact.
    expect(first.body.cohorts[0].total).toMatchObject({ n: 20, left: 0.25 });
    // Another supplier with the same query gets its own alumni, never the kept view of the first.
    const other = await get('/v1/insights/alumni', tokens.T).expect(200);
    expect(other.body.institution.brin).toBe(T.brin);
    expect(other.body.cohorts[0].total).toMatchObject({ n: 30, left: 0 });
    // The same view as CSV, twice, from the kept object.
    for (let round = 0; round < 2; round++) {
      const csv = await get('/v1/insights/alumni', tokens.S).set('Accept', 'text/csv').expect(200);
      expect(csv.text).toContain(X.brin);
    }
  });

  (onPostgres ? it : it.skip)('reads the client and the view counters of a kept view in one statement (PostgreSQL)', async () => {
    await get('/v1/insights/alumni', tokens.S).expect(200);
    await ctx.flushAudit();
    const sent: string[] = [];
    const send = Client.prototype.query as (...args: unknown[]) => unknown;
    const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      const first = args[0] as string | { text?: string };
      sent.push(typeof first === 'string' ? first : (first.text ?? ''));
      return send.apply(this, args) as never;
    });
    try {
      await get('/v1/insights/alumni', tokens.S).expect(200);
    } finally {
      spy.mockRestore();
    }
    const reads = sent.filter((text) => /api_clients|view_versions/.test(text));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatch(/view_versions[\s\S]*api_clients/);
  });

  it('shows new figures as soon as a refresh has committed them', async () => {
    const before = await get('/v1/regions/' + R.code + '/report', tokens.coordinatorR).expect(200);
    expect(before.body.total).toMatchObject({ n: 20 });
    const regionVersion = await version(R.id);
    const otherRegionVersion = await version(Q.id);
    await enrol(S, X, 10, 5);
    // Records alone change no view: views read the summaries, which the refresh writes.
    expect((await get('/v1/regions/' + R.code + '/report', tokens.coordinatorR).expect(200)).body.total).toMatchObject({ n: 20 });
    await ctx.runJobs();
    expect(await version(R.id)).not.toBe(regionVersion);
    expect(await version(Q.id)).toBe(otherRegionVersion);
    const after = await get('/v1/regions/' + R.code + '/report', tokens.coordinatorR).expect(200);
    expect(after.body.total).toMatchObject({ n: 30, uitval: 0.3333 });
    expect((await get('/v1/insights/alumni', tokens.S).expect(200)).body.cohorts[0].total).toMatchObject({ n: 30, left: 0.3333 });
    expect((await get('/v1/insights/intake', tokens.X).expect(200)).body.cohorts[0].total).toMatchObject({ n: 30 });
  });

  it('raises the region counter for summary rows written by any statement, and the global one for a truncate', async () => {
    const before = await version(R.id);
    await ctx.dataSource.query(`UPDATE outcome_summaries SET n_direct = n_direct WHERE region_id = $1`, [R.id]);
    const afterUpdate = await version(R.id);
    expect(afterUpdate).not.toBe(before);
    await ctx.dataSource.query(`DELETE FROM leaver_summaries WHERE region_id = $1`, [R.id]);
    // No leaver rows to delete: the counter stays, as nothing changed.
    expect(await version(R.id)).toBe(afterUpdate);
    const global = await version('global');
    await ctx.dataSource.query(`TRUNCATE leaver_summaries`);
    expect(await version('global')).not.toBe(global);
  });

  it('shows a renamed institution at once', async () => {
    await get('/v1/insights/alumni', tokens.S).expect(200);
    await ctx.http.patch(`/v1/institutions/${X.brin}`).set('Authorization', `Bearer ${tokens.admin}`).send({ name: 'Hogeschool Hernoemd' }).expect(200);
    const response = await get('/v1/insights/alumni', tokens.S).expect(200);
    expect(response.body.cohorts[0].rows).toEqual([expect.objectContaining({ key: X.brin, label: 'Hogeschool Hernoemd' })]);
    const flows = await get('/v1/insights/flows', tokens.S).expect(200);
    expect(flows.body.nodes).toEqual(expect.arrayContaining([expect.objectContaining({ id: `receiver:${X.brin}`, label: 'Hogeschool Hernoemd' })]));
  });

  it('names a newly activated definition set at once', async () => {
    const before = await get('/v1/insights/flows?cohort=2022', tokens.coordinatorR).expect(200);
    expect(before.body.definitionSet).toMatchObject({ version: 1 });
    const created = await ctx.http
      .post(`/v1/regions/${R.code}/definitions`)
      .set('Authorization', `Bearer ${tokens.coordinatorR}`)
      .send({ name: 'Strengere drempel', suppressionK: 15 })
      .expect(201);
    // Published cohorts keep their definitions: the version applies from the next cohort on.
    await ctx.http.post(`/v1/definitions/${created.body.id}/activate`).set('Authorization', `Bearer ${tokens.coordinatorR}`).send({ fromCohort: 2023 }).expect(200);
    const list = await get(`/v1/regions/${R.code}/definitions`, tokens.coordinatorR).expect(200);
    expect(list.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: created.body.id, status: 'active' })]));
    for (let index = 0; index < 20; index++) await ctx.newEnrolment({ receiver: X, supplier: S, startDate: '2023-09-01' });
    await ctx.runJobs();
    const after = await get('/v1/insights/flows?cohort=2023', tokens.coordinatorR).expect(200);
    expect(after.body.definitionSet).toMatchObject({ id: created.body.id, version: 2 });
    expect((await get('/v1/insights/flows?cohort=2022', tokens.coordinatorR).expect(200)).body.definitionSet).toMatchObject({ version: 1 });
    const alumni = await get('/v1/insights/alumni', tokens.S).expect(200);
    expect(alumni.body.cohorts.at(-1).definitionSet).toMatchObject({ id: created.body.id, version: 2 });
  });

  it('stops showing a region to an institution whose membership ended', async () => {
    await get(`/v1/insights/intake?region=${R.code}`, tokens.X).expect(200);
    await ctx.dataSource.query(`UPDATE region_memberships SET end_date = CURRENT_DATE - 1 WHERE region_id = $1 AND institution_id = $2`, [R.id, X.id]);
    const response = await get(`/v1/insights/intake?region=${R.code}`, tokens.X).expect(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });
});
