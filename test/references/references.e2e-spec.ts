import { createTestContext, TestContext } from 'test/utils/test-context';
import { CSV_HEADER, csvLine, DUO, figure } from 'test/references/reference-fixtures';

describe('reference series: import by a platform administrator, reading by every reader', () => {
  let ctx: TestContext;
  let admin: string;
  let reader: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    const institution = await ctx.newInstitution({ sectors: ['hbo'] });
    admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    reader = await ctx.tokenFor({ institution, scopes: ['insights:read'] });
  });
  afterAll(() => ctx.close());

  const batch = (token: string, records: unknown[]) => ctx.http.post('/v1/reference-series:batch').set('Authorization', `Bearer ${token}`).send({ records });
  const upload = (token: string, csv: string, contentType = 'text/csv') =>
    ctx.http.post('/v1/reference-series:upload').set('Authorization', `Bearer ${token}`).set('Content-Type', contentType).send(csv);
  const count = async (): Promise<number> => (await ctx.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM reference_points`))[0].n;

  it('imports a JSON batch, groups it into series and counts inserted, updated and unchanged', async () => {
    const records = [figure({ cohort: 2021, rate: 0.14, n: 40_000 }), figure({ cohort: 2022, rate: 0.15, n: 41_000 }), figure({ metric: 'switch', cohort: 2022, rate: 0.08 })];
    const first = await batch(admin, records).expect(200);
    expect(first.body).toEqual({ series: 2, inserted: 3, updated: 0, unchanged: 0 });
    const again = await batch(admin, [records[0], { ...records[1], rate: 0.16 }, records[2]]).expect(200);
    expect(again.body).toEqual({ series: 2, inserted: 0, updated: 1, unchanged: 2 });

    const list = await ctx.http.get('/v1/reference-series?metric=uitval').set('Authorization', `Bearer ${reader}`).expect(200);
    expect(list.body.items).toHaveLength(1);
    const [series] = list.body.items;
    expect(series).toMatchObject({
      source: DUO.source,
      sourceUrl: DUO.sourceUrl,
      licence: DUO.licence,
      definitions: DUO.definitions,
      synthetic: true,
      sector: 'hbo',
      level: null,
      priorEducation: null,
      instroom: 'all',
      metric: 'uitval',
      referenceDate: '10-01',
      points: [
        { cohort: 2021, rate: 0.14, n: 40_000 },
        { cohort: 2022, rate: 0.16, n: 41_000 },
      ],
    });
    expect(series.label).toBe('Testbron landelijk (HBO) — synthetisch voorbeeld, geen echte cijfers');
    const one = await ctx.http.get(`/v1/reference-series/${series.id}`).set('Authorization', `Bearer ${reader}`).expect(200);
    expect(one.body.points).toHaveLength(2);
  });

  it('refuses invalid values through the validation pipe as problem+json with pointers', async () => {
    const before = await count();
    const response = await batch(admin, [figure({ rate: 1.2 }), figure({ sourceUrl: 'javascript:alert(1)', metric: 'vibes', referenceDate: '13-01' })]).expect(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.type).toBe('https://doorstroom.nl/problems/invalid-request');
    expect(response.body.errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual(['#/records/0/rate', '#/records/1/metric', '#/records/1/referenceDate', '#/records/1/sourceUrl']);
    expect(await count()).toBe(before);
  });

  it('refuses what one record cannot show: a level outside the sector, a doubled cohort, one series with two descriptions (422)', async () => {
    const before = await count();
    const response = await batch(admin, [
      figure({ source: 'Bron B', cohort: 2020 }),
      figure({ source: 'Bron B', cohort: 2020, rate: 0.2 }),
      figure({ source: 'Bron B', cohort: 2021, licence: 'Alle rechten voorbehouden' }),
      figure({ source: 'Bron B', sector: 'mbo', level: 'bachelor' }),
    ]).expect(422);
    expect(response.body.type).toBe('https://doorstroom.nl/problems/invalid-records');
    expect(response.body.errors.map((error: { pointer: string; code: string }) => [error.pointer, error.code])).toEqual([
      ['#/records/1/cohort', 'duplicate_key'],
      ['#/records/2/licence', 'inconsistent_series'],
      ['#/records/3/level', 'invalid_level'],
    ]);
    expect(await count()).toBe(before);
  });

  it('imports a valid CSV file', async () => {
    const csv = [CSV_HEADER, csvLine({ cohort: '2021', rate: '0.21', n: '90000' }), csvLine({ cohort: '2022', rate: '0.23' }), csvLine({ level: '2', metric: 'diplomaYear1', rate: '0.05' })].join('\n');
    const response = await upload(admin, csv).expect(200);
    expect(response.body).toEqual({ series: 2, inserted: 3, updated: 0, unchanged: 0 });
    const list = await ctx.http.get('/v1/reference-series?sector=mbo&metric=uitval').set('Authorization', `Bearer ${reader}`).expect(200);
    expect(list.body.items[0].points).toEqual([
      { cohort: 2021, rate: 0.21, n: 90000 },
      { cohort: 2022, rate: 0.23, n: null },
    ]);
  });

  it('refuses an invalid CSV file with the line and column of every bad value; nothing is written', async () => {
    const before = await count();
    const csv = [
      CSV_HEADER,
      csvLine({ cohort: '2019' }),
      csvLine({ rate: '20%', cohort: '2020' }),
      csvLine({ sector: 'vo', synthetic: 'ja', cohort: '2021' }),
      csvLine({ cohort: '2019', rate: '0.3' }),
      csvLine({ source_url: 'ftp://example.org', cohort: '2023' }),
    ].join('\n');
    const response = await upload(admin, csv).expect(422);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.type).toBe('https://doorstroom.nl/problems/invalid-records');
    expect(response.body.errors.map((error: { line: number; column: string }) => [error.line, error.column])).toEqual([
      [3, 'rate'],
      [4, 'synthetic'],
      [4, 'sector'],
      [6, 'source_url'],
    ]);
    // The values are valid one by one: the doubled cohort is found over the whole file.
    const doubled = await upload(admin, [CSV_HEADER, csvLine({ cohort: '2019' }), csvLine({ cohort: '2019', rate: '0.3' })].join('\n')).expect(422);
    expect(doubled.body.errors).toEqual([{ line: 3, column: 'cohort', code: 'duplicate_key', detail: 'Same series and cohort as record 1.' }]);
    expect(await count()).toBe(before);
  });

  it('refuses a header with an unknown or a missing column (400), an empty file (400), another content type (415), a non-administrator (403)', async () => {
    const header = await upload(admin, 'source,colour\nx,y\n').expect(400);
    expect(header.body.type).toBe('https://doorstroom.nl/problems/malformed-csv');
    expect(header.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 1, column: 'colour', code: 'unknown_column' }),
        expect.objectContaining({ line: 1, column: 'rate', code: 'missing_column' }),
      ]),
    );
    await upload(admin, '', 'text/csv').expect(400);
    await ctx.http.post('/v1/reference-series:upload').set('Authorization', `Bearer ${admin}`).set('Content-Type', 'text/plain').send('a,b').expect(415);
    await upload(reader, [CSV_HEADER, csvLine({})].join('\n')).expect(403);
    await batch(reader, [figure({})]).expect(403);
  });

  it('deletes a series with its points; an unknown one is 404', async () => {
    const [series] = (await ctx.http.get('/v1/reference-series?sector=mbo&metric=diplomaYear1').set('Authorization', `Bearer ${reader}`).expect(200)).body.items;
    await ctx.http.delete(`/v1/reference-series/${series.id}`).set('Authorization', `Bearer ${admin}`).expect(204);
    await ctx.http.delete(`/v1/reference-series/${series.id}`).set('Authorization', `Bearer ${admin}`).expect(404);
    await ctx.http.get(`/v1/reference-series/${series.id}`).set('Authorization', `Bearer ${reader}`).expect(404);
  });
});
