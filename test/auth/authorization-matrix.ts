/**
 * The committed authorization matrix: for every route, for every actor, the expected status
 * for [own object, another tenant's object, missing object]. Routes without an object use the
 * same request in all three columns. A route of the application missing here fails the test.
 *
 * Actors: supplier schools A and B and receiving institution X are members of region R;
 * coordinatorS coordinates region S, where institution Y is a member. People who signed in with
 * their school account are actors too (PERSON_ACTORS): each acts with a session cookie in a role
 * that holds the scopes of a client actor, and gets that actor's statuses except where listed.
 */
export const ACTORS = ['anonymous', 'supplierA', 'supplierB', 'receiverX', 'coordinatorR', 'coordinatorS', 'admin'] as const;
export type Actor = (typeof ACTORS)[number];
export type Expectation = [own: number, other: number, missing: number];
export type MatrixRow = Record<Actor, Expectation>;

const all = (status: number): Expectation => [status, status, status];
const row = (anonymous: Expectation, supplierA: Expectation, supplierB: Expectation, receiverX: Expectation, coordinatorR: Expectation, coordinatorS: Expectation, admin: Expectation): MatrixRow => ({
  anonymous,
  supplierA,
  supplierB,
  receiverX,
  coordinatorR,
  coordinatorS,
  admin,
});
/** Only platform administrators; everybody else is refused before the object is looked at. */
const adminOnly = (admin: Expectation): MatrixRow => row(all(401), all(403), all(403), all(403), all(403), all(403), admin);

/** Coordinators and administrators manage people; institutions are refused before any object is looked at. */
const peopleManagers = (coordinatorR: Expectation, coordinatorS: Expectation, admin: Expectation): MatrixRow =>
  row(all(401), all(403), all(403), all(403), coordinatorR, coordinatorS, admin);

export const AUTHORIZATION_MATRIX: Record<string, MatrixRow> = {
  'GET /health': row(all(200), all(200), all(200), all(200), all(200), all(200), all(200)),
  'GET /health/ready': row(all(200), all(200), all(200), all(200), all(200), all(200), all(200)),
  // own: valid credentials; other: a wrong secret; missing: an unknown client. The caller's token plays no part.
  'POST /v1/auth/token': row([200, 401, 401], [200, 401, 401], [200, 401, 401], [200, 401, 401], [200, 401, 401], [200, 401, 401], [200, 401, 401]),
  // Sign-in. sign-in and callback: own/other = the two configured providers, missing = an unknown one.
  // The callback without a sign-in under way is refused by a redirect to the sign-in page.
  'GET /v1/session/providers': row(all(200), all(200), all(200), all(200), all(200), all(200), all(200)),
  'GET /v1/session/sign-in/:provider': row([302, 302, 404], [302, 302, 404], [302, 302, 404], [302, 302, 404], [302, 302, 404], [302, 302, 404], [302, 302, 404]),
  'GET /v1/session/callback/:provider': row([303, 303, 404], [303, 303, 404], [303, 303, 404], [303, 303, 404], [303, 303, 404], [303, 303, 404], [303, 303, 404]),
  // The session routes are about the cookie: a bearer token is no session.
  'GET /v1/session': row(all(401), all(401), all(401), all(401), all(401), all(401), all(401)),
  'PUT /v1/session/role': row(all(401), all(401), all(401), all(401), all(401), all(401), all(401)),
  'POST /v1/session/sign-out': row(all(204), all(204), all(204), all(204), all(204), all(204), all(204)),

  // People: own = a person with a role in R (grants: reader of B; invitations: on A), other = the same in S (on Y).
  'GET /v1/people': peopleManagers(all(200), all(200), all(200)),
  'GET /v1/people/:id': peopleManagers([200, 404, 404], [404, 200, 404], [200, 200, 404]),
  'PATCH /v1/people/:id': peopleManagers([200, 404, 404], [404, 200, 404], [200, 200, 404]),
  'POST /v1/people/:id/roles': peopleManagers([201, 404, 404], [404, 201, 404], [201, 201, 404]),
  'DELETE /v1/people/:id/roles/:roleId': peopleManagers([200, 404, 404], [404, 200, 404], [200, 200, 404]),
  'POST /v1/invitations': peopleManagers([201, 404, 404], [404, 201, 404], [201, 201, 404]),
  'GET /v1/invitations': peopleManagers(all(200), all(200), all(200)),
  'DELETE /v1/invitations/:id': peopleManagers([200, 404, 404], [404, 200, 404], [200, 200, 404]),

  'GET /v1/audit': row(all(401), all(403), all(403), all(403), all(200), all(200), all(200)),

  'GET /v1/clients': adminOnly(all(200)),
  'POST /v1/clients': adminOnly([201, 201, 400]),
  'GET /v1/clients/:clientId': adminOnly([200, 200, 404]),
  'POST /v1/clients/:clientId/rotate-secret': adminOnly([200, 200, 404]),
  'POST /v1/clients/:clientId/revoke': adminOnly([200, 200, 404]),

  'POST /v1/regions': adminOnly([201, 201, 400]),
  'GET /v1/regions': row(all(401), all(200), all(200), all(200), all(200), all(200), all(200)),
  'GET /v1/regions/:code': row(all(401), [200, 404, 404], [200, 404, 404], [200, 404, 404], [200, 404, 404], [404, 200, 404], [200, 200, 404]),
  'PATCH /v1/regions/:code': adminOnly([200, 200, 404]),
  'GET /v1/regions/:code/members': row(all(401), all(403), all(403), all(403), [200, 404, 404], [404, 200, 404], [200, 200, 404]),
  'PUT /v1/regions/:code/members/:brin': adminOnly([200, 200, 404]),
  'DELETE /v1/regions/:code/members/:brin': adminOnly([204, 204, 404]),

  'POST /v1/institutions': adminOnly([201, 201, 400]),
  'GET /v1/institutions': adminOnly(all(200)),
  // own: the caller's own institution (A for coordinators and the admin); other: Y.
  'GET /v1/institutions/:brin': row(all(401), [200, 404, 404], [200, 404, 404], [200, 404, 404], all(404), all(404), [200, 200, 404]),
  'PATCH /v1/institutions/:brin': adminOnly([200, 200, 404]),

  // Definitions: own = region R's, other = region S's.
  'GET /v1/regions/:code/definitions': row(all(401), [200, 404, 404], [200, 404, 404], [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  'POST /v1/regions/:code/definitions': row(all(401), all(403), all(403), all(403), [201, 404, 404], [404, 201, 404], all(403)),
  'GET /v1/definitions/:id': row(all(401), [200, 404, 404], [200, 404, 404], [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  'POST /v1/definitions/:id/activate': row(all(401), all(403), all(403), all(403), [200, 404, 404], [404, 200, 404], all(403)),

  // Views: own = ?region=R, other = ?region=S, missing = an unknown region. Institution views refuse coordinators (403).
  'GET /v1/insights/alumni': row(all(401), [200, 404, 404], [200, 404, 404], [200, 404, 404], all(403), all(403), all(403)),
  'GET /v1/insights/intake': row(all(401), [200, 404, 404], [200, 404, 404], [200, 404, 404], all(403), all(403), all(403)),
  'GET /v1/insights/flows': row(all(401), [200, 404, 404], [200, 404, 404], [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  // Routes of pupils: a school its own pupils', a coordinator the region's (as the flows).
  'GET /v1/insights/routes': row(all(401), [200, 404, 404], [200, 404, 404], [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  // Reasons for leaving: a school its alumni's or its intake's cells, a coordinator the region's (as the flows).
  'GET /v1/insights/reasons': row(all(401), [200, 404, 404], [200, 404, 404], [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  // Alumni surveys: the questionnaires are no data; the figures are a school's own survey, for institutions only (coordinators 403).
  'GET /v1/surveys/questionnaires': row(all(401), all(200), all(200), all(200), all(200), all(200), all(403)),
  'GET /v1/surveys/figures': row(all(401), [200, 404, 404], [200, 404, 404], [200, 404, 404], all(403), all(403), all(403)),
  'GET /v1/regions/:code/report': row(all(401), all(403), all(403), all(403), [200, 404, 404], [404, 200, 404], all(403)),

  // Ingest. own: X's records; other: Y's (another region); missing: ids that do not exist.
  // Records belong to institutions: coordinators and administrators hold no records scope.
  // Batches: own = a valid batch; other = one naming another receiving institution; missing = one naming an unknown BRIN.
  'POST /v1/enrolments:batch': row(all(401), [200, 403, 403], [200, 403, 403], [200, 403, 403], all(403), all(403), all(403)),
  'POST /v1/leavers:batch': row(all(401), [200, 403, 403], [200, 403, 403], [200, 403, 403], all(403), all(403), all(403)),
  // Survey answers name no institution: the same valid batch in all three columns.
  'POST /v1/surveys:batch': row(all(401), all(200), all(200), all(200), all(403), all(403), all(403)),
  'POST /v1/uploads': row(all(401), [200, 403, 403], [200, 403, 403], [200, 403, 403], all(403), all(403), all(403)),
  'GET /v1/uploads': row(all(401), all(200), all(200), all(200), all(403), all(403), all(403)),
  'GET /v1/uploads/:id': row(all(401), all(404), all(404), [200, 404, 404], all(403), all(403), all(403)),
  'GET /v1/enrolments': row(all(401), all(200), all(200), all(200), all(403), all(403), all(403)),
  'GET /v1/enrolments/:id': row(all(401), all(404), all(404), [200, 404, 404], all(403), all(403), all(403)),
  'GET /v1/leavers': row(all(401), all(200), all(200), all(200), all(403), all(403), all(403)),
  'GET /v1/leavers/:id': row(all(401), [200, 404, 404], all(404), all(404), all(403), all(403), all(403)),
  'DELETE /v1/batches/:id': row(all(401), all(404), all(404), [200, 404, 404], all(403), all(403), all(403)),
  'DELETE /v1/pseudonyms/:pseudonym': row(all(401), all(404), all(404), [200, 404, 404], all(403), all(403), all(403)),
  'GET /v1/programmes': row(all(401), all(200), all(200), all(200), all(200), all(200), all(200)),
  'GET /v1/programme-successors': row(all(401), all(200), all(200), all(200), all(200), all(200), all(200)),
  'POST /v1/programmes:batch': adminOnly(all(200)),
  'POST /v1/programme-successors:batch': adminOnly([200, 200, 422]),
  // Reference series: public published figures, read by every authenticated caller; imported and deleted by administrators.
  // own/other: two series (neither belongs to a tenant); missing: an unknown id.
  'GET /v1/reference-series': row(all(401), all(200), all(200), all(200), all(200), all(200), all(200)),
  'GET /v1/reference-series/:id': row(all(401), [200, 200, 404], [200, 200, 404], [200, 200, 404], [200, 200, 404], [200, 200, 404], [200, 200, 404]),
  'POST /v1/reference-series:batch': adminOnly(all(200)),
  'POST /v1/reference-series:upload': adminOnly(all(200)),
  'DELETE /v1/reference-series/:id': adminOnly([204, 204, 404]),

  // Alerts. own: an alert on the cell A → X in region R; other: one on Y's cell in region S.
  'GET /v1/alerts': row(all(401), all(200), all(200), all(200), all(200), all(200), all(403)),
  'GET /v1/alerts/:id': row(all(401), [200, 404, 404], all(404), [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  // Triage is the caller's party's own: whoever may see the alert and holds alerts:write sets it.
  'PUT /v1/alerts/:id/triage': row(all(401), all(403), all(403), [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  'POST /v1/alerts/:id/acknowledge': row(all(401), all(403), all(403), [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  'POST /v1/alerts/:id/resolve': row(all(401), all(403), all(403), [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  // Interventions. own: one in region R with parties A and X; other: one in region S with party Y. Seen by its
  // parties and the region's coordinators; registered and changed with alerts:write. A registration names
  // R's institutions: a coordinator of S gets 400 (not members of its region).
  'GET /v1/interventions': row(all(401), all(200), all(200), all(200), all(200), all(200), all(403)),
  'POST /v1/interventions': row(all(401), all(403), all(403), all(201), all(201), all(400), all(403)),
  'GET /v1/interventions/:id': row(all(401), [200, 404, 404], all(404), [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  'PATCH /v1/interventions/:id': row(all(401), all(403), all(403), [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  'POST /v1/interventions/:id/withdraw': row(all(401), all(403), all(403), [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  // Conversations: own = one on the signal of A → X in region R; other = one on Y's signal in region S.
  // Read with alerts:read, written with alerts:write, by the parties of the cell only (B, a member of R, gets 404).
  'GET /v1/conversations': row(all(401), all(200), all(200), all(200), all(200), all(200), all(403)),
  'POST /v1/conversations': row(all(401), all(403), all(403), [201, 404, 404], [201, 404, 404], [404, 201, 404], all(403)),
  'GET /v1/conversations/:id': row(all(401), [200, 404, 404], all(404), [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  'POST /v1/conversations/:id/entries': row(all(401), all(403), all(403), [201, 404, 404], [201, 404, 404], [404, 201, 404], all(403)),
  'PUT /v1/conversations/:id/actions/:actionId/status': row(all(401), all(403), all(403), [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  'GET /v1/agenda': row(all(401), all(200), all(200), all(200), all(200), all(200), all(403)),
  // Webhooks: own = the caller's own webhook (X's for institutions, R's for coordinators); other = S's.
  'POST /v1/webhooks': row(all(401), all(403), all(403), all(201), all(201), all(201), all(403)),
  'GET /v1/webhooks': row(all(401), all(403), all(403), all(200), all(200), all(200), all(403)),
  'GET /v1/webhooks/:id': row(all(401), all(403), all(403), [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  'GET /v1/webhooks/:id/deliveries': row(all(401), all(403), all(403), [200, 404, 404], [200, 404, 404], [404, 200, 404], all(403)),
  'DELETE /v1/webhooks/:id': row(all(401), all(403), all(403), [204, 404, 404], [204, 404, 404], [404, 204, 404], all(403)),
};

/**
 * People as principals: a reader for A, an editor for X and a coordinator of R, each signed in
 * (session cookie and CSRF token, no bearer token). Each holds the scopes of the client actor it
 * is modelled on and must get the same answer, except where PERSON_EXCEPTIONS says otherwise.
 */
export const PERSON_ACTORS = {
  personReaderA: { like: 'supplierA', role: 'reader' },
  personEditorX: { like: 'receiverX', role: 'editor' },
  personCoordinatorR: { like: 'coordinatorR', role: 'coordinator' },
} as const;
export type PersonActor = keyof typeof PERSON_ACTORS;

const sessionRoutes: Record<string, Expectation> = {
  'GET /v1/session': all(200),
  // own: one of the person's roles; other: another person's role.
  'PUT /v1/session/role': [200, 404, 404],
};
const recordRoutesRefused = (routes: string[]): Record<string, Expectation> => Object.fromEntries(routes.map((route) => [route, all(403)]));

export const PERSON_EXCEPTIONS: Record<PersonActor, Record<string, Expectation>> = {
  // A reader holds insights:read and alerts:read only: none of the records routes of supplier A's client.
  personReaderA: {
    ...sessionRoutes,
    ...recordRoutesRefused(['POST /v1/enrolments:batch', 'POST /v1/leavers:batch', 'POST /v1/surveys:batch', 'POST /v1/uploads', 'GET /v1/uploads', 'GET /v1/uploads/:id', 'GET /v1/enrolments', 'GET /v1/enrolments/:id', 'GET /v1/leavers', 'GET /v1/leavers/:id', 'DELETE /v1/batches/:id', 'DELETE /v1/pseudonyms/:pseudonym']),
  },
  // An editor also reads the institution's audit log.
  personEditorX: { ...sessionRoutes, 'GET /v1/audit': all(200) },
  personCoordinatorR: { ...sessionRoutes },
};

export const personExpectation = (route: string, actor: PersonActor): Expectation =>
  PERSON_EXCEPTIONS[actor][route] ?? AUTHORIZATION_MATRIX[route][PERSON_ACTORS[actor].like];
