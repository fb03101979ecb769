import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Page } from 'playwright-core';
import { buildWeb } from 'scripts/build-web';
import { createTestContext, TestContext } from 'test/utils/test-context';
import { Browser, BROWSER_TIMEOUT, evaluate, launchChromium } from 'test/web/browser';

// The web report and Swagger UI opened at an address that is not localhost, over plain http, as
// on a server in a school's network. A browser treats such a page as not secure, so a CSP with
// upgrade-insecure-requests makes it fetch the CSS and JavaScript over https, which the service
// does not speak: a white page. Only localhost and 127.0.0.0/8 are exempt, so the test uses a
// host name that the browser resolves to 127.0.0.1, and the machine's own address where it has one.

const HOST_NAME = 'doorstroom.test';

/** The first non-loopback IPv4 address of this machine, if it has one. */
const ownAddress = (): string | undefined =>
  Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address;

interface Loaded {
  secure: boolean;
  stylesheets: Array<{ href: string; rules: number }>;
  text: string;
}

/** Opens a page and reports what it loaded: every request, what failed, and the stylesheets it applied. */
async function open(page: Page, url: string, readySelector: string): Promise<{ requests: string[]; failed: string[]; loaded: Loaded }> {
  const requests: string[] = [];
  const failed: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`));
  page.on('response', (response) => {
    // The report asks first whether the browser has a person's session: without one, 401 is the answer it expects.
    const noSession = response.status() === 401 && new URL(response.url()).pathname === '/v1/session';
    if (response.status() >= 400 && !noSession) failed.push(`${response.url()}: HTTP ${response.status()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector(readySelector, { timeout: 15_000 }).catch(() => undefined);
  const loaded = await evaluate<Loaded>(
    page,
    `({
      secure: window.isSecureContext,
      stylesheets: Array.from(document.querySelectorAll('link[rel="stylesheet"]')).map((link) => {
        let rules = 0;
        try { rules = link.sheet ? link.sheet.cssRules.length : 0; } catch (error) { rules = 0; }
        return { href: link.href, rules };
      }),
      text: document.body.innerText,
    })`,
  );
  return { requests, failed, loaded };
}

describe('the web report and Swagger UI at an address other than localhost, over plain http', () => {
  let ctx: TestContext;
  let browser: Browser;
  let port: number;
  let ownServer: Server | undefined;
  let ownPort = 0;
  const own = ownAddress();

  beforeAll(async () => {
    browser = await launchChromium({ hostAliases: [HOST_NAME] }); // first: without Chromium, fail at once with the reason
    await buildWeb();
    ctx = await createTestContext();
    await ctx.app.listen(0, '127.0.0.1');
    port = (ctx.app.getHttpServer().address() as AddressInfo).port;
    if (own) {
      // The same application also on the machine's own address, as a server in a network serves it.
      ownServer = createServer(ctx.app.getHttpAdapter().getInstance());
      await new Promise<void>((resolve, reject) => ownServer!.once('error', reject).listen(0, own, resolve));
      ownPort = (ownServer.address() as AddressInfo).port;
    }
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    if (ownServer) await new Promise((resolve) => ownServer!.close(resolve));
    await ctx?.close();
  });

  const origins = (): Array<[string, string]> => [
    ['a host name', `http://${HOST_NAME}:${port}`],
    ...(own ? [[`the machine's own address`, `http://${own}:${ownPort}`] as [string, string]] : []),
  ];

  it('serves no upgrade-insecure-requests unless configured, and keeps the rest of the CSP', async () => {
    const response = await ctx.http.get('/app/').expect(200);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
  });

  it('shows the web report with its styles and script at a host name and at the machine address', async () => {
    for (const [where, origin] of origins()) {
      const page = await browser.context.newPage();
      const { requests, failed, loaded } = await open(page, `${origin}/app/`, 'form[data-form="client-credentials"]');
      expect({ where, secureContext: loaded.secure }).toEqual({ where, secureContext: false }); // the case that broke
      expect({ where, failed }).toEqual({ where, failed: [] });
      expect({ where, offOrigin: requests.filter((url) => !url.startsWith(`${origin}/`)) }).toEqual({ where, offOrigin: [] });
      // The script ran (it draws the sign-in page) and the stylesheet applied (the header is coloured).
      expect(await page.locator('h1').textContent()).toBe('Aanmelden');
      expect(loaded.stylesheets).toEqual([{ href: `${origin}/app/app.css`, rules: expect.any(Number) }]);
      expect(loaded.stylesheets[0].rules).toBeGreaterThan(20);
      expect(await evaluate<string>(page, `getComputedStyle(document.querySelector('.app-header')).backgroundColor`)).not.toBe('rgba(0, 0, 0, 0)');
      await page.close();
    }
  });

  it('shows Swagger UI with its styles and scripts at a host name and at the machine address', async () => {
    for (const [where, origin] of origins()) {
      const page = await browser.context.newPage();
      const { requests, failed, loaded } = await open(page, `${origin}/docs`, '.swagger-ui .info .title');
      expect({ where, failed }).toEqual({ where, failed: [] });
      expect({ where, offOrigin: requests.filter((url) => !url.startsWith(`${origin}/`)) }).toEqual({ where, offOrigin: [] });
      // Swagger UI's scripts drew the document (title and operations), its stylesheet applied.
      expect(loaded.text).toContain('Doorstroom API');
      expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
      const swaggerCss = loaded.stylesheets.find((sheet) => sheet.href === `${origin}/docs/swagger-ui.css`);
      expect({ where, rules: (swaggerCss?.rules ?? 0) > 100 }).toEqual({ where, rules: true });
      await page.close();
    }
  });
});

describe('CSP_UPGRADE_INSECURE_REQUESTS=true, for a service behind TLS', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ CSP_UPGRADE_INSECURE_REQUESTS: 'true' });
  });
  afterAll(() => ctx?.close());

  it('tells browsers to fetch the pages’ resources over https', async () => {
    for (const path of ['/app/', '/docs']) {
      const response = await ctx.http.get(path).redirects(0);
      expect(String(response.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    }
  });
});
