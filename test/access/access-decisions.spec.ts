import { randomUUID } from 'node:crypto';
import { createTestContext, TestContext } from 'test/utils/test-context';
import { AccessService } from 'src/access/access.service';
import { InstitutionPrincipal, personPrincipal, PlatformPrincipal, Principal, RegionPrincipal } from 'src/access/principal';
import { ROLE_SCOPES } from 'src/access/roles';
import { Scope } from 'src/access/scopes';
import { ProblemDocument, ProblemException } from 'src/common/problem';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

/**
 * The access service's decisions on a real database, without HTTP (the authorization matrix
 * covers the routes). The world:
 * - region R: A and X are members; E's membership ended yesterday; T's ends today;
 * - region S: Y is a member; M belongs to both R and S;
 * - N belongs to no region.
 */
describe('AccessService', () => {
  let ctx: TestContext;
  let access: AccessService;
  let R: RegionEntity, S: RegionEntity;
  let A: InstitutionEntity, X: InstitutionEntity, Y: InstitutionEntity, E: InstitutionEntity, T: InstitutionEntity, M: InstitutionEntity, N: InstitutionEntity;

  const institution = (of: { id: string }, scopes: Scope[] = ['insights:read']): InstitutionPrincipal => ({ clientId: `client-${randomUUID()}`, kind: 'institution', institutionId: of.id, scopes });
  const coordinator = (of: { id: string }, scopes: Scope[] = ['insights:read', 'region:admin']): RegionPrincipal => ({ clientId: `client-${randomUUID()}`, kind: 'region', regionId: of.id, scopes });
  const admin: PlatformPrincipal = { clientId: 'admin', kind: 'platform', scopes: ['platform:admin', 'audit:read'] };

  /** The problem a decision refused with (fails the test when it did not refuse). */
  const refusal = async (decide: () => unknown): Promise<ProblemDocument> => {
    try {
      await decide();
    } catch (error) {
      if (error instanceof ProblemException) return error.toDocument();
      throw error;
    }
    throw new Error('expected the decision to refuse');
  };
  /** A 404 with the name of what was asked for taken out, to compare "other tenant" with "missing". */
  const notFoundShape = async (decide: () => unknown, asked: string): Promise<ProblemDocument> => {
    const problem = await refusal(decide);
    expect(problem.status).toBe(404);
    return { ...problem, detail: problem.detail?.replace(asked, '<asked>') };
  };
  const sorted = (ids: string[] | 'all'): string[] | 'all' => (ids === 'all' ? ids : [...ids].sort());

  beforeAll(async () => {
    ctx = await createTestContext();
    access = ctx.app.get(AccessService);
    R = await ctx.newRegion();
    S = await ctx.newRegion();
    [A, X, Y, E, T, M, N] = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => ctx.newInstitution()));
    for (const member of [A, X, M]) await ctx.addMember(R, member);
    for (const member of [Y, M]) await ctx.addMember(S, member);
    await ctx.dataSource.query(`INSERT INTO region_memberships (region_id, institution_id, start_date, end_date) VALUES ($1, $2, '2015-08-01', CURRENT_DATE - 1), ($1, $3, '2015-08-01', CURRENT_DATE)`, [
      R.id,
      E.id,
      T.id,
    ]);
  });
  afterAll(() => ctx.close());

  describe('who uploads', () => {
    it('is the institution a records client acts for', async () => {
      await expect(access.uploaderOf(institution(X, ['records:write']))).resolves.toEqual({ id: X.id, brin: X.brin });
    });

    it('is nobody for coordinators, administrators and an institution that is gone', async () => {
      for (const auth of [coordinator(R), admin, institution({ id: randomUUID() }, ['records:write'])] as Principal[]) {
        expect(await refusal(() => access.uploaderOf(auth))).toMatchObject({ status: 403, type: expect.stringMatching(/institution-required$/) });
      }
    });
  });

  describe('which regions a caller sees', () => {
    it('is every region for administrators, the own region for coordinators, the current memberships for institutions', async () => {
      expect(await access.visibleRegionIds(admin)).toBe('all');
      expect(await access.visibleRegionIds(coordinator(S))).toEqual([S.id]);
      expect(await access.visibleRegionIds(institution(A))).toEqual([R.id]);
      expect(sorted(await access.visibleRegionIds(institution(M)))).toEqual([R.id, S.id].sort());
      expect(await access.visibleRegionIds(institution(N))).toEqual([]);
    });

    it('counts a membership until its end date', async () => {
      expect(await access.visibleRegionIds(institution(T))).toEqual([R.id]);
      expect(await access.visibleRegionIds(institution(E))).toEqual([]);
    });

    it('answers a region by code for those who see it', async () => {
      await expect(access.requireRegion(institution(A), R.code)).resolves.toEqual({ id: R.id, code: R.code, name: R.name });
      await expect(access.requireRegion(coordinator(R), R.code)).resolves.toMatchObject({ id: R.id });
      await expect(access.requireRegion(admin, S.code)).resolves.toMatchObject({ id: S.id });
    });

    it('answers another tenant’s region exactly like a missing one', async () => {
      const missing = await notFoundShape(() => access.requireRegion(institution(A), 'NO-SUCH-REGION'), 'NO-SUCH-REGION');
      expect(await notFoundShape(() => access.requireRegion(institution(A), S.code), S.code)).toEqual(missing);
      expect(await notFoundShape(() => access.requireRegion(institution(E), R.code), R.code)).toEqual(missing);
      expect(await notFoundShape(() => access.requireRegion(coordinator(S), R.code), R.code)).toEqual(missing);
    });
  });

  describe('which region a coordinator coordinates', () => {
    it('is the coordinator’s own region, for objects of the region too', async () => {
      await expect(access.requireRegion(coordinator(R), R.code, 'coordinate')).resolves.toMatchObject({ id: R.id });
      await expect(access.requireRegionOf(coordinator(R), { regionId: R.id, label: 'Definition set d' }, 'coordinate')).resolves.toMatchObject({ code: R.code });
    });

    it('answers 404 to everyone else, members and administrators included, under the object’s name', async () => {
      for (const auth of [coordinator(S), institution(A), admin] as Principal[]) {
        expect(await refusal(() => access.requireRegion(auth, R.code, 'coordinate'))).toMatchObject({ status: 404, detail: expect.stringContaining(`Region ${R.code}`) });
        expect(await refusal(() => access.requireRegionOf(auth, { regionId: R.id, label: 'Definition set d' }, 'coordinate'))).toMatchObject({
          status: 404,
          detail: expect.stringContaining('Definition set d'),
        });
      }
    });

    it('lets members see a region’s objects, under the object’s name when they may not', async () => {
      await expect(access.requireRegionOf(institution(A), { regionId: R.id, label: 'Definition set d' })).resolves.toMatchObject({ id: R.id });
      const other = await refusal(() => access.requireRegionOf(institution(A), { regionId: S.id, label: 'Definition set d' }));
      const missing = await refusal(() => access.requireRegionOf(institution(A), { regionId: randomUUID(), label: 'Definition set d' }));
      expect(other).toEqual(missing);
      expect(other).toMatchObject({ status: 404, detail: expect.stringContaining('Definition set d') });
    });

    it('is the region of a coordinator’s view, named or not; other kinds of callers are refused', async () => {
      await expect(access.coordinatedRegion(coordinator(R), undefined)).resolves.toMatchObject({ id: R.id });
      await expect(access.coordinatedRegion(coordinator(R), R.code)).resolves.toMatchObject({ id: R.id });
      const missing = await notFoundShape(() => access.coordinatedRegion(coordinator(R), 'NO-SUCH-REGION'), 'NO-SUCH-REGION');
      expect(await notFoundShape(() => access.coordinatedRegion(coordinator(R), S.code), S.code)).toEqual(missing);
      for (const auth of [institution(A), admin] as Principal[]) {
        expect(await refusal(() => access.coordinatedRegion(auth, R.code))).toMatchObject({ status: 403, type: expect.stringMatching(/coordinator-view$/) });
      }
    });
  });

  describe('the institution view scope', () => {
    it('is the named region the institution belongs to, or its only region', async () => {
      await expect(access.institutionView(institution(A), R.code)).resolves.toEqual({ region: { id: R.id, code: R.code, name: R.name }, institutionId: A.id });
      await expect(access.institutionView(institution(A), undefined)).resolves.toMatchObject({ region: { id: R.id }, institutionId: A.id });
      await expect(access.institutionView(institution(M), S.code)).resolves.toMatchObject({ region: { id: S.id }, institutionId: M.id });
    });

    it('answers a region the institution does not belong to (now) like a missing one', async () => {
      const missing = await notFoundShape(() => access.institutionView(institution(A), 'NO-SUCH-REGION'), 'NO-SUCH-REGION');
      expect(await notFoundShape(() => access.institutionView(institution(A), S.code), S.code)).toEqual(missing);
      expect(await notFoundShape(() => access.institutionView(institution(E), R.code), R.code)).toEqual(missing);
    });

    it('asks to name the region when there is not exactly one', async () => {
      for (const [auth, detail] of [
        [institution(M), /several regions/],
        [institution(N), /not a member of any region/],
      ] as const) {
        expect(await refusal(() => access.institutionView(auth, undefined))).toMatchObject({ status: 400, detail: expect.stringMatching(detail), errors: [{ parameter: 'region', code: 'regionRequired' }] });
      }
    });

    it('is for institutions only', async () => {
      for (const auth of [coordinator(R), admin] as Principal[]) {
        expect(await refusal(() => access.institutionView(auth, R.code))).toMatchObject({ status: 403, type: expect.stringMatching(/institution-view$/) });
      }
    });

    it('gives flows to coordinators as their region and to institutions as their view', async () => {
      await expect(access.viewTenant(coordinator(R), undefined)).resolves.toEqual({ kind: 'region', region: { id: R.id, code: R.code, name: R.name } });
      await expect(access.viewTenant(institution(X), R.code)).resolves.toEqual({ kind: 'institution', region: { id: R.id, code: R.code, name: R.name }, institutionId: X.id });
      expect(await refusal(() => access.viewTenant(admin, undefined))).toMatchObject({ status: 403 });
    });
  });

  describe('whether a caller may see an institution', () => {
    it('is its own record for an institution, every record for administrators', async () => {
      await expect(access.requireInstitution(institution(A), A.brin)).resolves.toEqual({ id: A.id, brin: A.brin });
      await expect(access.requireInstitution(admin, Y.brin)).resolves.toEqual({ id: Y.id, brin: Y.brin });
    });

    it('answers another institution, and any institution to a coordinator, like a missing one', async () => {
      const missing = await notFoundShape(() => access.requireInstitution(institution(A), '99ZZ'), '99ZZ');
      expect(await notFoundShape(() => access.requireInstitution(institution(A), X.brin), X.brin)).toEqual(missing);
      expect(await notFoundShape(() => access.requireInstitution(coordinator(R), A.brin), A.brin)).toEqual(missing);
    });
  });

  describe('interventions', () => {
    it('are seen by a region\'s coordinators and by institutions in their current regions; administrators are refused', async () => {
      expect(await access.interventionScope(coordinator(R))).toEqual({ kind: 'region', regionId: R.id });
      expect(await access.interventionScope(institution(M))).toEqual({ kind: 'institution', institutionId: M.id, regionIds: expect.arrayContaining([R.id, S.id]) });
      expect((await refusal(() => access.interventionScope(admin))).status).toBe(403);
    });

    it('are registered by a coordinator in its region and by an institution in a region it belongs to, with the current members', async () => {
      const byCoordinator = await access.interventionTenant(coordinator(R), undefined);
      expect(byCoordinator).toMatchObject({ region: { id: R.id }, institutionId: null });
      expect(byCoordinator.memberIds).toEqual(expect.arrayContaining([A.id, X.id, M.id]));
      expect(byCoordinator.memberIds).not.toContain(E.id);
      expect(await access.interventionTenant(institution(A), undefined)).toMatchObject({ region: { id: R.id }, institutionId: A.id });
      expect((await refusal(() => access.interventionTenant(institution(A), S.code))).status).toBe(404);
      expect((await refusal(() => access.interventionTenant(coordinator(R), S.code))).status).toBe(404);
      expect((await refusal(() => access.interventionTenant(admin, R.code))).status).toBe(403);
    });
  });

  describe('the scope of alerts, audit and webhooks', () => {
    it('gives alerts of the region to coordinators, of current regions to institutions, none to administrators', async () => {
      expect(await access.alertScope(coordinator(R))).toEqual({ kind: 'region', regionId: R.id });
      expect(await access.alertScope(institution(M))).toEqual({ kind: 'institution', institutionId: M.id, regionIds: expect.arrayContaining([R.id, S.id]) });
      expect(await access.alertScope(institution(E))).toEqual({ kind: 'institution', institutionId: E.id, regionIds: [] });
      expect(await access.alertScope(admin)).toBeNull();
    });

    it('lets the webhooks of current members hear about a region’s alerts', async () => {
      const members = await ctx.dataSource.transaction((manager) => access.webhookMemberIds(manager, R.id));
      expect([...members].sort()).toEqual([A.id, X.id, T.id, M.id].sort());
    });

    it('lets a webhook hear about the alerts its owner may see', () => {
      expect(access.webhookAlertScope({ ownerKind: 'region', regionId: R.id, institutionId: null }, R.id)).toEqual({ kind: 'region', regionId: R.id });
      expect(access.webhookAlertScope({ ownerKind: 'institution', regionId: null, institutionId: X.id }, R.id)).toEqual({ kind: 'institution', institutionId: X.id, regionIds: [R.id] });
    });

    it('gives the audit log whole to administrators, per region to coordinators, per institution to institutions', () => {
      expect(access.auditScope(admin)).toEqual({ all: true });
      expect(access.auditScope(coordinator(R))).toEqual({ regionId: R.id });
      expect(access.auditScope(institution(A))).toEqual({ institutionId: A.id });
    });

    it('lets coordinators (region:admin) manage the region’s webhooks and institutions (alerts:write) their own', async () => {
      expect(access.webhookOwner(coordinator(R))).toEqual({ kind: 'region', regionId: R.id });
      expect(access.webhookOwner(institution(X, ['alerts:read', 'alerts:write']))).toEqual({ kind: 'institution', institutionId: X.id });
      for (const auth of [coordinator(R, ['insights:read', 'alerts:write']), institution(X, ['alerts:read']), admin] as Principal[]) {
        expect(await refusal(() => access.webhookOwner(auth))).toMatchObject({ status: 403, type: expect.stringMatching(/insufficient-scope$/) });
      }
    });
  });

  describe('who takes part in a conversation', () => {
    const cell = (kind: 'supplier_receiver' | 'supplier_sector' | 'receiver' | 'region', supplier: InstitutionEntity | null, receiver: InstitutionEntity | null, region = R) => ({
      regionId: region.id,
      cellKind: kind,
      supplierInstitutionId: supplier?.id ?? null,
      receiverInstitutionId: receiver?.id ?? null,
    });

    it('is the parties of the cell, as for signals: its supplier, its receiver, the region’s coordinators', async () => {
      const a = (await access.conversationParty(institution(A)))!;
      const x = (await access.conversationParty(institution(X)))!;
      const m = (await access.conversationParty(institution(M)))!;
      const r = (await access.conversationParty(coordinator(R)))!;
      expect(a.party).toEqual({ kind: 'institution', id: A.id });
      expect(r.party).toEqual({ kind: 'region', id: R.id });
      expect(await access.conversationParty(admin)).toBeNull();
      const ax = cell('supplier_receiver', A, X);
      expect([a, x, m, r].map((p) => access.takesPart(p.scope, ax))).toEqual([true, true, false, true]);
      // A supplier × sector cell or a receiver total: the parties of that signal.
      expect([a, x, r].map((p) => access.takesPart(p.scope, cell('supplier_sector', A, null)))).toEqual([true, false, true]);
      expect([a, x, r].map((p) => access.takesPart(p.scope, cell('receiver', null, X)))).toEqual([false, true, true]);
      expect([a, x, r].map((p) => access.takesPart(p.scope, cell('region', null, null)))).toEqual([false, false, true]);
      // Another region's coordinators, and an institution whose membership ended, take no part.
      expect(access.takesPart((await access.conversationParty(coordinator(S)))!.scope, ax)).toBe(false);
      expect(access.takesPart((await access.conversationParty(institution(E)))!.scope, cell('supplier_receiver', E, X))).toBe(false);
    });

    it('starts on a cell of a visible region whose ends are members now, named by one of its ends or a coordinator', async () => {
      const resolved = await access.requireConversationCell(institution(A), { region: R.code, supplier: A.brin, receiver: X.brin }, '#/cell');
      expect(resolved).toEqual({ region: { id: R.id, code: R.code, name: R.name }, supplier: { id: A.id, brin: A.brin }, receiver: { id: X.id, brin: X.brin } });
      await expect(access.requireConversationCell(coordinator(R), { region: R.code, supplier: A.brin, receiver: M.brin }, '#/cell')).resolves.toBeDefined();
      expect(await refusal(() => access.requireConversationCell(institution(M), { region: R.code, supplier: A.brin, receiver: X.brin }, '#/cell'))).toMatchObject({ status: 403, type: expect.stringMatching(/other-institution$/) });
      expect(await refusal(() => access.requireConversationCell(coordinator(R), { region: R.code, supplier: E.brin, receiver: Y.brin }, '#/cell'))).toMatchObject({
        status: 400,
        errors: [expect.objectContaining({ pointer: '#/cell/supplier', code: 'notAMember' }), expect.objectContaining({ pointer: '#/cell/receiver', code: 'notAMember' })],
      });
      expect(await refusal(() => access.requireConversationCell(coordinator(S), { region: R.code, supplier: A.brin, receiver: X.brin }, '#/cell'))).toMatchObject({ status: 404 });
    });
  });

  describe('the tenant key of the view cache', () => {
    it('is the same for every client of a tenant and differs between tenants', () => {
      expect(access.tenantKey(institution(A))).toBe(access.tenantKey(institution(A, ['insights:read', 'records:read'])));
      const keys = [institution(A), institution(X), coordinator(R), coordinator(S), admin].map((auth) => access.tenantKey(auth));
      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  describe('people and their roles', () => {
    const person = { id: randomUUID(), name: 'J. Jansen' };

    it('gives a person of a role exactly the tenant and scopes of a client of that tenant', () => {
      const reader = personPrincipal(person, { id: randomUUID(), role: 'reader', institutionId: A.id });
      expect(reader).toMatchObject({ clientId: `person:${person.id}`, kind: 'institution', institutionId: A.id, person });
      expect(reader.scopes).toEqual([...ROLE_SCOPES.reader]);
      expect(reader.scopes).not.toContain('records:write');
      const editor = personPrincipal(person, { id: randomUUID(), role: 'editor', institutionId: A.id });
      expect(editor.scopes).toEqual(expect.arrayContaining(['records:write', 'alerts:write', 'audit:read']));
      expect(personPrincipal(person, { id: randomUUID(), role: 'coordinator', regionId: R.id })).toMatchObject({ kind: 'region', regionId: R.id, scopes: [...ROLE_SCOPES.coordinator] });
    });

    it('lets administrators manage everyone, and a coordinator (region:admin) the region and its current members only', async () => {
      expect(await access.peopleScope(admin)).toEqual({ all: true });
      const scope = await access.peopleScope(coordinator(R));
      expect(scope).toMatchObject({ regionId: R.id });
      expect(sorted((scope as { institutionIds: string[] }).institutionIds)).toEqual([A.id, X.id, M.id, T.id].sort());
    });

    it('refuses people management to institutions, to coordinators without region:admin and to administrators without platform:admin', async () => {
      const auditor: PlatformPrincipal = { clientId: 'auditor', kind: 'platform', scopes: ['audit:read'] };
      for (const auth of [institution(A, ['insights:read', 'records:write', 'audit:read']), coordinator(R, ['insights:read', 'alerts:write']), auditor] as Principal[]) {
        expect(await refusal(() => access.peopleScope(auth))).toMatchObject({ status: 403, type: expect.stringMatching(/insufficient-scope$/) });
      }
    });

    it('lets a coordinator grant roles on its own region and its current members; anything else answers like a missing one', async () => {
      await expect(access.requireRoleTarget(coordinator(R), { regionCode: R.code })).resolves.toEqual({ kind: 'region', region: expect.objectContaining({ id: R.id }) });
      await expect(access.requireRoleTarget(coordinator(R), { institutionBrin: A.brin })).resolves.toEqual({ kind: 'institution', institution: expect.objectContaining({ id: A.id }) });
      await expect(access.requireRoleTarget(coordinator(R), { institutionBrin: M.brin })).resolves.toMatchObject({ kind: 'institution' });
      const missingRegion = await notFoundShape(() => access.requireRoleTarget(coordinator(R), { regionCode: 'ZZZZNOPE' }), 'ZZZZNOPE');
      expect(await notFoundShape(() => access.requireRoleTarget(coordinator(R), { regionCode: S.code }), S.code)).toEqual(missingRegion);
      const missingInstitution = await notFoundShape(() => access.requireRoleTarget(coordinator(R), { institutionBrin: '99ZZ' }), '99ZZ');
      for (const other of [Y, E, N]) expect(await notFoundShape(() => access.requireRoleTarget(coordinator(R), { institutionBrin: other.brin }), other.brin)).toEqual(missingInstitution);
      await expect(access.requireRoleTarget(admin, { institutionBrin: N.brin })).resolves.toMatchObject({ kind: 'institution', institution: expect.objectContaining({ id: N.id }) });
      await expect(access.requireRoleTarget(admin, { regionCode: S.code })).resolves.toMatchObject({ kind: 'region' });
      expect(await refusal(() => access.requireRoleTarget(institution(A), { institutionBrin: A.brin }))).toMatchObject({ status: 403 });
    });

    it('says whether a role falls within a people scope', async () => {
      const scope = await access.peopleScope(coordinator(R));
      expect(access.roleInScope(scope, { role: 'coordinator', regionId: R.id, institutionId: null })).toBe(true);
      expect(access.roleInScope(scope, { role: 'coordinator', regionId: S.id, institutionId: null })).toBe(false);
      expect(access.roleInScope(scope, { role: 'reader', regionId: null, institutionId: X.id })).toBe(true);
      expect(access.roleInScope(scope, { role: 'editor', regionId: null, institutionId: Y.id })).toBe(false);
      expect(access.roleInScope(scope, { role: 'editor', regionId: null, institutionId: E.id })).toBe(false);
      expect(access.roleInScope(scope, { role: 'reader', regionId: R.id, institutionId: null })).toBe(false);
      expect(access.roleInScope({ all: true }, { role: 'reader', regionId: null, institutionId: N.id })).toBe(true);
    });

    it('grants a reader automatically only for a current member of a region that allows it, found by BRIN or home organisation', async () => {
      await ctx.dataSource.query(`UPDATE institutions SET home_organization = $2 WHERE id = $1`, [A.id, `school-${A.brin.toLowerCase()}.example.nl`]);
      // Nothing while no region allows it.
      expect(await access.automaticReaderGrant({ kind: 'brin', value: A.brin })).toBeNull();
      await ctx.dataSource.query(`UPDATE regions SET auto_grant_readers = true WHERE id = $1`, [R.id]);
      try {
        expect(await access.automaticReaderGrant({ kind: 'brin', value: A.brin.toLowerCase() })).toEqual({ institution: expect.objectContaining({ id: A.id }), regionId: R.id });
        expect(await access.automaticReaderGrant({ kind: 'home-organization', value: `SCHOOL-${A.brin}.example.nl` })).toEqual({ institution: expect.objectContaining({ id: A.id }), regionId: R.id });
        // M belongs to R (allows) and S (does not): R's policy grants it.
        expect(await access.automaticReaderGrant({ kind: 'brin', value: M.brin })).toMatchObject({ regionId: R.id });
        // A member of a region that does not allow it, an ended membership, no region, an unknown claim.
        for (const other of [Y, E, N]) expect(await access.automaticReaderGrant({ kind: 'brin', value: other.brin })).toBeNull();
        expect(await access.automaticReaderGrant({ kind: 'brin', value: '99ZZ' })).toBeNull();
        expect(await access.automaticReaderGrant({ kind: 'home-organization', value: 'unknown.example.nl' })).toBeNull();
        // A BRIN is not a home organisation, nor the other way round.
        expect(await access.automaticReaderGrant({ kind: 'home-organization', value: A.brin })).toBeNull();
      } finally {
        await ctx.dataSource.query(`UPDATE regions SET auto_grant_readers = false WHERE id = $1`, [R.id]);
      }
    });
  });
});
