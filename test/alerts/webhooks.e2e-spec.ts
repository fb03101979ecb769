import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhook } from 'src/alerts/webhooks/signature';
import { WebhookDeliveryService } from 'src/alerts/webhooks/webhook-delivery.service';
import { buildPlantedRegion, PlantedRegion } from 'test/alerts/planted-region';
import { createTestContext, TestContext } from 'test/utils/test-context';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local receiver on 127.0.0.1 that records every request; answers by path. */
async function startReceiver(answer: (path: string, count: number) => number): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const count = (counts.get(path) ?? 0) + 1;
      counts.set(path, count);
      response.statusCode = answer(path, count);
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('alert webhooks', () => {
  let ctx: TestContext;
  let planted: PlantedRegion;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const tokens: Record<'coordinatorR' | 'coordinatorS' | 'supplierA' | 'supplierB' | 'readerX', string> = {} as never;
  const hooks: Record<'region' | 'supplierA' | 'supplierB', { id: string; secret: string }> = {} as never;

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const deliver = () => ctx.app.get(WebhookDeliveryService).runPending();
  const bodiesAt = (path: string) => receiver.received.filter((request) => request.path === path).map((request) => JSON.parse(request.body));

  beforeAll(async () => {
    ctx = await createTestContext();
    // /a fails once with 500, then accepts; everything else accepts.
    receiver = await startReceiver((path, count) => (path === '/a' && count === 1 ? 500 : 204));
    planted = await buildPlantedRegion(ctx);
    tokens.coordinatorR = await ctx.tokenFor({ region: planted.region, scopes: ['region:admin', 'alerts:read'] });
    tokens.coordinatorS = await ctx.tokenFor({ region: planted.otherRegion, scopes: ['region:admin'] });
    tokens.supplierA = await ctx.tokenFor({ institution: planted.A, scopes: ['alerts:read', 'alerts:write'] });
    tokens.supplierB = await ctx.tokenFor({ institution: planted.B, scopes: ['alerts:read', 'alerts:write'] });
    tokens.readerX = await ctx.tokenFor({ institution: planted.X, scopes: ['alerts:read'] });
  });
  afterAll(async () => {
    await ctx.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it('registers a webhook for a region and for an institution; the secret is shown once', async () => {
    const created = await ctx.http.post('/v1/webhooks').set(auth(tokens.coordinatorR)).send({ url: `${receiver.url}/region`, description: 'Coördinator' }).expect(201);
    expect(created.body).toMatchObject({ url: `${receiver.url}/region`, types: [], owner: { kind: 'region', region: planted.region.code, institution: null } });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    hooks.region = { id: created.body.id, secret: created.body.secret };
    const a = await ctx.http.post('/v1/webhooks').set(auth(tokens.supplierA)).send({ url: `${receiver.url}/a`, types: ['trendbreuk', 'aandacht'] }).expect(201);
    expect(a.body.owner).toEqual({ kind: 'institution', region: null, institution: planted.A.brin });
    hooks.supplierA = { id: a.body.id, secret: a.body.secret };
    const b = await ctx.http.post('/v1/webhooks').set(auth(tokens.supplierB)).send({ url: `${receiver.url}/b` }).expect(201);
    hooks.supplierB = { id: b.body.id, secret: b.body.secret };

    const listed = await ctx.http.get('/v1/webhooks').set(auth(tokens.coordinatorR)).expect(200);
    expect(listed.body).toMatchObject({ total: 1, items: [{ id: hooks.region.id }] });
    expect(JSON.stringify(listed.body)).not.toContain(hooks.region.secret);
    const one = await ctx.http.get(`/v1/webhooks/${hooks.region.id}`).set(auth(tokens.coordinatorR)).expect(200);
    expect(one.body.secret).toBeUndefined();
    // Another owner's webhook is not there for you.
    await ctx.http.get(`/v1/webhooks/${hooks.region.id}`).set(auth(tokens.coordinatorS)).expect(404);
    await ctx.http.get(`/v1/webhooks/${hooks.supplierA.id}/deliveries`).set(auth(tokens.supplierB)).expect(404);
    await ctx.http.delete(`/v1/webhooks/${hooks.supplierA.id}`).set(auth(tokens.supplierB)).expect(404);
  });

  it('refuses targets that are not https or not public (only http://127.0.0.1 passes, in test mode) and callers without the right scope', async () => {
    for (const url of ['https://10.0.0.1/', 'https://localhost/', 'http://localhost:8080/', 'https://[::1]/', 'https://169.254.169.254/', 'http://hooks.example.nl/', 'https://u:p@127.0.0.1/', 'not a url']) {
      const refused = await ctx.http.post('/v1/webhooks').set(auth(tokens.coordinatorR)).send({ url }).expect(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '#/url' })]);
    }
    await ctx.http.post('/v1/webhooks').set(auth(tokens.coordinatorR)).send({ url: `${receiver.url}/x`, types: ['alarm'] }).expect(400);
    await ctx.http.post('/v1/webhooks').set(auth(tokens.coordinatorR)).send({ url: `${receiver.url}/x`, secret: 'mine' }).expect(400);
    // An institution needs alerts:write to register for itself.
    await ctx.http.post('/v1/webhooks').set(auth(tokens.readerX)).send({ url: `${receiver.url}/x` }).expect(403);
  });

  it('delivers new alerts, signed, to exactly the owners who may see them', async () => {
    await ctx.runJobs();
    await deliver();
    const regionBodies = bodiesAt('/region');
    expect(regionBodies.length).toBeGreaterThan(0);
    expect(new Set(regionBodies.map((body) => body.event))).toEqual(new Set(['alert.created']));
    const planted2022 = regionBodies.find((body) => body.alert.type === 'trendbreuk' && body.alert.metric === 'uitval' && body.alert.cell.kind === 'supplier_receiver' && body.alert.cell.supplier.brin === planted.A.brin);
    // The payload shows what the API shows this owner: the 2019 A → X cell is withheld (a complement
    // of the 8 at A → Y), so the baseline and the effect derived from it are withheld too.
    expect(planted2022.alert).toMatchObject({ cohort: 2022, direction: 'up', nCurrent: 80, eventsCurrent: 28, currentRate: 0.35, effectPp: null, nBaseline: null, q: null, suppressed: true });
    // Detection's notifications carry the signal, not any party's triage.
    expect(planted2022.alert.triage).toBeUndefined();

    for (const request of receiver.received) {
      const secret = request.path === '/region' ? hooks.region.secret : request.path === '/a' ? hooks.supplierA.secret : hooks.supplierB.secret;
      const timestamp = String(request.headers['doorstroom-timestamp']);
      const signature = String(request.headers['doorstroom-signature']);
      expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
      expect(verifyWebhook(secret, timestamp, request.body, signature)).toBe(true);
      expect(verifyWebhook(hooks.supplierB.secret === secret ? hooks.region.secret : hooks.supplierB.secret, timestamp, request.body, signature)).toBe(false);
      expect(request.headers['content-type']).toBe('application/json');
    }
    // Supplier A hears only about its own cells, and only the types it asked for; B only about its own.
    const aBodies = bodiesAt('/a');
    expect(aBodies.length).toBeGreaterThan(0);
    for (const body of aBodies) {
      expect(body.alert.cell.supplier.brin).toBe(planted.A.brin);
      expect(['trendbreuk', 'aandacht']).toContain(body.alert.type);
    }
    const bBodies = bodiesAt('/b');
    expect(bBodies.map((body) => body.alert.type)).toContain('leveringsbreuk');
    for (const body of bBodies) expect(body.alert.cell.supplier.brin).toBe(planted.B.brin);
    expect(regionBodies.length).toBeGreaterThan(aBodies.length + bBodies.length);
  });

  it('retries a failed delivery with backoff and keeps a delivery log', async () => {
    const log = await ctx.http.get(`/v1/webhooks/${hooks.supplierA.id}/deliveries`).set(auth(tokens.supplierA)).expect(200);
    // The first request to /a answered 500: that delivery waits for its retry.
    const failed = (log.body.items as Array<{ status: string; attempts: number; lastStatusCode: number; nextAttemptAt: string }>).filter((item) => item.status === 'pending');
    expect(failed).toEqual([expect.objectContaining({ attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' })]);
    const delay = new Date(failed[0].nextAttemptAt).getTime() - Date.now();
    expect(delay).toBeGreaterThan(40_000);
    expect(delay).toBeLessThan(70_000);
    expect(await deliver()).toBe(0);
    await ctx.dataSource.query(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE status = 'pending'`);
    expect(await deliver()).toBe(1);
    const after = await ctx.http.get(`/v1/webhooks/${hooks.supplierA.id}/deliveries?limit=500`).set(auth(tokens.supplierA)).expect(200);
    expect(after.body.items.every((item: { status: string }) => item.status === 'delivered')).toBe(true);
    expect(after.body.items).toContainEqual(expect.objectContaining({ attempts: 2, lastStatusCode: 204, nextAttemptAt: null }));
  });

  it("notifies a party's triage to that party's own webhooks only, with its triage", async () => {
    const before = receiver.received.length;
    const list = await ctx.http.get('/v1/alerts?type=trendbreuk&metric=uitval&cohort=2022&cellKind=supplier_receiver').set(auth(tokens.supplierA)).expect(200);
    const alert = list.body.items.find((item: { cell: { receiver: { brin: string } } }) => item.cell.receiver.brin === planted.X.brin);
    await ctx.http.post(`/v1/alerts/${alert.id}/acknowledge`).set(auth(tokens.supplierA)).send({ note: 'Opgepakt.' }).expect(200);
    await deliver();
    const fresh = receiver.received.slice(before).map((request) => ({ path: request.path, body: JSON.parse(request.body) }));
    expect(fresh.map((item) => item.path)).toEqual(['/a']);
    expect(fresh[0].body).toMatchObject({ event: 'alert.triaged', alert: { id: alert.id, state: 'open', triage: { state: 'seen', note: 'Opgepakt.' } } });
  });

  it('deletes a webhook; nothing more is delivered to it', async () => {
    await ctx.http.delete(`/v1/webhooks/${hooks.supplierB.id}`).set(auth(tokens.supplierB)).expect(204);
    await ctx.http.get(`/v1/webhooks/${hooks.supplierB.id}`).set(auth(tokens.supplierB)).expect(404);
    await ctx.http.get('/v1/webhooks').set(auth(tokens.supplierB)).expect(200, { items: [], total: 0, limit: 100, offset: 0 });
  });
});
