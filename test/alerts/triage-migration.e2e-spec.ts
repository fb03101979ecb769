import { AlertTriage1796215746468 } from 'migrations/1796215746468-AlertTriage';
import { createTestContext, TestContext } from 'test/utils/test-context';

/**
 * Before per-party triage an acknowledgement or a manual resolution applied to everyone. The
 * migration gives each to the party whose API client took it and opens the signal again for the
 * others; the way back restores the shared states' constraint.
 */
describe('moving shared decisions into per-party triage', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it("turns each legacy decision into the triage of the party whose client took it, and reopens the signal for everyone else", async () => {
    const region = await ctx.newRegion();
    const A = await ctx.newInstitution({ sectors: ['vo'] });
    const X = await ctx.newInstitution({ sectors: ['hbo'] });
    for (const member of [A, X]) await ctx.addMember(region, member);
    const clientA = await ctx.newClient({ institution: A, scopes: ['alerts:read', 'alerts:write'] });
    const coordinator = await ctx.newClient({ region, scopes: ['alerts:read', 'alerts:write', 'region:admin'] });
    const [definition] = await ctx.dataSource.query(`SELECT id, version FROM definition_sets WHERE region_id = $1 AND version = 1`, [region.id]);

    const migration = new AlertTriage1796215746468();
    const runner = ctx.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      const alert = async (cohort: number, state: string, reason: string | null): Promise<string> => {
        const [row] = await runner.query(
          `INSERT INTO alerts (region_id, type, state, resolution_reason, cell_kind, cell_key, supplier_institution_id, receiver_institution_id, metric, cohort, direction, rule,
                               method_version, definition_set_id, definition_set_version, parameters, evidence_hash)
           VALUES ($1, 'trendbreuk', $2, $3, 'supplier_receiver', $4, $5, $6, 'uitval', $7, 'up', 'fdr', 'trendbreuk-1.0', $8, $9, '{}', repeat('0', 64)) RETURNING id`,
          [region.id, state, reason, `supplier_receiver|${A.id}|${X.id}|`, A.id, X.id, cohort, definition.id, definition.version],
        );
        return row.id;
      };
      const event = (alertId: string, kind: string, from: string, to: string, note: string, actorKind: string, actor: string) =>
        runner.query(`INSERT INTO alert_history (alert_id, event, from_state, to_state, note, actor_kind, actor_client_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [alertId, kind, from, to, note, actorKind, actor]);
      const acknowledged = await alert(2020, 'acknowledged', null);
      await event(acknowledged, 'acknowledged', 'open', 'acknowledged', 'Opgepakt door A.', 'institution', clientA.clientId);
      const resolved = await alert(2021, 'resolved', 'manual');
      await event(resolved, 'acknowledged', 'open', 'acknowledged', 'Gezien door A.', 'institution', clientA.clientId);
      await event(resolved, 'resolved', 'acknowledged', 'resolved', 'Afgerond in het overleg.', 'region', coordinator.clientId);
      const byPerson = await alert(2022, 'acknowledged', null);
      await event(byPerson, 'acknowledged', 'open', 'acknowledged', 'Door een persoon.', 'institution', 'person:00000000-0000-4000-8000-000000000001');
      const untouched = await alert(2019, 'open', null);
      await migration.up(runner);

      const triage = await runner.query(`SELECT alert_id, party_kind, party_id, state, note, actor_client_id FROM alert_triage WHERE region_id = $1 ORDER BY alert_id, party_kind`, [region.id]);
      expect(triage).toEqual(
        expect.arrayContaining([
          { alert_id: acknowledged, party_kind: 'institution', party_id: A.id, state: 'seen', note: 'Opgepakt door A.', actor_client_id: clientA.clientId },
          { alert_id: resolved, party_kind: 'institution', party_id: A.id, state: 'seen', note: 'Gezien door A.', actor_client_id: clientA.clientId },
          { alert_id: resolved, party_kind: 'region', party_id: region.id, state: 'resolved', note: 'Afgerond in het overleg.', actor_client_id: coordinator.clientId },
        ]),
      );
      expect(triage).toHaveLength(3);
      const states = await runner.query(`SELECT id, state, resolution_reason FROM alerts WHERE region_id = $1`, [region.id]);
      for (const id of [acknowledged, resolved, byPerson, untouched]) expect(states.find((row: { id: string }) => row.id === id)).toMatchObject({ state: 'open', resolution_reason: null });
      // The shared acknowledged state is gone for good.
      await expect(runner.query(`UPDATE alerts SET state = 'acknowledged' WHERE id = $1`, [untouched])).rejects.toThrow();
    } finally {
      await runner.release();
    }
  });
});
