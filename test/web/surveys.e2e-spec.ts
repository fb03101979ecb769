import { accessibilityViolations, Browser, BROWSER_TIMEOUT, DemoServer, evaluate, launchChromium, ready, screenshot, signInWithSecret, startDemoServer } from 'test/web/browser';

// The alumni survey page (issue 14) in headless Chromium against the real service on the demo
// region: a supplying school's survey figures by outcome group and by receiver, each cell as the
// API has it (withheld cells marked), the questions in the reader's language, WCAG AA.

interface SurveyCell {
  group: string | null;
  receiver: { brin: string } | null;
  protection: string;
  respondents: number | null;
  means: Array<{ item: string; mean: number | null }>;
}
interface SurveyFigures {
  surveyYears: number[];
  surveyYear: number | null;
  total: SurveyCell | null;
  byOutcome: SurveyCell[];
  byReceiver: SurveyCell[];
}
interface Row {
  cell: string;
  n: string[];
  means: string[];
  suppressed: boolean;
}

const ROWS = (chart: string): string =>
  `Array.from(document.querySelectorAll('[data-chart="${chart}"] table tbody tr')).map((tr) => ({ cell: tr.dataset.cell, n: Array.from(tr.querySelectorAll('[data-n]')).map((e) => e.dataset.n), means: Array.from(tr.querySelectorAll('[data-value]')).slice(1).map((e) => e.dataset.value), suppressed: !!tr.querySelector('[data-suppressed]') }))`;

describe('the alumni survey page, in headless Chromium', () => {
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

  it("shows a supplying school its survey by outcome group and by receiver, cell for cell as the API has it", async () => {
    const token = await server.token('demo-vo-school');
    const figures = await server.get<SurveyFigures>(token, '/v1/surveys/figures');
    expect(figures.surveyYears.length).toBe(5);
    expect(figures.total?.protection).toBe('perturbed');
    const page = await browser.context.newPage();
    try {
      await signInWithSecret(page, server.baseUrl, 'demo-vo-school');
      await ready(page, 'alumni');
      await page.locator('nav a', { hasText: 'Alumni-enquête' }).click();
      await ready(page, 'surveys');
      expect(await page.locator('h1').textContent()).toBe('Alumni-enquête: hoe goed voorbereid?');
      const outcome = await evaluate<Row[]>(page, ROWS('survey-outcome'));
      const cells = [figures.total!, ...figures.byOutcome];
      expect(outcome.map((row) => row.cell)).toEqual(['total', 'stayed', 'switched', 'left']);
      cells.forEach((cell, index) => {
        expect(outcome[index].suppressed).toBe(cell.protection === 'suppressed');
        if (cell.protection !== 'suppressed') {
          expect(outcome[index].n[1]).toBe(String(cell.respondents));
          expect(outcome[index].means).toEqual(cell.means.map((mean) => (mean.mean === null ? '' : String(mean.mean))));
        }
      });
      const receivers = await evaluate<Row[]>(page, ROWS('survey-receiver'));
      expect(receivers.map((row) => row.cell)).toEqual(figures.byReceiver.map((cell) => cell.receiver!.brin));
      expect(await page.locator('.survey-items li').count()).toBe(4);
      expect(await page.locator('[data-protection="perturbed"]').count()).toBe(1);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'surveys-school');

      // An earlier survey year, and the page in English.
      const earlier = figures.surveyYears[0];
      await page.locator('select[name="surveyYear"]').selectOption(String(earlier));
      await page.waitForSelector(`main[data-ready="true"] .page-surveys[data-survey-year="${earlier}"]`);
      await page.locator('button[data-language="en"]').click();
      await page.waitForSelector('main[data-ready="true"] h1:has-text("Alumni survey")');
      expect(await page.locator('.survey-items li').first().textContent()).toContain('prepared me well');
    } finally {
      await page.close();
    }
  });
});
