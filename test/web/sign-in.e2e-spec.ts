import { Page } from 'playwright-core';
import { DEMO_REGION } from 'src/demo/demo-region';
import { DemoService } from 'src/demo/demo.service';
import { buildWeb } from 'scripts/build-web';
import { CookieClient, SignInWorld, startSignInWorld } from 'test/session/identity-providers';
import { accessibilityViolations, Browser, BROWSER_TIMEOUT, evaluate, launchChromium, ready, screenshot } from 'test/web/browser';

// People sign in to the web report with their school account, in headless Chromium, against two
// real OpenID Connect providers running in the test and the service on the demo regions: the
// buttons, the provider's picker, landing on the right page, only their own institution, role
// switching, sign-out, an expired session and every refusal; and automated WCAG 2.1 AA checks
// (axe-core) of the sign-in flow and of every page of the report.

describe('signing in with a school account, in headless Chromium', () => {
  let world: SignInWorld;
  let browser: Browser;

  /** Clicks the provider's button on the sign-in page and waits for the provider's picker. */
  const toPicker = async (page: Page, provider: 'schoolid-a' | 'schoolid-b'): Promise<void> => {
    await page.goto(`${world.baseUrl}/app/`);
    await page.locator(`a[data-provider="${provider}"]`).click();
    await page.waitForURL(/\/interaction\//);
  };
  const choose = async (page: Page, account: string): Promise<void> => {
    await page.locator(`button[data-account="${account}"]`).click();
    await page.waitForURL(/\/app\//);
  };
  const sessionStatus = (page: Page): Promise<number> => evaluate<number>(page, `fetch('/v1/session', { headers: { Accept: 'application/json' } }).then((response) => response.status)`);

  beforeAll(async () => {
    browser = await launchChromium(); // first: without Chromium, fail at once with the reason
    await buildWeb();
    world = await startSignInWorld();
    const { ctx } = world;
    if (!(await ctx.app.get(DemoService).seedIfEmpty())) throw new Error('the demo regions did not load into the fresh database');
    await ctx.runJobs();
    // The demo region lets its members' people in as readers; Noordkust does not.
    await ctx.dataSource.query(`UPDATE regions SET auto_grant_readers = (code = $1)`, [DEMO_REGION.code]);
    await ctx.dataSource.query(`UPDATE institutions SET home_organization = 'roc-rijnstad.example.nl' WHERE brin = '91MA'`);
    world.providers.b.accounts.push(
      { id: 'bram', label: 'Bram (Het Baken Lyceum)', claims: { nlEduPersonHomeOrganizationId: '90VB' } },
      { id: 'noor', label: 'Noor (Noorderlicht College, regio Noordkust)', claims: { nlEduPersonHomeOrganizationId: '97VA' } },
    );
    world.providers.a.accounts.push(
      { id: 'carla', label: 'Carla (coördinator en lezer)', claims: { schac_home_organization: 'roc-rijnstad.example.nl' } },
      { id: 'nobody', label: 'Iemand van een onbekende school', claims: { schac_home_organization: 'onbekende-school.example.nl' } },
    );
    // Carla was granted two roles: coordinator of the demo region and (automatically) reader of 91MA.
    const [{ id: carla }] = await ctx.dataSource.query(`INSERT INTO people (provider, subject, display_name) VALUES ('schoolid-a', 'carla', 'Carla Coördinator') RETURNING id`);
    await ctx.dataSource.query(
      `INSERT INTO person_roles (person_id, role, region_id, institution_id, granted_via, granted_by) SELECT $1, 'coordinator', id, NULL, 'direct', 'test' FROM regions WHERE code = $2`,
      [carla, DEMO_REGION.code],
    );
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  describe('a reader of a supplying school (automatic, from the BRIN its provider asserts)', () => {
    let page: Page;
    beforeAll(async () => {
      page = await browser.context.newPage();
    });
    afterAll(() => page.close());

    it('offers a button per provider on the sign-in page, which passes WCAG 2.1 AA', async () => {
      await page.goto(`${world.baseUrl}/app/`);
      await page.waitForSelector('a[data-provider]');
      expect(await page.locator('a[data-provider]').allTextContents()).toEqual(['Aanmelden met SchoolID A', 'Aanmelden met SchoolID B']);
      // The API clients' forms are folded away when people can sign in.
      expect(await page.locator('form[data-form="client-credentials"]').isVisible()).toBe(false);
      expect(await accessibilityViolations(page)).toEqual([]);
    });

    it("goes to the provider's page to choose who signs in, which passes WCAG 2.1 AA", async () => {
      await toPicker(page, 'schoolid-b');
      expect(new URL(page.url()).host).toBe(new URL(world.providers.b.issuer).host);
      expect(await accessibilityViolations(page)).toEqual([]);
    });

    it('lands on the alumni of their own institution, with no token in the browser', async () => {
      await choose(page, 'bram');
      await ready(page, 'alumni');
      expect(await page.locator('h1').textContent()).toBe('Mijn oud-leerlingen: Het Baken Lyceum');
      expect(await page.locator('nav a').allTextContents()).toEqual(['Mijn oud-leerlingen', 'Mijn instroom', 'Routes', 'Alumni-enquête', 'Signalen', 'Agenda', 'Interventies']);
      expect(await page.locator('.who').textContent()).toContain('Aangemeld als');
      // One role: nothing to switch.
      expect(await page.locator('select[data-action="switch-role"]').count()).toBe(0);
      // The session cookie is HttpOnly: the page's scripts cannot read it, and nothing is stored.
      expect(await evaluate<string>(page, 'document.cookie')).not.toContain('doorstroom-session');
      const cookies = await browser.context.cookies(world.baseUrl);
      const sessionCookie = cookies.find((cookie) => cookie.name === 'doorstroom-session');
      expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      const stored = await evaluate<string>(page, 'JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage)])');
      expect(stored).not.toContain(sessionCookie!.value);
      expect(stored).not.toContain('doorstroom.session');
    });

    it('sees only their own institution: the API answers the page with its figures and refuses the region report and others', async () => {
      const alumni = await evaluate<{ institution: { brin: string } }>(page, `fetch('/v1/insights/alumni').then((response) => response.json())`);
      expect(alumni.institution.brin).toBe('90VB');
      expect(await evaluate<number>(page, `fetch('/v1/regions/${DEMO_REGION.code}/report').then((response) => response.status)`)).toBe(403);
      expect(await evaluate<number>(page, `fetch('/v1/institutions').then((response) => response.status)`)).toBe(403);
      const alerts = await evaluate<{ items: Array<{ institution?: { brin: string } | null }> }>(page, `fetch('/v1/alerts?limit=500').then((response) => response.json())`);
      for (const alert of alerts.items) if (alert.institution) expect(alert.institution.brin).toBe('90VB');
    });

    it('every page of a reader passes WCAG 2.1 AA: alumni, intake, alerts, an alert, a definition', async () => {
      expect(await accessibilityViolations(page)).toEqual([]);
      const definition = await page.locator('a[href^="#/definitions/"]').first().getAttribute('href');
      await page.locator('nav a', { hasText: 'Mijn instroom' }).click();
      await ready(page, 'intake');
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.locator('nav a', { hasText: 'Signalen' }).click();
      await ready(page, 'alerts');
      expect(await accessibilityViolations(page)).toEqual([]);
      const alert = page.locator('a[href^="#/alerts/"]').first();
      if ((await alert.count()) > 0) {
        await alert.click();
        // The list page is "ready" too until the detail replaces it: wait for the detail itself.
        await page.locator('.page-alert').waitFor();
        await ready(page, 'alerts');
        expect(await page.locator('main h1').count()).toBe(1);
        expect(await accessibilityViolations(page)).toEqual([]);
      }
      expect(definition).toBeTruthy();
      await page.goto(`${world.baseUrl}/app/${definition!}`);
      await ready(page, 'definitions');
      expect(await accessibilityViolations(page)).toEqual([]);
    });

    it('signs out: back on the sign-in page, and the session has ended on the server', async () => {
      await page.locator('button[data-action="sign-out"]').click();
      await page.waitForSelector('.signin-message [role="status"]');
      expect(await page.locator('.signin-message').textContent()).toContain('U bent afgemeld');
      expect(await sessionStatus(page)).toBe(401);
      expect((await browser.context.cookies(world.baseUrl)).some((cookie) => cookie.name === 'doorstroom-session')).toBe(false);
      const [{ count }] = await world.ctx.dataSource.query(`SELECT count(*)::int AS count FROM web_sessions s JOIN people p ON p.id = s.person_id WHERE p.subject = 'bram'`);
      expect(count).toBe(0);
      expect(await accessibilityViolations(page)).toEqual([]);
    });

    it('an expired session sends the person back to sign in, saying why', async () => {
      await toPicker(page, 'schoolid-b');
      await choose(page, 'bram');
      await ready(page, 'alumni');
      await world.ctx.dataSource.query(`UPDATE web_sessions SET expires_at = now() - interval '1 minute' WHERE person_id = (SELECT id FROM people WHERE subject = 'bram')`);
      await page.locator('nav a', { hasText: 'Mijn instroom' }).click();
      await page.waitForSelector('.signin-message [role="status"]');
      expect(await page.locator('.signin-message').textContent()).toContain('Uw sessie is verlopen');
      expect(await page.locator('h1').textContent()).toBe('Aanmelden');
      expect(await sessionStatus(page)).toBe(401);
    });
  });

  describe('a person with two roles', () => {
    let page: Page;
    beforeAll(async () => {
      page = await browser.context.newPage();
    });
    afterAll(() => page.close());

    it('signs in through the other provider and switches between coordinator and reader; the region report passes WCAG 2.1 AA', async () => {
      await toPicker(page, 'schoolid-a');
      await choose(page, 'carla');
      // Carla's provider asserts 91MA's home organisation: the demo region grants its reader role on top.
      await page.waitForSelector('select[data-action="switch-role"]');
      const options = await page.locator('select[data-action="switch-role"] option').allTextContents();
      expect(options).toHaveLength(2);
      expect(options.some((option) => option.startsWith('Coördinator'))).toBe(true);
      expect(options.some((option) => option.startsWith('Lezer') && option.includes('ROC Rijnstad (91MA)'))).toBe(true);

      const toCoordinator = async (): Promise<void> => {
        const selected = await page.locator('select[data-action="switch-role"] option:checked').textContent();
        if (selected?.startsWith('Coördinator')) return;
        const coordinator = (await page.locator('select[data-action="switch-role"] option').evaluateAll((elements) => elements.map((element) => [element.getAttribute('value'), element.textContent])))
          .find(([, text]) => text?.startsWith('Coördinator'))![0]!;
        await page.locator('select[data-action="switch-role"]').selectOption(coordinator);
      };
      await toCoordinator();
      await ready(page, 'report');
      expect(await page.locator('nav a').allTextContents()).toEqual(['Regiorapport', 'Routes', 'Signalen', 'Agenda', 'Interventies']);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'sign-in-coordinator-report');

      const reader = (await page.locator('select[data-action="switch-role"] option').evaluateAll((elements) => elements.map((element) => [element.getAttribute('value'), element.textContent])))
        .find(([, text]) => text?.startsWith('Lezer'))![0]!;
      await page.locator('select[data-action="switch-role"]').selectOption(reader);
      await page.waitForSelector('main[data-ready="true"]:is([data-page="intake"], [data-page="alumni"])');
      expect(await page.locator('h1').textContent()).toContain('ROC Rijnstad');
      expect(await evaluate<number>(page, `fetch('/v1/regions/${DEMO_REGION.code}/report').then((response) => response.status)`)).toBe(403);
    });

    it('a state-changing call with the cookie but without the CSRF header is refused (the page sends it: the switches above passed)', async () => {
      const without = await evaluate<number>(page, `fetch('/v1/session/role', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ roleId: '00000000-0000-4000-8000-000000000000' }) }).then((response) => response.status)`);
      expect(without).toBe(403);
    });
  });

  describe('refusals, each explained on the sign-in page', () => {
    let page: Page;
    beforeEach(async () => {
      page = await browser.context.newPage();
      await browser.context.clearCookies();
    });
    afterEach(() => page.close());

    const refusal = async (): Promise<string> => {
      await page.waitForSelector('.signin-message .status-error');
      return (await page.locator('.signin-message .status-error').textContent())!;
    };

    it('a person of another region (whose region does not let its people in) is refused; the page passes WCAG 2.1 AA', async () => {
      await toPicker(page, 'schoolid-b');
      await choose(page, 'noor');
      expect(new URL(page.url()).hash).toBe('#/signin?error=no-role');
      expect(await refusal()).toContain('U heeft (nog) geen toegang');
      expect(await sessionStatus(page)).toBe(401);
      expect(await accessibilityViolations(page)).toEqual([]);
      const [{ count }] = await world.ctx.dataSource.query(`SELECT count(*)::int AS count FROM people WHERE subject = 'noor'`);
      expect(count).toBe(0);
    });

    it('a person whose institution claim names no member institution is refused', async () => {
      await toPicker(page, 'schoolid-a');
      await choose(page, 'nobody');
      expect(new URL(page.url()).hash).toBe('#/signin?error=no-role');
      expect(await refusal()).toContain('U heeft (nog) geen toegang');
      expect(await sessionStatus(page)).toBe(401);
    });

    it('a callback whose state was tampered with is refused, and so is the genuine one in a browser that did not start it', async () => {
      // This browser starts signing in (its binding cookie is set); the provider's answer is
      // fetched outside the browser, and the browser is sent to it with the state altered.
      const start = await page.request.get(`${world.baseUrl}/v1/session/sign-in/schoolid-b`, { maxRedirects: 0 });
      expect(start.status()).toBe(302);
      const outside = new CookieClient();
      const picker = await outside.follow(start.headers().location);
      const callback = await outside.choosePerson(picker.url, 'bram', (url) => url.pathname.startsWith('/v1/session/callback/'));
      expect(callback.url.searchParams.get('code')).toBeTruthy();
      const tampered = new URL(callback.url);
      tampered.searchParams.set('state', `${callback.url.searchParams.get('state') ?? ''}x`);
      await page.goto(tampered.href);
      await page.waitForURL(/\/app\//);
      expect(new URL(page.url()).hash).toBe('#/signin?error=state');
      expect(await refusal()).toContain('niet afgemaakt of niet vertrouwd');
      expect(await sessionStatus(page)).toBe(401);

      // The genuine answer, opened in a browser without this sign-in's cookie: refused too.
      await browser.context.clearCookies();
      await page.goto(callback.url.href);
      await page.waitForURL(/\/app\/#\/signin/);
      expect(new URL(page.url()).hash).toBe('#/signin?error=state');
      expect(await sessionStatus(page)).toBe(401);
    });

    it('an ID token with another nonce than this sign-in sent is refused', async () => {
      // Start signing in in this browser (its binding cookie is set), but reach the provider with a nonce of the attacker.
      const start = await page.request.get(`${world.baseUrl}/v1/session/sign-in/schoolid-b`, { maxRedirects: 0 });
      expect(start.status()).toBe(302);
      const authorize = new URL(start.headers().location);
      expect(authorize.searchParams.get('nonce')).toBeTruthy();
      authorize.searchParams.set('nonce', 'a-nonce-of-the-attacker');
      await page.goto(authorize.href);
      await page.waitForURL(/\/interaction\//);
      await choose(page, 'bram');
      expect(new URL(page.url()).hash).toBe('#/signin?error=response');
      expect(await refusal()).toContain('klopte niet');
      expect(await sessionStatus(page)).toBe(401);
    });
  });
});
