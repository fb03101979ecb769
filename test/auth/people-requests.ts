import { Actor } from 'test/auth/authorization-matrix';
import { PersonSession } from 'test/session/identity-providers';
import { TestContext } from 'test/utils/test-context';
import { PeopleService } from 'src/people/people.service';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

/*
 * The world of the authorization matrix (test/auth/authorization-matrix.e2e-spec.ts) and how it
 * calls the routes of people signing in: sessions, people, roles and invitations.
 */

export type Case = 'own' | 'other' | 'missing';
export const CASES: Case[] = ['own', 'other', 'missing'];

export interface World {
  regionR: RegionEntity;
  regionS: RegionEntity;
  institutions: Record<'A' | 'B' | 'X' | 'Y', InstitutionEntity>;
  clientA: { clientId: string; secret: string };
  clientY: { clientId: string; secret: string };
  ownInstitution: Record<Actor, InstitutionEntity>;
  definitionR: string;
  definitionS: string;
  tokenX: string;
  batchX: string;
  batchY: string;
  enrolmentX: string;
  enrolmentY: string;
  leaverA: string;
  leaverY: string;
  pseudonymY: string;
  alertR: string;
  alertS: string;
  /** Conversations on alertR and alertS, each with one agreed action. */
  conversationR: string;
  conversationS: string;
  actionR: string;
  actionS: string;
  webhookX: string;
  webhookR: string;
  webhookS: string;
  /** People with a role in R (reader of A) and in S (reader of Y): the objects of the people routes. */
  personR: PersonSession;
  personS: PersonSession;
}

export interface HttpCall {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  body?: object | string;
  contentType?: string;
  /** A person makes this call with a session of its own (signing out must not end the actor's session). */
  disposableSession?: boolean;
}

export const MISSING_UUID = '00000000-0000-4000-8000-000000000000';

/** How to call a route for a case; `actor` only matters where "own" depends on the caller, `person` for a person's own session. */
export type RequestBuilder = (ctx: TestContext, world: World, objectCase: Case, actor: Actor, person?: PersonSession) => Promise<HttpCall> | HttpCall;

const providerOf = (objectCase: Case): string => (objectCase === 'own' ? 'schoolid-a' : objectCase === 'other' ? 'schoolid-b' : 'nope');
const personOf = (world: World, objectCase: Case): string => (objectCase === 'own' ? world.personR.personId : objectCase === 'other' ? world.personS.personId : MISSING_UUID);

/** The session and people routes. */
export const PEOPLE_REQUESTS: Record<string, RequestBuilder> = {
  'GET /v1/session/providers': () => ({ method: 'get', path: '/v1/session/providers' }),
  'GET /v1/session/sign-in/:provider': (_ctx, _world, objectCase) => ({ method: 'get', path: `/v1/session/sign-in/${providerOf(objectCase)}` }),
  'GET /v1/session/callback/:provider': (_ctx, _world, objectCase) => ({ method: 'get', path: `/v1/session/callback/${providerOf(objectCase)}?code=matrix&state=matrix` }),
  'GET /v1/session': () => ({ method: 'get', path: '/v1/session' }),
  'PUT /v1/session/role': (_ctx, world, objectCase, _actor, person) => ({
    method: 'put',
    path: '/v1/session/role',
    body: { roleId: objectCase === 'own' ? (person?.roleId ?? world.personR.roleId) : objectCase === 'other' ? world.personS.roleId : MISSING_UUID },
  }),
  'POST /v1/session/sign-out': () => ({ method: 'post', path: '/v1/session/sign-out', disposableSession: true }),
  'GET /v1/people': () => ({ method: 'get', path: '/v1/people' }),
  'GET /v1/people/:id': (_ctx, world, objectCase) => ({ method: 'get', path: `/v1/people/${personOf(world, objectCase)}` }),
  'PATCH /v1/people/:id': (_ctx, world, objectCase) => ({ method: 'patch', path: `/v1/people/${personOf(world, objectCase)}`, body: { displayName: 'Hernoemd' } }),
  'POST /v1/people/:id/roles': (_ctx, world, objectCase) => ({
    method: 'post',
    path: `/v1/people/${personOf(world, objectCase)}/roles`,
    body: { role: 'reader', institutionBrin: objectCase === 'other' ? world.institutions.Y.brin : world.institutions.B.brin },
  }),
  'DELETE /v1/people/:id/roles/:roleId': async (ctx, world, objectCase) => {
    if (objectCase === 'missing') return { method: 'delete', path: `/v1/people/${world.personR.personId}/roles/${MISSING_UUID}` };
    const person = objectCase === 'own' ? world.personR : world.personS;
    const institution = objectCase === 'own' ? world.institutions.B : world.institutions.Y;
    const [{ id }] = await ctx.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO person_roles (person_id, role, institution_id, granted_via, granted_by) VALUES ($1, 'editor', $2, 'direct', 'matrix') RETURNING id`,
      [person.personId, institution.id],
    );
    return { method: 'delete', path: `/v1/people/${person.personId}/roles/${id}` };
  },
  'POST /v1/invitations': (_ctx, world, objectCase) => ({
    method: 'post',
    path: '/v1/invitations',
    body: { role: 'reader', institutionBrin: objectCase === 'own' ? world.institutions.A.brin : objectCase === 'other' ? world.institutions.Y.brin : '00ZZ', label: 'Matrix' },
  }),
  'GET /v1/invitations': () => ({ method: 'get', path: '/v1/invitations' }),
  'DELETE /v1/invitations/:id': async (ctx, world, objectCase) => {
    if (objectCase === 'missing') return { method: 'delete', path: `/v1/invitations/${MISSING_UUID}` };
    const institution = objectCase === 'own' ? world.institutions.A : world.institutions.Y;
    const invitation = await ctx.app.get(PeopleService).inviteFromCli({ role: 'reader', institutionBrin: institution.brin, label: 'Matrix' });
    return { method: 'delete', path: `/v1/invitations/${invitation.id}` };
  },
};
