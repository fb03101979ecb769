import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { createTestContext, cohortOf, pseudonymFor, TestContext } from 'test/utils/test-context';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { KEY_MODULUS, recordKeySql } from 'src/outcomes/disclosure/cell-key';
import { RefreshService } from 'src/outcomes/refresh.service';
import { addMonths } from 'test/utils/dates';

/*
 * The refresh derives outcomes set-based (window functions over each student's enrolments). This
 * test holds it to the straightforward formulation, one enrolment at a time: a NOT EXISTS for
 * first-year-in-sector and, for an enrolment that ended, a look-up of the student's next
 * enrolment (ordered by start date, institution id, programme code), on random regions, after a
 * full refresh and after an incremental one (cohorts c − 3 … last).
 */
const REFERENCE_SQL = `
WITH members AS (
  SELECT institution_id FROM region_memberships WHERE region_id = $1
), secret AS (
  SELECT secret FROM disclosure_secrets WHERE id = 1
), segments AS (
  SELECT d.*, lead(d.effective_from_cohort) OVER (ORDER BY d.effective_from_cohort, d.version) AS next_from
    FROM definition_sets d
   WHERE d.region_id = $1 AND d.effective_from_cohort IS NOT NULL
), base AS (
  SELECT e.*, si.id AS supplier_id, s.id AS definition_set_id, s.switch_window_months, s.reference_month, s.reference_day,
         make_date(e.cohort + 1, s.reference_month, s.reference_day) AS reference_date
    FROM enrolments e
    JOIN members rm ON rm.institution_id = e.institution_id
    JOIN institutions si ON si.brin = e.prior_brin
    JOIN members sm ON sm.institution_id = si.id
    JOIN segments s ON e.cohort >= s.effective_from_cohort AND (s.next_from IS NULL OR e.cohort < s.next_from)
   WHERE (NOT s.voltijd_only OR e.sector = 'mbo' OR e.form = 'voltijd')
     AND (NOT s.first_year_in_sector_only OR NOT EXISTS (
           SELECT 1 FROM enrolments p JOIN members pm ON pm.institution_id = p.institution_id
            WHERE p.pseudonym = e.pseudonym AND p.sector = e.sector AND p.start_date < e.start_date))
), derived AS (
  SELECT b.*,
         CASE
           WHEN b.end_reason = 'diploma' AND b.end_date < b.reference_date THEN 'diploma'
           WHEN b.end_date IS NULL OR b.end_date >= b.reference_date THEN 'enrolled'
           WHEN nxt.institution_id IS NULL THEN 'uitval'
           WHEN nxt.institution_id = b.institution_id AND nxt.programme_code = b.programme_code THEN 'enrolled'
           WHEN nxt.institution_id = b.institution_id THEN 'switch_internal'
           ELSE 'switch_external'
         END AS outcome,
         COALESCE((SELECT ps.new_code FROM programme_successors ps WHERE ps.old_code = b.programme_code ORDER BY ps.from_cohort DESC, ps.new_code LIMIT 1), b.programme_code) AS series_code,
         make_date(b.cohort + COALESCE(pg.nominal_duration_years, 4) + 1, b.reference_month, b.reference_day) AS rendement_deadline
    FROM base b
    LEFT JOIN LATERAL (
      SELECT f.institution_id, f.programme_code
        FROM enrolments f
        JOIN members fm ON fm.institution_id = f.institution_id
       WHERE f.pseudonym = b.pseudonym
         AND f.start_date > b.start_date
         AND f.start_date <= b.end_date + make_interval(months => b.switch_window_months)
       ORDER BY f.start_date, f.institution_id, f.programme_code
       LIMIT 1
    ) nxt ON TRUE
    LEFT JOIN programmes pg ON pg.sector = b.sector AND pg.code = b.programme_code
)
SELECT cohort, supplier_id::text AS supplier, COALESCE(prior_vestiging, '') AS vestiging, institution_id::text AS receiver, sector,
       series_code AS programme, prior_diploma_type AS prior, definition_set_id::text AS definition,
       count(*)::int AS n,
       (count(*) FILTER (WHERE prior_diploma_year >= cohort))::int AS n_direct,
       (count(*) FILTER (WHERE outcome = 'enrolled'))::int AS n_enrolled,
       (count(*) FILTER (WHERE outcome = 'switch_internal'))::int AS n_switch_internal,
       (count(*) FILTER (WHERE outcome = 'switch_external'))::int AS n_switch_external,
       (count(*) FILTER (WHERE outcome = 'uitval'))::int AS n_uitval,
       (count(*) FILTER (WHERE outcome = 'diploma'))::int AS n_diploma,
       (count(*) FILTER (WHERE rendement_deadline <= CURRENT_DATE))::int AS n_rendement_known,
       (count(*) FILTER (WHERE rendement_deadline <= CURRENT_DATE AND end_reason = 'diploma' AND end_date < rendement_deadline))::int AS n_diploma_in_time,
       ((sum(${recordKeySql('(SELECT secret FROM secret)', 'id')}) % ${KEY_MODULUS})::bigint)::text AS key
  FROM derived
 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8`;

const STORED_SQL = `
SELECT cohort, supplier_institution_id::text AS supplier, supplier_vestiging AS vestiging, receiver_institution_id::text AS receiver, sector,
       programme_code AS programme, prior_diploma_type AS prior, definition_set_id::text AS definition,
       n, n_direct, n_enrolled, n_switch_internal, n_switch_external, n_uitval, n_diploma, n_rendement_known, n_diploma_in_time,
       record_key_sum::text AS key
  FROM outcome_summaries WHERE region_id = $1
 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8`;

const FIRST_COHORT = 2016;
const LAST_COHORT = 2023;
// Few start dates, so that a student often starts two enrolments on one day.
const START_DAYS = ['09-01', '09-01', '02-01', '11-15'];
// Codes of the same two sectors at several institutions; 25100 and 34000 have successors below.
const PROGRAMMES = { mbo: ['25100', '25101'], hbo: ['34000', '34001'], wo: ['56000'] } as const;
type Sector = keyof typeof PROGRAMMES;

interface Stint {
  receiver: number;
  sector: Sector;
  programme: number;
  cohort: number;
  day: number;
  /** months until it ended (null: still enrolled) */
  months: number | null;
  diploma: boolean;
  supplier: number;
  voltijd: boolean;
  direct: boolean;
}

interface Definition {
  switchWindowMonths: number;
  firstYearInSectorOnly: boolean;
  voltijdOnly: boolean;
  referenceMonth: number;
  referenceDay: number;
}

const stintArb: fc.Arbitrary<Stint> = fc.record({
  receiver: fc.nat(4),
  sector: fc.constantFrom<Sector>('mbo', 'hbo', 'hbo', 'wo'),
  programme: fc.nat(1),
  // years after the student's first cohort
  cohort: fc.nat(2),
  day: fc.nat(START_DAYS.length - 1),
  months: fc.option(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 30 })), { freq: 4 }),
  diploma: fc.boolean(),
  supplier: fc.nat(3),
  voltijd: fc.boolean(),
  direct: fc.boolean(),
});

const definitionArb: fc.Arbitrary<Definition> = fc.record({
  switchWindowMonths: fc.constantFrom(0, 3, 12, 24),
  firstYearInSectorOnly: fc.boolean(),
  voltijdOnly: fc.boolean(),
  referenceMonth: fc.constantFrom(10, 10, 2, 8),
  referenceDay: fc.constantFrom(1, 15),
});

const caseArb = fc.record({
  students: fc.array(fc.tuple(fc.integer({ min: FIRST_COHORT, max: LAST_COHORT - 2 }), fc.array(stintArb, { minLength: 1, maxLength: 4 })), { minLength: 5, maxLength: 40 }),
  first: definitionArb,
  second: fc.option(fc.tuple(fc.integer({ min: FIRST_COHORT + 1, max: LAST_COHORT }), definitionArb)),
  // the upload before the incremental refresh: more students, and more stints of the first ones
  later: fc.array(fc.tuple(fc.nat(), stintArb), { minLength: 1, maxLength: 15 }),
  changed: fc.integer({ min: FIRST_COHORT, max: LAST_COHORT }),
});

describe('set-based outcome derivation against the per-enrolment reference', () => {
  let ctx: TestContext;
  let refresh: RefreshService;
  let run = 0;

  beforeAll(async () => {
    ctx = await createTestContext();
    refresh = ctx.app.get(RefreshService);
    await ctx.dataSource.query(
      `INSERT INTO programme_successors (old_code, new_code, from_cohort) VALUES ('25100', '25104', 2019), ('25100', '25105', 2021), ('34000', '34009', 2020)`,
    );
  });
  afterAll(() => ctx.close());

  const insert = async (receivers: InstitutionEntity[], suppliers: InstitutionEntity[], student: string, stints: Stint[]): Promise<void> => {
    const seen = new Set<string>();
    for (const stint of stints) {
      const receiver = receivers[stint.receiver];
      // August–December of the cohort's year, January–July of the next
      const startDate = `${Number(START_DAYS[stint.day].slice(0, 2)) >= 8 ? stint.cohort : stint.cohort + 1}-${START_DAYS[stint.day]}`;
      const programmeCode = PROGRAMMES[stint.sector][stint.programme % PROGRAMMES[stint.sector].length];
      const key = `${receiver.id}:${programmeCode}:${startDate}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const endDate = stint.months === null ? null : addMonths(startDate, stint.months);
      const cohort = cohortOf(startDate);
      await ctx.dataSource.query(
        `INSERT INTO enrolments (institution_id, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason, cohort,
                                 prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, created_batch_id, updated_batch_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
         ON CONFLICT (pseudonym, institution_id, programme_code, start_date) DO NOTHING`,
        [
          receiver.id,
          pseudonymFor(student),
          programmeCode,
          stint.sector,
          stint.sector === 'mbo' ? '4' : 'bachelor',
          stint.sector === 'mbo' ? 'bol' : stint.voltijd ? 'voltijd' : 'deeltijd',
          startDate,
          endDate,
          endDate === null ? null : stint.diploma ? 'diploma' : 'uitgeschreven',
          cohort,
          suppliers[stint.supplier].brin,
          stint.supplier % 2 === 0 ? `${suppliers[stint.supplier].brin}00` : null,
          stint.direct ? 'havo' : 'vwo',
          stint.direct ? cohort : cohort - 1,
          randomUUID(),
        ],
      );
    }
  };

  const setDefinitions = async (region: RegionEntity, first: Definition, second: [number, Definition] | null): Promise<void> => {
    const values = (d: Definition): unknown[] => [d.switchWindowMonths, d.firstYearInSectorOnly, d.voltijdOnly, d.referenceMonth, d.referenceDay];
    await ctx.dataSource.query(
      `UPDATE definition_sets SET switch_window_months = $2, first_year_in_sector_only = $3, voltijd_only = $4, reference_month = $5, reference_day = $6 WHERE region_id = $1`,
      [region.id, ...values(first)],
    );
    if (second === null) return;
    await ctx.dataSource.query(
      `INSERT INTO definition_sets (region_id, version, name, switch_window_months, first_year_in_sector_only, voltijd_only, reference_month, reference_day, effective_from_cohort, activated_at)
       VALUES ($1, 2, 'Tweede', $2, $3, $4, $5, $6, $7, now())`,
      [region.id, ...values(second[1]), second[0]],
    );
  };

  const compare = async (region: RegionEntity): Promise<void> => {
    const expected: unknown[] = await ctx.dataSource.query(REFERENCE_SQL, [region.id]);
    const stored: unknown[] = await ctx.dataSource.query(STORED_SQL, [region.id]);
    expect(stored).toEqual(expected);
  };

  it('gives the same summaries after a full and after an incremental refresh', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ students, first, second, later, changed }) => {
        run += 1;
        const region = await ctx.newRegion();
        // receivers 0–3 are members, 4 is not; suppliers 0–2 are members, 3 is not
        const receivers: InstitutionEntity[] = [];
        for (let index = 0; index < 5; index += 1) receivers.push(await ctx.newInstitution({ sectors: ['mbo', 'hbo', 'wo'] }));
        const suppliers: InstitutionEntity[] = [];
        for (let index = 0; index < 4; index += 1) suppliers.push(await ctx.newInstitution({ sectors: ['vo'] }));
        for (const member of [...receivers.slice(0, 4), ...suppliers.slice(0, 3)]) await ctx.addMember(region, member);
        await setDefinitions(region, first, second);
        const name = (index: number): string => `run${run}-student${index}`;
        for (const [index, [cohort, stints]] of students.entries()) await insert(receivers, suppliers, name(index), stints.map((stint) => ({ ...stint, cohort: cohort + stint.cohort })));

        await refresh.refreshRegion(region.id, 'all');
        await compare(region);

        for (const [index, stint] of later) await insert(receivers, suppliers, name(index % (students.length + 5)), [{ ...stint, cohort: Math.min(LAST_COHORT, changed + stint.cohort) }]);
        await refresh.refreshRegion(region.id, 'changed');
        await compare(region);
      }),
      { numRuns: 25, seed: 17 },
    );
  }, 600_000);
});
