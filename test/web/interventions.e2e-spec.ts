import { parse } from 'csv-parse/sync';
import { accessibilityViolations, Browser, BROWSER_TIMEOUT, DemoServer, evaluate, launchChromium, ready, screenshot, signInWithSecret, startDemoServer } from 'test/web/browser';

// The interventions page in headless Chromium on the demo region: the coordinator's two planted
// interventions (one that works, one without effect) with their measured effect as the API has
// it, both on the agenda of the meeting, a school that is party of neither, registering one
// through the form, WCAG AA; and the whole kwaliteitscyclus of issue 14 on the demo region: a
// coordinator and two schools from the planted trendbreuk to a conversation with an agreed action,
// an intervention, its measured effect with an interval, and the reasons for leaving and the survey
// figures beside it, in the API, the CSV and the web report.

interface Intervention {
  id: string;
  title: string;
  effect: { status: string; verdict: string | null; series: unknown[] };
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

  it('takes a coordinator and two schools from the trendbreuk to a conversation, an intervention and its measured effect, with reasons and survey figures beside it', async () => {
    const [coordinator, school, hogeschool, college] = await Promise.all(['demo-coordinator', 'demo-vo-school', 'demo-hogeschool', 'demo-mbo-college'].map((client) => server.token(client)));
    const send = (token: string, method: 'post' | 'put', path: string, body: object) => server.ctx.http[method](path).set('Authorization', `Bearer ${token}`).send(body);

    // 1. The planted trendbreuk is in the coordinator's inbox and in both schools'.
    type Signal = { id: string; type: string; cohort: number; cell: { kind: string; supplier: { brin: string } | null; receiver: { brin: string } | null } };
    const isPlanted = (alert: Signal) => alert.type === 'trendbreuk' && alert.cell.kind === 'supplier_receiver' && alert.cell.supplier?.brin === '90VB' && alert.cell.receiver?.brin === '92HA' && alert.cohort === 2024;
    const inbox = async (token: string) => (await server.get<{ items: Signal[] }>(token, '/v1/alerts?limit=500')).items.filter(isPlanted);
    const [signal] = await inbox(coordinator);
    expect(signal).toBeDefined();
    for (const token of [school, hogeschool]) expect((await inbox(token)).map((alert) => alert.id)).toEqual([signal.id]);

    // 2. The hogeschool opens the conversation, the school agrees an action, the coordinator reads both on its agenda.
    const started = await send(hogeschool, 'post', '/v1/conversations', { alertId: signal.id, note: 'Uitval vooral in blok 1; studiekeuze komt vaak terug in de exitgesprekken.' }).expect(201);
    const conversation = started.body as { id: string; href: string };
    await send(school, 'post', `/v1/conversations/${conversation.id}/entries`, { kind: 'action', text: 'Decanen van 90VB en studieloopbaanbegeleiders van 92HA maken een zachte landing voor cohort 2025.', owner: 'supplier', dueDate: '2026-12-15' }).expect(201);
    const read = await server.get<{ entries: Array<{ kind: string; status: string | null }> }>(coordinator, conversation.href);
    expect(read.entries.map((entry) => [entry.kind, entry.status])).toEqual([['note', null], ['action', 'open']]);
    const agenda = await server.get<{ items: Array<{ kind: string; conversation?: { id: string } }> }>(coordinator, '/v1/agenda?dueBy=2026-12-15');
    expect(agenda.items.filter((item) => item.kind === 'conversation').map((item) => item.conversation!.id)).toContain(conversation.id);

    // 3. The school registers the agreed intervention on its cell; its first cohort has not been measured yet, and the effect says so.
    const registered = await send(school, 'post', '/v1/interventions', {
      type: 'first-100-days', title: 'Zachte landing 90VB → 92HA', parties: ['90VB', '92HA'], target: { cells: [{ supplier: '90VB', receiver: '92HA' }] },
      firstCohort: 2026, metric: 'uitval', direction: 'decrease', reviewDate: '2027-11-01',
    }).expect(201);
    expect(registered.body.effect).toMatchObject({ status: 'no-after-cohorts', verdict: null });
    expect((await server.get<{ id: string }>(hogeschool, `/v1/interventions/${registered.body.id}`)).id).toBe(registered.body.id);

    // 4. A later cohort shows a measured effect with an interval: the demo's working intervention (90VC → 91MA from 2023), read by its receiving party.
    const list = await server.get<{ items: Intervention[] }>(college, '/v1/interventions');
    const working = list.items.find((item) => item.title.startsWith('Zachte landing') && item.id !== registered.body.id)!;
    const measured = await server.get<Intervention & { effect: { targeted: { difference: { estimate: number; lower: number; upper: number } | null } } }>(college, `/v1/interventions/${working.id}`);
    expect(measured.effect.status).toBe('estimated');
    const difference = measured.effect.targeted.difference!;
    expect(difference.lower).toBeLessThanOrEqual(difference.estimate);
    expect(difference.estimate).toBeLessThanOrEqual(difference.upper);
    const csv = parse<Record<string, string>>((await server.ctx.http.get(`/v1/interventions/${working.id}`).set('Authorization', `Bearer ${college}`).set('Accept', 'text/csv').expect(200)).text, { columns: true });
    expect(csv.filter((row) => row.period === 'after').map((row) => Number(row.cohort))).toEqual([2023, 2024, 2025]);
    expect(new Set(csv.map((row) => Number(row.differenceLower)))).toEqual(new Set([difference.lower]));

    // 5. Beside it: the reasons for leaving of the intervention's cell and the school's own survey of its receiver.
    const reasons = await server.get<{ cohorts: Array<{ cohort: number; cells: Array<{ supplier: string; receiver: string }> }> }>(college, '/v1/insights/reasons?perspective=intake&cohortFrom=2025&cohortTo=2025');
    expect(reasons.cohorts[0].cells.some((cell) => cell.supplier === '90VC' && cell.receiver === '91MA')).toBe(true);
    const survey = await server.get<{ byReceiver: Array<{ receiver: { brin: string } | null }> }>(school, '/v1/surveys/figures');
    expect(survey.byReceiver.map((cell) => cell.receiver?.brin)).toContain('92HA');

    // 6. The web report: the school's intervention page carries the reasons, its survey and the CSV button.
    const page = await browser.context.newPage();
    try {
      await signInWithSecret(page, server.baseUrl, 'demo-vo-school');
      await page.waitForSelector('main[data-ready="true"]');
      await page.goto(`${server.baseUrl}/app/#/interventions/${registered.body.id}`);
      await ready(page, 'interventions');
      expect(await page.locator('button[data-action="intervention-csv"]').count()).toBe(1);
      expect(await page.locator('[data-section="intervention-reasons"]').count()).toBe(1);
      const surveySection = page.locator('[data-section="intervention-survey"]');
      expect(await surveySection.locator('tr[data-cell="total"]').count()).toBe(1);
      expect(await surveySection.locator('tr[data-cell="92HA"]').count()).toBe(1);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'intervention-context');
    } finally {
      await page.close();
    }
  });
});
