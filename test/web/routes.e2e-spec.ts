import { accessibilityViolations, Browser, BROWSER_TIMEOUT, count, DemoServer, evaluate, launchChromium, ready, screenshot, signInWithSecret, startDemoServer } from 'test/web/browser';

// The routes page (issue 16, seed 003) in headless Chromium against the real service on the demo
// region: the coordinator's routes of the region (pro/vso → entree → mbo 2 among them) and a
// supplying school's own pupils, each row as the API has it, withheld cells marked, WCAG AA.

interface RouteCell {
  prior: string | null;
  first: string | null;
  next: string | null;
  n: number | null;
  suppressed: boolean;
}
interface Routes {
  scope: string;
  cohorts: Array<{ cohort: number; suppressionK: number; total: RouteCell; cells: RouteCell[] }>;
}
interface Row {
  route: string;
  n: string | null;
  suppressed: boolean;
}

const ROWS = `Array.from(document.querySelectorAll('[data-chart="routes"] table tbody tr')).map((tr) => ({ route: tr.dataset.route, n: tr.querySelector('[data-n]')?.dataset.n ?? null, suppressed: !!tr.querySelector('[data-suppressed]') }))`;
const keyOf = (cell: RouteCell): string => [cell.prior ?? '', cell.first ?? '', cell.next ?? ''].join('/');

describe('the routes page, in headless Chromium', () => {
  let server: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startDemoServer();
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.ctx.close();
  });

  it("shows the coordinator the region's routes through entree, row for row as the API has them", async () => {
    const token = await server.token('demo-coordinator');
    const routes = await server.get<Routes>(token, '/v1/insights/routes');
    expect(routes.scope).toBe('region');
    // The demo region has pro pupils who went from entree on to a higher level, published in some cohort.
    const cohort = [...routes.cohorts].reverse().find((entry) => entry.cells.some((cell) => cell.prior === 'pro' && cell.first === 'entree' && cell.next === 'hoger' && !cell.suppressed && (cell.n ?? 0) > 0));
    expect(cohort).toBeDefined();

    const page = await browser.context.newPage();
    try {
      await signInWithSecret(page, server.baseUrl, 'demo-coordinator');
      await ready(page, 'report');
      await page.locator('nav a', { hasText: 'Routes' }).click();
      await ready(page, 'routes');
      await page.locator('select[name="cohort"]').selectOption(String(cohort!.cohort));
      await page.waitForSelector(`main[data-ready="true"][data-page="routes"] caption:has-text("cohort ${cohort!.cohort}")`);
      expect(await page.locator('h1').textContent()).toContain('Routes van leerlingen in de regio');
      const rows = await evaluate<Row[]>(page, ROWS);
      const cells = [cohort!.total, ...cohort!.cells];
      expect(rows.map((row) => row.route)).toEqual(cells.map(keyOf));
      cells.forEach((cell, index) => {
        expect(rows[index].suppressed).toBe(cell.suppressed);
        if (!cell.suppressed) expect(rows[index].n).toBe(String(cell.n));
      });
      const hoger = page.locator('tr[data-route="pro/entree/hoger"]');
      expect(await hoger.locator('th').textContent()).toBe('Door naar een hoger niveau');
      expect(await hoger.locator('td').nth(3).textContent()).toBe(count(cohort!.cells.find((cell) => keyOf(cell) === 'pro/entree/hoger')!.n!));
      if (cells.some((cell) => cell.suppressed)) expect(await page.locator('.suppressed-legend').count()).toBe(1);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'routes-coordinator');
    } finally {
      await page.close();
    }
  });

  it('shows a supplying school only its own pupils', async () => {
    const token = await server.token('demo-vo-school');
    const routes = await server.get<Routes>(token, '/v1/insights/routes');
    expect(routes.scope).toBe('supplier');
    const latest = routes.cohorts[routes.cohorts.length - 1];
    const page = await browser.context.newPage();
    try {
      await signInWithSecret(page, server.baseUrl, 'demo-vo-school');
      await ready(page, 'alumni');
      await page.locator('nav a', { hasText: 'Routes' }).click();
      await ready(page, 'routes');
      expect(await page.locator('h1').textContent()).toBe('Routes van leerlingen');
      expect(await page.locator('.page-routes').getAttribute('data-scope')).toBe('supplier');
      const rows = await evaluate<Row[]>(page, ROWS);
      expect(rows.map((row) => row.route)).toEqual([latest.total, ...latest.cells].map(keyOf));
      expect(rows[0].n).toBe(latest.total.suppressed ? null : String(latest.total.n));
    } finally {
      await page.close();
    }
  });
});
