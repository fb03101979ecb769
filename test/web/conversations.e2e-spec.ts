import { Page } from 'playwright-core';
import { Browser, BROWSER_TIMEOUT, DemoServer, evaluate, launchChromium, ready, screenshot, signInWithSecret, startDemoServer } from 'test/web/browser';

// A supplying school in headless Chromium on the demo region: from the planted trend break to a
// conversation with an agreed action, the agenda of the network meeting (also printed), and the
// action done.

interface Alert {
  id: string;
  cohort: number;
  cell: { kind: string; supplier: { brin: string } | null; receiver: { brin: string } | null };
  triage: { state: string };
}

describe('conversations and the agenda in headless Chromium', () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;
  let token: string;
  let planted: Alert;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startDemoServer();
    page = await browser.context.newPage();
    token = await server.token('demo-vo-school');
    const alerts = await server.get<{ items: Alert[] }>(token, '/v1/alerts?state=open&type=trendbreuk&metric=uitval&limit=500');
    planted = alerts.items.find((alert) => alert.cell.kind === 'supplier_receiver' && alert.cell.supplier?.brin === '90VB' && alert.cell.receiver?.brin === '92HA' && alert.cohort === 2024)!;
    expect(planted).toBeDefined();
    await signInWithSecret(page, server.baseUrl, 'demo-vo-school');
    await page.waitForSelector('main[data-ready="true"]');
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.ctx.close();
  });

  it('starts the conversation on the trend break from its page, and agrees an action', async () => {
    await page.goto(`${server.baseUrl}/app/#/alerts/${planted.id}`);
    await ready(page, 'alerts');
    const panel = page.locator('[data-section="conversation"]');
    await panel.getByLabel('Eerste notitie (optioneel)').fill('Veel uitval in blok 1: wat zien jullie?');
    await panel.locator('button[data-action="start-conversation"]').click();
    await page.waitForSelector('.page-alert[data-triage="in-conversation"] [data-section="conversation"] li.conversation-entry');
    expect(await panel.locator('li.conversation-entry .entry-text').first().textContent()).toBe('Veel uitval in blok 1: wat zien jullie?');

    await panel.getByLabel('Soort').selectOption('action');
    await panel.getByLabel('Tekst').fill('Mentoren van 90VB en 92HA bespreken de eerste 100 dagen.');
    await panel.getByLabel('Eigenaar').selectOption('supplier');
    await panel.getByLabel('Uiterlijk').fill('2020-01-31');
    await panel.locator('button[data-action="add-entry"]').click();
    await page.waitForSelector('[data-section="conversation"] li[data-kind="action"] [data-status="open"]');
    const conversations = await server.get<{ items: Array<{ id: string; openActions: number }> }>(token, `/v1/conversations?alert=${planted.id}`);
    expect(conversations.items).toEqual([expect.objectContaining({ openActions: 1 })]);
    expect((await server.get<Alert>(await server.token('demo-hogeschool'), `/v1/alerts/${planted.id}`)).triage.state).toBe('new');
  });

  it('lists the signal and the open action on the agenda, which prints without its controls', async () => {
    await page.goto(`${server.baseUrl}/app/#/agenda`);
    await ready(page, 'agenda');
    const agenda = await server.get<{ items: Array<{ kind: string; signal?: { id: string } }> }>(token, '/v1/agenda');
    expect(await page.locator('.page-agenda tr[data-alert-id]').count()).toBe(agenda.items.filter((item) => item.kind === 'signal').length);
    expect(await page.locator(`.page-agenda tr[data-alert-id="${planted.id}"]`).count()).toBe(1);
    const article = page.locator('.agenda-conversation').first();
    expect(await article.textContent()).toContain('Mentoren van 90VB en 92HA bespreken de eerste 100 dagen.');
    // Due on 31 January 2020: before the meeting (today), so marked.
    expect(await article.locator('[data-due="true"]').count()).toBe(1);
    await page.emulateMedia({ media: 'print' });
    const hidden = await evaluate<boolean[]>(page, `['.page-agenda .filters', '.app-header'].map((selector) => getComputedStyle(document.querySelector(selector)).display === 'none')`);
    expect(hidden).toEqual([true, true]);
    await screenshot(page, 'agenda-print');
    await page.emulateMedia({ media: 'screen' });
  });

  it('marks the action done on the conversation page; it leaves the agenda', async () => {
    await page.locator('.agenda-conversation h3 a').first().click();
    await ready(page, 'conversations');
    await page.locator('li[data-kind="action"] button[data-action="status-done"]').click();
    await page.waitForSelector('li[data-kind="action"] [data-status="done"]');
    expect(await page.locator('li[data-kind="action"] .entry-history li').count()).toBe(1);
    const agenda = await server.get<{ items: Array<{ kind: string }> }>(token, '/v1/agenda');
    expect(agenda.items.filter((item) => item.kind === 'conversation')).toEqual([]);
    await screenshot(page, 'conversation-done');
  });
});
