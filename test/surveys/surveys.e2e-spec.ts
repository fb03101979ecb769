import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { currentSchoolYear } from 'src/records/codes';
import { addKeys, cellNoise, recordKeySql } from 'src/outcomes/disclosure/cell-key';
import { SURVEY_SUM_NOISE_BOUND } from 'src/outcomes/disclosure/survey-figures';
import { RetentionService } from 'src/retention/retention.service';
import { BSN } from 'test/ingest/records.factory';
import { Answers, insertEnrolments, PupilEnrolment, surveyBatch } from 'test/surveys/survey-fixture';
import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';

const ITEMS = ['choicePreparation', 'studySkills', 'subjectContent', 'transition'] as const;
const COHORT = 2023;
/** The closed survey year of the figures; answers are uploaded in the open one and then moved there, as if uploaded in 2024-25. */
const SURVEY_YEAR = 2024;
const OPEN = currentSchoolYear();
const K = 10;

/** The exact figures of a cell, counted by hand from the fixture below. */
interface Exact {
  pupils: string[];
  respondents: string[];
  answered: number[];
  sums: number[];
}

describe('alumni surveys', () => {
  let ctx: TestContext;
  let region: RegionEntity;
  let school: InstitutionEntity;
  let other: InstitutionEntity;
  let r1: InstitutionEntity;
  let r2: InstitutionEntity;
  let r3: InstitutionEntity;
  let schoolToken: string;
  let otherToken: string;
  let coordinatorToken: string;
  const ids = (label: string, n: number): string[] => Array.from({ length: n }, (_, i) => pseudonymFor(`survey-${label}-${i}`));
  const stayedR1 = ids('stayed-r1', 20);
  const stayedR2 = ids('stayed-r2', 15);
  const stayedR3 = ids('stayed-r3', 4);
  const switched = ids('switched', 20);
  const left = ids('left', 18);
  const strangers = ids('stranger', 3);

  const post = (token: string, body: object) => ctx.http.post('/v1/surveys:batch').set('Authorization', `Bearer ${token}`).send(body);
  const figures = (token: string, query = '') => ctx.http.get(`/v1/surveys/figures${query}`).set('Authorization', `Bearer ${token}`);
  const csv = (token: string, text: string) => ctx.http.post('/v1/uploads?kind=surveys').set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send(text);

  beforeAll(async () => {
    ctx = await createTestContext();
    region = await ctx.newRegion();
    school = await ctx.newInstitution({ sectors: ['vo'] });
    other = await ctx.newInstitution({ sectors: ['vo'] });
    r1 = await ctx.newInstitution({ sectors: ['mbo'] });
    r2 = await ctx.newInstitution({ sectors: ['hbo'] });
    r3 = await ctx.newInstitution({ sectors: ['mbo'] });
    for (const member of [school, other, r1, r2, r3]) await ctx.addMember(region, member);
    schoolToken = await ctx.tokenFor({ institution: school, scopes: ['records:write', 'records:read', 'insights:read'] });
    otherToken = await ctx.tokenFor({ institution: other, scopes: ['records:write', 'insights:read'] });
    coordinatorToken = await ctx.tokenFor({ region, scopes: ['insights:read'] });

    const rows: PupilEnrolment[] = [
      ...stayedR1.map((pseudonym) => ({ pseudonym, receiver: r1, supplier: school, sector: 'mbo' as const, startDate: '2023-09-01' })),
      ...stayedR2.map((pseudonym) => ({ pseudonym, receiver: r2, supplier: school, sector: 'hbo' as const, startDate: '2023-09-01' })),
      ...stayedR3.map((pseudonym) => ({ pseudonym, receiver: r3, supplier: school, sector: 'mbo' as const, startDate: '2023-09-01' })),
      // Switched within the institution: hbo at R2 until January, then mbo at R2 from February (same cohort, same prior school): the first enrolment decides.
      ...switched.flatMap((pseudonym) => [
        { pseudonym, receiver: r2, supplier: school, sector: 'hbo' as const, startDate: '2023-09-01', endDate: '2024-01-31' },
        { pseudonym, receiver: r2, supplier: school, sector: 'mbo' as const, startDate: '2024-02-01' },
      ]),
      ...left.map((pseudonym) => ({ pseudonym, receiver: r1, supplier: school, sector: 'mbo' as const, startDate: '2023-09-01', endDate: '2024-03-01' })),
    ];
    await insertEnrolments(ctx, rows, [COHORT]);
  }, 300_000);
  afterAll(() => ctx.close());

  it('publishes the questionnaire with every item in Dutch and English', async () => {
    const response = await ctx.http.get('/v1/surveys/questionnaires').set('Authorization', `Bearer ${schoolToken}`).expect(200);
    expect(response.body.items).toHaveLength(1);
    const [alumni] = response.body.items;
    expect(alumni).toMatchObject({ version: 'alumni-1', scale: { min: 1, max: 5 } });
    expect(alumni.items.map((item: { id: string }) => item.id)).toEqual([...ITEMS]);
    for (const item of alumni.items) expect(item).toEqual({ id: expect.any(String), csv: expect.any(String), nl: expect.stringMatching(/\.$/), en: expect.stringMatching(/\.$/) });
  });

  it('refuses everything that is not on the questionnaire, with a pointer to each, and writes nothing', async () => {
    const p = (i: number) => pseudonymFor(`survey-bad-${i}`);
    const response = await post(schoolToken, {
      records: [
        { pseudonym: p(0), questionnaire: 'alumni-1', surveyYear: OPEN, choicePreparation: 6 },
        { pseudonym: p(1), questionnaire: 'alumni-1', surveyYear: OPEN, studySkills: 0 },
        { pseudonym: p(2), questionnaire: 'alumni-1', surveyYear: OPEN, subjectContent: 2.5 },
        { pseudonym: p(3), questionnaire: 'alumni-1', surveyYear: OPEN, transition: '4' },
        { pseudonym: p(4), questionnaire: 'alumni-2', surveyYear: OPEN, transition: 4 },
        { pseudonym: p(5), questionnaire: 'alumni-1', surveyYear: OPEN, transition: 4, comment: 'De mentor was top' },
        { pseudonym: p(6), questionnaire: 'alumni-1', surveyYear: OPEN - 1, transition: 4 },
        { pseudonym: p(7), questionnaire: 'alumni-1', surveyYear: OPEN + 1, transition: 4 },
        { pseudonym: p(8), questionnaire: 'alumni-1', surveyYear: OPEN },
        { pseudonym: BSN, questionnaire: 'alumni-1', surveyYear: OPEN, transition: 4 },
        { pseudonym: p(10), surveyYear: OPEN, transition: 4 },
        { pseudonym: p(11), questionnaire: 'alumni-1', surveyYear: OPEN, transition: 3 },
        { pseudonym: p(11), questionnaire: 'alumni-1', surveyYear: OPEN, transition: 2 },
      ],
    }).expect(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors.map((error: { pointer: string; code: string }) => `${error.pointer} ${error.code}`)).toEqual([
      '#/records/0/choicePreparation likert',
      '#/records/1/studySkills likert',
      '#/records/2/subjectContent likert',
      '#/records/3/transition likert',
      '#/records/4/questionnaire unknown_questionnaire',
      '#/records/5/comment whitelistValidation',
      '#/records/6/surveyYear survey_closed',
      '#/records/7/surveyYear survey_closed',
      '#/records/8 no_answers',
      '#/records/9/pseudonym looks_like_bsn',
      '#/records/10/questionnaire required',
      '#/records/12 duplicate_key',
    ]);
    expect(response.text).not.toContain(BSN);
    expect(await ctx.dataSource.query(`SELECT count(*)::int AS n FROM survey_answers`)).toEqual([{ n: 0 }]);

    // CSV: an unknown column refuses the file at its header; a value outside 1–5 is named by line and column.
    const header = await csv(schoolToken, 'pseudonym,questionnaire,survey_year,transition,opmerking\n').expect(400);
    expect(header.body.errors).toEqual([expect.objectContaining({ line: 1, column: 'opmerking', code: 'unknown_column' })]);
    const values = await csv(schoolToken, `pseudonym,questionnaire,survey_year,transition\n${p(20)},alumni-1,${OPEN},7\n${p(21)},alumni-1,${OPEN},\n`).expect(422);
    expect(values.body.errors.map((error: { line: number; column?: string; code: string }) => `${error.line} ${error.column ?? ''} ${error.code}`)).toEqual(['2 transition likert', '3  no_answers']);
    expect(await ctx.dataSource.query(`SELECT count(*)::int AS n FROM survey_answers`)).toEqual([{ n: 0 }]);
  });

  it('takes answers as a JSON batch and as CSV, upserts them on (pseudonym, questionnaire, survey year) and refreshes nothing', async () => {
    const answer = (pseudonym: string, values: [number, number, number, number | null]): Answers => ({
      pseudonym,
      choicePreparation: values[0],
      studySkills: values[1],
      subjectContent: values[2],
      transition: values[3],
    });
    const jobsBefore = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM jobs`);
    const batch = surveyBatch(OPEN, [
      // 16 of 20 stayed at R1 answer 4 everywhere, the first 8 leave the transition blank.
      ...stayedR1.slice(0, 16).map((p, i) => answer(p, [4, 4, 4, i < 8 ? null : 4])),
      ...stayedR2.slice(0, 12).map((p) => answer(p, [5, 3, 4, 5])),
      ...stayedR3.slice(0, 3).map((p) => answer(p, [3, 3, 3, 3])),
      ...switched.slice(0, 17).map((p) => answer(p, [1, 1, 1, 1])),
      ...strangers.map((p) => answer(p, [5, 5, 5, 5])),
    ]);
    const first = await post(schoolToken, batch).expect(200);
    expect(first.body).toMatchObject({ rows: 51, inserted: 51, updated: 0 });
    // Again: nothing changes; the switched pupils' answers corrected from 1 to 2.
    const again = await post(schoolToken, batch).expect(200);
    expect(again.body).toMatchObject({ inserted: 0, updated: 0, unchanged: 51 });
    const corrected = await post(schoolToken, surveyBatch(OPEN, switched.slice(0, 17).map((p) => answer(p, [2, 2, 2, 2])))).expect(200);
    expect(corrected.body).toMatchObject({ inserted: 0, updated: 17 });
    // The left pupils by CSV, with a blank-free row per pupil.
    const lines = left.slice(0, 16).map((p) => `${p},alumni-1,${OPEN},1,1,2,1`);
    const upload = await csv(schoolToken, `pseudonym,questionnaire,survey_year,choice_preparation,study_skills,subject_content,transition\n${lines.join('\n')}\n`).expect(200);
    expect(upload.body).toMatchObject({ rows: 16, inserted: 16 });
    const batchRow = await ctx.http.get(`/v1/uploads/${upload.body.batchId}`).set('Authorization', `Bearer ${schoolToken}`).expect(200);
    expect(batchRow.body).toMatchObject({ kind: 'surveys', source: 'csv', status: 'committed', rows: 16 });
    expect(await ctx.dataSource.query(`SELECT count(*)::int AS n FROM jobs`)).toEqual(jobsBefore);
    // While the survey year is open its figures are not published.
    const open = await figures(schoolToken, `?surveyYear=${OPEN}`).expect(400);
    expect(open.body.errors).toEqual([expect.objectContaining({ parameter: 'surveyYear', code: 'survey_open' })]);
    expect((await figures(schoolToken).expect(200)).body).toMatchObject({ surveyYears: [], surveyYear: null, openSurveyYear: OPEN, total: null });
    // The survey closes: as if it was held in 2024-25.
    await ctx.dataSource.query(`UPDATE survey_answers SET survey_year = $1`, [SURVEY_YEAR]);
  });

  it('gives the school its figures by outcome group and by receiver, exactly as the layer perturbs the hand-counted cells', async () => {
    const response = await figures(schoolToken).expect(200);
    expect(response.body).toMatchObject({ questionnaire: 'alumni-1', surveyYears: [SURVEY_YEAR], surveyYear: SURVEY_YEAR, cohort: COHORT, suppressionK: K, institution: school.brin });

    // The keys the layer draws its noise from, read from the database.
    const pupilKeys = new Map<string, number>();
    for (const row of await ctx.dataSource.query(`SELECT pseudonym, sector, record_key::text AS key FROM enrolment_outcomes WHERE supplier_institution_id = $1 AND cohort = $2`, [school.id, COHORT])) {
      // A switched pupil's first enrolment is the hbo one.
      if (switched.includes(row.pseudonym) && row.sector !== 'hbo') continue;
      pupilKeys.set(row.pseudonym, Number(row.key));
    }
    expect(pupilKeys.size).toBe(77);
    const respondentKeys = new Map<string, number>();
    const keySql = recordKeySql('(SELECT secret FROM disclosure_secrets WHERE id = 1)', "('survey:' || s.id::text || ':' || concat_ws(',', coalesce(s.choice_preparation, 0), coalesce(s.study_skills, 0), coalesce(s.subject_content, 0), coalesce(s.transition, 0)))");
    for (const row of await ctx.dataSource.query(`SELECT s.pseudonym, ${keySql}::text AS key FROM survey_answers s WHERE s.institution_id = $1`, [school.id])) respondentKeys.set(row.pseudonym, Number(row.key));

    /** The documented rule, applied to the hand-counted cell. */
    const expected = (exact: Exact) => {
      const pupilKey = exact.pupils.reduce((sum, p) => addKeys(sum, pupilKeys.get(p)!), 0);
      const respondentKey = exact.respondents.reduce((sum, p) => addKeys(sum, respondentKeys.get(p)!), 0);
      const formerPupils = exact.pupils.length + cellNoise(pupilKey, 'survey:pupils');
      const respondents = exact.respondents.length + cellNoise(respondentKey, 'survey:respondents');
      if (formerPupils < K + 3 || respondents < K + 3) return { protection: 'suppressed', formerPupils: null, respondents: null, responseRate: null, means: ITEMS.map((item) => ({ item, mean: null })), meanMargin: null };
      const means = ITEMS.map((item, i) => {
        const count = exact.answered[i] + cellNoise(respondentKey, `survey:answered:${i}`);
        if (count < K + 3) return { item, mean: null };
        const mean = (exact.sums[i] + cellNoise(respondentKey, `survey:sum:${i}`, SURVEY_SUM_NOISE_BOUND)) / count;
        return { item, mean: Math.round(Math.min(5, Math.max(1, mean)) * 10) / 10 };
      });
      return { protection: 'perturbed', formerPupils, respondents, responseRate: Math.round(Math.min(1, respondents / formerPupils) * 100) / 100, means, meanMargin: Math.ceil((SURVEY_SUM_NOISE_BOUND / respondents) * 10) / 10 };
    };

    // Counted by hand: stayed 20 + 15 + 4 pupils, 16 + 12 + 3 respond (4/4/4/– or 4, 5/3/4/5, 3/3/3/3).
    const stayed: Exact = { pupils: [...stayedR1, ...stayedR2, ...stayedR3], respondents: [...stayedR1.slice(0, 16), ...stayedR2.slice(0, 12), ...stayedR3.slice(0, 3)], answered: [31, 31, 31, 23], sums: [133, 109, 121, 101] };
    const switchedCell: Exact = { pupils: switched, respondents: switched.slice(0, 17), answered: [17, 17, 17, 17], sums: [34, 34, 34, 34] };
    const leftCell: Exact = { pupils: left, respondents: left.slice(0, 16), answered: [16, 16, 16, 16], sums: [16, 16, 32, 16] };
    const total: Exact = { pupils: [...stayed.pupils, ...switched, ...left], respondents: [...stayed.respondents, ...switchedCell.respondents, ...leftCell.respondents], answered: [64, 64, 64, 56], sums: [183, 159, 187, 151] };
    // By receiver: R1 has the stayed and the left , R2 the stayed and the switched.
    const atR1: Exact = { pupils: [...stayedR1, ...left], respondents: [...stayedR1.slice(0, 16), ...left.slice(0, 16)], answered: [32, 32, 32, 24], sums: [80, 80, 96, 48] };
    const atR2: Exact = { pupils: [...stayedR2, ...switched], respondents: [...stayedR2.slice(0, 12), ...switched.slice(0, 17)], answered: [29, 29, 29, 29], sums: [94, 70, 82, 94] };
    const atR3: Exact = { pupils: stayedR3, respondents: stayedR3.slice(0, 3), answered: [3, 3, 3, 3], sums: [9, 9, 9, 9] };

    const strip = (cell: Record<string, unknown>) => ({ protection: cell.protection, formerPupils: cell.formerPupils, respondents: cell.respondents, responseRate: cell.responseRate, means: cell.means, meanMargin: cell.meanMargin });
    expect(strip(response.body.total)).toEqual(expected(total));
    expect(response.body.byOutcome.map((cell: { group: string }) => cell.group)).toEqual(['stayed', 'switched', 'left']);
    expect(response.body.byOutcome.map(strip)).toEqual([expected(stayed), expected(switchedCell), expected(leftCell)]);
    const byBrin = [
      [r1.brin, atR1],
      [r2.brin, atR2],
      [r3.brin, atR3],
    ].sort(([a], [b]) => (a as string).localeCompare(b as string));
    expect(response.body.byReceiver.map((cell: { receiver: { brin: string } }) => cell.receiver.brin)).toEqual(byBrin.map(([brin]) => brin));
    expect(response.body.byReceiver.map(strip)).toEqual(byBrin.map(([, exact]) => expected(exact as Exact)));
    // R3's 4 pupils can never reach k + 3; the strangers' answers (no alumni of the cohort) are in no cell.
    expect(response.body.byReceiver.find((cell: { receiver: { brin: string } }) => cell.receiver.brin === r3.brin).protection).toBe('suppressed');
    // The large cells are published whatever the noise (at least 13 former pupils and 13 answers to each item), within the noise of their exact figures.
    expect(response.body.total).toMatchObject({ protection: 'perturbed' });
    for (const cell of response.body.byOutcome) {
      expect(cell.protection).toBe('perturbed');
      expect(cell.means.every((mean: { mean: number | null }) => mean.mean !== null)).toBe(true);
    }
    // The switched pupils answered 2 everywhere: a sum of 34 ± 20 over 17 ± 3 answers: at most 54 / 14, rounded 3.9.
    for (const mean of response.body.byOutcome[1].means) expect(mean.mean).toBeGreaterThanOrEqual(1);
    for (const mean of response.body.byOutcome[1].means) expect(mean.mean).toBeLessThanOrEqual(3.9);
    expect(Math.abs(response.body.total.respondents - 64)).toBeLessThanOrEqual(3);
    // Reading again gives the same figures.
    expect((await figures(schoolToken).expect(200)).body).toEqual(response.body);
    // The CSV carries the same cells, one row each.
    const exported = await figures(schoolToken).set('Accept', 'text/csv').expect(200);
    expect(exported.headers['content-type']).toContain('text/csv');
    const lines = exported.text.trim().split('\n');
    expect(lines[0].split(',')).toEqual(expect.arrayContaining(['table', 'group', 'receiver_brin', 'protection', 'former_pupils', 'respondents', 'response_rate', 'mean_choicePreparation', 'mean_transition', 'mean_margin']));
    expect(lines).toHaveLength(1 + 1 + 3 + 3);
    const stayedLine = lines.find((line) => line.startsWith(`${SURVEY_YEAR},${COHORT},alumni-1,outcome,stayed,`))!;
    expect(stayedLine).toContain(`,perturbed,${response.body.byOutcome[0].formerPupils},${response.body.byOutcome[0].respondents},`);
  });

  it('shows the survey figures to the school only', async () => {
    // The coordinator reads no school's survey; another school reads its own (none), never this school's.
    await figures(coordinatorToken).expect(403);
    const others = await figures(otherToken).expect(200);
    expect(others.body).toMatchObject({ institution: other.brin, surveyYears: [], surveyYear: null, total: null, byOutcome: [], byReceiver: [] });
    const asked = await figures(otherToken, `?surveyYear=${SURVEY_YEAR}`).expect(200);
    expect(asked.body.total).toMatchObject({ respondents: null, protection: 'suppressed' });
    // A receiver of the pupils sees no figures of the school's survey either: it has no answers of its own.
    const receiverToken = await ctx.tokenFor({ institution: r1, scopes: ['insights:read'] });
    expect((await figures(receiverToken, `?surveyYear=${SURVEY_YEAR}`).expect(200)).body.byOutcome.every((cell: { respondents: number | null }) => cell.respondents === null)).toBe(true);
    await figures(schoolToken, `?region=NOPE`).expect(404);
    await figures(schoolToken, `?questionnaire=alumni-9`).expect(400);
  });

  it('erases a pseudonym\'s survey answers with its records, and only the eraser\'s', async () => {
    const pupil = stayedR1[0];
    // The other school answers for the same pseudonym (it may: the answers are its own).
    await post(otherToken, surveyBatch(OPEN, [{ pseudonym: pupil, transition: 2 }])).expect(200);
    const erased = await ctx.http.delete(`/v1/pseudonyms/${pupil}`).set('Authorization', `Bearer ${schoolToken}`).expect(200);
    expect(erased.body).toEqual({ enrolmentsDeleted: 0, leaversDeleted: 0, surveyAnswersDeleted: 1 });
    expect(await ctx.dataSource.query(`SELECT institution_id FROM survey_answers WHERE pseudonym = $1`, [pupil])).toEqual([{ institution_id: other.id }]);
    await ctx.http.delete(`/v1/pseudonyms/${pupil}`).set('Authorization', `Bearer ${schoolToken}`).expect(404);
  });

  it('deletes survey answers with the cohort they are about once it is past retention', async () => {
    // Retention 120 months: on any day the newest expired cohort is at least 10 years back.
    const [{ last }] = await ctx.dataSource.query(`SELECT extract(year FROM CURRENT_DATE - interval '120 months' - interval '7 months')::int - 1 AS last`);
    const insert = (pseudonym: string, surveyYear: number) =>
      ctx.dataSource.query(
        `INSERT INTO survey_answers (institution_id, pseudonym, questionnaire, survey_year, transition, created_batch_id, updated_batch_id) VALUES ($1, $2, 'alumni-1', $3, 3, gen_random_uuid(), gen_random_uuid())`,
        [school.id, pseudonym, surveyYear],
      );
    await insert(pseudonymFor('survey-expired'), last + 1);
    await insert(pseudonymFor('survey-kept'), last + 2);
    const [sweep] = (await ctx.app.get(RetentionService).sweep({ regionId: region.id })).filter((result) => result.regionId === region.id);
    expect(sweep).toMatchObject({ lastExpiredCohort: last, surveyAnswersDeleted: 1 });
    const left = await ctx.dataSource.query(`SELECT pseudonym FROM survey_answers WHERE survey_year IN ($1, $2)`, [last + 1, last + 2]);
    expect(left).toEqual([{ pseudonym: pseudonymFor('survey-kept') }]);
  });
});
