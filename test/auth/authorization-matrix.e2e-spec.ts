import { randomUUID } from 'node:crypto';
import { enrolment, pseudonym } from 'test/ingest/records.factory';
import { ACTORS, Actor, AUTHORIZATION_MATRIX, PERSON_ACTORS, PersonActor, personExpectation } from 'test/auth/authorization-matrix';
import { newPersonSession, PersonSession, startProvider, TestIdentityProvider } from 'test/session/identity-providers';
import { Case, CASES, MISSING_UUID, PEOPLE_REQUESTS, RequestBuilder, World } from 'test/auth/people-requests';
import { listRoutes } from 'test/utils/routes';
import { createTestContext, TestContext, uniqueBrin } from 'test/utils/test-context';
import { Scope } from 'src/access/scopes';
import { currentSchoolYear } from 'src/records/codes';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';


/** A committed batch of X with one enrolment, for a delete that must succeed. */
const uploadBatch = async (ctx: TestContext, token: string, supplier: InstitutionEntity): Promise<string> => {
  const response = await ctx.http
    .post('/v1/enrolments:batch')
    .set('Authorization', `Bearer ${token}`)
    .send({ records: [enrolment(`matrix-batch-${sequence++}`, { priorBrin: supplier.brin, priorVestiging: `${supplier.brin}00` })] });
  if (response.status !== 200) throw new Error(`setup batch failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { batchId: string }).batchId;
};

/** An open alert on a supplier × receiver cell, written as detection would. */
const newAlert = async (ctx: TestContext, region: RegionEntity, supplier: InstitutionEntity, receiver: InstitutionEntity): Promise<string> => {
  const [definition] = await ctx.dataSource.query<Array<{ id: string; version: number }>>(`SELECT id, version FROM definition_sets WHERE region_id = $1 AND version = 1`, [region.id]);
  const cohort = 2000 + (sequence++ % 90);
  const [row] = await ctx.dataSource.query<Array<{ id: string }>>(
    `INSERT INTO alerts (region_id, type, cell_kind, cell_key, supplier_institution_id, receiver_institution_id, metric, cohort, direction, rule,
                         method_version, definition_set_id, definition_set_version, parameters, evidence_hash)
     VALUES ($1, 'trendbreuk', 'supplier_receiver', $2, $3, $4, 'uitval', $5, 'up', 'fdr', 'trendbreuk-1.0', $6, $7, '{}', repeat('0', 64)) RETURNING id`,
    [region.id, `supplier_receiver|${supplier.id}|${receiver.id}|`, supplier.id, receiver.id, cohort, definition.id, definition.version],
  );
  return row.id;
};

const alertFor = async (ctx: TestContext, world: World, objectCase: Case): Promise<string> =>
  objectCase === 'own'
    ? newAlert(ctx, world.regionR, world.institutions.A, world.institutions.X)
    : objectCase === 'other'
      ? newAlert(ctx, world.regionS, world.institutions.Y, world.institutions.Y)
      : MISSING_UUID;

/** An intervention in a region, written as a registration would. */
const newIntervention = async (ctx: TestContext, region: RegionEntity, parties: InstitutionEntity[], cell: [InstitutionEntity, InstitutionEntity]): Promise<string> => {
  const [row] = await ctx.dataSource.query<Array<{ id: string }>>(
    `INSERT INTO interventions (region_id, type, title, party_ids, target, first_cohort, metric, direction, review_date, registered_by_kind)
     VALUES ($1, 'mentoring', 'Matrix', $2::uuid[], $3::jsonb, 2022, 'uitval', 'decrease', '2030-01-01', 'region') RETURNING id`,
    [region.id, parties.map((party) => party.id), JSON.stringify({ kind: 'cells', cells: [{ supplierId: cell[0].id, receiverId: cell[1].id }] })],
  );
  return row.id;
};

const interventionFor = async (ctx: TestContext, world: World, objectCase: Case): Promise<string> => {
  const { A, X, Y } = world.institutions;
  return objectCase === 'own' ? newIntervention(ctx, world.regionR, [A, X], [A, X]) : objectCase === 'other' ? newIntervention(ctx, world.regionS, [Y], [Y, Y]) : MISSING_UUID;
};

const newWebhook = async (ctx: TestContext, owner: { region?: RegionEntity; institution?: InstitutionEntity }): Promise<string> => {
  const [row] = await ctx.dataSource.query<Array<{ id: string }>>(
    `INSERT INTO webhooks (owner_kind, region_id, institution_id, url, secret, created_by_client_id) VALUES ($1, $2, $3, 'http://127.0.0.1:9/hook', repeat('s', 64), 'matrix') RETURNING id`,
    [owner.region ? 'region' : 'institution', owner.region?.id ?? null, owner.institution?.id ?? null],
  );
  return row.id;
};

const webhookOf = (world: World, objectCase: Case, actor: Actor): string =>
  objectCase === 'missing' ? MISSING_UUID : objectCase === 'other' ? world.webhookS : actor === 'coordinatorR' || actor === 'coordinatorS' ? world.webhookR : world.webhookX;

/** A reference series with one point, written as an import would (series belong to no tenant). */
const newReferenceSeries = async (ctx: TestContext): Promise<string> => {
  const [row] = await ctx.dataSource.query<Array<{ id: string }>>(
    `INSERT INTO reference_series (source, source_url, licence, definitions, sector, metric) VALUES ($1, 'https://example.org', 'CC0', 'Uitval: geen inschrijving op 1 oktober.', 'hbo', 'uitval') RETURNING id`,
    [`matrix-${sequence++}`],
  );
  await ctx.dataSource.query(`INSERT INTO reference_points (series_id, cohort, rate) VALUES ($1, 2022, 0.15)`, [row.id]);
  return row.id;
};
const keptSeries: Partial<Record<'own' | 'other', Promise<string>>> = {};
const referenceSeriesFor = (ctx: TestContext, objectCase: Case): Promise<string> =>
  objectCase === 'missing' ? Promise.resolve(MISSING_UUID) : (keptSeries[objectCase] ??= newReferenceSeries(ctx));

const REFERENCE_CSV = [
  'source,source_url,licence,definitions,sector,cohort,metric,rate',
  'Matrixbron,https://example.org/csv,CC0,Uitval zonder diploma,mbo,2022,uitval,0.2',
].join('\n');

let sequence = 0;
const uniqueRegionCode = (): string => `M${Date.now().toString(36)}${(sequence++).toString(36)}`.toUpperCase().slice(0, 16);

/** How to call each route for each case; `actor` only matters where "own" depends on the caller. */
const REQUESTS: Record<string, RequestBuilder> = {
  ...PEOPLE_REQUESTS,
  'GET /health': () => ({ method: 'get', path: '/health' }),
  'GET /health/ready': () => ({ method: 'get', path: '/health/ready' }),
  'POST /v1/auth/token': (_ctx, world, objectCase) => ({
    method: 'post',
    path: '/v1/auth/token',
    body: {
      grant_type: 'client_credentials',
      client_id: objectCase === 'missing' ? 'no-such-client' : world.clientA.clientId,
      client_secret: objectCase === 'own' ? world.clientA.secret : 'wrong-secret',
    },
  }),
  'GET /v1/audit': () => ({ method: 'get', path: '/v1/audit?limit=5' }),
  'GET /v1/clients': () => ({ method: 'get', path: '/v1/clients' }),
  'POST /v1/clients': (_ctx, world, objectCase) => ({
    method: 'post',
    path: '/v1/clients',
    body: {
      name: 'matrix client',
      institutionBrin: objectCase === 'own' ? world.institutions.A.brin : objectCase === 'other' ? world.institutions.Y.brin : '00ZZ',
      scopes: ['records:read'],
    },
  }),
  'GET /v1/clients/:clientId': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/clients/${clientOf(world, objectCase)}` }),
  'POST /v1/clients/:clientId/rotate-secret': async (ctx, world, objectCase) => ({
    method: 'post',
    path: `/v1/clients/${await disposableClient(ctx, world, objectCase)}/rotate-secret`,
  }),
  'POST /v1/clients/:clientId/revoke': async (ctx, world, objectCase) => ({
    method: 'post',
    path: `/v1/clients/${await disposableClient(ctx, world, objectCase)}/revoke`,
  }),
  'POST /v1/regions': (_ctx, _world, objectCase) => ({
    method: 'post',
    path: '/v1/regions',
    body: objectCase === 'missing' ? { code: 'lower case is invalid', name: 'x' } : { code: uniqueRegionCode(), name: 'Matrixregio' },
  }),
  'GET /v1/regions': () => ({ method: 'get', path: '/v1/regions' }),
  'GET /v1/regions/:code': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/regions/${regionOf(world, objectCase)}` }),
  'PATCH /v1/regions/:code': (_ctx, world, objectCase) => ({ method: 'patch', path: `/v1/regions/${regionOf(world, objectCase)}`, body: { retentionMonths: 120 } }),
  'GET /v1/regions/:code/members': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/regions/${regionOf(world, objectCase)}/members` }),
  'PUT /v1/regions/:code/members/:brin': (_ctx, world, objectCase) => ({
    method: 'put',
    path:
      objectCase === 'own'
        ? `/v1/regions/${world.regionR.code}/members/${world.institutions.B.brin}`
        : objectCase === 'other'
          ? `/v1/regions/${world.regionS.code}/members/${world.institutions.Y.brin}`
          : `/v1/regions/${world.regionR.code}/members/00ZZ`,
    body: { startDate: '2015-08-01' },
  }),
  'DELETE /v1/regions/:code/members/:brin': async (ctx, world, objectCase) => {
    if (objectCase === 'missing') return { method: 'delete', path: `/v1/regions/${world.regionR.code}/members/00ZZ` };
    const region = objectCase === 'own' ? world.regionR : world.regionS;
    const member = await ctx.newInstitution();
    await ctx.addMember(region, member);
    return { method: 'delete', path: `/v1/regions/${region.code}/members/${member.brin}` };
  },
  'POST /v1/institutions': (_ctx, _world, objectCase) => ({
    method: 'post',
    path: '/v1/institutions',
    body: objectCase === 'missing' ? { brin: 'bad', name: 'x', sectors: ['vo'] } : { brin: uniqueBrin(), name: 'Matrixschool', sectors: ['vo'] },
  }),
  'GET /v1/institutions': () => ({ method: 'get', path: '/v1/institutions' }),
  'GET /v1/institutions/:brin': (_ctx, world, objectCase, actor) => ({ method: 'get', path: `/v1/institutions/${institutionOf(world, objectCase, actor)}` }),
  'GET /v1/regions/:code/definitions': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/regions/${regionOf(world, objectCase)}/definitions` }),
  'POST /v1/regions/:code/definitions': (_ctx, world, objectCase) => ({ method: 'post', path: `/v1/regions/${regionOf(world, objectCase)}/definitions`, body: { name: 'Matrixversie' } }),
  'GET /v1/definitions/:id': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/definitions/${definitionOf(world, objectCase)}` }),
  'POST /v1/definitions/:id/activate': (_ctx, world, objectCase) => ({ method: 'post', path: `/v1/definitions/${definitionOf(world, objectCase)}/activate`, body: { fromCohort: 2000 } }),
  'GET /v1/insights/alumni': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/insights/alumni?region=${regionOf(world, objectCase)}` }),
  'GET /v1/insights/intake': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/insights/intake?region=${regionOf(world, objectCase)}` }),
  'GET /v1/insights/flows': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/insights/flows?region=${regionOf(world, objectCase)}` }),
  'GET /v1/insights/routes': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/insights/routes?region=${regionOf(world, objectCase)}` }),
  'GET /v1/insights/reasons': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/insights/reasons?region=${regionOf(world, objectCase)}` }),
  'GET /v1/surveys/questionnaires': () => ({ method: 'get', path: '/v1/surveys/questionnaires' }),
  'GET /v1/surveys/figures': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/surveys/figures?region=${regionOf(world, objectCase)}` }),
  'GET /v1/regions/:code/report': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/regions/${regionOf(world, objectCase)}/report` }),
  'POST /v1/enrolments:batch': (_ctx, world, objectCase) => ({
    method: 'post',
    path: '/v1/enrolments:batch',
    body: { records: [enrolment(`matrix-${sequence++}`, { priorBrin: world.institutions.A.brin, priorVestiging: `${world.institutions.A.brin}00`, ...(objectCase === 'own' ? {} : { receivingBrin: objectCase === 'other' ? world.institutions.Y.brin : '00ZZ' }) })] },
  }),
  'POST /v1/leavers:batch': (_ctx, _world, objectCase) => ({
    method: 'post',
    path: '/v1/leavers:batch',
    body: { records: [{ pseudonym: pseudonym(`matrix-leaver-${sequence++}`), schoolYear: 2023, onderwijssoort: 'havo', diploma: true, ...(objectCase === 'own' ? {} : { supplyingVestiging: objectCase === 'other' ? `${_world.institutions.Y.brin}00` : '00ZZ00' }) }] },
  }),
  'POST /v1/surveys:batch': () => ({
    method: 'post',
    path: '/v1/surveys:batch',
    body: { records: [{ pseudonym: pseudonym('matrix-survey'), questionnaire: 'alumni-1', surveyYear: currentSchoolYear(), choicePreparation: 4 }] },
  }),
  'POST /v1/uploads': (_ctx, world, objectCase) => ({
    method: 'post',
    path: '/v1/uploads?kind=enrolments',
    contentType: 'text/csv',
    body: [
      'pseudonym,receiving_brin,programme_code,sector,level,form,start_date,prior_brin,prior_diploma_type,prior_diploma_year',
      `${pseudonym(`matrix-csv-${sequence++}`)},${objectCase === 'own' ? '' : objectCase === 'other' ? world.institutions.Y.brin : '00ZZ'},34479,hbo,bachelor,voltijd,2023-09-01,${world.institutions.A.brin},havo,2023`,
    ].join('\n'),
  }),
  'GET /v1/uploads': () => ({ method: 'get', path: '/v1/uploads' }),
  'GET /v1/uploads/:id': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/uploads/${objectCase === 'own' ? world.batchX : objectCase === 'other' ? world.batchY : MISSING_UUID}` }),
  'GET /v1/enrolments': () => ({ method: 'get', path: '/v1/enrolments' }),
  'GET /v1/enrolments/:id': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/enrolments/${objectCase === 'own' ? world.enrolmentX : objectCase === 'other' ? world.enrolmentY : '999999999'}` }),
  'GET /v1/leavers': () => ({ method: 'get', path: '/v1/leavers' }),
  'GET /v1/leavers/:id': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/leavers/${objectCase === 'own' ? world.leaverA : objectCase === 'other' ? world.leaverY : '999999999'}` }),
  'DELETE /v1/batches/:id': async (ctx, world, objectCase) => ({
    method: 'delete',
    path: `/v1/batches/${objectCase === 'own' ? await uploadBatch(ctx, world.tokenX, world.institutions.A) : objectCase === 'other' ? world.batchY : MISSING_UUID}`,
  }),
  'DELETE /v1/pseudonyms/:pseudonym': async (ctx, world, objectCase) => {
    if (objectCase === 'own') {
      const label = `matrix-erase-${sequence++}`;
      await ctx.newEnrolment({ receiver: world.institutions.X, supplier: world.institutions.A, pseudonym: pseudonym(label), startDate: '2023-09-01' });
      return { method: 'delete', path: `/v1/pseudonyms/${pseudonym(label)}` };
    }
    return { method: 'delete', path: `/v1/pseudonyms/${objectCase === 'other' ? world.pseudonymY : pseudonym('nobody')}` };
  },
  'GET /v1/programmes': () => ({ method: 'get', path: '/v1/programmes' }),
  'GET /v1/programme-successors': () => ({ method: 'get', path: '/v1/programme-successors' }),
  'POST /v1/programmes:batch': () => ({
    method: 'post',
    path: '/v1/programmes:batch',
    body: { records: [{ code: '25604', sector: 'mbo', name: 'Software developer', level: '4', nominalDurationYears: 3, validFromCohort: 2015 }] },
  }),
  'POST /v1/programme-successors:batch': (_ctx, _world, objectCase) => ({
    method: 'post',
    path: '/v1/programme-successors:batch',
    body: { records: [{ oldCode: '25604', newCode: objectCase === 'missing' ? '99999' : '25998', fromCohort: 2021 }] },
  }),
  'GET /v1/reference-series': () => ({ method: 'get', path: '/v1/reference-series' }),
  'GET /v1/reference-series/:id': async (ctx, _world, objectCase) => ({ method: 'get', path: `/v1/reference-series/${await referenceSeriesFor(ctx, objectCase)}` }),
  'POST /v1/reference-series:batch': () => ({
    method: 'post',
    path: '/v1/reference-series:batch',
    body: { records: [{ source: 'Matrixbron', sourceUrl: 'https://example.org', licence: 'CC0', definitions: 'Uitval zonder diploma.', sector: 'hbo', cohort: 2022, metric: 'uitval', rate: 0.15 }] },
  }),
  'POST /v1/reference-series:upload': () => ({ method: 'post', path: '/v1/reference-series:upload', body: REFERENCE_CSV, contentType: 'text/csv' }),
  'DELETE /v1/reference-series/:id': async (ctx, _world, objectCase) => ({
    method: 'delete',
    path: `/v1/reference-series/${objectCase === 'missing' ? MISSING_UUID : await newReferenceSeries(ctx)}`,
  }),
  'GET /v1/alerts': () => ({ method: 'get', path: '/v1/alerts' }),
  'GET /v1/alerts/:id': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/alerts/${objectCase === 'own' ? world.alertR : objectCase === 'other' ? world.alertS : MISSING_UUID}` }),
  'PUT /v1/alerts/:id/triage': async (ctx, world, objectCase) => ({
    method: 'put',
    path: `/v1/alerts/${await alertFor(ctx, world, objectCase)}/triage`,
    body: { state: 'in-conversation', note: 'Op de agenda van het netwerkoverleg.' },
  }),
  'POST /v1/alerts/:id/acknowledge': async (ctx, world, objectCase) => ({
    method: 'post',
    path: `/v1/alerts/${await alertFor(ctx, world, objectCase)}/acknowledge`,
    body: { note: 'Besproken in het netwerkoverleg.' },
  }),
  'POST /v1/alerts/:id/resolve': async (ctx, world, objectCase) => ({
    method: 'post',
    path: `/v1/alerts/${await alertFor(ctx, world, objectCase)}/resolve`,
    body: { note: 'Oorzaak gevonden en opgelost.' },
  }),
  'GET /v1/interventions': () => ({ method: 'get', path: '/v1/interventions' }),
  'POST /v1/interventions': (_ctx, world) => ({
    method: 'post',
    path: '/v1/interventions',
    body: {
      type: 'first-100-days',
      title: 'Matrix',
      parties: [world.institutions.X.brin],
      target: { cells: [{ supplier: world.institutions.A.brin, receiver: world.institutions.X.brin }] },
      firstCohort: 2022,
      metric: 'uitval',
      direction: 'decrease',
      reviewDate: '2030-01-01',
    },
  }),
  'GET /v1/interventions/:id': async (ctx, world, objectCase) => ({ method: 'get', path: `/v1/interventions/${await interventionFor(ctx, world, objectCase)}` }),
  'PATCH /v1/interventions/:id': async (ctx, world, objectCase) => ({ method: 'patch', path: `/v1/interventions/${await interventionFor(ctx, world, objectCase)}`, body: { title: 'Matrix, herzien' } }),
  'POST /v1/interventions/:id/withdraw': async (ctx, world, objectCase) => ({ method: 'post', path: `/v1/interventions/${await interventionFor(ctx, world, objectCase)}/withdraw` }),
  'GET /v1/conversations': () => ({ method: 'get', path: '/v1/conversations' }),
  'POST /v1/conversations': async (ctx, world, objectCase) => ({ method: 'post', path: '/v1/conversations', body: { alertId: await alertFor(ctx, world, objectCase), note: 'Wat zit hierachter?' } }),
  'GET /v1/conversations/:id': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/conversations/${conversationOf(world, objectCase)}` }),
  'POST /v1/conversations/:id/entries': (_ctx, world, objectCase) => ({
    method: 'post',
    path: `/v1/conversations/${conversationOf(world, objectCase)}/entries`,
    body: { kind: 'action', text: 'Docenten stemmen de leerlijn af.', owner: 'coordinator' },
  }),
  'PUT /v1/conversations/:id/actions/:actionId/status': (_ctx, world, objectCase) => ({
    method: 'put',
    path: `/v1/conversations/${conversationOf(world, objectCase)}/actions/${objectCase === 'own' ? world.actionR : objectCase === 'other' ? world.actionS : MISSING_UUID}/status`,
    body: { status: 'done' },
  }),
  'GET /v1/agenda': () => ({ method: 'get', path: '/v1/agenda' }),
  'POST /v1/webhooks': () => ({ method: 'post', path: '/v1/webhooks', body: { url: 'http://127.0.0.1:9/hook' } }),
  'GET /v1/webhooks': () => ({ method: 'get', path: '/v1/webhooks' }),
  'GET /v1/webhooks/:id': (_ctx, world, objectCase, actor) => ({ method: 'get', path: `/v1/webhooks/${webhookOf(world, objectCase, actor)}` }),
  'GET /v1/webhooks/:id/deliveries': (_ctx, world, objectCase, actor) => ({ method: 'get', path: `/v1/webhooks/${webhookOf(world, objectCase, actor)}/deliveries` }),
  'DELETE /v1/webhooks/:id': async (ctx, world, objectCase, actor) => {
    if (objectCase === 'missing') return { method: 'delete', path: `/v1/webhooks/${MISSING_UUID}` };
    const owner = objectCase === 'other' ? { region: world.regionS } : actor === 'coordinatorR' || actor === 'coordinatorS' ? { region: world.regionR } : { institution: world.institutions.X };
    return { method: 'delete', path: `/v1/webhooks/${await newWebhook(ctx, owner)}` };
  },
  'PATCH /v1/institutions/:brin': (_ctx, world, objectCase, actor) => ({
    method: 'patch',
    path: `/v1/institutions/${institutionOf(world, objectCase, actor)}`,
    body: { name: 'Hernoemd' },
  }),
};

const conversationOf = (world: World, objectCase: Case): string => (objectCase === 'own' ? world.conversationR : objectCase === 'other' ? world.conversationS : MISSING_UUID);
const regionOf = (world: World, objectCase: Case): string => (objectCase === 'own' ? world.regionR.code : objectCase === 'other' ? world.regionS.code : 'NOPE');
const institutionOf = (world: World, objectCase: Case, actor: Actor): string =>
  objectCase === 'own' ? world.ownInstitution[actor].brin : objectCase === 'other' ? world.institutions.Y.brin : '00ZZ';
const definitionOf = (world: World, objectCase: Case): string =>
  objectCase === 'own' ? world.definitionR : objectCase === 'other' ? world.definitionS : '00000000-0000-4000-8000-000000000000';
const clientOf = (world: World, objectCase: Case): string => (objectCase === 'own' ? world.clientA.clientId : objectCase === 'other' ? world.clientY.clientId : 'no-such-client');
const disposableClient = async (ctx: TestContext, world: World, objectCase: Case): Promise<string> =>
  objectCase === 'missing' ? 'no-such-client' : (await ctx.newClient({ institution: objectCase === 'own' ? world.institutions.A : world.institutions.Y, scopes: ['records:read'] })).clientId;

const definitionIdOf = async (ctx: TestContext, region: RegionEntity): Promise<string> =>
  (await ctx.dataSource.query<Array<{ id: string }>>(`SELECT id FROM definition_sets WHERE region_id = $1 AND version = 1`, [region.id]))[0].id;

describe('authorization matrix', () => {
  let ctx: TestContext;
  let world: World;
  const tokens = {} as Record<Actor, string | undefined>;
  const people = {} as Record<PersonActor, PersonSession>;
  const providers: TestIdentityProvider[] = [];

  beforeAll(async () => {
    // Two identity providers, so that signing in starts for real (discovery, redirect).
    for (const [id, host] of [['schoolid-a', '127.0.0.2'], ['schoolid-b', '127.0.0.3']] as const) {
      providers.push(await startProvider(id, host, 'http://localhost:3000', {}));
    }
    ctx = await createTestContext({
      OIDC_PROVIDERS: 'schoolid-a,schoolid-b',
      ...Object.fromEntries(
        providers.flatMap((provider) => {
          const prefix = `OIDC_${provider.id.toUpperCase().replace('-', '_')}_`;
          return [[`${prefix}ISSUER`, provider.issuer], [`${prefix}CLIENT_ID`, 'doorstroom'], [`${prefix}CLIENT_SECRET`, 'test-client-secret-for-the-service-registration']];
        }),
      ),
    });
    const regionR = await ctx.newRegion();
    const regionS = await ctx.newRegion();
    const A = await ctx.newInstitution({ sectors: ['vo'] });
    const B = await ctx.newInstitution({ sectors: ['vo'] });
    const X = await ctx.newInstitution({ sectors: ['hbo'] });
    const Y = await ctx.newInstitution({ sectors: ['vo'] });
    for (const member of [A, B, X]) await ctx.addMember(regionR, member);
    await ctx.addMember(regionS, Y);
    world = {
      regionR,
      regionS,
      institutions: { A, B, X, Y },
      clientA: await ctx.newClient({ institution: A, scopes: ['records:read'] }),
      clientY: await ctx.newClient({ institution: Y, scopes: ['records:read'] }),
      ownInstitution: { anonymous: A, supplierA: A, supplierB: B, receiverX: X, coordinatorR: A, coordinatorS: A, admin: A },
      definitionR: await definitionIdOf(ctx, regionR),
      definitionS: await definitionIdOf(ctx, regionS),
      tokenX: '',
      batchX: '',
      batchY: '',
      enrolmentX: '',
      enrolmentY: '',
      leaverA: '',
      leaverY: '',
      pseudonymY: pseudonym('matrix-student-of-Y'),
      alertR: '',
      alertS: '',
      conversationR: '',
      conversationS: '',
      actionR: '',
      actionS: '',
      webhookX: '',
      webhookR: '',
      webhookS: '',
      personR: await newPersonSession(ctx, { role: 'reader', institutionId: A.id }),
      personS: await newPersonSession(ctx, { role: 'reader', institutionId: Y.id }),
    };
    people.personReaderA = await newPersonSession(ctx, { role: 'reader', institutionId: A.id });
    people.personEditorX = await newPersonSession(ctx, { role: 'editor', institutionId: X.id });
    people.personCoordinatorR = await newPersonSession(ctx, { role: 'coordinator', regionId: regionR.id });
    await ctx.dataSource.query(
      `INSERT INTO programmes (sector, code, name, level, nominal_duration_years, valid_from_cohort)
       VALUES ('hbo', '34479', 'HBO-ICT', 'bachelor', 4, 2000), ('mbo', '25604', 'Software developer', '4', 3, 2015), ('mbo', '25998', 'Software developer (nieuw)', '4', 3, 2021)`,
    );
    const tokenY = await ctx.tokenFor({ institution: Y, scopes: ['records:write'] });
    world.batchY = await uploadBatch(ctx, tokenY, Y);
    world.enrolmentX = await ctx.newEnrolment({ receiver: X, supplier: A, startDate: '2022-09-01' });
    world.enrolmentY = await ctx.newEnrolment({ receiver: Y, supplier: Y, pseudonym: world.pseudonymY, startDate: '2022-09-01' });
    const leaver = async (institution: InstitutionEntity): Promise<string> =>
      (await ctx.dataSource.query<Array<{ id: string }>>(
        `INSERT INTO leavers (institution_id, pseudonym, school_year, onderwijssoort, diploma, created_batch_id, updated_batch_id)
         VALUES ($1, $2, 2022, 'havo', true, $3, $3) RETURNING id::text AS id`,
        [institution.id, pseudonym(`matrix-leaver-of-${institution.brin}`), randomUUID()],
      ))[0].id;
    world.leaverA = await leaver(A);
    world.leaverY = await leaver(Y);
    world.alertR = await newAlert(ctx, regionR, A, X);
    world.alertS = await newAlert(ctx, regionS, Y, Y);
    world.webhookX = await newWebhook(ctx, { institution: X });
    world.webhookR = await newWebhook(ctx, { region: regionR });
    world.webhookS = await newWebhook(ctx, { region: regionS });
    const supplierScopes: Scope[] = ['insights:read', 'alerts:read', 'records:read', 'records:write'];
    const coordinatorScopes: Scope[] = ['region:admin', 'insights:read', 'alerts:read', 'alerts:write', 'audit:read'];
    tokens.anonymous = undefined;
    tokens.supplierA = await ctx.tokenFor({ institution: A, scopes: supplierScopes });
    tokens.supplierB = await ctx.tokenFor({ institution: B, scopes: supplierScopes });
    tokens.receiverX = await ctx.tokenFor({ institution: X, scopes: ['records:write', 'records:read', 'insights:read', 'alerts:read', 'alerts:write'] });
    world.tokenX = tokens.receiverX;
    world.batchX = await uploadBatch(ctx, world.tokenX, A);
    tokens.coordinatorR = await ctx.tokenFor({ region: regionR, scopes: coordinatorScopes });
    tokens.coordinatorS = await ctx.tokenFor({ region: regionS, scopes: coordinatorScopes });
    tokens.admin = await ctx.tokenFor({ scopes: ['platform:admin', 'audit:read'] });
    const conversationWithAction = async (token: string, alertId: string): Promise<[string, string]> => {
      const started = await ctx.http.post('/v1/conversations').set('Authorization', `Bearer ${token}`).send({ alertId });
      const id = (started.body as { id: string }).id;
      const added = await ctx.http.post(`/v1/conversations/${id}/entries`).set('Authorization', `Bearer ${token}`).send({ kind: 'action', text: 'Afspraak uit het overleg.' });
      if (added.status !== 201) throw new Error(`setup conversation failed: ${started.status} ${added.status}`);
      return [id, (added.body as { entries: Array<{ id: string; kind: string }> }).entries.find((entry) => entry.kind === 'action')!.id];
    };
    [world.conversationR, world.actionR] = await conversationWithAction(tokens.coordinatorR, world.alertR);
    [world.conversationS, world.actionS] = await conversationWithAction(tokens.coordinatorS, world.alertS);
  });
  afterAll(async () => {
    await ctx.close();
    for (const provider of providers) {
      provider.server.closeAllConnections();
      await new Promise((resolve) => provider.server.close(resolve));
    }
  });

  it('has a row and a request for every route of the application, and no stale rows', () => {
    const routes = listRoutes(ctx.app).map((route) => route.key);
    expect(routes.filter((key) => !AUTHORIZATION_MATRIX[key])).toEqual([]);
    expect(routes.filter((key) => !REQUESTS[key])).toEqual([]);
    expect(Object.keys(AUTHORIZATION_MATRIX).filter((key) => !routes.includes(key))).toEqual([]);
  });

  it('answers every route × actor × object with the expected status, and audits each API request', async () => {
    const mismatches: string[] = [];
    const requestIds: string[] = [];
    const labels = new Map<string, string>();
    for (const [route, expectations] of Object.entries(AUTHORIZATION_MATRIX)) {
      for (const actor of ACTORS) {
        for (const [index, objectCase] of CASES.entries()) {
          const call = await REQUESTS[route](ctx, world, objectCase, actor);
          const requestId = randomUUID();
          let request = ctx.http[call.method](call.path).set('X-Request-Id', requestId);
          const token = tokens[actor];
          if (token) request = request.set('Authorization', `Bearer ${token}`);
          if (call.contentType) request = request.set('Content-Type', call.contentType);
          const response = await (call.body ? request.send(call.body) : request);
          const expected = expectations[actor][index];
          if (response.status !== expected) {
            mismatches.push(`${route} as ${actor} on ${objectCase}: expected ${expected}, got ${response.status} ${JSON.stringify(response.body).slice(0, 160)}`);
          }
          if (response.status >= 400) expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
          if (call.path.startsWith('/v1/')) {
            requestIds.push(requestId);
            labels.set(requestId, `${route} as ${actor} on ${objectCase} (${response.status})`);
          }
        }
      }
    }
    // The webhooks the clients registered above count against each owner's limit of ten: the people start afresh.
    await ctx.dataSource.query(`DELETE FROM webhooks WHERE created_by_client_id <> 'matrix'`);
    for (const [route] of Object.entries(AUTHORIZATION_MATRIX)) {
      for (const actor of Object.keys(PERSON_ACTORS) as PersonActor[]) {
        for (const [index, objectCase] of CASES.entries()) {
          const like = PERSON_ACTORS[actor].like;
          const call = await REQUESTS[route](ctx, world, objectCase, like, people[actor]);
          const session = call.disposableSession ? await newPersonSession(ctx, { role: PERSON_ACTORS[actor].role === 'coordinator' ? 'coordinator' : 'reader', ...(PERSON_ACTORS[actor].role === 'coordinator' ? { regionId: world.regionR.id } : { institutionId: world.institutions.A.id }) }) : people[actor];
          const requestId = randomUUID();
          let request = ctx.http[call.method](call.path).set('X-Request-Id', requestId).set('Cookie', session.cookie);
          if (call.method !== 'get') request = request.set('X-CSRF-Token', session.csrfToken);
          if (call.contentType) request = request.set('Content-Type', call.contentType);
          const response = await (call.body ? request.send(call.body) : request);
          const expected = personExpectation(route, actor)[index];
          if (response.status !== expected) {
            mismatches.push(`${route} as ${actor} on ${objectCase}: expected ${expected}, got ${response.status} ${JSON.stringify(response.body).slice(0, 160)}`);
          }
          if (call.path.startsWith('/v1/')) {
            requestIds.push(requestId);
            labels.set(requestId, `${route} as ${actor} on ${objectCase} (${response.status})`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);

    await ctx.flushAudit();
    const rows: Array<{ request_id: string; outcome: string; status_code: number }> = await ctx.dataSource.query(
      `SELECT request_id, outcome, status_code FROM audit_log WHERE request_id = ANY($1)`,
      [requestIds],
    );
    const audited = new Set(rows.map((auditRow) => auditRow.request_id));
    expect(requestIds.filter((id) => !audited.has(id)).map((id) => labels.get(id))).toEqual([]);
    for (const auditRow of rows) {
      const expectedOutcome = auditRow.status_code === 401 || auditRow.status_code === 403 ? 'denied' : auditRow.status_code >= 400 ? 'rejected' : 'allowed';
      expect(auditRow.outcome).toBe(expectedOutcome);
    }
  }, 300_000);
});
