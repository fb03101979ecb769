import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';

/**
 * Attack 5 on the routes (issue 16): a supplying school that also receives students (an mbo
 * school, say) holds the network key, so it can pseudonymise a former pupil, upload an enrolment
 * of its own for that pupil after the pupil's first enrolment elsewhere, and read its routes
 * again: the pupil's next step turns into "hoger", and without protection the step that lost one
 * says what the pupil did (dropped out, or still enrolled).
 *
 * Every target sits in its own route cell (prior diploma type × stage × cohort), padded with
 * pupils still enrolled so that every cell is published. All targets are probed with one upload,
 * one refresh, one read and one erasure of the batch. The coordinator's routes of the same region
 * (exact: a coordinator cannot add records) show that the attack succeeds on every target without
 * the noise, so the test measures the protection and not a broken attack.
 */

const COHORTS = [2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023];
const PRIORS = ['pro', 'vso', 'vmbo-b', 'vmbo-k', 'vmbo-gt', 'havo', 'vwo'];
const STAGES = [
  { stage: 'entree', programme: '25911' },
  { stage: 'mbo-2', programme: '25912' },
];
const HIGHER_PROGRAMME = '25913';
const K = 10;
/** Padding that dropped out, so that no count sits at 0 where the noise would be cut off. */
const DROPPED_OUT = 5;

interface Target {
  pseudonym: string;
  cohort: number;
  prior: string;
  stage: string;
  droppedOut: boolean;
}

interface RouteCell {
  prior: string | null;
  first: string | null;
  next: string | null;
  n: number | null;
  protection: string;
}

type Reading = Map<string, Record<string, number>>;

describe('student-level probe of the routes (attack 5)', () => {
  let ctx: TestContext;
  let region: RegionEntity;
  let attacker: InstitutionEntity;
  let receiver: InstitutionEntity;
  let attackerToken: string;
  let coordinatorToken: string;
  let targets: Target[];

  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.dataSource.query(
      `INSERT INTO programmes (sector, code, name, level, nominal_duration_years, valid_from_cohort) VALUES
         ('mbo', '25911', 'Entree (probe)', '1', 1, 2000), ('mbo', '25912', 'Niveau 2 (probe)', '2', 2, 2000), ('mbo', '25913', 'Niveau 3 (probe)', '3', 3, 2000)
       ON CONFLICT DO NOTHING`,
    );
    region = await ctx.newRegion();
    attacker = await ctx.newInstitution({ sectors: ['mbo'] });
    receiver = await ctx.newInstitution({ sectors: ['mbo'] });
    for (const member of [attacker, receiver]) await ctx.addMember(region, member);
    attackerToken = await ctx.tokenFor({ institution: attacker, scopes: ['records:write', 'records:read', 'insights:read'] });
    coordinatorToken = await ctx.tokenFor({ region, scopes: ['insights:read'] });

    // The attacker's former pupils at the receiver: per cell K still enrolled and a few who dropped out, and one target that
    // either dropped out (ended in February without a diploma) or is still enrolled; half each.
    targets = [];
    const rows: Array<[string, string, string, string | null, number, string, string]> = [];
    for (const cohort of COHORTS) {
      for (const prior of PRIORS) {
        for (const { stage, programme } of STAGES) {
          const cell = `${cohort}|${prior}|${stage}`;
          for (let pad = 0; pad < K + DROPPED_OUT; pad++) {
            rows.push([pseudonymFor(`route-pad-${cell}-${pad}`), programme, `${cohort}-09-01`, pad < DROPPED_OUT ? `${cohort + 1}-02-01` : null, cohort, prior, stage === 'entree' ? '1' : '2']);
          }
          const target: Target = { pseudonym: pseudonymFor(`route-target-${cell}`), cohort, prior, stage, droppedOut: targets.length % 2 === Math.floor(targets.length / 10) % 2 };
          targets.push(target);
          rows.push([target.pseudonym, programme, `${cohort}-09-01`, target.droppedOut ? `${cohort + 1}-02-01` : null, cohort, prior, stage === 'entree' ? '1' : '2']);
        }
      }
    }
    await ctx.dataSource.query(
      `INSERT INTO enrolments (institution_id, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason, cohort,
                               prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, created_batch_id, updated_batch_id)
       SELECT $7::uuid, r.pseudonym, r.programme_code, 'mbo', r.level, 'bol', r.start_date::date, r.end_date::date,
              CASE WHEN r.end_date IS NULL THEN NULL ELSE 'uitgeschreven' END, r.cohort::smallint,
              $8, NULL, r.prior, r.cohort::smallint, gen_random_uuid(), gen_random_uuid()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $9::text[])
              AS r(pseudonym, programme_code, start_date, end_date, cohort, prior, level)`,
      [...[0, 1, 2, 3, 4, 5].map((column) => rows.map((row) => row[column])), receiver.id, attacker.brin, rows.map((row) => row[6])],
    );
    await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-summaries', $1::jsonb)`, [JSON.stringify({ institutionId: receiver.id, cohorts: COHORTS })]);
    await ctx.runJobs();
  }, 600_000);
  afterAll(() => ctx.close());

  /** The next-step counts per route cell (cohort|prior|stage). */
  const read = async (token: string): Promise<Reading> => {
    const response = await ctx.http.get(`/v1/insights/routes?cohortFrom=${COHORTS[0]}&cohortTo=${COHORTS[COHORTS.length - 1]}`).set('Authorization', `Bearer ${token}`).expect(200);
    const cells: Reading = new Map();
    for (const cohort of response.body.cohorts as Array<{ cohort: number; cells: RouteCell[] }>) {
      for (const cell of cohort.cells) {
        if (cell.next === null || cell.first === null) continue;
        expect(cell.n).not.toBeNull();
        const key = `${cohort.cohort}|${cell.prior}|${cell.first}`;
        cells.set(key, { ...cells.get(key), [cell.next]: cell.n! });
      }
    }
    return cells;
  };

  /** The attacker's rule: the step whose count fell the most (uitval or ingeschreven) is the one the target left. */
  const accuracy = (before: Reading, after: Reading): number => {
    let right = 0;
    for (const target of targets) {
      const cell = `${target.cohort}|${target.prior}|${target.stage}`;
      const fell = (step: string): number => after.get(cell)![step] - before.get(cell)![step];
      const guessDroppedOut = fell('uitval') < fell('ingeschreven');
      if (guessDroppedOut === target.droppedOut) right++;
    }
    return right / targets.length;
  };

  it(`guesses the next step of ${COHORTS.length * PRIORS.length * STAGES.length} pupils no better than 75 % (exact figures: 100 %)`, async () => {
    expect(targets.filter((target) => target.droppedOut)).toHaveLength(targets.length / 2);
    const before = await read(attackerToken);
    const exactBefore = await read(coordinatorToken);
    expect(before.size).toBe(targets.length);

    // One enrolment at a higher level at the attacker's own institution per target, in one upload.
    const records = targets.map((target) => ({
      pseudonym: target.pseudonym,
      programmeCode: HIGHER_PROGRAMME,
      sector: 'mbo',
      level: '3',
      form: 'bol',
      startDate: `${target.cohort + 1}-08-01`,
      priorBrin: receiver.brin,
      priorDiplomaType: target.stage === 'entree' ? 'mbo-1' : 'mbo-2',
      priorDiplomaYear: target.cohort + 1,
    }));
    const upload = await ctx.http.post('/v1/enrolments:batch').set('Authorization', `Bearer ${attackerToken}`).send({ records }).expect(200);
    expect(upload.body).toMatchObject({ inserted: targets.length });
    await ctx.runJobs();
    const probed = await read(attackerToken);
    const exactProbed = await read(coordinatorToken);
    // Same records, same noise: a second reading gives nothing new.
    expect(await read(attackerToken)).toEqual(probed);

    // The attack works on exact figures: every target's step moved to "hoger".
    expect(accuracy(exactBefore, exactProbed)).toBe(1);
    const measured = accuracy(before, probed);
    console.log(`route probe: accuracy ${measured.toFixed(3)} over ${targets.length} pupils (exact figures 1.000, chance 0.5)`);
    expect(measured).toBeLessThanOrEqual(0.75);

    // Erasing the batch brings back exactly the figures of before.
    await ctx.http.delete(`/v1/batches/${upload.body.batchId}`).set('Authorization', `Bearer ${attackerToken}`).expect(200);
    await ctx.runJobs();
    expect(await read(attackerToken)).toEqual(before);
  }, 600_000);
});
