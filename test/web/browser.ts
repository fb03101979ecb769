import { source as axeSource } from 'axe-core';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DemoService } from 'src/demo/demo.service';
import { buildWeb } from 'scripts/build-web';
import { createTestContext, TestContext } from 'test/utils/test-context';
import { chromiumExecutable } from 'test/web/chromium';

export const ARTIFACTS = resolve(__dirname, '..', '..', 'test-artifacts', 'web');
export const BROWSER_TIMEOUT = 240_000;

/**
 * Our own flags, for either browser: no sandbox (tests run as root in CI), no GPU, and none of
 * Chromium's background traffic (component updates, sync, field trials) leaving the machine.
 * The npm package's recommended flags are for serverless sandboxes (single process, web
 * security off) and are left out: the tests must see what a real browser enforces (CSP, CORS).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Host names the browser resolves to 127.0.0.1 (to open the service at an address that is not localhost). */
  hostAliases?: string[];
}

/** Headless Chromium with a fresh profile; fails loudly (never skips) when it cannot start. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const executable = await chromiumExecutable();
  const userDataDir = await mkdtemp(join(tmpdir(), 'doorstroom-chromium-'));
  const aliases = options.hostAliases ?? [];
  try {
    // launchPersistentContext passes userDataDir to Chromium as --user-data-dir.
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: executable.path,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(aliases.length > 0 ? [`--host-resolver-rules=${aliases.map((host) => `MAP ${host} 127.0.0.1`).join(', ')}`] : [])],
      viewport: { width: 1366, height: 900 },
      deviceScaleFactor: 1,
      locale: 'nl-NL',
      reducedMotion: 'reduce',
      timeout: 60_000,
    });
    context.setDefaultTimeout(30_000);
    return {
      context,
      async close() {
        await context.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    const message = error instanceof Error ? error.message : String(error);
    // The one thing the npm-provided Chromium needs from the system: NSS and expat (Debian: libnss3, libexpat1).
    const hint = /error while loading shared libraries/.test(message) ? ' Install the missing library named above (on Debian or Ubuntu: apt-get install libnss3 libexpat1).' : '';
    throw new Error(`Chromium from ${executable.source} did not start: ${message}${hint}`);
  }
}

export interface DemoServer {
  ctx: TestContext;
  app: NestExpressApplication;
  baseUrl: string;
  /** A bearer token of a demo client, straight from the API (to compare figures). */
  token(clientId: string): Promise<string>;
  /** GET on the API with a token; the parsed body. */
  get<T>(token: string, path: string): Promise<T>;
}

/**
 * The real service on a fresh database with the demo region loaded through the ingest path, its
 * summaries and alerts computed, the front end built from web/, listening on a free port.
 */
export async function startDemoServer(): Promise<DemoServer> {
  await buildWeb();
  const ctx = await createTestContext();
  try {
    const loaded = await ctx.app.get(DemoService).seedIfEmpty();
    if (!loaded) throw new Error('the demo region did not load into the fresh database');
    await ctx.runJobs();
    await ctx.app.listen(0, '127.0.0.1');
  } catch (error) {
    await ctx.close();
    throw error;
  }
  const address = ctx.app.getHttpServer().address() as { port: number };
  const server: DemoServer = {
    ctx,
    app: ctx.app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    async token(clientId) {
      const response = await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-secret` });
      if (response.status !== 200) throw new Error(`token for ${clientId}: ${response.status}`);
      return response.body.access_token as string;
    },
    async get(token, path) {
      const response = await ctx.http.get(path).set('Authorization', `Bearer ${token}`);
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
  };
  return server;
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}

/** Waits until the shell has drawn a page (and its charts). */
export async function ready(page: Page, name: string): Promise<void> {
  await page.waitForSelector(`main[data-ready="true"][data-page="${name}"]`);
  const charts = await page.locator('[data-chart-canvas]').count();
  for (let index = 0; index < charts; index++) {
    await page.locator('[data-chart-canvas]').nth(index).locator('svg').first().waitFor({ state: 'attached' });
  }
}

export async function signInWithSecret(page: Page, baseUrl: string, clientId: string): Promise<void> {
  await page.goto(`${baseUrl}/app/`);
  await page.waitForSelector('form[data-form="client-credentials"]');
  await page.getByLabel('Client-id').fill(clientId);
  await page.getByLabel('Geheim').fill(`${clientId}-secret`);
  await page.locator('form[data-form="client-credentials"] button[type="submit"]').click();
}

/** nl-NL percentage with one decimal, as the page writes it: 0.1234 → "12,3%". */
export const pct = (rate: number, locale = 'nl-NL'): string => `${new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate * 100)}%`;

/** A count as the page writes it: 1415 → "1.415" (nl). */
export const count = (n: number, locale = 'nl-NL'): string => new Intl.NumberFormat(locale).format(n);

/** Switch = internal + external, rounded like the API rounds. */
export const switchRate = (figures: { switchInternal: number | null; switchExternal: number | null }): number | null =>
  figures.switchInternal === null || figures.switchExternal === null ? null : Math.round((figures.switchInternal + figures.switchExternal) * 10_000) / 10_000;

/** Runs a browser-side expression (a string, so the tests need no DOM types) and returns its JSON result. */
export async function evaluate<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** The WCAG 2.0 and 2.1 A and AA rules of axe-core, on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<Violation[]> {
  if (!(await evaluate<boolean>(page, `typeof window.axe === 'object'`))) await page.addScriptTag({ content: axeSource });
  return evaluate<Violation[]>(
    page,
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
      .then((result) => result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')) })))`,
  );
}
