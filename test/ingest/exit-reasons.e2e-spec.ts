import { createTestContext, TestContext } from 'test/utils/test-context';
import { countRows, ENROLMENT_COLUMNS, enrolment, IngestFixture, pseudonym, setupIngest, toCsv } from 'test/ingest/records.factory';

/**
 * The reason for leaving on an enrolment (issue 14): `exitReason` / CSV `exit_reason`, one of the
 * seed's causes, only on an enrolment that ended uitgeschreven. Real bad input, in JSON and CSV.
 */
describe('exit reasons on enrolments', () => {
  let ctx: TestContext;
  let f: IngestFixture;

  beforeAll(async () => {
    ctx = await createTestContext();
    f = await setupIngest(ctx);
  });
  afterAll(() => ctx.close());

  const post = (token: string, body: object) => ctx.http.post('/v1/enrolments:batch').set('Authorization', `Bearer ${token}`).send(body);
  const upload = (token: string, csv: string) => ctx.http.post('/v1/uploads?kind=enrolments').set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send(csv);
  const left = { endDate: '2024-02-01', endReason: 'uitgeschreven' };

  it('stores a reason on an enrolment that ended uitgeschreven, reads it back and corrects it by upsert', async () => {
    await post(f.tokenA, { records: [enrolment('x1', { ...left, exitReason: 'study_choice' }), enrolment('x2', left)] }).expect(200);
    const read = await ctx.http.get(`/v1/enrolments?pseudonym=${pseudonym('x1')}`).set('Authorization', `Bearer ${f.tokenA}`).expect(200);
    expect(read.body.items).toEqual([expect.objectContaining({ endReason: 'uitgeschreven', exitReason: 'study_choice' })]);
    const corrected = await post(f.tokenA, { records: [enrolment('x1', { ...left, exitReason: 'not_landed' })] }).expect(200);
    expect(corrected.body).toMatchObject({ inserted: 0, updated: 1 });
    const rows: Array<{ exit_reason: string | null }> = await ctx.dataSource.query(`SELECT exit_reason FROM enrolments WHERE institution_id = $1 AND pseudonym = ANY($2) ORDER BY pseudonym`, [
      f.a.id,
      [pseudonym('x1'), pseudonym('x2')].sort(),
    ]);
    expect(rows.map((row) => row.exit_reason).sort()).toEqual(['not_landed', null]);
  });

  it('refuses a reason on a diploma or open enrolment and an unknown category, with pointers (JSON)', async () => {
    const before = await countRows(ctx, f.a);
    const response = await post(f.tokenA, {
      records: [
        enrolment('y1', { endDate: '2024-06-30', endReason: 'diploma', exitReason: 'personal' }),
        enrolment('y2', { exitReason: 'study_skills' }),
        enrolment('y3', { endDate: '2024-02-01', exitReason: 'content_gap' }),
        enrolment('y4', { ...left, exitReason: 'geen_zin' }),
        enrolment('y5', { ...left, exitReason: 'Study_Choice' }),
        enrolment('y6', { ...left, exitReason: 'other' }),
      ],
    }).expect(422);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.errors.map((error: { pointer: string; code: string }) => `${error.pointer} ${error.code}`)).toEqual([
      '#/records/0/exitReason exit_reason_without_uitgeschreven',
      '#/records/1/exitReason exit_reason_without_uitgeschreven',
      '#/records/2/exitReason exit_reason_without_uitgeschreven',
      '#/records/3/exitReason isIn',
      '#/records/4/exitReason isIn',
    ]);
    expect(response.body.errors[0].detail).toBe('exitReason is only allowed on an enrolment that ended with endReason uitgeschreven.');
    expect(response.body.errors[3].detail).toContain('study_choice, study_skills, not_landed, content_gap, personal, other');
    expect(await countRows(ctx, f.a)).toEqual(before);
  });

  it('takes exit_reason as a CSV column and refuses it on a diploma with line and column', async () => {
    const columns = [...ENROLMENT_COLUMNS, 'exit_reason'];
    const good = await upload(f.tokenA, toCsv([enrolment('z1', { ...left, exitReason: 'personal' }), enrolment('z2')], columns)).expect(200);
    expect(good.body).toMatchObject({ inserted: 2 });
    const before = await countRows(ctx, f.a);
    const bad = await upload(
      f.tokenA,
      toCsv([enrolment('z3', { ...left, exitReason: 'unknown' }), enrolment('z4', { endDate: '2024-06-30', endReason: 'diploma', exitReason: 'personal' }), enrolment('z5', { ...left, exitReason: 'verhuisd' })], columns),
    ).expect(422);
    expect(bad.body.errors.map((error: { line: number; column?: string; code: string }) => `${error.line}:${error.column ?? ''} ${error.code}`)).toEqual([
      '3:exit_reason exit_reason_without_uitgeschreven',
      '4:exit_reason isIn',
    ]);
    expect(bad.body.errors[0].detail).toBe('exit_reason is only allowed on an enrolment that ended with end_reason uitgeschreven.');
    expect(await countRows(ctx, f.a)).toEqual(before);
  });

  it('is held by the database too: no exit reason on a diploma enrolment', async () => {
    await expect(
      ctx.dataSource.query(
        `UPDATE enrolments SET end_date = '2024-06-30', end_reason = 'diploma' WHERE institution_id = $1 AND pseudonym = $2`,
        [f.a.id, pseudonym('z1')],
      ),
    ).rejects.toThrow(/chk_enrolments_exit_reason/);
  });
});
