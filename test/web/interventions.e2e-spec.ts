import { source as axeSource } from 'axe-core';
import { Page } from 'playwright-core';
import { Browser, BROWSER_TIMEOUT, DemoServer, evaluate, launchChromium, ready, screenshot, signInWithSecret, startDemoServer } from 'test/web/browser';

// The interventions page in headless Chromium on the demo region: the coordinator's two planted
// interventions (one that works, one without effect) with their measured effect as the API has
// it, both on the agenda of the meeting, a school that is party of neither, registering one
// through the form, WCAG AA.

interface Intervention {
  id: string;
  title: string;
  effect: { status: string; verdict: string | null; series: unknown[] };
}

async function accessibilityViolations(page: Page): Promise<unknown[]> {
  if (!(await evaluate<boolean>(page, `typeof window.axe === 'object'`))) await page.addScriptTag({ content: axeSource });
  return evaluate<unknown[]>(
    page,
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] }).then((result) => result.violations.map((violation) => violation.id))`,
  );
}

describe('the interventions page, in headless Chromium', () => {
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

  it('shows the coordinator both planted interventions, the working one with a change in the intended direction', async () => {
    const token = await server.token('demo-coordinator');
    const list = await server.get<{ items: Intervention[] }>(token, '/v1/interventions');
    expect(list.items).toHaveLength(2);
    const details = await Promise.all(list.items.map((item) => server.get<Intervention>(token, `/v1/interventions/${item.id}`)));
    const working = details.find((item) => item.title.startsWith('Zachte landing'))!;
    const without = details.find((item) => item.title.startsWith('LOB-programma'))!;
    expect(working.effect).toMatchObject({ status: 'estimated', verdict: 'intended-direction' });
    expect(without.effect.verdict).not.toBe('intended-direction');

    const page = await browser.context.newPage();
    try {
      await signInWithSecret(page, server.baseUrl, 'demo-coordinator');
      await ready(page, 'report');
      await page.locator('nav a', { hasText: 'Interventies' }).click();
      await ready(page, 'interventions');
      expect(await page.locator('tr[data-intervention-id]').count()).toBe(2);
      expect(await accessibilityViolations(page)).toEqual([]);
      for (const intervention of [working, without]) {
        await page.goto(`${server.baseUrl}/app/#/interventions/${intervention.id}`);
        await ready(page, 'interventions');
        const root = page.locator(`[data-intervention-id="${intervention.id}"]`);
        expect(await root.getAttribute('data-effect-status')).toBe(intervention.effect.status);
        expect(await root.getAttribute('data-verdict')).toBe(intervention.effect.verdict ?? '');
        expect(await page.locator('.effect-statement').textContent()).toContain('geen bewijs dat de interventie haar veroorzaakte');
        expect(await page.locator('[data-chart-canvas="intervention-effect"] svg').count()).toBe(1);
        expect(await page.locator('table.effect-summary tbody tr').count()).toBe(3);
        expect(await accessibilityViolations(page)).toEqual([]);
      }
      await page.goto(`${server.baseUrl}/app/#/interventions/${working.id}`);
      await ready(page, 'interventions');
      await screenshot(page, 'intervention-effect');
      // Their review date (1 November after the last cohort) has come: both are on the meeting's agenda.
      await page.goto(`${server.baseUrl}/app/#/agenda?dueBy=2026-11-01`);
      await ready(page, 'agenda');
      expect((await evaluate<string[]>(page, `Array.from(document.querySelectorAll('tr[data-intervention-id]')).map((row) => row.dataset.interventionId)`)).sort()).toEqual([working.id, without.id].sort());
      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('lets a school that is party of neither register one on its own cell, and shows it', async () => {
    const page = await browser.context.newPage();
    try {
      await signInWithSecret(page, server.baseUrl, 'demo-vo-school');
      await page.waitForSelector('main[data-ready="true"]');
      await page.goto(`${server.baseUrl}/app/#/interventions`);
      await ready(page, 'interventions');
      expect(await page.locator('tr[data-intervention-id]').count()).toBe(0);
      await page.locator('select[name="type"]').selectOption('study-skills');
      await page.locator('input[name="title"]').fill('Studievaardigheden in havo 5');
      await page.locator('input[name="parties"]').fill('90VB');
      await page.locator('input[name="cells"]').fill('90VB-92HA');
      await page.locator('input[name="firstCohort"]').fill('2024');
      await page.locator('input[name="reviewDate"]').fill('2027-06-30');
      await page.locator('form.register-intervention button[type="submit"]').click();
      await page.waitForSelector('[data-intervention-id][data-effect-status]');
      await ready(page, 'interventions');
      expect(await page.locator('h1').textContent()).toBe('Studievaardigheden in havo 5');
      expect(await page.locator('[data-protection="perturbed"]').count()).toBe(1);
      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
