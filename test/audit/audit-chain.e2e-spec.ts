import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditChainVerifier, ChainReport, parseAnchor } from 'src/audit/audit-chain';
import { AuditRepository, NewAuditEntry } from 'src/audit/audit.repository';
import { JobRunner } from 'src/jobs/job-runner';
import { enrolment, PROGRAMMES } from 'test/ingest/records.factory';
import { createTestContext, TestContext } from 'test/utils/test-context';

const entry = (requestId: string): NewAuditEntry => ({
  occurredAt: new Date(),
  requestId,
  clientId: null,
  institutionId: null,
  regionId: null,
  method: 'GET',
  route: '/v1/test',
  requiredScope: null,
  outcome: 'allowed',
  statusCode: 200,
  target: { rows: 1 },
  detail: {},
});

/** Runs `sql` as a superuser would to get around the triggers: replication mode skips them. */
const asSuperuserAroundTriggers = (dataSource: DataSource, sql: string, parameters: unknown[] = []): Promise<unknown> =>
  dataSource.transaction(async (manager) => {
    await manager.query(`SET LOCAL session_replication_role = replica`);
    return manager.query(sql, parameters);
  });

describe('audit log hash chain', () => {
  let ctx: TestContext;
  let verifier: AuditChainVerifier;
  let repository: AuditRepository;

  beforeAll(async () => {
    ctx = await createTestContext();
    verifier = ctx.app.get(AuditChainVerifier);
    repository = ctx.app.get(AuditRepository);
  });
  afterAll(() => ctx?.close());

  /** Puts an entry back exactly as it was (replication mode: the chain triggers do not touch it). */
  const putBack = async (saved: Record<string, unknown>): Promise<void> => {
    const columns = Object.keys(saved);
    await asSuperuserAroundTriggers(
      ctx.dataSource,
      `INSERT INTO audit_log (${columns.join(', ')}) OVERRIDING SYSTEM VALUE VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      columns.map((column) => {
        const value = saved[column];
        return value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value) ? JSON.stringify(value) : value;
      }),
    );
  };

  const seqOf = async (requestId: string): Promise<string> => {
    const [row]: Array<{ seq: string }> = await ctx.dataSource.query(`SELECT chain_seq::text AS seq FROM audit_log WHERE request_id = $1`, [requestId]);
    return row.seq;
  };

  it('chains every entry, also entries appended at the same time over several connections', async () => {
    await ctx.http.get('/v1/regions').expect(401);
    await Promise.all(Array.from({ length: 16 }, (_, batch) => repository.append(Array.from({ length: 5 }, (_, i) => entry(`concurrent-${batch}-${i}`)))));
    await ctx.flushAudit();
    const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM audit_log`);
    const report = await verifier.verify();
    expect(report).toEqual({ intact: true, entries: count, head: { seq: String(count), hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(count).toBeGreaterThanOrEqual(81);
  });

  it('ignores chain fields a writer supplies: the database sets them', async () => {
    await ctx.dataSource.query(
      `INSERT INTO audit_log (request_id, method, route, outcome, status_code, chain_seq, prev_hash, hash) VALUES ('forged', 'GET', '/v1/x', 'allowed', 200, 1, '\\x00', '\\x00')`,
    );
    expect(Number(await seqOf('forged'))).toBeGreaterThan(81);
    expect((await verifier.verify()).intact).toBe(true);
  });

  it('detects an entry a superuser changed, and is intact again once it is restored', async () => {
    await repository.append([entry('to-change'), entry('after-change')]);
    const seq = await seqOf('to-change');
    await asSuperuserAroundTriggers(ctx.dataSource, `UPDATE audit_log SET status_code = 403, outcome = 'denied' WHERE request_id = 'to-change'`);
    const report = await verifier.verify();
    expect(report).toMatchObject({ intact: false, firstBreak: { seq, reason: 'changed' } });
    expect(report.entries).toBe(Number(seq) - 1);

    await asSuperuserAroundTriggers(ctx.dataSource, `UPDATE audit_log SET status_code = 200, outcome = 'allowed' WHERE request_id = 'to-change'`);
    expect((await verifier.verify()).intact).toBe(true);
  });

  it('detects an entry a superuser deleted', async () => {
    await repository.append([entry('to-delete'), entry('after-delete')]);
    const seq = await seqOf('to-delete');
    const [saved] = await ctx.dataSource.query(`SELECT * FROM audit_log WHERE request_id = 'to-delete'`);
    await asSuperuserAroundTriggers(ctx.dataSource, `DELETE FROM audit_log WHERE request_id = 'to-delete'`);
    expect(await verifier.verify()).toMatchObject({ intact: false, firstBreak: { seq, id: null, reason: 'missing' } });

    await putBack(saved);
    expect((await verifier.verify()).intact).toBe(true);
  });

  it('detects a deleted last entry through the head, also after new entries follow', async () => {
    await repository.append([entry('last-deleted')]);
    const seq = await seqOf('last-deleted');
    const [saved] = await ctx.dataSource.query(`SELECT * FROM audit_log WHERE request_id = 'last-deleted'`);
    await asSuperuserAroundTriggers(ctx.dataSource, `DELETE FROM audit_log WHERE request_id = 'last-deleted'`);
    expect(await verifier.verify()).toMatchObject({ intact: false, firstBreak: { seq, reason: 'missing' } });

    // The next entries go on from the head, not from what is left: the gap stays visible.
    await repository.append([entry('after-last-deleted')]);
    expect(Number(await seqOf('after-last-deleted'))).toBe(Number(seq) + 1);
    expect(await verifier.verify()).toMatchObject({ intact: false, firstBreak: { seq, reason: 'missing' } });

    await putBack(saved as Record<string, unknown>);
    expect((await verifier.verify()).intact).toBe(true);
  });

  it('detects a rewound head through an anchor kept elsewhere', async () => {
    await repository.append([entry('last')]);
    const before = await verifier.verify();
    expect(before.intact).toBe(true);
    const anchor = parseAnchor(`${before.head!.seq}:${before.head!.hash}`);

    await asSuperuserAroundTriggers(ctx.dataSource, `DELETE FROM audit_log WHERE request_id = 'last'`);
    expect(await verifier.verify()).toMatchObject({ intact: false, firstBreak: { seq: anchor.seq, reason: 'missing' } });

    // A superuser who also rewinds the head hides the deletion from the chain alone, not from an anchor kept elsewhere.
    await ctx.dataSource.query(
      `UPDATE audit_chain_head SET seq = seq - 1, hash = (SELECT hash FROM audit_log WHERE chain_seq = (SELECT seq - 1 FROM audit_chain_head))`,
    );
    expect((await verifier.verify()).intact).toBe(true);
    expect(await verifier.verify({ anchor })).toMatchObject<Partial<ChainReport>>({ intact: false, firstBreak: { seq: anchor.seq, id: null, reason: 'anchor', detail: expect.any(String) } });
  });
});

/**
 * The service's role (`doorstroom_service`, made by a migration) may read and append audit
 * entries and nothing more: tried with SET ROLE in a transaction, on both databases.
 */
describe('the service role and the audit log', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.http.get('/v1/regions').expect(401);
    await ctx.flushAudit();
  });
  afterAll(() => ctx?.close());

  const asService = (sql: string): Promise<unknown> =>
    ctx.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL ROLE doorstroom_service`);
      return manager.query(sql);
    });

  it.each([
    ['update an entry', `UPDATE audit_log SET outcome = 'allowed'`, /permission denied/],
    ['delete entries', `DELETE FROM audit_log`, /permission denied/],
    ['truncate the log', `TRUNCATE audit_log`, /permission denied/],
    ['disable the append-only trigger', `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`, /must be owner/],
    ['drop the append-only trigger', `DROP TRIGGER audit_log_no_update_delete ON audit_log`, /must be owner/],
    ['disable the chain trigger', `ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain`, /must be owner/],
    ['replace the hash function', `CREATE OR REPLACE FUNCTION audit_log_entry_hash(prev bytea, entry audit_log) RETURNS bytea LANGUAGE sql AS 'SELECT prev'`, /must be owner|permission denied/],
    ['move the chain head', `UPDATE audit_chain_head SET seq = 0`, /permission denied/],
    ['skip triggers with session_replication_role', `SET session_replication_role = replica`, /permission denied/],
  ])('may not %s', async (_what, sql, refusal) => {
    await expect(asService(sql)).rejects.toThrow(refusal);
  });

  it('may read and append, and its entries are chained', async () => {
    await asService(`INSERT INTO audit_log (request_id, method, route, outcome, status_code) VALUES ('as-service', 'GET', '/v1/x', 'allowed', 200)`);
    const rows = (await asService(`SELECT chain_seq FROM audit_log WHERE request_id = 'as-service'`)) as unknown[];
    expect(rows).toHaveLength(1);
    expect((await ctx.app.get(AuditChainVerifier).verify()).intact).toBe(true);
  });
});

const postgresUrl = process.env.TEST_DATABASE_URL;
/** A login role per run on the test server, member of the service's group role. */
const describeOnPostgres = postgresUrl ? describe : describe.skip;

describeOnPostgres('the service running as a role without ownership (PostgreSQL only: PGlite has no logins)', () => {
  const login = `doorstroom_test_${randomBytes(4).toString('hex')}`;
  let ctx: TestContext;
  let serviceUrl: string;

  beforeAll(async () => {
    ctx = await createTestContext(); // migrated by the owner
    await ctx.dataSource.query(`CREATE ROLE ${login} LOGIN IN ROLE doorstroom_service`);
    const url = new URL((ctx.dataSource.options as { url: string }).url);
    url.username = login;
    serviceUrl = url.toString();
  });
  afterAll(async () => {
    await ctx?.close();
    if (ctx) {
      const { Client } = await import('pg');
      const admin = new Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`DROP ROLE IF EXISTS ${login}`).finally(() => admin.end());
    }
  });

  it('serves requests, appends chained audit entries, and cannot change them', async () => {
    const { createTestContextOn } = await import('test/audit/service-role-context');
    const service = await createTestContextOn(serviceUrl);
    try {
      const institution = await ctx.newInstitution({ sectors: ['mbo', 'hbo'] });
      // A region, so that the refresh the upload queues is a full one: it swaps in new partitions of kept rows.
      const region = await ctx.newRegion();
      await ctx.addMember(region, institution);
      const tokenOf = async (options: Parameters<TestContext['newClient']>[0]): Promise<string> => {
        const { clientId, secret } = await ctx.newClient(options);
        const response = await service.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }).expect(200);
        return response.body.access_token as string;
      };
      const admin = await tokenOf({ scopes: ['platform:admin'] });
      const token = await tokenOf({ institution, scopes: ['records:write', 'records:read'] });
      // A write, the refresh it queues (summaries, their triggers, ANALYZE) and a read, all as the service's role.
      await service.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: PROGRAMMES }).expect(200);
      await service.http.post('/v1/enrolments:batch').set('Authorization', `Bearer ${token}`).send({ records: [enrolment('role-1'), enrolment('role-2')] }).expect(200);
      expect(await service.app.get(JobRunner).runDue()).toBeGreaterThan(0);
      const jobs: Array<{ status: string; last_error: string | null }> = await ctx.dataSource.query(`SELECT status, last_error FROM jobs WHERE kind <> 'sweep-retention' AND kind <> 'abandoned-uploads'`);
      expect(jobs.length).toBeGreaterThan(0);
      expect(jobs).toEqual(jobs.map(() => ({ status: 'done', last_error: null })));
      const partitions: Array<{ bound: string }> = await ctx.dataSource.query(
        `SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'leaver_outcomes'::regclass`,
      );
      expect(partitions).toEqual([{ bound: `FOR VALUES IN ('${region.id}')` }]);
      const listed = await service.http.get('/v1/enrolments').set('Authorization', `Bearer ${token}`).expect(200);
      expect(listed.body.total).toBe(2);
      await service.http.post('/v1/enrolments:batch').set('Content-Type', 'application/json').send('{').expect(400);
      await service.flush();
      const [{ user }] = await service.dataSource.query(`SELECT current_user AS user`);
      expect(user).toBe(login);
      await expect(service.dataSource.query(`DELETE FROM audit_log`)).rejects.toThrow(/permission denied/);
      await expect(service.dataSource.query(`ALTER TABLE audit_log DISABLE TRIGGER USER`)).rejects.toThrow(/must be owner/);
      await expect(service.dataSource.query(`SET session_replication_role = replica`)).rejects.toThrow(/permission denied/);
      const report = await ctx.app.get(AuditChainVerifier).verify();
      expect(report.intact).toBe(true);
      const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM audit_log WHERE route = '/v1/enrolments\\:batch' AND status_code = 400`);
      expect(count).toBe(1);
    } finally {
      await service.close();
    }
  });

  it('refuses to start with pending migrations it may not apply, saying what to do', async () => {
    const { createScratchDatabase } = await import('src/database/scratch-database');
    const empty = await createScratchDatabase(postgresUrl);
    try {
      const url = new URL((empty.target as { url: string }).url);
      url.username = login;
      const { createTestContextOn } = await import('test/audit/service-role-context');
      await expect(createTestContextOn(url.toString())).rejects.toMatchObject({ code: 'migrations-need-owner' });
    } finally {
      await empty.close();
    }
  });
});

describe('chaining the entries written before the chain existed', () => {
  it('chains existing entries in id order when the migration runs', async () => {
    const { MIGRATIONS } = await import('migrations/index');
    const { ENTITIES } = await import('src/app.entities');
    const { buildDataSourceOptions, runMigrations } = await import('src/database/data-source-options');
    const { createScratchDatabase, scratchBaseUrl } = await import('src/database/scratch-database');
    const database = await createScratchDatabase(scratchBaseUrl());
    const open = async (migrations: Function[]): Promise<DataSource> => {
      const dataSource = new DataSource({ ...buildDataSourceOptions(database.target, { poolSize: 2, statementTimeoutMs: 60_000 }, ENTITIES), migrations });
      await dataSource.initialize();
      await runMigrations(dataSource);
      return dataSource;
    };
    try {
      const before = await open(MIGRATIONS.slice(0, MIGRATIONS.findIndex((migration) => migration.name.startsWith('AuditChain'))));
      await before.query(
        `INSERT INTO audit_log (request_id, method, route, outcome, status_code, target) SELECT 'old-' || g, 'GET', '/v1/x', 'allowed', 200, '{"rows": 1}' FROM generate_series(1, 3) g`,
      );
      await before.destroy();

      const after = await open(MIGRATIONS);
      try {
        const verifier = new AuditChainVerifier(new AuditRepository(after));
        expect(await verifier.verify()).toMatchObject({ intact: true, entries: 3, head: { seq: '3' } });
        await after.query(`INSERT INTO audit_log (request_id, method, route, outcome, status_code) VALUES ('new', 'GET', '/v1/x', 'allowed', 200)`);
        const rows: Array<{ request_id: string; chain_seq: string }> = await after.query(`SELECT request_id, chain_seq::text AS chain_seq FROM audit_log ORDER BY id`);
        expect(rows.map((row) => [row.request_id, row.chain_seq])).toEqual([
          ['old-1', '1'],
          ['old-2', '2'],
          ['old-3', '3'],
          ['new', '4'],
        ]);
        expect(await verifier.verify()).toMatchObject({ intact: true, entries: 4 });
      } finally {
        await after.destroy();
      }
    } finally {
      await database.close();
    }
  });
});
