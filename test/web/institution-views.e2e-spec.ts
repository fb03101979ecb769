import { Page } from 'playwright-core';
import { Browser, BROWSER_TIMEOUT, count, DemoServer, evaluate, launchChromium, pct, ready, screenshot, signInWithSecret, startDemoServer } from 'test/web/browser';

// The institutions' pages in headless Chromium against the real service on the demo region:
// a supplying school's alumni and a receiving institution's intake, each against the API, with
// a pasted token, a token the API refuses, and the alerts an institution may see.

interface Figures {
  n: number | null;
  suppressed: boolean;
  uitval: number | null;
}
interface View {
  institution: { brin: string; name: string };
  definitionSets: Array<{ id: string; name: string; version: number }>;
  cohorts: Array<{ cohort: number; total: Figures; benchmarkTotal?: Figures; rows: Array<Figures & { key: string; label: string }> }>;
  doorstroom?: Array<{ schoolYear: number; rate: number | null; suppressed: boolean }>;
}
interface Flows {
  links: Array<{ source: string; target: string; value: number }>;
}
interface Row {
  key?: string;
  cells: string[];
  values: Array<string | null>;
  suppressed: boolean[];
}

const TABLE_ROWS = (chart: string): string =>
  `Array.from(document.querySelectorAll('[data-chart="${chart}"] table tbody tr')).map((tr) => ({ key: tr.dataset.key, cells: Array.from(tr.cells).map((c) => c.textContent), values: Array.from(tr.cells).map((c) => c.querySelector('[data-value]')?.dataset.value ?? null), suppressed: Array.from(tr.cells).map((c) => !!c.querySelector('[data-suppressed]')) }))`;
const FLOW_ROWS = `Array.from(document.querySelectorAll('[data-chart="flows"] tbody tr')).map((tr) => ({ source: tr.dataset.source, target: tr.dataset.target, value: Number(tr.dataset.value) }))`;

/** The text a figure has on the page: the rate, the suppression text, or n.v.t. */
const shown = (figures: Figures): string => (figures.suppressed ? 'onderdrukt (n < 10)' : figures.uitval === null ? 'n.v.t.' : pct(figures.uitval));
const shownN = (figures: Figures): string => (figures.suppressed || figures.n === null ? 'onderdrukt (n < 10)' : count(figures.n));

describe('web views for institutions, in headless Chromium', () => {
  let server: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium(); // first: without Chromium, fail at once with the reason
    server = await startDemoServer();
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.ctx.close();
  });

  describe('a supplying school (90VB) with a pasted token', () => {
    let page: Page;
    let token: string;
    let view: View;

    beforeAll(async () => {
      page = await browser.context.newPage();
      token = await server.token('demo-vo-school');
      view = await server.get<View>(token, '/v1/insights/alumni');
    });
    afterAll(() => page.close());

    it('refuses something that is not a token, and signs in with a pasted one', async () => {
      await page.goto(`${server.baseUrl}/app/`);
      await page.getByLabel('Toegangstoken (JWT)').fill('not-a-token');
      await page.locator('form[data-form="token"] button[type="submit"]').click();
      expect(await page.locator('.status-error').textContent()).toContain('Dit is geen geldig toegangstoken');

      await page.getByLabel('Toegangstoken (JWT)').fill(`Bearer ${token}`);
      await page.locator('form[data-form="token"] button[type="submit"]').click();
      await ready(page, 'alumni');
      expect(await page.locator('h1').textContent()).toBe(`Mijn oud-leerlingen: ${view.institution.name}`);
      expect(await page.locator('nav a').allTextContents()).toEqual(['Mijn oud-leerlingen', 'Mijn instroom', 'Routes', 'Alumni-enquête', 'Signalen', 'Agenda', 'Interventies']);
    });

    it('shows my alumni per cohort against the regional benchmark, as the API has them', async () => {
      const rows = await evaluate<Row[]>(page, TABLE_ROWS('trend'));
      expect(rows.map((row) => Number(row.cells[0]))).toEqual(view.cohorts.map((entry) => entry.cohort));
      view.cohorts.forEach((entry, index) => {
        const cells = rows[index].cells;
        expect(cells[1]).toBe(shown(entry.total));
        expect(cells[2]).toBe(shownN(entry.total));
        expect(cells[3]).toBe(shown(entry.benchmarkTotal!));
        expect(cells[4]).toBe(shownN(entry.benchmarkTotal!));
        if (!entry.total.suppressed && entry.total.uitval !== null) expect(Number(rows[index].values[1])).toBe(entry.total.uitval);
      });
      expect(await page.locator('[data-chart-canvas="trend"] svg').count()).toBe(1);
      expect(await page.locator('[data-chart="trend"] .chart-summary').textContent()).toContain('Lijngrafiek van Uitval jaar 1 per cohort');
      const definition = view.definitionSets[0];
      expect(await page.locator('[data-chart="trend"] a.definition-link').first().textContent()).toBe(`${definition.name} (versie ${definition.version})`);
    });

    it('breaks the latest cohort down by receiver and by sector, suppressed rows as suppressed', async () => {
      const latest = view.cohorts[view.cohorts.length - 1];
      const check = async (expected: View['cohorts'][number]) => {
        const rows = await evaluate<Row[]>(page, TABLE_ROWS('breakdown'));
        expect(rows.map((row) => row.key)).toEqual([...expected.rows.map((row) => row.key), 'total']);
        expected.rows.forEach((row, index) => {
          expect(rows[index].cells[1]).toBe(shown(row));
          expect(rows[index].cells[2]).toBe(shownN(row));
          expect(rows[index].suppressed[1]).toBe(row.suppressed);
        });
        expect(rows[rows.length - 1].cells[1]).toBe(shown(expected.total));
      };
      await check(latest);
      expect(await page.locator('[data-chart-canvas="breakdown"] svg').count()).toBe(1);
      await screenshot(page, 'alumni');

      await page.locator('select[name="breakdown"]').selectOption('sector');
      await ready(page, 'alumni');
      const bySector = await server.get<View>(token, '/v1/insights/alumni?breakdown=sector');
      await check(bySector.cohorts[bySector.cohorts.length - 1]);

      // An earlier cohort, where the school's alumni at some receivers are few.
      const withSmall = view.cohorts.find((entry) => entry.rows.some((row) => row.suppressed));
      expect(withSmall).toBeDefined();
      await page.locator('select[name="breakdown"]').selectOption('receiver');
      await page.locator('select[name="cohort"]').selectOption(String(withSmall!.cohort));
      await ready(page, 'alumni');
      await check(withSmall!);
      expect(await page.locator('[data-chart="breakdown"] .suppressed-legend').count()).toBe(1);
      await screenshot(page, 'alumni-suppressed');
    });

    it('draws the flows of the chosen cohort as a Sankey diagram with the links of the API', async () => {
      const cohort = Number(await page.locator('select[name="cohort"]').inputValue());
      const flows = await server.get<Flows>(token, `/v1/insights/flows?cohort=${cohort}&perspective=alumni&via=receiver`);
      expect(await evaluate<Flows['links']>(page, FLOW_ROWS)).toEqual(flows.links);
      await page.locator('select[name="via"]').selectOption('sector');
      await ready(page, 'alumni');
      const bySector = await server.get<Flows>(token, `/v1/insights/flows?cohort=${cohort}&perspective=alumni&via=sector`);
      expect(await evaluate<Flows['links']>(page, FLOW_ROWS)).toEqual(bySector.links);
    });

    it('shows the doorstroom of its leavers', async () => {
      expect(view.doorstroom?.length).toBeGreaterThan(0);
      const rows = await evaluate<Row[]>(page, TABLE_ROWS('doorstroom'));
      expect(rows.map((row) => Number(row.cells[0]))).toEqual(view.doorstroom!.map((entry) => entry.schoolYear));
      view.doorstroom!.forEach((entry, index) => expect(rows[index].cells[3]).toBe(entry.suppressed ? 'onderdrukt (n < 10)' : entry.rate === null ? 'n.v.t.' : pct(entry.rate)));
    });

    it('lists exactly the alerts the school may see, the planted trend break at 92HA among them', async () => {
      const api = await server.get<{ items: Array<{ id: string; cell: { supplier: { brin: string } | null; receiver: { brin: string } | null }; type: string; cohort: number }> }>(token, '/v1/alerts?state=open&limit=500');
      await page.locator('nav a', { hasText: 'Signalen' }).click();
      await ready(page, 'alerts');
      // The page shows the inbox and, folded under it, the watch list (aandacht).
      const watch = await server.get<{ items: Array<{ id: string }> }>(token, '/v1/alerts?state=open&type=aandacht&limit=500');
      const ids = await evaluate<string[]>(page, `Array.from(document.querySelectorAll('tr[data-alert-id]')).map((tr) => tr.dataset.alertId)`);
      expect([...ids].sort()).toEqual([...api.items, ...watch.items].map((alert) => alert.id).sort());
      const planted = api.items.find((alert) => alert.type === 'trendbreuk' && alert.cell.supplier?.brin === '90VB' && alert.cell.receiver?.brin === '92HA' && alert.cohort === 2024);
      expect(ids).toContain(planted!.id);
      await screenshot(page, 'alerts-supplier');
    });
  });

  describe('a receiving institution (92HA) with client credentials', () => {
    let page: Page;
    let token: string;
    let view: View;

    beforeAll(async () => {
      page = await browser.context.newPage();
      token = await server.token('demo-hogeschool');
      view = await server.get<View>(token, '/v1/insights/intake');
    });
    afterAll(() => page.close());

    it('shows my intake per cohort and by supplying school, as the API has them', async () => {
      await signInWithSecret(page, server.baseUrl, 'demo-hogeschool');
      await ready(page, 'intake'); // where an institution with intake lands
      expect(await page.locator('h1').textContent()).toBe(`Mijn instroom: ${view.institution.name}`);

      const trend = await evaluate<Row[]>(page, TABLE_ROWS('trend'));
      expect(trend.map((row) => Number(row.cells[0]))).toEqual(view.cohorts.map((entry) => entry.cohort));
      view.cohorts.forEach((entry, index) => {
        expect(trend[index].cells[1]).toBe(shown(entry.total));
        expect(trend[index].cells[2]).toBe(shownN(entry.total));
      });
      // A receiver that supplies no one has no regional comparison in the API: the page says so.
      expect(await page.locator('[data-chart="trend"] .hint').textContent()).toContain('geen regionale vergelijking');

      const latest = view.cohorts[view.cohorts.length - 1];
      const rows = await evaluate<Row[]>(page, TABLE_ROWS('breakdown'));
      expect(rows.map((row) => row.key)).toEqual([...latest.rows.map((row) => row.key), 'total']);
      latest.rows.forEach((row, index) => expect(rows[index].cells[1]).toBe(shown(row)));

      const flows = await server.get<Flows>(token, `/v1/insights/flows?cohort=${latest.cohort}&perspective=intake`);
      expect(await evaluate<Flows['links']>(page, FLOW_ROWS)).toEqual(flows.links);
      await screenshot(page, 'intake');
    });

    it('tells a client without report scopes (the platform administrator) that there is nothing to show', async () => {
      const other = await browser.context.newPage();
      await signInWithSecret(other, server.baseUrl, 'demo-admin');
      await other.waitForSelector('main [role="alert"]');
      expect(await other.locator('main [role="alert"]').textContent()).toContain('geen rechten op rapporten');
      await other.close();
    });

    it('sends the user back to sign in when the API refuses the token', async () => {
      const forged = [
        Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url'),
        Buffer.from(JSON.stringify({ sub: 'demo-hogeschool', scope: 'insights:read', inst: 'x', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url'),
        'c2lnbmF0dXJl',
      ].join('.');
      const other = await browser.context.newPage();
      await other.goto(`${server.baseUrl}/app/`);
      await other.getByLabel('Toegangstoken (JWT)').fill(forged);
      await other.locator('form[data-form="token"] button[type="submit"]').click();
      await other.waitForSelector('.signin-message [role="status"]');
      expect(await other.locator('.signin-message').textContent()).toContain('Uw sessie is verlopen');
      expect(await evaluate<string | null>(other, `sessionStorage.getItem('doorstroom.session')`)).toBeNull();
      await other.close();
    });
  });
  describe('signing in', () => {
    it('lands each role on the page with its figures, as the API has them: report, intake or alumni', async () => {
      const landings: Record<string, string> = {};
      for (const clientId of ['demo-coordinator', 'demo-vo-school', 'demo-hogeschool', 'demo-mbo-college']) {
        const page = await browser.context.newPage();
        await signInWithSecret(page, server.baseUrl, clientId);
        await page.waitForSelector('main[data-ready="true"]');
        landings[clientId] = (await page.locator('main').getAttribute('data-page'))!;
        expect({ clientId, url: page.url() }).toEqual({ clientId, url: expect.stringContaining(`#/${landings[clientId]}`) });
        expect({ clientId, text: await page.locator('main').textContent() }).not.toEqual({ clientId, text: expect.stringContaining('Er zijn nog geen cijfers') });
        await page.close();
      }
      expect(landings).toEqual({ 'demo-coordinator': 'report', 'demo-vo-school': 'alumni', 'demo-hogeschool': 'intake', 'demo-mbo-college': 'intake' });
      // The choice follows the API: the hbo has intake and no alumni, the vo school the reverse.
      const cohorts = async (clientId: string, view: 'alumni' | 'intake') => (await server.get<View>(await server.token(clientId), `/v1/insights/${view}`)).cohorts.length;
      expect(await cohorts('demo-hogeschool', 'alumni')).toBe(0);
      expect(await cohorts('demo-hogeschool', 'intake')).toBeGreaterThan(0);
      expect(await cohorts('demo-vo-school', 'intake')).toBe(0);
      expect(await cohorts('demo-vo-school', 'alumni')).toBeGreaterThan(0);
    });

    it('says in Dutch why signing in failed: wrong secret, no server, too many attempts, an expired token', async () => {
      const page = await browser.context.newPage();
      const failure = async (): Promise<string> => (await page.locator('.signin-message .status-error').textContent())!;
      const submit = async (secret: string): Promise<string> => {
        await page.getByLabel('Client-id').fill('demo-hogeschool');
        await page.getByLabel('Geheim').fill(secret);
        await page.locator('.signin-message').evaluate((element) => element.replaceChildren());
        await page.locator('form[data-form="client-credentials"] button[type="submit"]').click();
        await page.waitForSelector('.signin-message .status-error');
        return failure();
      };
      await page.goto(`${server.baseUrl}/app/`);
      expect(await submit('wrong-secret')).toBe('Aanmelden mislukt. De client-id of het geheim klopt niet, of de client is ingetrokken.');

      await page.route('**/v1/auth/token', (route) => route.abort('connectionrefused'));
      expect(await submit('demo-hogeschool-secret')).toBe('Aanmelden mislukt. De server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.');
      await page.unroute('**/v1/auth/token');

      // The service's answer when an address asks for tokens too often.
      await page.route('**/v1/auth/token', (route) =>
        route.fulfill({ status: 429, contentType: 'application/problem+json', body: JSON.stringify({ type: 'https://doorstroom.nl/problems/too-many-requests', title: 'Too many requests', status: 429, detail: 'ThrottlerException: Too Many Requests' }) }),
      );
      expect(await submit('demo-hogeschool-secret')).toBe('Aanmelden mislukt. Te veel verzoeken in korte tijd. Wacht een minuut en probeer het opnieuw.');
      await page.unroute('**/v1/auth/token');

      const expired = [
        Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url'),
        Buffer.from(JSON.stringify({ sub: 'demo-hogeschool', scope: 'insights:read', inst: 'x', exp: Math.floor(Date.now() / 1000) - 60 })).toString('base64url'),
        'c2lnbmF0dXJl',
      ].join('.');
      await page.getByLabel('Toegangstoken (JWT)').fill(expired);
      await page.locator('form[data-form="token"] button[type="submit"]').click();
      await page.waitForSelector('.signin-message .status-error');
      expect(await failure()).toBe('Aanmelden mislukt. Dit toegangstoken is verlopen. Vraag een nieuw token aan.');
      await page.close();
    });

    it('says in the language of the page what went wrong with an API call, never the API text', async () => {
      const page = await browser.context.newPage();
      await signInWithSecret(page, server.baseUrl, 'demo-vo-school');
      await ready(page, 'alumni');
      await page.goto(`${server.baseUrl}/app/#/alerts/00000000-0000-4000-8000-000000000000`);
      await page.waitForSelector('.page-error [role="alert"]');
      expect(await page.locator('.page-error h1').textContent()).toBe('Er ging iets mis');
      expect(await page.locator('.page-error [role="alert"]').textContent()).toBe('Deze gegevens bestaan niet, of u hebt er geen toegang toe.');

      await page.locator('button[data-language="en"]').click();
      await page.waitForSelector('.page-error [role="alert"]');
      expect(await page.locator('.page-error [role="alert"]').textContent()).toBe('This does not exist, or you have no access to it.');
      await page.locator('button[data-language="nl"]').click();

      // A failure on the server names the request, so that a report can be traced in the logs.
      await page.route('**/v1/alerts?*', (route) =>
        route.fulfill({ status: 500, contentType: 'application/problem+json', body: JSON.stringify({ type: 'https://doorstroom.nl/problems/internal-server-error', title: 'Internal server error', status: 500, detail: 'An unexpected error occurred.', requestId: 'req-42' }) }),
      );
      await page.goto(`${server.baseUrl}/app/#/alerts`);
      await page.waitForSelector('.page-error [role="alert"]');
      expect(await page.locator('.page-error [role="alert"]').textContent()).toBe('Er ging iets mis op de server. Vermeld bij een melding de code req-42.');
      await page.unroute('**/v1/alerts?*');
      await page.close();
    });

    it('writes the history of an alert in Dutch', async () => {
      const page = await browser.context.newPage();
      await signInWithSecret(page, server.baseUrl, 'demo-vo-school');
      await ready(page, 'alumni');
      await page.locator('nav a', { hasText: 'Signalen' }).click();
      await ready(page, 'alerts');
      await page.locator('tr[data-alert-id] a').first().click();
      // The list page is "ready" too until the detail replaces it: wait for the detail's history.
      await page.getByRole('heading', { name: 'Geschiedenis' }).waitFor();
      await ready(page, 'alerts');
      const events = await evaluate<string[]>(page, `Array.from(Array.from(document.querySelectorAll('table.data')).pop().querySelectorAll('tbody tr td:nth-child(2)')).map((td) => td.textContent)`);
      expect(events.length).toBeGreaterThan(0);
      expect(events).toContain('Aangemaakt');
      expect(events).not.toContain('created');
      await page.close();
    });
  });
});
