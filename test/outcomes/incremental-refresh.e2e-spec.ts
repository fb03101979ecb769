import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { EXIT_REASONS } from 'src/records/codes';
import { recordKeySql } from 'src/outcomes/disclosure/cell-key';
import { RefreshService } from 'src/outcomes/refresh.service';
import { RefreshOutcome, SummariesRepository } from 'src/outcomes/summaries.repository';
import { EnrolmentRecord, LeaverRecord, PROGRAMMES } from 'test/ingest/records.factory';
import { createTestContext, TestContext } from 'test/utils/test-context';
import { addMonths } from 'test/utils/dates';

/*
 * A refresh after a change of records applies only the changed students' difference to the
 * summaries. This holds it to a full refresh: random sequences of uploads (new records and
 * corrections of earlier ones), deleted batches, erasures, leavers, membership and definition
 * changes, with the jobs run after some steps and not after others (so that changes pile up),
 * must leave the same summaries, leaver summaries, route summaries, reason summaries and withheld cells as a full
 * refresh of the same records.
 */

const STUDENTS = 10;
const FIRST_COHORT = 2019;
const PROGRAMME_CHOICES = [
  { code: '25604', sector: 'mbo', level: '4', forms: ['bol', 'bbl'] },
  { code: '34479', sector: 'hbo', level: 'bachelor', forms: ['voltijd', 'deeltijd'] },
  { code: '80072', sector: 'hbo', level: 'ad', forms: ['voltijd'] },
  { code: '56978', sector: 'wo', level: 'bachelor', forms: ['voltijd'] },
] as const;
const START_DAYS = ['09-01', '09-01', '02-01', '11-15'];

interface Stint {
  student: number;
  programme: number;
  form: number;
  cohort: number;
  day: number;
  months: number | null;
  diploma: boolean;
  /** 0–1: member suppliers; 2: a school outside the region */
  supplier: number;
  direct: boolean;
  /** The exit interview's reason of an enrolment that ended without a diploma (index into EXIT_REASONS), or none. */
  reason: number | null;
}

type Step =
  | { kind: 'upload'; receiver: number; stints: Stint[] }
  | { kind: 'leavers'; supplier: number; leavers: Array<{ student: number; year: number; diploma: boolean; soort: number }> }
  | { kind: 'delete-batch'; which: number }
  | { kind: 'erase'; receiver: number; student: number }
  | { kind: 'membership'; receiver: number }
  | { kind: 'definition'; switchWindowMonths: number; firstYearInSectorOnly: boolean; voltijdOnly: boolean };

const stintArb: fc.Arbitrary<Stint> = fc.record({
  student: fc.nat(STUDENTS - 1),
  programme: fc.nat(PROGRAMME_CHOICES.length - 1),
  form: fc.nat(1),
  cohort: fc.integer({ min: FIRST_COHORT, max: 2024 }),
  day: fc.nat(START_DAYS.length - 1),
  months: fc.option(fc.integer({ min: 0, max: 26 }), { freq: 4 }),
  diploma: fc.boolean(),
  supplier: fc.nat(2),
  direct: fc.boolean(),
  reason: fc.option(fc.nat(EXIT_REASONS.length - 1), { freq: 3 }),
});

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('upload' as const), receiver: fc.nat(2), stints: fc.array(stintArb, { minLength: 1, maxLength: 8 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('leavers' as const),
      supplier: fc.nat(1),
      leavers: fc.array(fc.record({ student: fc.nat(STUDENTS - 1), year: fc.integer({ min: FIRST_COHORT - 1, max: 2023 }), diploma: fc.boolean(), soort: fc.nat(2) }), {
        minLength: 1,
        maxLength: 5,
      }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete-batch' as const), which: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('erase' as const), receiver: fc.nat(2), student: fc.nat(STUDENTS - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('membership' as const), receiver: fc.nat(2) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('definition' as const),
      switchWindowMonths: fc.constantFrom(0, 3, 12, 24),
      firstYearInSectorOnly: fc.boolean(),
      voltijdOnly: fc.boolean(),
    }),
  },
);

const caseArb = fc.array(fc.tuple(stepArb, fc.boolean()), { minLength: 3, maxLength: 8 });

const STATE_SQL = {
  outcomes: `SELECT cohort, supplier_institution_id, supplier_vestiging, receiver_institution_id, sector, programme_code, prior_diploma_type, definition_set_id,
                    n, n_direct, n_enrolled, n_switch_internal, n_switch_external, n_uitval, n_diploma, n_rendement_known, n_diploma_in_time, record_key_sum::text AS key
               FROM outcome_summaries WHERE region_id = $1 ORDER BY 1, 2, 3, 4, 5, 6, 7`,
  leavers: `SELECT supplier_institution_id, school_year, onderwijssoort, diploma, n_leavers, n_continued, record_key_sum::text AS key
              FROM leaver_summaries WHERE region_id = $1 ORDER BY 1, 2, 3, 4`,
  routes: `SELECT cohort, supplier_institution_id, supplier_vestiging, receiver_institution_id, sector, programme_code, prior_diploma_type, first_stage, next_step,
                  definition_set_id, n, record_key_sum::text AS key
             FROM route_summaries WHERE region_id = $1 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
  reasons: `SELECT cohort, supplier_institution_id, receiver_institution_id, reason, definition_set_id, n, record_key_sum::text AS key
              FROM reason_summaries WHERE region_id = $1 ORDER BY 1, 2, 3, 4`,
  flows: `SELECT cohort, supplier_institution_id, receiver_institution_id, sector, prior_diploma_type, definition_set_id,
                 n, n_direct, n_enrolled, n_switch_internal, n_switch_external, n_uitval, n_diploma, n_rendement_known, n_diploma_in_time, record_key_sum::text AS key
            FROM flow_summaries WHERE region_id = $1 ORDER BY 1, 2, 3, 4, 5`,
  withheld: `SELECT cohort, cell_key, reason FROM withheld_cells WHERE region_id = $1 ORDER BY 1, 2`,
};

describe('a refresh of changed students against a full refresh', () => {
  let ctx: TestContext;
  let admin: string;
  let run = 0;
  let reasonRows = 0;
  const outcomes: RefreshOutcome[] = [];

  beforeAll(async () => {
    ctx = await createTestContext();
    admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    await ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: PROGRAMMES }).expect(200);
    const summaries = ctx.app.get(SummariesRepository);
    const original = summaries.refresh.bind(summaries);
    jest.spyOn(summaries, 'refresh').mockImplementation(async (...args) => {
      const outcome = await original(...args);
      outcomes.push(outcome);
      return outcome;
    });
  });
  afterAll(() => ctx.close());

  const state = async (region: RegionEntity): Promise<Record<string, unknown[]>> => {
    const result: Record<string, unknown[]> = {};
    for (const [name, text] of Object.entries(STATE_SQL)) result[name] = await ctx.dataSource.query(text, [region.id]);
    return result;
  };

  it('gives the same summaries, flow summaries, leaver summaries, route summaries, reason summaries and withheld cells as a full refresh', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (steps) => {
        run += 1;
        const region = await ctx.newRegion();
        const receivers: InstitutionEntity[] = [];
        const suppliers: InstitutionEntity[] = [];
        for (let index = 0; index < 3; index += 1) receivers.push(await ctx.newInstitution({ sectors: ['mbo', 'hbo', 'wo'] }));
        for (let index = 0; index < 2; index += 1) suppliers.push(await ctx.newInstitution({ sectors: ['vo'] }));
        // receiver 2 starts outside the region; membership steps let it join and leave
        for (const member of [receivers[0], receivers[1], ...suppliers]) await ctx.addMember(region, member);
        const members = new Set([receivers[0].id, receivers[1].id]);
        const receiverTokens = await Promise.all(receivers.map((institution) => ctx.tokenFor({ institution, scopes: ['records:write', 'records:read'] })));
        const supplierTokens = await Promise.all(suppliers.map((institution) => ctx.tokenFor({ institution, scopes: ['records:write', 'records:read'] })));
        const batches: Array<{ token: string; id: string }> = [];
        const pseudonym = (student: number): string => createHash('sha256').update(`incremental:${run}:${student}`).digest('hex');
        const send = (token: string, path: string, body: object) => ctx.http.post(path).set('Authorization', `Bearer ${token}`).send(body);

        for (const [step, runJobs] of steps) {
          switch (step.kind) {
            case 'upload': {
              const seen = new Set<string>();
              const records: EnrolmentRecord[] = [];
              for (const stint of step.stints) {
                const choice = PROGRAMME_CHOICES[stint.programme];
                const startDate = `${Number(START_DAYS[stint.day].slice(0, 2)) >= 8 ? stint.cohort : stint.cohort + 1}-${START_DAYS[stint.day]}`;
                const key = `${stint.student}:${choice.code}:${startDate}`;
                if (seen.has(key)) continue;
                seen.add(key);
                const endDate = stint.months === null ? undefined : addMonths(startDate, stint.months);
                const supplier = stint.supplier < 2 ? suppliers[stint.supplier].brin : '99ZZ';
                records.push({
                  pseudonym: pseudonym(stint.student),
                  programmeCode: choice.code,
                  sector: choice.sector,
                  level: choice.level,
                  form: choice.forms[stint.form % choice.forms.length],
                  startDate,
                  ...(endDate ? { endDate, endReason: stint.diploma ? 'diploma' : 'uitgeschreven' } : {}),
                  ...(endDate && !stint.diploma && stint.reason !== null ? { exitReason: EXIT_REASONS[stint.reason] } : {}),
                  priorBrin: supplier,
                  ...(stint.supplier === 0 ? { priorVestiging: `${supplier}00` } : {}),
                  priorDiplomaType: stint.direct ? 'havo' : 'vwo',
                  priorDiplomaYear: stint.direct ? stint.cohort : stint.cohort - 1,
                });
              }
              const response = await send(receiverTokens[step.receiver], '/v1/enrolments:batch', { records }).expect(200);
              batches.push({ token: receiverTokens[step.receiver], id: (response.body as { batchId: string }).batchId });
              break;
            }
            case 'leavers': {
              const byKey = new Map<string, LeaverRecord>();
              for (const item of step.leavers) {
                const soort = ['havo', 'vwo', 'vmbo-gt'][item.soort];
                byKey.set(`${item.student}:${item.year}`, { pseudonym: pseudonym(item.student), schoolYear: item.year, onderwijssoort: soort, diploma: item.diploma });
              }
              const response = await send(supplierTokens[step.supplier], '/v1/leavers:batch', { records: [...byKey.values()] }).expect(200);
              batches.push({ token: supplierTokens[step.supplier], id: (response.body as { batchId: string }).batchId });
              break;
            }
            case 'delete-batch': {
              if (batches.length === 0) break;
              const [batch] = batches.splice(step.which % batches.length, 1);
              await ctx.http.delete(`/v1/batches/${batch.id}`).set('Authorization', `Bearer ${batch.token}`).expect(200);
              break;
            }
            case 'erase': {
              const response = await ctx.http.delete(`/v1/pseudonyms/${pseudonym(step.student)}`).set('Authorization', `Bearer ${receiverTokens[step.receiver]}`);
              expect([200, 404]).toContain(response.status);
              break;
            }
            case 'membership': {
              // The membership trigger queues a full refresh of the region.
              const institution = receivers[step.receiver];
              if (members.has(institution.id)) {
                await ctx.dataSource.query(`DELETE FROM region_memberships WHERE region_id = $1 AND institution_id = $2`, [region.id, institution.id]);
                members.delete(institution.id);
              } else {
                await ctx.addMember(region, institution);
                members.add(institution.id);
              }
              break;
            }
            case 'definition': {
              // As DefinitionsRepository does on activation: the change and a full refresh job in one transaction.
              await ctx.dataSource.transaction(async (manager) => {
                await manager.query(`UPDATE definition_sets SET switch_window_months = $2, first_year_in_sector_only = $3, voltijd_only = $4 WHERE region_id = $1`, [
                  region.id,
                  step.switchWindowMonths,
                  step.firstYearInSectorOnly,
                  step.voltijdOnly,
                ]);
                await manager.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-region', $1::jsonb)`, [JSON.stringify({ regionId: region.id })]);
              });
              break;
            }
            default: {
              const unknown: never = step;
              throw new Error(`unknown step ${JSON.stringify(unknown)}`);
            }
          }
          if (runJobs) await ctx.runJobs();
        }
        await ctx.runJobs();
        const incremental = await state(region);
        await ctx.app.get(RefreshService).refreshRegion(region.id, 'all');
        expect(incremental).toEqual(await state(region));
        reasonRows += incremental.reasons.length;
      }),
      { numRuns: 12, seed: 42 },
    );
    // The property is about the difference path: it must have been taken, with students.
    expect(outcomes.filter((outcome) => !outcome.full && (outcome.students ?? 0) > 0).length).toBeGreaterThan(10);
    expect(reasonRows).toBeGreaterThan(0);
  }, 900_000);

  it('derives again the route of a student whose end date has come since it was derived', async () => {
    // A diploma at the end of July 2024, derived as if on a day before it: then the next step was
    // ingeschreven, until that end date. Today it is diploma, as a full refresh says.
    const region = await ctx.newRegion();
    const receiver = await ctx.newInstitution({ sectors: ['mbo'] });
    const supplier = await ctx.newInstitution({ sectors: ['vo'] });
    for (const member of [receiver, supplier]) await ctx.addMember(region, member);
    const token = await ctx.tokenFor({ institution: receiver, scopes: ['records:write', 'records:read'] });
    const record: EnrolmentRecord = {
      pseudonym: createHash('sha256').update('incremental:end-date').digest('hex'),
      programmeCode: '25604',
      sector: 'mbo',
      level: '4',
      form: 'bol',
      startDate: '2023-09-01',
      endDate: '2024-07-31',
      endReason: 'diploma',
      priorBrin: supplier.brin,
      priorDiplomaType: 'havo',
      priorDiplomaYear: 2023,
    };
    await ctx.http.post('/v1/enrolments:batch').set('Authorization', `Bearer ${token}`).send({ records: [record] }).expect(200);
    await ctx.runJobs();
    const refresh = ctx.app.get(RefreshService);
    await refresh.refreshRegion(region.id, 'all');
    const today = await state(region);
    expect(today.routes).toEqual([expect.objectContaining({ first_stage: 'mbo-4', next_step: 'diploma', n: 1 })]);

    const key = recordKeySql('(SELECT secret FROM disclosure_secrets WHERE id = 1)', "enrolment_id::text || ':' || 'ingeschreven'");
    await ctx.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE enrolment_outcomes SET next_step = 'ingeschreven', route_until = '2024-07-31' WHERE region_id = $1`, [region.id]);
      await manager.query(`UPDATE route_summaries SET next_step = 'ingeschreven', record_key_sum = (SELECT ${key} FROM enrolment_outcomes WHERE region_id = $1) WHERE region_id = $1`, [
        region.id,
      ]);
    });
    expect((await state(region)).routes).toEqual([expect.objectContaining({ next_step: 'ingeschreven', n: 1 })]);

    const outcome = await refresh.refreshRegion(region.id, 'changed');
    expect(outcome).toMatchObject({ full: false, students: 1 });
    expect(await state(region)).toEqual(today);
    const [kept] = await ctx.dataSource.query<Array<{ next_step: string; route_until: string | null }>>(`SELECT next_step, route_until FROM enrolment_outcomes WHERE region_id = $1`, [region.id]);
    expect(kept).toEqual({ next_step: 'diploma', route_until: null });
  });
});
