import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

interface SummaryRow {
  cohort: number;
  supplier: string;
  receiver: string;
  n: number;
  n_direct: number;
  n_enrolled: number;
  n_switch_internal: number;
  n_switch_external: number;
  n_uitval: number;
  n_diploma: number;
}

/**
 * A small region where every expected figure is worked out by hand. Region R: suppliers S1, S2
 * (vo) and receivers X, Y (hbo) are members; supplier S3 and receiver Z are not.
 */
describe('outcome derivation across institutions', () => {
  let ctx: TestContext;
  let region: RegionEntity;
  let S1: InstitutionEntity, S2: InstitutionEntity, S3: InstitutionEntity, X: InstitutionEntity, Y: InstitutionEntity, Z: InstitutionEntity;
  let coordinatorToken: string;

  const summaries = async (): Promise<SummaryRow[]> =>
    ctx.dataSource.query(
      `SELECT s.cohort, si.brin AS supplier, ri.brin AS receiver, sum(n)::int AS n, sum(n_direct)::int AS n_direct, sum(n_enrolled)::int AS n_enrolled,
              sum(n_switch_internal)::int AS n_switch_internal, sum(n_switch_external)::int AS n_switch_external, sum(n_uitval)::int AS n_uitval, sum(n_diploma)::int AS n_diploma
         FROM outcome_summaries s JOIN institutions si ON si.id = s.supplier_institution_id JOIN institutions ri ON ri.id = s.receiver_institution_id
        WHERE s.region_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [region.id],
    );
  const cell = async (cohort: number, supplier: InstitutionEntity, receiver: InstitutionEntity): Promise<SummaryRow | undefined> =>
    (await summaries()).find((row) => row.cohort === cohort && row.supplier === supplier.brin && row.receiver === receiver.brin);

  beforeAll(async () => {
    ctx = await createTestContext();
    region = await ctx.newRegion();
    S1 = await ctx.newInstitution({ sectors: ['vo'] });
    S2 = await ctx.newInstitution({ sectors: ['vo'] });
    S3 = await ctx.newInstitution({ sectors: ['vo'] });
    X = await ctx.newInstitution({ sectors: ['hbo'] });
    Y = await ctx.newInstitution({ sectors: ['hbo'] });
    Z = await ctx.newInstitution({ sectors: ['hbo'] });
    for (const member of [S1, S2, X, Y]) await ctx.addMember(region, member);
    coordinatorToken = await ctx.tokenFor({ region, scopes: ['region:admin', 'insights:read'] });

    const student = (label: string) => pseudonymFor(label);
    // Cohort 2022, S1 → X: eleven students.
    for (const label of ['s1', 's2', 's3', 's4']) await ctx.newEnrolment({ receiver: X, supplier: S1, pseudonym: student(label), startDate: '2022-09-01' });
    // s5: left in June 2023, nothing after → uitval.
    await ctx.newEnrolment({ receiver: X, supplier: S1, pseudonym: student('s5'), startDate: '2022-09-01', endDate: '2023-06-30' });
    // s6: left in January, another programme at X in February → switch_internal.
    await ctx.newEnrolment({ receiver: X, supplier: S1, pseudonym: student('s6'), startDate: '2022-09-01', endDate: '2023-01-31' });
    await ctx.newEnrolment({ receiver: X, supplier: S1, pseudonym: student('s6'), programmeCode: '34001', startDate: '2023-02-01' });
    // s7: left in January, started at Y in September → switch_external.
    await ctx.newEnrolment({ receiver: X, supplier: S1, pseudonym: student('s7'), startDate: '2022-09-01', endDate: '2023-01-31' });
    await ctx.newEnrolment({ receiver: Y, supplier: S1, pseudonym: student('s7'), startDate: '2023-09-01' });
    // s8: left in January, started at Z, which is not in the region → uitval as far as the region knows.
    await ctx.newEnrolment({ receiver: X, supplier: S1, pseudonym: student('s8'), startDate: '2022-09-01', endDate: '2023-01-31', priorDiplomaYear: 2021 });
    await ctx.newEnrolment({ receiver: Z, supplier: S1, pseudonym: student('s8'), startDate: '2023-09-01' });
    // s9: Ad diploma in July 2023 → diploma.
    await ctx.newEnrolment({ receiver: X, supplier: S1, pseudonym: student('s9'), startDate: '2022-09-01', endDate: '2023-07-15', endReason: 'diploma', priorDiplomaYear: 2021 });
    // s10: left after the reference date (1 October 2023) → still enrolled at the reference date.
    await ctx.newEnrolment({ receiver: X, supplier: S1, pseudonym: student('s10'), startDate: '2022-09-01', endDate: '2023-12-01', priorDiplomaYear: 2021 });
    // s11: left in January 2023, started at Y 13 months later: outside a 12-month switch window → uitval.
    await ctx.newEnrolment({ receiver: X, supplier: S1, pseudonym: student('s11'), startDate: '2022-09-01', endDate: '2023-01-31' });
    await ctx.newEnrolment({ receiver: Y, supplier: S1, pseudonym: student('s11'), startDate: '2024-03-01' });
    // S2 → X: three students (a small cell); S3 (not a member) → X: two students, never counted.
    for (const label of ['t1', 't2', 't3']) await ctx.newEnrolment({ receiver: X, supplier: S2, pseudonym: student(label), startDate: '2022-09-01' });
    for (const label of ['u1', 'u2']) await ctx.newEnrolment({ receiver: X, supplier: S3, pseudonym: student(label), startDate: '2022-09-01' });
    await ctx.runJobs();
  });
  afterAll(() => ctx.close());

  it('derives enrolled, diploma, switch_internal, switch_external and uitval at the reference date', async () => {
    expect(await cell(2022, S1, X)).toEqual({
      cohort: 2022,
      supplier: S1.brin,
      receiver: X.brin,
      n: 11,
      n_direct: 8,
      n_enrolled: 5,
      n_switch_internal: 1,
      n_switch_external: 1,
      n_uitval: 3,
      n_diploma: 1,
    });
  });

  it('counts a student only at the first enrolment in a sector (default definitions)', async () => {
    // s6's second programme at X and the enrolments at Y are not first-year-in-sector.
    expect(await cell(2023, S1, Y)).toBeUndefined();
    expect(await cell(2022, S1, Y)).toBeUndefined();
  });

  it('counts only flows whose both ends are members of the region', async () => {
    const rows = await summaries();
    expect(rows.some((row) => row.supplier === S3.brin || row.receiver === Z.brin)).toBe(false);
    expect(await cell(2022, S2, X)).toMatchObject({ n: 3, n_enrolled: 3 });
  });

  it('follows a new definition set from the next cohort on: a wider switch window turns a late re-enrolment into a switch', async () => {
    const created = await ctx.http
      .post(`/v1/regions/${region.code}/definitions`)
      .set('Authorization', `Bearer ${coordinatorToken}`)
      .send({ name: 'Switchvenster 18 maanden', switchWindowMonths: 18, notes: 'Bredere switchdefinitie.' })
      .expect(201);
    expect(created.body).toMatchObject({ version: 2, status: 'draft', switchWindowMonths: 18 });
    expect(created.body.description).toContain('18 maanden');
    // 2022 has been published with version 1 and keeps it.
    await ctx.http.post(`/v1/definitions/${created.body.id}/activate`).set('Authorization', `Bearer ${coordinatorToken}`).send({ fromCohort: 2022 }).expect(409);
    await ctx.http.post(`/v1/definitions/${created.body.id}/activate`).set('Authorization', `Bearer ${coordinatorToken}`).send({ fromCohort: 2024 }).expect(200);
    // s20 (cohort 2024) left X in January 2025 and started at Y fifteen months later: uitval under a 12-month window, a switch under 18.
    await ctx.newEnrolment({ receiver: X, supplier: S1, pseudonym: pseudonymFor('s20'), startDate: '2024-09-01', endDate: '2025-01-31' });
    await ctx.newEnrolment({ receiver: Y, supplier: S1, pseudonym: pseudonymFor('s20'), startDate: '2026-04-01' });
    await ctx.runJobs();
    expect(await cell(2024, S1, X)).toMatchObject({ n: 1, n_uitval: 0, n_switch_external: 1 });
    expect(await cell(2022, S1, X)).toMatchObject({ n: 11, n_uitval: 3, n_switch_external: 1 });
    const versions: Array<{ cohort: number; version: number }> = await ctx.dataSource.query(
      `SELECT DISTINCT s.cohort, d.version FROM outcome_summaries s JOIN definition_sets d ON d.id = s.definition_set_id WHERE s.region_id = $1 AND s.cohort IN (2022, 2024) ORDER BY 1`,
      [region.id],
    );
    expect(versions).toEqual([{ cohort: 2022, version: 1 }, { cohort: 2024, version: 2 }]);
  });

  it('follows corrections and erasure of records', async () => {
    // s5 turns out to have switched to Y in August 2023 (a late upload) → switch_external.
    await ctx.newEnrolment({ receiver: Y, supplier: S1, pseudonym: pseudonymFor('s5'), startDate: '2023-08-20' });
    await ctx.runJobs();
    expect(await cell(2022, S1, X)).toMatchObject({ n_uitval: 2, n_switch_external: 2 });
    // Erase s5 at Y again: back to uitval.
    await ctx.dataSource.query(`DELETE FROM enrolments WHERE institution_id = $1 AND pseudonym = $2`, [Y.id, pseudonymFor('s5')]);
    await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-summaries', $1::jsonb)`, [JSON.stringify({ institutionId: Y.id, cohorts: [2023] })]);
    await ctx.runJobs();
    expect(await cell(2022, S1, X)).toMatchObject({ n_uitval: 3, n_switch_external: 1 });
  });

  it('refreshes a region when an institution joins or leaves it', async () => {
    await ctx.addMember(region, S3);
    await ctx.runJobs();
    expect(await cell(2022, S3, X)).toMatchObject({ n: 2 });
    await ctx.dataSource.query(`DELETE FROM region_memberships WHERE region_id = $1 AND institution_id = $2`, [region.id, S3.id]);
    await ctx.runJobs();
    expect(await cell(2022, S3, X)).toBeUndefined();
  });
});
