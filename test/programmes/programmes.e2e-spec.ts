import { createTestContext, TestContext } from 'test/utils/test-context';
import { PROGRAMMES } from 'test/ingest/records.factory';

describe('programmes: code lists uploads are checked against', () => {
  let ctx: TestContext;
  let admin: string;
  let reader: string;
  let writer: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    const institution = await ctx.newInstitution({ sectors: ['hbo'] });
    admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    reader = await ctx.tokenFor({ institution, scopes: ['records:read'] });
    writer = await ctx.tokenFor({ institution, scopes: ['records:write'] });
  });
  afterAll(() => ctx.close());

  const load = (token: string, body: object) => ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${token}`).send(body);

  it('loads programmes in bulk as a platform admin and counts inserted, updated and unchanged', async () => {
    const first = await load(admin, { records: PROGRAMMES }).expect(200);
    expect(first.body).toEqual({ inserted: PROGRAMMES.length, updated: 0, unchanged: 0 });

    const renamed = PROGRAMMES.map((programme) => (programme.code === '34479' ? { ...programme, name: 'HBO-ICT (Informatica)' } : programme));
    const second = await load(admin, { records: renamed }).expect(200);
    expect(second.body).toEqual({ inserted: 0, updated: 1, unchanged: PROGRAMMES.length - 1 });
  });

  it('refuses a records client (403) and an anonymous caller (401)', async () => {
    await load(writer, { records: PROGRAMMES }).expect(403);
    await ctx.http.post('/v1/programmes:batch').send({ records: PROGRAMMES }).expect(401);
  });

  it('refuses a level the sector does not have and a duplicate code, listing every error', async () => {
    const response = await load(admin, {
      records: [
        { code: '11111', sector: 'mbo', name: 'x', level: 'bachelor', nominalDurationYears: 3, validFromCohort: 2020 },
        { code: '22222', sector: 'wo', name: 'y', level: 'ad', nominalDurationYears: 2, validFromCohort: 2020, validToCohort: 2019 },
        { code: '11111', sector: 'mbo', name: 'x', level: '3', nominalDurationYears: 3, validFromCohort: 2020 },
      ],
    }).expect(422);
    expect(response.body.errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual(
      ['#/records/0/level', '#/records/1/level', '#/records/1/validToCohort', '#/records/2'].sort(),
    );
    const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM programmes WHERE code IN ('11111', '22222')`);
    expect(count).toBe(0);
  });

  it('rejects a malformed code through the validation pipe with a pointer', async () => {
    const response = await load(admin, { records: [{ code: '1234', sector: 'mbo', name: 'x', level: '3', nominalDurationYears: 3, validFromCohort: 2020 }] }).expect(400);
    expect(response.body.errors[0].pointer).toBe('#/records/0/code');
  });

  it('lists programmes to authenticated callers, filtered by sector and paged', async () => {
    const all = await ctx.http.get('/v1/programmes?limit=2').set('Authorization', `Bearer ${reader}`).expect(200);
    expect(all.body.total).toBe(PROGRAMMES.length);
    expect(all.body.items).toHaveLength(2);
    const mbo = await ctx.http.get('/v1/programmes?sector=mbo').set('Authorization', `Bearer ${writer}`).expect(200);
    expect(mbo.body.items.map((item: { code: string }) => item.code).sort()).toEqual(['25187', '25604', '25998']);
    expect(mbo.body.items.find((item: { code: string }) => item.code === '25187')).toMatchObject({ level: '2', nominalDurationYears: 2, validToCohort: 2020 });
    await ctx.http.get('/v1/programmes').expect(401);
    await ctx.http.get('/v1/programmes?limit=501').set('Authorization', `Bearer ${reader}`).expect(400);
  });

  it('maps an old crebo to its successor; both must be known mbo programmes', async () => {
    const unknown = await ctx.http
      .post('/v1/programme-successors:batch')
      .set('Authorization', `Bearer ${admin}`)
      .send({ records: [{ oldCode: '25187', newCode: '34479', fromCohort: 2021 }] })
      .expect(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ pointer: '#/records/0/newCode', code: 'unknown_programme' })]);

    const loaded = await ctx.http
      .post('/v1/programme-successors:batch')
      .set('Authorization', `Bearer ${admin}`)
      .send({ records: [{ oldCode: '25187', newCode: '25998', fromCohort: 2021 }] })
      .expect(200);
    expect(loaded.body).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const listed = await ctx.http.get('/v1/programme-successors').set('Authorization', `Bearer ${reader}`).expect(200);
    expect(listed.body.items).toEqual([{ oldCode: '25187', newCode: '25998', fromCohort: 2021 }]);
    await ctx.http.post('/v1/programme-successors:batch').set('Authorization', `Bearer ${writer}`).send({ records: [{ oldCode: '25187', newCode: '25998', fromCohort: 2021 }] }).expect(403);
  });
});
