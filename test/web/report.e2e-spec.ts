import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Page } from 'playwright-core';
import { ARTIFACTS, Browser, BROWSER_TIMEOUT, count, DemoServer, evaluate, launchChromium, pct, ready, screenshot, signInWithSecret, startDemoServer, switchRate } from 'test/web/browser';

// The coordinator's pages in headless Chromium against the real service on the demo region:
// sign in, the region report (matrix, trend, flows, open alerts), the planted trend break,
// the alert detail with the coordinator's own triage, the definition set, language, keyboard and print.

interface Figures {
  n: number | null;
  suppressed: boolean;
  uitval: number | null;
  switchInternal: number | null;
  switchExternal: number | null;
  [key: string]: unknown;
}
interface Report {
  region: string;
  name: string;
  cohort: number;
  definitionSet: { id: string; version: number; name: string };
  suppliers: Array<{ brin: string }>;
  receivers: Array<{ brin: string }>;
  cells: Array<Figures & { supplier: string; receiver: string }>;
  supplierTotals: Array<Figures & { key: string }>;
  receiverTotals: Array<Figures & { key: string }>;
  total: Figures;
  trend: Array<Figures & { cohort: number; definitionSet: { name: string; version: number } }>;
}
interface Alert {
  id: string;
  type: string;
  state: string;
  metric: string;
  cohort: number;
  cell: { kind: string; supplier: { brin: string } | null; receiver: { brin: string } | null };
  series: Array<{ cohort: number; n: number | null; rate: number | null; suppressed: boolean; baselineRate: number | null; lower95: number | null; upper95: number | null }>;
}
interface CellOnPage {
  supplier: string;
  receiver: string;
  state: string;
  value?: string;
  n?: string;
  text: string;
}

const MATRIX_CELLS = `Array.from(document.querySelectorAll('table.matrix .matrix-cell')).map((el) => ({ supplier: el.dataset.supplier, receiver: el.dataset.receiver, state: el.dataset.state, value: el.dataset.value, n: el.dataset.n, text: el.textContent }))`;

describe('web report for a coordinator, in headless Chromium', () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;
  let token: string;
  let report: Report;

  beforeAll(async () => {
    browser = await launchChromium(); // first: without Chromium, fail at once with the reason
    server = await startDemoServer();
    page = await browser.context.newPage();
    token = await server.token('demo-coordinator');
    report = await server.get<Report>(token, '/v1/regions/RIJNSTAD/report');
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.ctx.close();
  });

  it('serves the front end from the service itself at /app/, bundled, with no outside address', async () => {
    const index = await server.ctx.http.get('/app/').expect(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.text).toContain('./app.js');
    const bundle = await server.ctx.http.get('/app/app.js').expect(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(bundle.text.length).toBeGreaterThan(100_000); // ECharts is in the bundle
    expect(bundle.text).not.toMatch(/https?:\/\/(cdn|unpkg|fastly|jsdelivr)/);
    await server.ctx.http.get('/app').expect(301);
  });

  it('asks to sign in, refuses a wrong secret, and signs in with client credentials', async () => {
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${server.baseUrl}/app/#/report`);
    await page.waitForSelector('form[data-form="client-credentials"]');
    expect(await page.locator('h1').textContent()).toBe('Aanmelden');

    await page.getByLabel('Client-id').fill('demo-coordinator');
    await page.getByLabel('Geheim').fill('wrong-secret');
    await page.locator('form[data-form="client-credentials"] button[type="submit"]').click();
    await page.waitForSelector('.status-error');
    expect(await page.locator('.status-error').textContent()).toContain('Aanmelden mislukt');

    await signInWithSecret(page, server.baseUrl, 'demo-coordinator');
    await ready(page, 'report');
    expect(await page.locator('h1').textContent()).toBe(`Regiorapport ${report.name}`);
    // The token is kept in sessionStorage only.
    const storage = await evaluate<{ session: string | null; local: string }>(page, `({ session: sessionStorage.getItem('doorstroom.session'), local: JSON.stringify(localStorage) })`);
    expect(storage.session).toContain('accessToken');
    expect(storage.local).not.toContain('eyJ');
    expect(requests.every((url) => url.startsWith(server.baseUrl))).toBe(true);
  });

  it('shows the supplier × receiver matrix with the figures of the API, suppressed cells as suppressed', async () => {
    const cells = await evaluate<CellOnPage[]>(page, MATRIX_CELLS);
    expect(await page.locator('table.matrix').getAttribute('data-cohort')).toBe(String(report.cohort));
    const find = (supplier: string, receiver: string) => cells.find((cell) => cell.supplier === supplier && cell.receiver === receiver);
    expect(cells).toHaveLength((report.suppliers.length + 1) * (report.receivers.length + 1));

    const check = (figures: Figures | undefined, onPage: CellOnPage | undefined, where: string) => {
      expect({ where, found: !!onPage }).toEqual({ where, found: true });
      if (!figures) {
        expect(onPage!.state).toBe('empty');
        return;
      }
      if (figures.suppressed) {
        expect({ where, state: onPage!.state, text: onPage!.text }).toEqual({ where, state: 'suppressed', text: 'onderdrukt (n < 10)' });
        return;
      }
      expect({ where, state: onPage!.state, value: Number(onPage!.value), n: Number(onPage!.n) }).toEqual({ where, state: 'value', value: figures.uitval, n: figures.n });
      expect(onPage!.text).toContain(pct(figures.uitval!));
      expect(onPage!.text).toContain(`n = ${count(figures.n!)}`);
    };
    for (const supplier of report.suppliers) {
      for (const receiver of report.receivers) {
        check(report.cells.find((cell) => cell.supplier === supplier.brin && cell.receiver === receiver.brin), find(supplier.brin, receiver.brin), `${supplier.brin}→${receiver.brin}`);
      }
      check(report.supplierTotals.find((total) => total.key === supplier.brin), find(supplier.brin, 'total'), `${supplier.brin}→total`);
    }
    for (const receiver of report.receivers) check(report.receiverTotals.find((total) => total.key === receiver.brin), find('total', receiver.brin), `total→${receiver.brin}`);
    check(report.total, find('total', 'total'), 'total');

    // The demo region has small flows: they must show as suppressed, never as zero.
    const suppressed = report.cells.filter((cell) => cell.suppressed);
    expect(suppressed.length).toBeGreaterThan(0);
    const selector = `td[data-supplier="${suppressed[0].supplier}"][data-receiver="${suppressed[0].receiver}"]`;
    expect(await page.locator(selector).textContent()).toBe('onderdrukt (n < 10)');
    expect(await evaluate<string>(page, `getComputedStyle(document.querySelector('${selector}')).backgroundImage`)).toContain('repeating-linear-gradient');
    expect(await page.locator('.suppressed-legend').first().textContent()).toContain('Onderdrukt is niet nul');

    // Definitions travel with the numbers.
    const link = page.locator('[data-chart="matrix"] a.definition-link');
    expect(await link.textContent()).toBe(`${report.definitionSet.name} (versie ${report.definitionSet.version})`);
    expect(await link.getAttribute('data-definition-id')).toBe(report.definitionSet.id);
    await screenshot(page, 'region-report');
  });

  it('shows the reasons for leaving of the matrix cells beside the matrix, exactly as the API gives them', async () => {
    type ReasonCell = { supplier: string; receiver: string; leavers: number | null; protection: string; reasons: Array<{ reason: string; n: number | null; protection: string }> };
    const reasons = await server.get<{ cohorts: Array<{ cohort: number; cells: ReasonCell[] }> }>(token, `/v1/insights/reasons?region=RIJNSTAD&cohortFrom=${report.cohort}&cohortTo=${report.cohort}`);
    const cells = reasons.cohorts[0].cells;
    const shown = cells.filter((cell) => cell.protection === 'published');
    const counts = cells.flatMap((cell) => cell.reasons);
    console.log(
      `demo region, cohort ${report.cohort}: ${cells.length} cells, ${shown.length} with reasons shown; ` +
        `${counts.filter((reason) => reason.n !== null && reason.n > 0).length} non-zero reasons shown, ${counts.filter((reason) => reason.n === null).length} withheld`,
    );
    // The generator gives the demo's leavers reasons: some cells show them.
    expect(shown.length).toBeGreaterThan(0);
    expect(await page.locator('section[data-section="reasons"] h2').textContent()).toBe(`Redenen van vertrek, cohort ${report.cohort}`);
    const rows = await evaluate<string[][]>(page, `Array.from(document.querySelectorAll('section[data-section="reasons"] tbody tr')).map((tr) => Array.from(tr.children).map((cell) => cell.textContent))`);
    expect(rows).toHaveLength(cells.length);
    const headers = await evaluate<string[]>(page, `Array.from(document.querySelectorAll('section[data-section="reasons"] thead th')).map((th) => th.textContent)`);
    expect(headers).toEqual(['School → instelling', 'Vertrekkers', 'Studiekeuze (oriëntatie, verwachtingen)', 'Studievaardigheden', 'Niet geland (geen binding)', 'Inhoudelijke hiaten tussen de scholen', 'Persoonlijke omstandigheden', 'Anders', 'Onbekend']);
    const first = shown[0];
    const row = rows[cells.indexOf(first)];
    expect(row[1]).toBe(count(first.leavers!));
    first.reasons.forEach((reason, index) => expect(row[2 + index]).toBe(reason.n === null ? 'onderdrukt (n < 10)' : count(reason.n)));
  });

  it('shows the trend of the region per cohort, as a chart with a table behind it', async () => {
    const rows = await evaluate<Array<{ cohort: string; value: string | undefined; suppressed: boolean; text: string }>>(
      page,
      `Array.from(document.querySelectorAll('[data-chart="trend"] table tbody tr')).map((tr) => ({ cohort: tr.cells[0].textContent, value: tr.cells[1].querySelector('[data-value]')?.dataset.value, suppressed: !!tr.cells[1].querySelector('[data-suppressed]'), text: tr.cells[1].textContent }))`,
    );
    expect(rows.map((row) => Number(row.cohort))).toEqual(report.trend.map((point) => point.cohort));
    report.trend.forEach((point, index) => {
      if (point.suppressed) expect(rows[index].suppressed).toBe(true);
      else if (point.uitval === null) expect(rows[index].text).toBe('n.v.t.');
      else {
        expect(Number(rows[index].value)).toBe(point.uitval);
        expect(rows[index].text).toBe(pct(point.uitval));
      }
    });
    // The chart is drawn, named and described.
    const chart = page.locator('[data-chart-canvas="trend"]');
    expect(await chart.getAttribute('role')).toBe('img');
    const describedBy = (await chart.getAttribute('aria-describedby'))!.split(' ');
    for (const id of describedBy) expect(await page.locator(`#${id}`).count()).toBe(1);
    expect(await chart.locator('svg path').count()).toBeGreaterThan(3);
  });

  it('changes the metric and the cohort with the filters', async () => {
    await page.locator('select[name="metric"]').selectOption('switch');
    await ready(page, 'report');
    const cells = await evaluate<CellOnPage[]>(page, MATRIX_CELLS);
    const shown = report.cells.filter((cell) => !cell.suppressed);
    for (const cell of shown) {
      const onPage = cells.find((item) => item.supplier === cell.supplier && item.receiver === cell.receiver)!;
      expect(Number(onPage.value)).toBeCloseTo(switchRate(cell)!, 4);
    }
    expect(await page.locator('table.matrix').getAttribute('data-metric')).toBe('switch');

    const earlier = report.cohort - 3;
    await page.locator('select[name="cohort"]').selectOption(String(earlier));
    await ready(page, 'report');
    expect(page.url()).toContain(`cohort=${earlier}`);
    const older = await server.get<Report>(token, `/v1/regions/RIJNSTAD/report?cohort=${earlier}`);
    const olderCells = await evaluate<CellOnPage[]>(page, MATRIX_CELLS);
    for (const cell of older.cells) {
      const onPage = olderCells.find((item) => item.supplier === cell.supplier && item.receiver === cell.receiver)!;
      if (cell.suppressed) expect(onPage.state).toBe('suppressed');
      else expect(Number(onPage.value)).toBeCloseTo(switchRate(cell)!, 4);
    }
    await page.locator('select[name="metric"]').selectOption('uitval');
    await page.locator('select[name="cohort"]').selectOption(String(report.cohort));
    await ready(page, 'report');
  });

  it('shows the flows of the cohort as a Sankey diagram with the links of the API, and filters them by sector', async () => {
    const flows = await server.get<{ links: Array<{ source: string; target: string; value: number }> }>(token, `/v1/insights/flows?cohort=${report.cohort}`);
    const rows = await evaluate<Array<{ source: string; target: string; value: string }>>(page, `Array.from(document.querySelectorAll('[data-chart="flows"] tbody tr')).map((tr) => ({ ...tr.dataset }))`);
    expect(rows.map((row) => ({ source: row.source, target: row.target, value: Number(row.value) }))).toEqual(flows.links);
    expect(await page.locator('[data-chart-canvas="flows"] svg').count()).toBe(1);

    await page.locator('select[name="sector"]').selectOption('hbo');
    await ready(page, 'report');
    const bySector = await server.get<{ links: Array<{ source: string; target: string; value: number }> }>(token, `/v1/insights/flows?cohort=${report.cohort}&via=sector`);
    const hbo = bySector.links.filter((link) => link.source === 'sector:hbo' || link.target === 'sector:hbo');
    const sectorRows = await evaluate<Array<{ source: string; target: string; value: string }>>(page, `Array.from(document.querySelectorAll('[data-chart="flows"] tbody tr')).map((tr) => ({ ...tr.dataset }))`);
    expect(sectorRows.map((row) => ({ source: row.source, target: row.target, value: Number(row.value) }))).toEqual(hbo);
    expect(hbo.length).toBeGreaterThan(0);
    await page.locator('select[name="sector"]').selectOption('');
    await ready(page, 'report');
  });

  it('lists the open alerts with their evidence, the planted trend break among them, linking to the detail', async () => {
    const alerts = await server.get<{ items: Alert[] }>(token, '/v1/alerts?state=open&type=trendbreuk&metric=uitval&limit=500');
    const planted = alerts.items.find((alert) => alert.cell.kind === 'supplier_receiver' && alert.cell.supplier?.brin === '90VB' && alert.cell.receiver?.brin === '92HA' && alert.cohort === 2024);
    expect(planted).toBeDefined();
    const row = page.locator(`[data-section="alerts"] tr[data-alert-id="${planted!.id}"]`);
    expect(await row.getAttribute('data-type')).toBe('trendbreuk');
    const text = await row.textContent();
    expect(text).toContain('Het Baken Lyceum (90VB) → Hogeschool Rijnstad (92HA)');
    expect(text).toContain('Uitval jaar 1');
    expect(text).toContain('2024');
    expect(await row.getAttribute('data-triage')).toBe('new');
    // The inbox holds no aandacht; those are the folded watch list, as many as the API lists.
    const inbox = await server.get<{ total: number }>(token, '/v1/alerts?state=open&triage=unresolved&region=RIJNSTAD&limit=1');
    const watch = await server.get<{ total: number }>(token, '/v1/alerts?state=open&type=aandacht&region=RIJNSTAD&limit=1');
    expect(await page.locator('[data-section="alerts"] table.alerts').first().locator('tbody tr').count()).toBe(inbox.total);
    expect(await page.locator('[data-section="alerts"] table.alerts').first().locator('tbody tr[data-type="aandacht"]').count()).toBe(0);
    expect(await page.locator('[data-section="watch-list"] tbody tr[data-type="aandacht"]').count()).toBe(watch.total);
    await screenshot(page, 'region-report-alerts');
    await row.locator('a').click();
    await ready(page, 'alerts');
    expect(page.url()).toContain(`#/alerts/${planted!.id}`);
  });

  it('shows the alert detail: series with baseline, limits and current cohort, and triages it: seen, in conversation, resolved with a note', async () => {
    const id = page.url().split('#/alerts/')[1];
    const detail = await server.get<Alert>(token, `/v1/alerts/${id}`);
    expect(await page.locator('h1').textContent()).toBe('Trendbreuk: Uitval jaar 1, cohort 2024');
    const rows = await evaluate<Array<{ cohort: string; cells: string[] }>>(page, `Array.from(document.querySelectorAll('[data-chart="alert-series"] tbody tr')).map((tr) => ({ cohort: tr.dataset.cohort, cells: Array.from(tr.cells).map((c) => c.textContent) }))`);
    expect(rows.map((row) => Number(row.cohort))).toEqual(detail.series.map((point) => point.cohort));
    detail.series.forEach((point, index) => {
      const cells = rows[index].cells;
      if (point.suppressed) expect(cells[2]).toBe('onderdrukt (n < 10)');
      else if (point.rate !== null) expect(cells[2]).toBe(pct(point.rate));
      expect(cells[3]).toBe(point.baselineRate === null ? '—' : pct(point.baselineRate));
      expect(cells[4]).toBe(point.lower95 === null ? '—' : pct(point.lower95));
      expect(cells[5]).toBe(point.upper95 === null ? '—' : pct(point.upper95));
    });
    expect(rows.find((row) => Number(row.cohort) === 2024)!.cells[0]).toContain('huidig cohort');
    expect(await page.locator('[data-chart-canvas="alert-series"] svg').count()).toBe(1);
    await screenshot(page, 'alert-detail');

    // Marking it seen needs no note; resolving does.
    await page.locator('button[data-action="seen"]').click();
    await page.waitForSelector('.page-alert[data-triage="seen"]');
    expect((await server.get<Alert & { triage: { state: string } }>(token, `/v1/alerts/${id}`)).triage.state).toBe('seen');
    expect(await page.locator('[role="status"]').first().textContent()).toContain('Gezien');
    await page.locator('button[data-action="resolve"]').click();
    await page.waitForSelector('.alert-actions .status-error');
    await page.getByLabel('Toelichting (verplicht bij afhandelen)').fill('Besproken in het netwerkoverleg; 92HA zoekt de oorzaak uit.');
    await page.locator('button[data-action="in-conversation"]').click();
    await page.waitForSelector('.page-alert[data-triage="in-conversation"]');

    await page.getByLabel('Toelichting (verplicht bij afhandelen)').fill('Oorzaak gevonden: gewijzigde toelatingseisen; afgesproken om te volgen.');
    await page.locator('button[data-action="resolve"]').click();
    await page.waitForSelector('.page-alert[data-triage="resolved"]');
    const resolved = await server.get<Alert & { triage: { state: string }; history: Array<{ note: string | null }> }>(token, `/v1/alerts/${id}`);
    // Resolved for the coordinator's own inbox; the signal itself stays open for the schools involved.
    expect(resolved.triage.state).toBe('resolved');
    expect(resolved.state).toBe('open');
    expect(resolved.history.map((entry) => entry.note)).toContain('Oorzaak gevonden: gewijzigde toelatingseisen; afgesproken om te volgen.');
    expect(await page.locator('button[data-action="resolve"]').count()).toBe(0);
    expect(await page.locator('button[data-action="reopen"]').count()).toBe(1);
    // It has left the coordinator's inbox, not the list of what it has resolved.
    await page.goto(`${server.baseUrl}/app/#/alerts`);
    await ready(page, 'alerts');
    expect(await page.locator(`tr[data-alert-id="${id}"]`).count()).toBe(0);
    await page.goto(`${server.baseUrl}/app/#/alerts?triage=resolved`);
    await ready(page, 'alerts');
    expect(await page.locator(`tr[data-alert-id="${id}"][data-triage="resolved"]`).count()).toBe(1);
  });

  it('opens the definition set a chart names, with its description', async () => {
    await page.goto(`${server.baseUrl}/app/#/report`);
    await ready(page, 'report');
    await page.locator('[data-chart="matrix"] a.definition-link').click();
    await ready(page, 'definitions');
    expect(await page.locator('h1').textContent()).toBe(`Definitieset: ${report.definitionSet.name} (versie ${report.definitionSet.version})`);
    expect(await page.locator('.definition-description').textContent()).toContain('Cellen met 0 < n < 10 worden onderdrukt');
    await page.goBack();
    await ready(page, 'report');
  });

  it('switches to English and back', async () => {
    await page.locator('button[data-language="en"]').click();
    await ready(page, 'report');
    expect(await page.locator('h1').textContent()).toBe(`Region report ${report.name}`);
    expect(await evaluate<string>(page, 'document.documentElement.lang')).toBe('en');
    const suppressed = report.cells.find((cell) => cell.suppressed)!;
    expect(await page.locator(`td[data-supplier="${suppressed.supplier}"][data-receiver="${suppressed.receiver}"]`).textContent()).toBe('suppressed (n < 10)');
    const shown = report.cells.find((cell) => !cell.suppressed && cell.uitval !== null)!;
    expect(await page.locator(`td[data-supplier="${shown.supplier}"][data-receiver="${shown.receiver}"] .rate`).textContent()).toBe(pct(shown.uitval!, 'en-GB'));
    await page.locator('button[data-language="nl"]').click();
    await ready(page, 'report');
    expect(await page.locator('h1').textContent()).toBe(`Regiorapport ${report.name}`);
  });

  it('works with the keyboard: skip link, visible focus, arrow keys in the matrix', async () => {
    await page.reload();
    await ready(page, 'report');
    await page.keyboard.press('Tab');
    const skip = await evaluate<{ cls: string; top: number }>(page, `({ cls: document.activeElement.className, top: document.activeElement.getBoundingClientRect().top })`);
    expect(skip.cls).toBe('skip-link');
    expect(skip.top).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(await evaluate<string>(page, 'document.activeElement.id')).toBe('main');

    const first = page.locator('table.matrix tbody tr').first().locator('td').first();
    await first.focus();
    const outline = await evaluate<string>(page, `getComputedStyle(document.activeElement).outlineStyle`);
    expect(outline).toBe('solid');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const focused = await evaluate<{ supplier: string; receiver: string }>(page, `({ ...document.activeElement.dataset })`);
    expect(focused.supplier).toBe(report.suppliers[1].brin);
    expect(focused.receiver).toBe(report.receivers[1].brin);
  });

  it('gives every chart a text alternative and every matrix cell enough contrast', async () => {
    const charts = await evaluate<Array<{ name: string; role: string | null; label: string | null; described: string[] }>>(
      page,
      `Array.from(document.querySelectorAll('[data-chart-canvas]')).map((el) => ({ name: el.dataset.chartCanvas, role: el.getAttribute('role'), label: el.getAttribute('aria-label'), described: (el.getAttribute('aria-describedby') || '').split(' ').map((id) => document.getElementById(id)?.tagName ?? 'missing') }))`,
    );
    expect(charts.map((chart) => chart.name).sort()).toEqual(['flows', 'trend']);
    for (const chart of charts) {
      expect(chart.role).toBe('img');
      expect(chart.label).toBeTruthy();
      expect(chart.described).toEqual(['P', 'TABLE']);
    }
    // WCAG 2 contrast of the text on the coloured cells: at least 4.5:1.
    const ratios = await evaluate<number[]>(
      page,
      `(() => {
        const lum = (css) => { const [r, g, b] = css.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map((v) => v / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        return Array.from(document.querySelectorAll('.matrix-cell[data-state="value"]')).map((el) => { const style = getComputedStyle(el); const a = lum(style.color), b = lum(style.backgroundColor); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); });
      })()`,
    );
    expect(ratios.length).toBeGreaterThan(10);
    expect(Math.min(...ratios)).toBeGreaterThanOrEqual(4.5);
  });

  it('prints for a meeting: no navigation or filters, charts sized for A4', async () => {
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.locator('form.filters').isVisible()).toBe(false);
    expect(await page.locator('table.matrix').isVisible()).toBe(true);
    const width = await evaluate<number>(page, `document.querySelector('[data-chart-canvas="trend"]').getBoundingClientRect().width`);
    expect(width).toBeGreaterThan(600); // 186 mm at 96 dpi ≈ 703 px
    expect(width).toBeLessThan(720);
    await screenshot(page, 'region-report-print');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.pdf({ path: join(ARTIFACTS, 'region-report.pdf'), format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
  });

  it('keeps a screenshot of the region report for the README when asked (UPDATE_DOCS_SCREENSHOT=1)', async () => {
    if (process.env.UPDATE_DOCS_SCREENSHOT !== '1') return;
    await page.setViewportSize({ width: 1280, height: 900 });
    // Cohort 2024: the planted trend break (uitval of 90VB's alumni at 92HA) is in the matrix.
    await page.goto(`${server.baseUrl}/app/#/report?cohort=2024&metric=uitval`);
    await page.reload();
    await ready(page, 'report');
    const path = await screenshot(page, 'region-report-docs', { fullPage: false });
    await page.screenshot({ path, clip: { x: 0, y: 0, width: 1280, height: 1500 }, fullPage: true });
    await mkdir(join(__dirname, '..', '..', 'docs', 'images'), { recursive: true });
    await copyFile(path, join(__dirname, '..', '..', 'docs', 'images', 'region-report.png'));
  });

  it('signs out: the token is gone and the report asks to sign in again', async () => {
    await page.locator('button[data-action="sign-out"]').click();
    await page.waitForSelector('form[data-form="client-credentials"]');
    expect(await page.locator('.signin-message').textContent()).toContain('U bent afgemeld');
    expect(await evaluate<string | null>(page, `sessionStorage.getItem('doorstroom.session')`)).toBeNull();
    await page.goto(`${server.baseUrl}/app/#/report`);
    await page.waitForSelector('form[data-form="client-credentials"]');
  });
});
