import { Page } from 'playwright-core';
import { Browser, BROWSER_TIMEOUT, DemoServer, evaluate, launchChromium, pct, ready, signInWithSecret, startDemoServer } from 'test/web/browser';

// The reference series in the web report, in headless Chromium against the real service on the
// demo region, whose reference set is synthetic: the region report and a school's alumni page show
// the matching series next to the region (and the school), labelled with its source, licence and
// definitions, marked synthetic, and marked indicative where its definitions differ.

interface Reference {
  id: string;
  label: string;
  metric: string;
  sourceUrl: string;
  licence: string;
  synthetic: boolean;
  comparable: boolean;
  differences: string[];
  differenceDetails: Array<{ code: string; reference: string | boolean | null; region: string | boolean | null; definitionSet: { name: string; version: number } | null }>;
  level: string | null;
  points: Array<{ cohort: number; rate: number }>;
}
interface Figures {
  suppressed: boolean;
  uitval: number | null;
  enrolledYear2: number | null;
}
interface Report {
  trend: Array<Figures & { cohort: number }>;
  references: Reference[];
}
interface Alumni {
  cohorts: Array<{ cohort: number; total: Figures; benchmarkTotal?: Figures; rows: Array<Figures & { key: string; label: string }> }>;
  references: Reference[];
  levelReferences: Reference[];
}
interface ReferenceOnPage {
  id: string;
  comparable: string;
  synthetic: string;
  label: string;
  href: string;
  text: string;
  differences: string[];
}

const REFERENCES_ON_PAGE = `Array.from(document.querySelectorAll('[data-section="references"] li.reference')).map((li) => ({
  id: li.dataset.referenceId, comparable: li.dataset.comparable, synthetic: li.dataset.synthetic, label: li.querySelector('.reference-label').textContent,
  href: li.querySelector('a.reference-source').getAttribute('href'), text: li.textContent,
  differences: Array.from(li.querySelectorAll('.reference-indicative li')).map((item) => item.textContent) }))`;
const TABLE_ROWS = `Array.from(document.querySelectorAll('[data-section="references"] table tbody tr')).map((tr) => Array.from(tr.cells).map((cell) => cell.querySelector('[data-value]')?.dataset.value ?? cell.textContent))`;

describe('reference series in the web report, in headless Chromium', () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;
  let report: Report;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startDemoServer();
    page = await browser.context.newPage();
    report = await server.get<Report>(await server.token('demo-coordinator'), '/v1/regions/RIJNSTAD/report');
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.ctx.close();
  });

  it('shows the uitval references next to the region in the region report, synthetic and indicative, with source and definitions', async () => {
    const expected = report.references.filter((reference) => reference.metric === 'uitval');
    expect(expected.length).toBeGreaterThan(0);
    await signInWithSecret(page, server.baseUrl, 'demo-coordinator');
    await ready(page, 'report');
    await page.waitForSelector('[data-section="references"]');
    expect(await page.locator('[data-section="references"] h2').textContent()).toContain('Vergelijking met landelijke en sectorcijfers');

    const shown = await evaluate<ReferenceOnPage[]>(page, REFERENCES_ON_PAGE);
    expect(shown.map((reference) => reference.id)).toEqual(expected.map((reference) => reference.id));
    for (const [index, reference] of expected.entries()) {
      expect(shown[index]).toMatchObject({ synthetic: 'true', comparable: String(reference.comparable), label: reference.label, href: reference.sourceUrl, differences: reference.differences });
      expect(shown[index].label).toContain('synthetisch voorbeeld, geen echte cijfers');
      expect(shown[index].text).toContain(reference.licence);
      expect(shown[index].text).toContain('Indicatief: de definities van de bron wijken af');
    }
    expect(await page.locator('[data-section="references"] .hint').textContent()).toContain('niet onderdrukt');

    // Per cohort: the region's figure (through the disclosure layer, as in the trend) and each reference.
    const rows = await evaluate<string[][]>(page, TABLE_ROWS);
    expect(rows.map((row) => Number(row[0]))).toEqual(report.trend.map((point) => point.cohort));
    report.trend.forEach((point, index) => {
      if (!point.suppressed && point.uitval !== null) expect(Number(rows[index][1])).toBe(point.uitval);
      expected.forEach((reference, column) => {
        const published = reference.points.find((candidate) => candidate.cohort === point.cohort);
        if (published) expect(Number(rows[index][2 + column])).toBe(published.rate);
        else expect(rows[index][2 + column]).toBe('—');
      });
    });
    const last = expected[0].points[expected[0].points.length - 1];
    expect(await page.locator('[data-section="references"] table').textContent()).toContain(pct(last.rate));
  });

  it('words the differences in the language of the page, from their codes', async () => {
    const expected = report.references.filter((reference) => reference.metric === 'uitval');
    // The demo's uitval series differ by national scope (all) and, in the mbo, by switchers counted as uitval.
    expect(new Set(expected.flatMap((reference) => reference.differenceDetails.map((detail) => detail.code)))).toEqual(new Set(['national-scope', 'switchers']));
    const english = (detail: Reference['differenceDetails'][number]): string =>
      detail.code === 'national-scope'
        ? 'The reference follows students across the country; the region sees only enrolments at its members, so a move to an institution outside the region counts as dropout there.'
        : `Switchers ${detail.reference ? 'count' : 'do not count'} as dropout in the reference, ${detail.region ? 'count' : 'do not count'} in ${detail.definitionSet!.name} (version ${detail.definitionSet!.version}).`;
    await page.locator('button[data-language="en"]').click();
    await ready(page, 'report');
    await page.waitForSelector('[data-section="references"] li.reference');
    const shown = await evaluate<ReferenceOnPage[]>(page, REFERENCES_ON_PAGE);
    expect(shown.map((reference) => reference.differences)).toEqual(expected.map((reference) => reference.differenceDetails.map(english)));
    expect(shown[0].text).toContain("Indicative only: the source's definitions differ");
    await page.locator('button[data-language="nl"]').click();
    await ready(page, 'report');
    const dutch = await evaluate<ReferenceOnPage[]>(page, REFERENCES_ON_PAGE);
    expect(dutch.map((reference) => reference.differences)).toEqual(expected.map((reference) => reference.differences));
  });

  it('marks a series with the same definitions as comparable (enrolled in year 2, hbo)', async () => {
    const expected = report.references.filter((reference) => reference.metric === 'enrolledYear2');
    await page.locator('select[name="metric"]').selectOption('enrolledYear2');
    await ready(page, 'report');
    await page.waitForSelector(`[data-section="references"] li.reference[data-reference-id="${expected[0].id}"]`);
    const shown = await evaluate<ReferenceOnPage[]>(page, REFERENCES_ON_PAGE);
    expect(shown.map((reference) => [reference.id, reference.comparable])).toEqual(expected.map((reference) => [reference.id, String(reference.comparable)]));
    expect(expected.some((reference) => reference.comparable)).toBe(true);
    expect(await page.locator('[data-section="references"] li.reference[data-comparable="true"] .reference-comparable').first().textContent()).toBe('Dezelfde definities als de regio.');
  });

  it('shows a region trendbreuk against the national trend of the same cohorts, with whether the reference moved', async () => {
    // A trendbreuk of the whole region, written as detection would (the demo's planted break is between two schools).
    const { dataSource } = server.ctx;
    const [region] = await dataSource.query<Array<{ id: string }>>(`SELECT id FROM regions WHERE code = 'RIJNSTAD'`);
    const [definition] = await dataSource.query<Array<{ id: string; version: number }>>(`SELECT id, version FROM definition_sets WHERE region_id = $1 ORDER BY version LIMIT 1`, [region.id]);
    await dataSource.query(
      `INSERT INTO alerts (region_id, type, cell_kind, cell_key, metric, cohort, direction, rule, effect_pp, baseline_rate, current_rate, n_current, events_current,
                           n_baseline, events_baseline, baseline_cohorts, method_version, definition_set_id, definition_set_version, parameters, evidence_hash)
       VALUES ($1, 'trendbreuk', 'region', 'region|||', 'uitval', 2024, 'up', 'fdr', 6, 0.14, 0.2, 1000, 200, 3000, 420, '{2021,2022,2023}',
               'trendbreuk-1.0', $2, $3, '{"suppressionK": 10}', repeat('0', 64))
       ON CONFLICT ON CONSTRAINT uq_alerts_key DO NOTHING`,
      [region.id, definition.id, definition.version],
    );
    const [alert] = await dataSource.query<Array<{ id: string }>>(`SELECT id FROM alerts WHERE region_id = $1 AND type = 'trendbreuk' AND cell_key = 'region|||' AND metric = 'uitval' AND cohort = 2024`, [region.id]);
    const detail = await server.get<{ effectPp: number | null; references: Array<Reference & { changePp: number | null; verdict: string }> }>(await server.token('demo-coordinator'), `/v1/alerts/${alert.id}`);
    expect(detail.references.length).toBeGreaterThan(0);

    await page.goto(`${server.baseUrl}/app/#/alerts/${alert.id}`);
    await ready(page, 'alerts');
    await page.waitForSelector('[data-section="references"] [data-verdict]');
    const verdicts = await evaluate<Array<{ label: string; verdict: string }>>(page, `Array.from(document.querySelectorAll('[data-section="references"] [data-verdict]')).map((el) => ({ label: el.closest('tr').cells[0].textContent, verdict: el.dataset.verdict }))`);
    expect(verdicts).toEqual(detail.references.map((reference) => ({ label: reference.label, verdict: reference.verdict })));
    expect(await page.locator('[data-section="references"] h2').textContent()).toBe('Landelijke trend over dezelfde cohorten');
    expect(await page.locator('[data-section="references"] li.reference').count()).toBe(detail.references.length);
  });

  it("shows a school's alumni next to the region and the reference", async () => {
    const token = await server.token('demo-vo-school');
    const alumni = await server.get<Alumni>(token, '/v1/insights/alumni');
    const expected = alumni.references.filter((reference) => reference.metric === 'uitval');
    expect(expected.length).toBeGreaterThan(0);
    const schoolPage = await browser.context.newPage();
    await signInWithSecret(schoolPage, server.baseUrl, 'demo-vo-school');
    await schoolPage.goto(`${server.baseUrl}/app/#/alumni`);
    await ready(schoolPage, 'alumni');
    await schoolPage.waitForSelector('[data-section="references"]');
    const headers = await evaluate<string[]>(schoolPage, `Array.from(document.querySelectorAll('[data-section="references"] table thead th')).map((th) => th.textContent)`);
    expect(headers.slice(2)).toEqual(['Regio (alle toeleveraars)', ...expected.map((reference) => reference.label)]);
    const rows = await evaluate<string[][]>(schoolPage, TABLE_ROWS);
    alumni.cohorts.forEach((entry, index) => {
      if (!entry.total.suppressed && entry.total.uitval !== null) expect(Number(rows[index][1])).toBe(entry.total.uitval);
      if (entry.benchmarkTotal && !entry.benchmarkTotal.suppressed && entry.benchmarkTotal.uitval !== null) expect(Number(rows[index][2])).toBe(entry.benchmarkTotal.uitval);
    });
    await schoolPage.close();
  });

  it("puts beside each level row of an mbo college's intake the series of that level (entree = mbo 1, mbo 2)", async () => {
    const token = await server.token('demo-mbo-college');
    const intake = await server.get<Alumni>(token, '/v1/insights/intake?breakdown=level');
    const latest = intake.cohorts[intake.cohorts.length - 1];
    const expected = latest.rows.flatMap((row) => intake.levelReferences.filter((reference) => reference.metric === 'uitval' && reference.level === row.key).map((reference) => ({ row, reference })));
    expect(expected.map(({ row }) => row.key)).toEqual(expect.arrayContaining(['1', '2']));
    const collegePage = await browser.context.newPage();
    await signInWithSecret(collegePage, server.baseUrl, 'demo-mbo-college');
    await collegePage.goto(`${server.baseUrl}/app/#/intake?breakdown=level`);
    await ready(collegePage, 'intake');
    await collegePage.waitForSelector('[data-section="level-references"]');
    expect(await collegePage.locator('[data-section="level-references"] h2').textContent()).toBe(`Uitval jaar 1 per niveau naast landelijke en sectorcijfers, cohort ${latest.cohort}`);
    const rows = await evaluate<Array<{ key: string; referenceId: string; cells: string[] }>>(
      collegePage,
      `Array.from(document.querySelectorAll('[data-section="level-references"] table tbody tr')).map((tr) => ({ key: tr.dataset.key, referenceId: tr.dataset.referenceId,
        cells: Array.from(tr.cells).map((cell) => cell.querySelector('[data-value]')?.dataset.value ?? cell.textContent) }))`,
    );
    expect(rows.map((row) => [row.key, row.referenceId])).toEqual(expected.map(({ row, reference }) => [row.key, reference.id]));
    expected.forEach(({ row, reference }, index) => {
      expect(rows[index].cells[0]).toBe(row.label);
      if (!row.suppressed && row.uitval !== null) expect(Number(rows[index].cells[1])).toBe(row.uitval);
      expect(rows[index].cells[2]).toBe(reference.label);
      const published = reference.points.find((point) => point.cohort === latest.cohort);
      if (published) expect(Number(rows[index].cells[3])).toBe(published.rate);
      else expect(rows[index].cells[3]).toBe('—');
    });
    expect(rows[0].cells[2]).toContain('niveau 1');
    const notes = await evaluate<string[][]>(collegePage, `Array.from(document.querySelectorAll('[data-section="level-references"] li.reference')).map((li) => Array.from(li.querySelectorAll('.reference-indicative li')).map((item) => item.textContent))`);
    expect(notes).toEqual([...new Map(expected.map(({ reference }) => [reference.id, reference.differences])).values()]);
    await collegePage.close();
  });
});
