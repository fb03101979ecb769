import { InstitutionEntity } from 'src/institutions/institution.entity';
import { PROGRAMMES } from 'test/ingest/records.factory';
import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';

/**
 * Attack 5 of issue 11 at scale: a receiving institution holds the network key, so it can
 * pseudonymise any student, upload one ended enrolment for that pseudonym, read its own intake by
 * supplier, and erase the record again. Without protection the change of switchExternal says
 * whether the student studies elsewhere in the region (+1) or nowhere (uitval +1).
 *
 * Every target sits in its own cell (supplier × cohort of the attacker's intake), padded by the
 * attacker with students it enrolled itself so that every cell is at least k and published. All
 * targets are probed with one upload, one refresh, one read and one erasure of the batch.
 */

const SUPPLIERS = 20;
const COHORTS = 10;
const FIRST_COHORT = 2014;
const TARGETS = SUPPLIERS * COHORTS;
const K = 10;

interface Target {
  pseudonym: string;
  supplier: InstitutionEntity;
  cohort: number;
  switched: boolean;
}

interface IntakeRow {
  key: string;
  n: number | null;
  switchExternal: number | null;
  protection: string;
}

describe('student-level probe of the intake (attack 5)', () => {
  let ctx: TestContext;
  let attackerToken: string;
  let suppliers: InstitutionEntity[];
  let targets: Target[];

  beforeAll(async () => {
    ctx = await createTestContext();
    // A fixed secret keeps the noise, and so the measured accuracy, the same on every run.
    await ctx.dataSource.query(`UPDATE disclosure_secrets SET secret = 'student-probe' WHERE id = 1`);
    const region = await ctx.newRegion();
    const attacker = await ctx.newInstitution({ sectors: ['hbo'] });
    const elsewhere = await ctx.newInstitution({ sectors: ['hbo'] });
    suppliers = [];
    for (let index = 0; index < SUPPLIERS; index++) suppliers.push(await ctx.newInstitution({ sectors: ['vo'] }));
    for (const member of [attacker, elsewhere, ...suppliers]) await ctx.addMember(region, member);
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    await ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: PROGRAMMES }).expect(200);
    attackerToken = await ctx.tokenFor({ institution: attacker, scopes: ['records:write', 'records:read', 'insights:read'] });

    // Half of the targets switched to another institution of the region, half dropped out.
    targets = Array.from({ length: TARGETS }, (_, index) => ({
      pseudonym: pseudonymFor(`probe-${index}`),
      supplier: suppliers[index % SUPPLIERS],
      cohort: FIRST_COHORT + Math.floor(index / SUPPLIERS),
      switched: (index + Math.floor(index / SUPPLIERS)) % 2 === 0,
    }));
    // The attacker's padding (k students per cell, still enrolled), as many students of the other
    // receiver per cell (so that no small cell elsewhere withholds the attacker's cells), and the
    // switchers' enrolments there; in bulk.
    const rows: Array<[string, string, string, string | null, number, string]> = [];
    for (let index = 0; index < SUPPLIERS; index++) {
      for (let cohort = FIRST_COHORT; cohort < FIRST_COHORT + COHORTS; cohort++) {
        for (let pad = 0; pad < K; pad++) {
          rows.push([attacker.id, pseudonymFor(`pad-${index}-${cohort}-${pad}`), `${cohort}-09-01`, null, cohort, suppliers[index].brin]);
          rows.push([elsewhere.id, pseudonymFor(`other-${index}-${cohort}-${pad}`), `${cohort}-09-01`, null, cohort, suppliers[index].brin]);
        }
      }
    }
    for (const target of targets) if (target.switched) rows.push([elsewhere.id, target.pseudonym, `${target.cohort}-11-01`, null, target.cohort, target.supplier.brin]);
    await ctx.dataSource.query(
      `INSERT INTO enrolments (institution_id, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason, cohort,
                               prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, created_batch_id, updated_batch_id)
       SELECT r.institution_id::uuid, r.pseudonym, '34479', 'hbo', 'bachelor', 'voltijd', r.start_date::date, r.end_date::date, NULL, r.cohort::smallint,
              r.prior_brin, NULL, 'havo', r.cohort::smallint, gen_random_uuid(), gen_random_uuid()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[])
              AS r(institution_id, pseudonym, start_date, end_date, cohort, prior_brin)`,
      [0, 1, 2, 3, 4, 5].map((column) => rows.map((row) => row[column])),
    );
    const cohorts = Array.from({ length: COHORTS }, (_, index) => FIRST_COHORT + index);
    for (const institution of [attacker, elsewhere]) {
      await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-summaries', $1::jsonb)`, [JSON.stringify({ institutionId: institution.id, cohorts })]);
    }
    await ctx.runJobs();
  }, 600_000);
  afterAll(() => ctx.close());

  /** The attacker's reading: the switchExternal count per supplier × cohort cell. */
  const read = async (): Promise<Map<string, { n: number; switched: number }>> => {
    const response = await ctx.http
      .get(`/v1/insights/intake?breakdown=supplier&cohortFrom=${FIRST_COHORT}&cohortTo=${FIRST_COHORT + COHORTS - 1}`)
      .set('Authorization', `Bearer ${attackerToken}`)
      .expect(200);
    const cells = new Map<string, { n: number; switched: number }>();
    for (const cohort of response.body.cohorts as Array<{ cohort: number; rows: IntakeRow[] }>) {
      for (const row of cohort.rows) {
        // Every cell is at least k and the attacker's own intake: published with a perturbed split.
        expect(row).toMatchObject({ protection: 'perturbed' });
        expect(row.n).not.toBeNull();
        expect(row.switchExternal).not.toBeNull();
        cells.set(`${row.key}|${cohort.cohort}`, { n: row.n!, switched: Math.round(row.switchExternal! * row.n!) });
      }
    }
    return cells;
  };

  it(`guesses switch versus uitval of ${TARGETS} students no better than 60 %`, async () => {
    const before = await read();
    expect(before.size).toBe(TARGETS);
    for (const cell of before.values()) expect(cell).toEqual({ n: K, switched: 0 });

    // One ended enrolment per target, each in its own cell, in one upload.
    const records = targets.map((target) => ({
      pseudonym: target.pseudonym,
      programmeCode: '34479',
      sector: 'hbo',
      level: 'bachelor',
      form: 'voltijd',
      startDate: `${target.cohort}-09-01`,
      endDate: `${target.cohort}-10-01`,
      endReason: 'uitgeschreven',
      priorBrin: target.supplier.brin,
      priorDiplomaType: 'havo',
      priorDiplomaYear: target.cohort,
    }));
    const upload = await ctx.http.post('/v1/enrolments:batch').set('Authorization', `Bearer ${attackerToken}`).send({ records }).expect(200);
    expect(upload.body).toMatchObject({ inserted: TARGETS });
    await ctx.runJobs();
    const probed = await read();
    // Same records, same noise: a second reading gives nothing new.
    expect(await read()).toEqual(probed);

    let right = 0;
    for (const target of targets) {
      const cell = `${target.supplier.brin}|${target.cohort}`;
      const after = probed.get(cell);
      expect(after?.n).toBe(K + 1);
      // The attacker's rule: switch when switchExternal went up, otherwise uitval.
      const guessSwitch = after!.switched > before.get(cell)!.switched;
      if (guessSwitch === target.switched) right++;
    }
    const accuracy = right / TARGETS;
    console.log(`student-level probe: ${right} of ${TARGETS} students guessed right, accuracy ${accuracy.toFixed(3)} (chance 0.5)`);
    expect(accuracy).toBeLessThanOrEqual(0.6);

    // Erasing the batch brings back exactly the figures of before: no trace of the probe.
    await ctx.http.delete(`/v1/batches/${upload.body.batchId}`).set('Authorization', `Bearer ${attackerToken}`).expect(200);
    await ctx.runJobs();
    expect(await read()).toEqual(before);
  }, 600_000);
});
