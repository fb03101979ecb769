import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, EntityManager, Logger } from 'typeorm';
import { AccessRepository } from 'src/access/access.repository';
import { ApiClientRepository } from 'src/auth/api-client.repository';
import { ENTITIES } from 'src/app.entities';
import { AlertsRepository } from 'src/alerts/alerts.repository';
import { AlertValues } from 'src/alerts/detection/reconcile';
import { WebhooksRepository } from 'src/alerts/webhooks/webhooks.repository';
import { NewConversation } from 'src/conversations/conversation-rows';
import { ConversationsRepository } from 'src/conversations/conversations.repository';
import { AppConfig } from 'src/config/app-config';
import { AuditRepository } from 'src/audit/audit.repository';
import { buildDataSourceOptions, runMigrations } from 'src/database/data-source-options';
import { createScratchDatabase } from 'src/database/scratch-database';
import { IdempotencyRepository } from 'src/idempotency/idempotency.repository';
import { UploadsRepository } from 'src/ingest/uploads.repository';
import { IngestRepository, IngestTransaction } from 'src/ingest/ingest.repository';
import { ENROLMENTS } from 'src/records/kinds/enrolments';
import { LEAVERS } from 'src/records/kinds/leavers';
import { RecordsRepository } from 'src/records/records.repository';
import { InstitutionsRepository } from 'src/institutions/institutions.repository';
import { RegionEntity } from 'src/institutions/region.entity';
import { JobQueue } from 'src/jobs/job-queue';
import { JobsRepository } from 'src/jobs/jobs.repository';
import { DefinitionSetEntity } from 'src/outcomes/definition-set.entity';
import { DefinitionsRepository } from 'src/outcomes/definitions.repository';
import { ProgrammesRepository } from 'src/programmes/programmes.repository';
import { ReferencesRepository } from 'src/references/references.repository';
import { InsightsRepository } from 'src/insights/insights.repository';
import { ReasonViewsRepository } from 'src/insights/reason-views.repository';
import { InterventionsRepository } from 'src/interventions/interventions.repository';
import { RouteViewsRepository } from 'src/insights/route-views.repository';
import { SurveysRepository } from 'src/surveys/surveys.repository';
import { planRoutesAndLevels } from 'src/outcomes/routes.repository';
import { DisclosureRepository } from 'src/outcomes/disclosure/disclosure.repository';
import { PublicationPlanner } from 'src/outcomes/disclosure/publication-planner';
import { RetentionRepository } from 'src/retention/retention.repository';
import { PeopleRepository } from 'src/people/people.repository';
import { SessionsRepository } from 'src/session/sessions.repository';
import { SummariesRepository } from 'src/outcomes/summaries.repository';

/*
 * SQL snapshots: every statement a repository sends, for fixed example arguments, written to
 * src/queries/<repository file>.sql. Reviewers see a change to the SQL as a diff of these files,
 * and `--check` fails when the code and the committed files disagree (CI runs it).
 *
 * The examples run on a fresh embedded database with every migration, so each statement is also
 * known to be valid against the schema. A repository's table below must name every public
 * method (the compiler holds this): an example, or the reason it is not snapshotted.
 */

export const QUERIES_DIR = join(__dirname, '..', 'src', 'queries');

const REGION = '00000000-0000-4000-8000-00000000000a';
const INSTITUTION = '00000000-0000-4000-8000-00000000000b';
const BATCH = '00000000-0000-4000-8000-00000000000c';
const DEFINITION = '00000000-0000-4000-8000-00000000000d';
const PERSON = '00000000-0000-4000-8000-00000000000e';
const ROLE = '00000000-0000-4000-8000-00000000000f';
const PSEUDONYM = 'a'.repeat(64);
const CLIENT = 'client-example';
const AT = new Date('2025-10-01T00:00:00Z');
const PAGE = [50, 0] as const;
/** A region with two alerts (a seed, not recorded), so reconciliation updates, creates and resolves. */
const ALERT_REGION = '00000000-0000-4000-8000-0000000000a1';
const ALERT = '00000000-0000-4000-8000-0000000000a2';
const ALERT_GONE = '00000000-0000-4000-8000-0000000000a3';
const DELIVERY = '00000000-0000-4000-8000-0000000000a4';
const CONVERSATION = '00000000-0000-4000-8000-0000000000c1';
const ENTRY = '00000000-0000-4000-8000-0000000000c2';
const AUTHOR = { partyKind: 'region', partyId: ALERT_REGION, clientId: CLIENT, name: 'Example person' } as const;
/** A conversation on the example region's alert, started by its coordinators. */
const signalConversation: NewConversation = {
  regionId: ALERT_REGION,
  subject: 'signal',
  alertId: ALERT,
  cellKind: 'region',
  supplierInstitutionId: null,
  receiverInstitutionId: null,
  sector: null,
  programmeCode: null,
  cohort: 2023,
  metric: 'uitval',
  title: 'Uitval 2023',
  startedBy: AUTHOR,
};

/** A region-cell uitval alert of `cohort` as detection writes it. */
const alertValues = (cohort: number, evidenceHash: string): AlertValues => ({
  type: 'trendbreuk',
  cellKind: 'region',
  cellKey: 'region|||',
  supplierInstitutionId: null,
  receiverInstitutionId: null,
  sector: null,
  metric: 'uitval',
  cohort,
  direction: 'up',
  rule: 'fdr',
  definitionSetId: DEFINITION,
  nCurrent: 120,
  eventsCurrent: 30,
  currentRate: 0.25,
  nBaseline: 360,
  eventsBaseline: 54,
  baselineRate: 0.15,
  baselineCohorts: [cohort - 3, cohort - 2, cohort - 1],
  baselineSuppressed: false,
  effectPp: 10,
  p: 0.001,
  q: 0.01,
  methodVersion: 'example',
  definitionSetVersion: 1,
  parameters: { k: 10 },
  details: {},
  evidenceHash,
});

async function seedAlerts(dataSource: DataSource): Promise<void> {
  await dataSource.getRepository(RegionEntity).save({ id: ALERT_REGION, code: 'ALERTS', name: 'Example region', retentionMonths: 120 });
  for (const [id, cohort] of [
    [ALERT, 2023],
    [ALERT_GONE, 2022],
  ] as const) {
    await dataSource.query(
      `INSERT INTO alerts (id, region_id, type, cell_kind, cell_key, metric, cohort, rule, method_version, definition_set_id, definition_set_version, parameters, evidence_hash)
       VALUES ($1, $2, 'trendbreuk', 'region', 'region|||', 'uitval', $3, 'fdr', 'example', $4, 1, '{}', $5)`,
      [id, ALERT_REGION, cohort, DEFINITION, 'a'.repeat(64)],
    );
  }
}

/** A region refreshed in full today with one changed student since (a seed, not recorded). */
async function seedChangedStudent(dataSource: DataSource): Promise<void> {
  await dataSource.query(`INSERT INTO summary_refreshes (region_id, refreshed_at, cohorts, duration_ms, rendement_as_of) VALUES ($1, now(), '{}', 0, CURRENT_DATE)`, [REGION]);
  await dataSource.query(`INSERT INTO refresh_pending_students (region_id, pseudonym) VALUES ($1, $2)`, [REGION, PSEUDONYM]);
}

class RolledBack extends Error {}

/** Runs work in a transaction that is rolled back. */
const rolledBack = (dataSource: DataSource, work: (manager: EntityManager) => Promise<unknown>): Promise<void> =>
  dataSource
    .transaction(async (manager) => {
      await work(manager);
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });

type Method<R> = { [K in keyof R]: R[K] extends (...args: never[]) => unknown ? K : never }[keyof R];
type Example<R> = (repository: R) => Promise<unknown>;
/** Per public method: one or more examples (labelled when several), or why it has none. */
type Examples<R> = { [K in Method<R>]: Example<R> | Record<string, Example<R>> | { skip: string } };

interface Repositories {
  dataSource: DataSource;
  jobs: JobsRepository;
  ingest: IngestRepository;
  planner: PublicationPlanner;
}

interface Snapshot {
  file: string;
  /** Rows the examples need, written before they run (not recorded). */
  seed?: () => Promise<void>;
  examples: Array<{ label: string; run: () => Promise<unknown> }>;
}

function snapshot<R>(file: string, className: string, repository: R, examples: Examples<R>, seed?: () => Promise<void>): Snapshot {
  const runs: Snapshot['examples'] = [];
  const entries: Array<[string, Example<R> | Record<string, Example<R>> | { skip: string }]> = Object.entries(examples);
  for (const [method, entry] of entries) {
    if (typeof entry === 'function') runs.push({ label: `${className}.${method}`, run: () => entry(repository) });
    else if (!('skip' in entry)) {
      for (const [name, run] of Object.entries(entry)) runs.push({ label: `${className}.${method} (${name})`, run: () => run(repository) });
    }
  }
  return { file, examples: runs, seed };
}

/** Runs `work` in an ingest transaction that is always rolled back. */
const inTransaction =
  (ingest: IngestRepository, work: (tx: IngestTransaction) => Promise<unknown>): Example<unknown> =>
  async () => {
    const tx = await ingest.openTransaction();
    try {
      await work(tx);
    } finally {
      await tx.rollback();
    }
  };

function snapshots({ dataSource, jobs, ingest, planner }: Repositories): Snapshot[] {
  const inTx = (work: (tx: IngestTransaction) => Promise<unknown>): Example<IngestRepository> => inTransaction(ingest, work);
  const enrolmentChunk = ENROLMENTS.newChunk();
  const leaverChunk = LEAVERS.newChunk();
  return [
    snapshot('access.repository', 'AccessRepository', new AccessRepository(dataSource), {
      regionByCode: (r) => r.regionByCode('RR01'),
      regionById: (r) => r.regionById(REGION),
      institutionById: (r) => r.institutionById(INSTITUTION),
      institutionByBrin: (r) => r.institutionByBrin('00AA'),
      regionIdsOfInstitution: (r) => r.regionIdsOfInstitution(INSTITUTION),
      regionsOfInstitution: (r) => r.regionsOfInstitution(INSTITUTION),
      memberIdsOfRegion: (r) => r.memberIdsOfRegion(REGION),
      institutionByClaim: {
        'a BRIN': (r) => r.institutionByClaim('brin', '00aa'),
        'a home organisation': (r) => r.institutionByClaim('home-organization', 'Example.nl'),
      },
      autoGrantRegionIdsOf: (r) => r.autoGrantRegionIdsOf(INSTITUTION),
    }),
    snapshot(
      'alerts.repository',
      'AlertsRepository',
      new AlertsRepository(dataSource),
      {
        flowRows: (r) => r.flowRows(REGION),
        cellSeries: {
          'a supplier and a receiver': (r) => r.cellSeries(REGION, { kind: 'supplier_receiver', supplierId: INSTITUTION, receiverId: INSTITUTION, sector: null }),
          'a supplier and a sector': (r) => r.cellSeries(REGION, { kind: 'supplier_sector', supplierId: INSTITUTION, receiverId: null, sector: 'hbo' }),
          'a receiver': (r) => r.cellSeries(REGION, { kind: 'receiver', supplierId: null, receiverId: INSTITUTION, sector: null }),
          'the region': (r) => r.cellSeries(REGION, { kind: 'region', supplierId: null, receiverId: null, sector: null }),
        },
        reconcile: (r) => r.reconcile(ALERT_REGION, [alertValues(2023, 'b'.repeat(64)), alertValues(2024, 'c'.repeat(64))], async () => {}),
        list: {
          "a region's inbox": (r) => r.list({ kind: 'region', regionId: ALERT_REGION }, { kind: 'region', id: ALERT_REGION }, {}, 'severity', ...PAGE),
          'an institution, every filter': (r) =>
            r.list(
              { kind: 'institution', institutionId: INSTITUTION, regionIds: [ALERT_REGION] },
              { kind: 'institution', id: INSTITUTION },
              { type: 'trendbreuk', state: 'open', triage: 'unresolved', cohort: 2023, metric: 'uitval', cellKind: 'region', institutionBrin: '00AA', regionCode: 'ALERTS' },
              'absEffect',
              ...PAGE,
            ),
          'one triage state': (r) => r.list({ kind: 'region', regionId: ALERT_REGION }, { kind: 'region', id: ALERT_REGION }, { triage: 'seen' }, '-updatedAt', ...PAGE),
        },
        findView: {
          'for a party': (r) => r.findView(ALERT, { kind: 'region', id: ALERT_REGION }),
          'for no party': (r) => r.findView(ALERT),
        },
        viewsByIds: (r) => r.viewsByIds(dataSource.manager, [ALERT, ALERT_GONE]),
        history: (r) => r.history(ALERT, { kind: 'region', id: ALERT_REGION }),
        setTriage: {
          'from any state': (r) =>
            r.setTriage(
              { id: ALERT, regionId: ALERT_REGION },
              { kind: 'region', id: ALERT_REGION },
              { to: 'in-conversation', note: 'Besproken in het netwerkoverleg', actorKind: 'region', actorClientId: CLIENT },
              async () => {},
            ),
          'from allowed states': (r) =>
            r.setTriage(
              { id: ALERT, regionId: ALERT_REGION },
              { kind: 'institution', id: INSTITUTION },
              { from: ['new'], to: 'seen', note: 'Gezien', actorKind: 'institution', actorClientId: CLIENT },
              async () => {},
            ),
        },
      },
      () => seedAlerts(dataSource),
    ),
    snapshot('webhooks.repository', 'WebhooksRepository', new WebhooksRepository(dataSource), {
      create: (r) =>
        r.create({ kind: 'region', regionId: ALERT_REGION }, { url: 'https://example.org/hook', description: 'Example', types: ['trendbreuk'], secret: 'example-secret', createdByClientId: CLIENT }),
      countForOwner: (r) => r.countForOwner({ kind: 'region', regionId: ALERT_REGION }),
      listForOwner: {
        "a region's coordinators": (r) => r.listForOwner({ kind: 'region', regionId: ALERT_REGION }, ...PAGE),
        'an institution': (r) => r.listForOwner({ kind: 'institution', institutionId: INSTITUTION }, ...PAGE),
      },
      findForOwner: (r) => r.findForOwner(DELIVERY, { kind: 'institution', institutionId: INSTITUTION }),
      deleteForOwner: (r) => r.deleteForOwner(DELIVERY, { kind: 'region', regionId: ALERT_REGION }),
      forRegion: (r) => r.forRegion(dataSource.manager, ALERT_REGION, [INSTITUTION]),
      insertDeliveries: (r) => r.insertDeliveries(dataSource.manager, [{ id: DELIVERY, webhookId: DELIVERY, alertId: ALERT, event: 'alert.created', body: '{}' }]),
      deliveries: (r) => r.deliveries(DELIVERY, ...PAGE),
      claimDue: (r) => r.claimDue(10, 30_000),
      markDelivered: (r) => r.markDelivered(DELIVERY, 204),
      markAttemptFailed: {
        'retried later': (r) => r.markAttemptFailed(DELIVERY, 503, 'Service Unavailable', AT),
        'failed for good': (r) => r.markAttemptFailed(DELIVERY, null, 'connection refused', null),
      },
    }),
    snapshot('interventions.repository', 'InterventionsRepository', new InterventionsRepository(dataSource), {
      insert: (r) =>
        r.insert({
          regionId: ALERT_REGION,
          type: 'first-100-days',
          title: 'Zachte landing',
          description: '',
          partyIds: [INSTITUTION],
          target: { kind: 'cells', cells: [{ supplierId: INSTITUTION, receiverId: INSTITUTION }] },
          firstCohort: 2022,
          metric: 'uitval',
          direction: 'decrease',
          reviewDate: '2024-06-30',
          registeredByKind: 'institution',
          registeredByInstitutionId: INSTITUTION,
        }),
      list: {
        "a region's coordinators": (r) => r.list({ kind: 'region', regionId: ALERT_REGION }, {}),
        'a party, due for review': (r) => r.list({ kind: 'institution', institutionId: INSTITUTION, regionIds: [ALERT_REGION] }, { state: 'active', reviewDueBy: '2024-06-30' }),
      },
      byId: (r) => r.byId({ kind: 'institution', institutionId: INSTITUTION, regionIds: [ALERT_REGION] }, DELIVERY),
      update: (r) => r.update(DELIVERY, { title: 'Zachte landing, herzien', reviewDate: '2025-06-30' }),
      withdraw: (r) => r.withdraw(DELIVERY),
      pairCohorts: (r) => r.pairCohorts(ALERT_REGION),
      receiverOfferings: (r) => r.receiverOfferings(ALERT_REGION),
      institutions: (r) => r.institutions([INSTITUTION], ['00AA']),
    }),
    snapshot('conversations.repository', 'ConversationsRepository', new ConversationsRepository(dataSource), {
      start: {
        'a new conversation with a first note': (r) => r.start(signalConversation, { kind: 'note', text: 'Wat zit hierachter?', ownerRole: null, dueDate: null, author: AUTHOR }),
        'a signal that has one already': (r) => r.start(signalConversation, null),
      },
      list: {
        "a region's coordinators, every filter": (r) => r.list({ kind: 'region', regionId: ALERT_REGION }, { alertId: ALERT, regionCode: 'ALERTS', subject: 'signal', withOpenActions: true }, ...PAGE),
        'an institution': (r) => r.list({ kind: 'institution', institutionId: INSTITUTION, regionIds: [ALERT_REGION] }, {}, ...PAGE),
      },
      findView: (r) => r.findView(CONVERSATION),
      ofAlerts: (r) => r.ofAlerts([ALERT]),
      entries: (r) => r.entries({ id: CONVERSATION, regionId: ALERT_REGION }),
      openActions: (r) => r.openActions([CONVERSATION]),
      actionEvents: (r) => r.actionEvents({ id: CONVERSATION, regionId: ALERT_REGION }),
      addEntry: (r) => r.addEntry({ id: CONVERSATION, regionId: ALERT_REGION }, { kind: 'action', text: 'Leerlijnen afstemmen', ownerRole: 'supplier', dueDate: '2026-03-01', author: AUTHOR }),
      setActionStatus: (r) => r.setActionStatus({ id: CONVERSATION, regionId: ALERT_REGION }, ENTRY, { to: 'done', note: 'Afgestemd', actor: AUTHOR }),
    }),
    snapshot('audit.repository', 'AuditRepository', new AuditRepository(dataSource), {
      append: (r) =>
        r.append([
          {
            occurredAt: AT,
            requestId: 'request-1',
            clientId: CLIENT,
            institutionId: INSTITUTION,
            regionId: null,
            method: 'DELETE',
            route: 'v1/batches/:id',
            requiredScope: 'records:write',
            outcome: 'allowed',
            statusCode: 200,
            target: { batchId: BATCH },
            detail: { batchId: BATCH },
          },
        ]),
      chainHead: (r) => r.chainHead(),
      chainLinks: (r) => r.chainLinks('0', '100', 50),
      list: {
        'a region, a time window': (r) => r.list({ regionId: REGION }, { since: AT, until: new Date('2025-11-01T00:00:00Z') }, ...PAGE),
        'an institution': (r) => r.list({ institutionId: INSTITUTION }, {}, ...PAGE),
        'everything (platform administrator)': (r) => r.list({ all: true }, {}, ...PAGE),
      },
    }),
    snapshot('idempotency.repository', 'IdempotencyRepository', new IdempotencyRepository(dataSource), {
      claim: {
        'a new key': (r) => r.claim(CLIENT, 'key-1', 'fingerprint', 86_400, 60),
        'a key taken already': (r) => r.claim(CLIENT, 'key-1', 'fingerprint', 86_400, 60),
      },
      find: (r) => r.find(CLIENT, 'key-1'),
      complete: (r) => r.complete(dataSource.manager, CLIENT, 'key-1', 'fingerprint', 200, { ok: true }, 86_400),
      renew: (r) => r.renew(CLIENT, 'key-1'),
      release: (r) => r.release(CLIENT, 'key-1'),
      purgeExpired: (r) => r.purgeExpired(CLIENT),
    }),
    snapshot('ingest.repository', 'IngestRepository', ingest, {
      openTransaction: {
        'IngestTransaction.upsert (enrolments)': inTx((tx) => tx.upsert(ENROLMENTS, INSTITUTION, BATCH, enrolmentChunk)),
        'IngestTransaction.upsert (leavers)': inTx((tx) => tx.upsert(LEAVERS, INSTITUTION, BATCH, leaverChunk)),
        'IngestTransaction.holdBatch': inTx((tx) => tx.holdBatch(BATCH)),
        'IngestTransaction.commitBatch': inTx((tx) => tx.commitBatch(BATCH, { rows: 10, inserted: 6, updated: 3, unchanged: 1 })),
        'IngestTransaction.lockBatch': inTx((tx) => tx.lockBatch(INSTITUTION, BATCH)),
        'IngestTransaction.deleteBatchRows (enrolments)': inTx((tx) => tx.deleteBatchRows(INSTITUTION, BATCH, ENROLMENTS)),
        'IngestTransaction.deleteBatchRows (leavers)': inTx((tx) => tx.deleteBatchRows(INSTITUTION, BATCH, LEAVERS)),
        'IngestTransaction.markBatchDeleted': inTx((tx) => tx.markBatchDeleted(BATCH, 4)),
        'IngestTransaction.erasePseudonym': inTx((tx) => tx.erasePseudonym(INSTITUTION, PSEUDONYM)),
      },
      createBatch: (r) => r.createBatch({ institutionId: INSTITUTION, clientId: CLIENT, kind: 'enrolments', source: 'csv', status: 'receiving' }),
      reportProgress: (r) => r.reportProgress(BATCH, 5_000),
      failBatch: (r) => r.failBatch(BATCH, 5_000, 3),
      failAbandonedBatches: (r) => r.failAbandonedBatches(INSTITUTION),
    }),
    snapshot('uploads.repository', 'UploadsRepository', new UploadsRepository(dataSource), {
      getBatch: (r) => r.getBatch(INSTITUTION, BATCH),
      listBatches: {
        'no filter': (r) => r.listBatches(INSTITUTION, {}, ...PAGE),
        'kind and status': (r) => r.listBatches(INSTITUTION, { kind: 'leavers', status: 'failed' }, ...PAGE),
      },
      failAbandonedUploads: (r) => r.failAbandonedUploads(),
      nextAbandonedCheck: (r) => r.nextAbandonedCheck(),
    }),
    snapshot('records.repository', 'RecordsRepository', new RecordsRepository(dataSource), {
      listEnrolments: {
        'no filter, by id': (r) => r.listEnrolments(INSTITUTION, {}, { column: 'id', descending: false }, ...PAGE),
        'every filter, by start date descending': (r) =>
          r.listEnrolments(INSTITUTION, { cohort: 2024, pseudonym: PSEUDONYM, programmeCode: '34567' }, { column: 'start_date', descending: true }, ...PAGE),
      },
      getEnrolment: (r) => r.getEnrolment(INSTITUTION, '1'),
      listLeavers: {
        'no filter, by id': (r) => r.listLeavers(INSTITUTION, {}, { column: 'id', descending: false }, ...PAGE),
        'every filter, by school year': (r) => r.listLeavers(INSTITUTION, { schoolYear: 2024, pseudonym: PSEUDONYM }, { column: 'school_year', descending: false }, ...PAGE),
      },
      getLeaver: (r) => r.getLeaver(INSTITUTION, '1'),
    }),
    snapshot('institutions.repository', 'InstitutionsRepository', new InstitutionsRepository(dataSource), {
      listMemberships: (r) => r.listMemberships(REGION),
      findRegionByCode: { skip: 'TypeORM repository API (single row)' },
      findRegionById: { skip: 'TypeORM repository API (single row)' },
      listRegions: { skip: 'TypeORM query builder' },
      createRegion: { skip: 'TypeORM repository API (single row)' },
      updateRegion: { skip: 'TypeORM repository API (single row)' },
      findInstitutionByBrin: { skip: 'TypeORM repository API (single row)' },
      findInstitutionById: { skip: 'TypeORM repository API (single row)' },
      findInstitutionByHomeOrganization: { skip: 'TypeORM repository API (single row)' },
      listInstitutions: { skip: 'TypeORM repository API' },
      createInstitution: { skip: 'TypeORM repository API (single row)' },
      updateInstitution: { skip: 'TypeORM repository API (single row)' },
      upsertMembership: { skip: 'TypeORM repository API (single row)' },
      deleteMembership: { skip: 'TypeORM repository API (single row)' },
    }),
    snapshot('jobs.repository', 'JobsRepository', jobs, {
      insert: (r) => r.insert(dataSource.manager, 'refresh-region', { regionId: REGION }, { runAfter: AT }),
      nextDueKind: (r) => r.nextDueKind(['refresh-summaries', 'refresh-region']),
      claim: {
        'any kind': (r) => r.claim(),
        'some kinds': (r) => r.claim({ kinds: ['refresh-summaries', 'refresh-region'], limit: 20 }),
      },
      complete: (r) => r.complete('1'),
      fail: (r) => r.fail('1', 'example error', { retryDelayMs: 30_000, maxAttempts: 5 }),
      rearm: (r) => r.rearm('1', AT, null),
      ensureRecurring: (r) => r.ensureRecurring('sweep-retention', { dueNow: true }),
      heartbeat: (r) => r.heartbeat(['1', '2']),
      requeueStale: (r) => r.requeueStale(600_000, ['refresh-summaries']),
    }),
    snapshot('definitions.repository', 'DefinitionsRepository', new DefinitionsRepository(dataSource, new JobQueue(jobs)), {
      findById: { skip: 'TypeORM repository API (single row)' },
      listForRegion: { skip: 'TypeORM repository API' },
      create: { skip: 'TypeORM repository API, after the lock and the next version number of activate' },
      activate: (r) => r.activate({ id: DEFINITION, regionId: REGION } as DefinitionSetEntity, 2025),
    }),
    snapshot('programmes.repository', 'ProgrammesRepository', new ProgrammesRepository(dataSource), {
      upsertProgrammes: (r) =>
        r.upsertProgrammes([{ sector: 'hbo', code: '34567', name: 'Example', level: 'bachelor', nominalDurationYears: 4, validFromCohort: 2020, validToCohort: null }]),
      upsertSuccessors: (r) => r.upsertSuccessors([{ oldCode: '25180', newCode: '25604', fromCohort: 2024 }]),
      existingCodes: (r) => r.existingCodes('mbo', ['25180', '25604']),
      allCodes: (r) => r.allCodes(),
      listProgrammes: {
        'no filter': (r) => r.listProgrammes({}, ...PAGE),
        'sector and code': (r) => r.listProgrammes({ sector: 'mbo', code: '25180' }, ...PAGE),
      },
      listSuccessors: (r) => r.listSuccessors(),
    }),
    snapshot('references.repository', 'ReferencesRepository', new ReferencesRepository(dataSource), {
      import: (r) =>
        r.import(
          [
            {
              source: 'Example source',
              sourceUrl: 'https://example.org/figures',
              licence: 'CC BY 4.0',
              definitions: 'Uitval: no enrolment on 1 October of year 2 and no diploma.',
              synthetic: true,
              sector: 'hbo',
              level: '',
              programmeGroup: '',
              priorEducation: '',
              instroom: 'all',
              metric: 'uitval',
              switchersCountAsUitval: false,
              firstYearInSectorOnly: true,
              referenceMonth: 10,
              referenceDay: 1,
            },
          ],
          [{ series: 0, cohort: 2022, rate: 0.15, n: 40000 }],
        ),
      listSeries: {
        'no filter': (r) => r.listSeries({}),
        'a view: sectors, prior education, whole sector': (r) => r.listSeries({ sectors: ['hbo', 'mbo'], priorEducation: ['havo'], wholeSector: true }),
        'by id and metric': (r) => r.listSeries({ ids: [REGION], metrics: ['uitval'] }),
        'a view by level: sector × level pairs, all prior education': (r) => r.listSeries({ levels: [{ sector: 'mbo', level: '1' }, { sector: 'hbo', level: 'bachelor' }], priorEducation: [] }),
      },
      points: {
        'a window': (r) => r.points([REGION], 2020, 2024),
        'every cohort': (r) => r.points([REGION], undefined, undefined),
      },
      deleteSeries: (r) => r.deleteSeries(REGION),
    }),
    snapshot('api-client.repository', 'ApiClientRepository', new ApiClientRepository(dataSource), {
      findByClientId: { skip: 'TypeORM repository API (single row)' },
      findActiveByClientId: { skip: 'TypeORM repository API (single row)' },
      findActiveForRequest: { skip: 'findActiveWithViewCounters on PostgreSQL, the kept client on the embedded database' },
      findActiveWithViewCounters: (r) => r.findActiveWithViewCounters(CLIENT),
      findById: { skip: 'TypeORM repository API (single row)' },
      list: { skip: 'TypeORM repository API' },
      create: { skip: 'TypeORM repository API (single row)' },
      updateSecret: { skip: 'TypeORM repository API (single row)' },
      revoke: { skip: 'TypeORM repository API (single row)' },
      updateScopes: { skip: 'TypeORM repository API (single row)' },
    }),
    snapshot('insights.repository', 'InsightsRepository', new InsightsRepository(dataSource), {
      viewVersions: (r) => r.viewVersions(),
      hasVersions: (r) => r.hasVersions(dataSource.manager, new Map([['global', '3'], [REGION, '7']]), REGION),
      scopeRows: {
        'a supplier by receiver, with the benchmark and the leavers': (r) => r.scopeRows({ side: 'supplier', regionId: REGION, institutionId: INSTITUTION }, 'receiver', 'all', { benchmarkWithout: INSTITUTION, withLeavers: true }),
        'a receiver by level': (r) => r.scopeRows({ side: 'receiver', regionId: REGION, institutionId: INSTITUTION }, 'level', 'all'),
      },
      regionRows: {
        'the last cohort': (r) => r.regionRows(REGION, null),
        'a cohort': (r) => r.regionRows(REGION, 2022),
      },
      sectorLevels: (r) => r.sectorLevels({ side: 'supplier', regionId: REGION, institutionId: INSTITUTION }, 2020, 2024),
      flows: {
        'the region via receiver, the last cohort': (r) => r.flows({ side: 'region', regionId: REGION }, 'supplier', 'receiver', null, 'none'),
        'a receiver via sector': (r) => r.flows({ side: 'receiver', regionId: REGION, institutionId: INSTITUTION }, 'supplier', 'sector', 2022, 'all'),
      },
      cohortRange: (r) => r.cohortRange({ side: 'supplier', regionId: REGION, institutionId: INSTITUTION }),
      institutionLabels: (r) => r.institutionLabels([INSTITUTION]),
      programmeLabels: (r) => r.programmeLabels(['25180']),
    }),
    snapshot('disclosure.repository', 'DisclosureRepository', new DisclosureRepository(dataSource), {
      withheld: (r) => r.withheld(REGION, 2020, 2024),
      withheldAmong: (r) => r.withheldAmong(REGION, [2022, 2022, 2023], ['', 'supplier=' + INSTITUTION, '']),
    }),
    snapshot('route-views.repository', 'RouteViewsRepository', new RouteViewsRepository(dataSource), {
      routes: {
        'a supplier': (r) => r.routes(REGION, INSTITUTION, 2020, 2024),
        'the region': (r) => r.routes(REGION, null, 2020, 2024),
      },
      cohortRange: {
        'a supplier': (r) => r.cohortRange(REGION, INSTITUTION),
        'the region': (r) => r.cohortRange(REGION, null),
      },
    }),
    snapshot('reason-views.repository', 'ReasonViewsRepository', new ReasonViewsRepository(dataSource), {
      reasons: {
        'the region': (r) => r.reasons({ regionId: REGION }, 2020, 2024),
        'a supplier (alumni by receiver)': (r) => r.reasons({ regionId: REGION, supplierId: INSTITUTION }, 2020, 2024),
        'a receiver (intake by supplier)': (r) => r.reasons({ regionId: REGION, receiverId: INSTITUTION }, 2020, 2024),
      },
    }),
    // Part of the refresh's transaction (SummariesRepository.protectCohorts), in a transaction that is rolled back.
    snapshot('routes.repository', 'planRoutesAndLevels', { planRoutesAndLevels }, {
      planRoutesAndLevels: {
        'the cohorts a refresh touched': () => rolledBack(dataSource, (manager) => planRoutesAndLevels(manager, planner, REGION, [2022, 2023])),
      },
    }),
    snapshot('people.repository', 'PeopleRepository', new PeopleRepository(dataSource), {
      transaction: { skip: 'begins and commits a transaction, no SQL of its own' },
      findPerson: { skip: 'TypeORM repository API (single row)' },
      findPersonById: { skip: 'TypeORM repository API (single row)' },
      createPerson: { skip: 'TypeORM repository API (single row)' },
      touchSignIn: (r) => r.touchSignIn(dataSource.manager, PERSON),
      renamePerson: (r) => r.renamePerson(PERSON, 'J. Jansen, decaan'),
      currentRoles: (r) => r.currentRoles(PERSON),
      currentRole: (r) => r.currentRole(PERSON, ROLE),
      currentRoleOn: {
        'a region': (r) => r.currentRoleOn(dataSource.manager, PERSON, { regionId: REGION }),
        'an institution': (r) => r.currentRoleOn(dataSource.manager, PERSON, { institutionId: INSTITUTION }),
      },
      insertRole: { skip: 'TypeORM repository API (single row)' },
      revokeRole: (r) => r.revokeRole(dataSource.manager, ROLE),
      rolesInScope: {
        'a region (its coordinators, its members’ readers and editors)': (r) => r.rolesInScope({ regionId: REGION, institutionIds: [INSTITUTION] }, PERSON),
        'everything (platform administrator)': (r) => r.rolesInScope({ all: true }, PERSON),
      },
      peopleInScope: {
        'a region': (r) => r.peopleInScope({ regionId: REGION, institutionIds: [INSTITUTION] }, ...PAGE),
        'everything (platform administrator)': (r) => r.peopleInScope({ all: true }, ...PAGE),
      },
      personInScope: (r) => r.personInScope({ regionId: REGION, institutionIds: [INSTITUTION] }, PERSON),
      insertInvitation: { skip: 'TypeORM repository API (single row), then invitationById' },
      invitationById: (r) => r.invitationById(ROLE),
      findOpenInvitation: (r) => r.findOpenInvitation(dataSource.manager, 'c'.repeat(64)),
      acceptInvitation: (r) => r.acceptInvitation(dataSource.manager, ROLE, PERSON),
      revokeInvitation: (r) => r.revokeInvitation(ROLE),
      invitationsInScope: {
        'a region': (r) => r.invitationsInScope({ regionId: REGION, institutionIds: [INSTITUTION] }, ...PAGE),
        'everything (platform administrator)': (r) => r.invitationsInScope({ all: true }, ...PAGE),
      },
    }),
    snapshot('sessions.repository', 'SessionsRepository', new SessionsRepository(dataSource), {
      insertAttempt: { skip: 'TypeORM repository API (single row)' },
      takeAttempt: (r) => r.takeAttempt('state-example'),
      insertSession: { skip: 'TypeORM repository API (single row)' },
      findSession: { skip: 'TypeORM repository API (single row)' },
      touchSession: (r) => r.touchSession(PERSON, AT),
      setRole: (r) => r.setRole(PERSON, ROLE),
      deleteSession: (r) => r.deleteSession(PERSON),
      deleteExpired: (r) => r.deleteExpired(3_600),
    }),
    snapshot('summaries.repository', 'SummariesRepository', new SummariesRepository(dataSource, { database: { refreshTimeoutMs: 1_800_000 } } as AppConfig, planner), {
      recordRange: (r) => r.recordRange(REGION),
      refresh: {
        'the students changed since the last refresh (seeded: one)': (r) => r.refresh(REGION, 'changed'),
        'the whole region': (r) => r.refresh(REGION, 'all'),
      },
      recordDuration: (r) => r.recordDuration(REGION, 1_234),
      regionIdsEverJoinedBy: (r) => r.regionIdsEverJoinedBy(INSTITUTION),
      allRegionIds: (r) => r.allRegionIds(),
    }, () => seedChangedStudent(dataSource)),
    snapshot('surveys.repository', 'SurveysRepository', new SurveysRepository(dataSource), {
      surveyYears: (r) => r.surveyYears(INSTITUTION, 'alumni-1'),
      pupils: (r) => r.pupils(REGION, INSTITUTION, 2024, 'alumni-1', 2025),
      institutionLabels: (r) => r.institutionLabels([INSTITUTION]),
    }),
    snapshot('retention.repository', 'RetentionRepository', new RetentionRepository(dataSource), {
      regions: {
        'every region': (r) => r.regions(),
        'one region': (r) => r.regions(REGION),
      },
      transaction: { skip: 'begins and commits a transaction, no SQL of its own' },
      deleteExpiredEnrolments: (r) => r.deleteExpiredEnrolments(dataSource.manager, REGION, 2018, 10_000),
      deleteExpiredLeavers: (r) => r.deleteExpiredLeavers(dataSource.manager, REGION, 2018, 10_000),
      deleteExpiredSurveyAnswers: (r) => r.deleteExpiredSurveyAnswers(dataSource.manager, REGION, 2018, 10_000),
    }),
  ];
}

/** Collects the statements TypeORM sends while an example runs. */
class Recorder implements Logger {
  statements: Array<{ text: string; values: unknown[] }> | undefined;

  logQuery(text: string, values?: unknown[]): void {
    if (!this.statements || /^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SET TRANSACTION)/i.test(text)) return;
    this.statements.push({ text, values: values ?? [] });
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** Drops the indentation the template literal gave the statement's lines. */
function layout(text: string): string {
  const lines = text.replace(/^\s*\n/, '').split('\n').map((line) => line.trimEnd());
  const indents = lines.slice(1).filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return [lines[0].trimStart(), ...lines.slice(1).map((line) => line.slice(Math.min(cut, line.length - line.trimStart().length)))].filter((line) => line !== '').join('\n');
}

/** Ids the database generates differ on every run; the examples' own ids all start with zeros. */
const GENERATED_UUID = /\b(?!00000000-)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

const describeValue = (value: unknown): string => {
  if (Buffer.isBuffer(value)) return `<binary array, ${value.length} bytes>`;
  if (value instanceof Date) return value.toISOString();
  return (JSON.stringify(value) ?? 'undefined').replace(GENERATED_UUID, '<generated id>');
};

/** Renders every repository's snapshot: file name → contents. */
export async function renderSqlSnapshots(): Promise<Map<string, string>> {
  const database = await createScratchDatabase(undefined);
  const recorder = new Recorder();
  const dataSource = new DataSource({ ...buildDataSourceOptions(database.target, { poolSize: 2, statementTimeoutMs: 60_000 }, ENTITIES), logger: recorder });
  const planner = new PublicationPlanner();
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    const jobs = new JobsRepository(dataSource);
    const files = new Map<string, string>();
    for (const { file, examples, seed } of snapshots({ dataSource, jobs, ingest: new IngestRepository(dataSource), planner })) {
      await seed?.();
      const sections: string[] = [];
      for (const { label, run } of examples) {
        recorder.statements = [];
        try {
          await run();
        } catch {
          // Examples use ids that exist nowhere; a statement that fails on that was recorded already.
        }
        const statements = recorder.statements;
        recorder.statements = undefined;
        if (statements.length === 0) throw new Error(`${label}: the example sent no SQL`);
        const body = statements.map(({ text, values }) => `${layout(text)};${values.length > 0 ? `\n-- parameters: ${values.map(describeValue).join(', ')}` : ''}`);
        sections.push(`-- ${label}\n${body.join('\n\n')}`);
      }
      files.set(`${file}.sql`, `-- Generated by \`npm run sql:snapshots\` from the examples in scripts/sql-snapshots.ts. Do not edit.\n\n${sections.join('\n\n')}\n`);
    }
    return files;
  } finally {
    await planner.onApplicationShutdown();
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.close();
  }
}

/** The committed snapshot files of a folder: file name → contents. */
export function readSnapshots(dir: string): Map<string, string> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.sql'));
  } catch {
    names = [];
  }
  return new Map(names.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

/** Files that are missing, extra or different; empty when the snapshots match the code. */
export const staleSnapshots = (rendered: Map<string, string>, committed: Map<string, string>): string[] =>
  [...new Set([...rendered.keys(), ...committed.keys()])].filter((name) => rendered.get(name) !== committed.get(name)).sort();

async function main(): Promise<void> {
  const dirFlag = process.argv.indexOf('--dir');
  const dir = dirFlag > 0 && process.argv[dirFlag + 1] ? process.argv[dirFlag + 1] : QUERIES_DIR;
  const rendered = await renderSqlSnapshots();
  const committed = readSnapshots(dir);
  if (process.argv.includes('--check')) {
    const stale = staleSnapshots(rendered, committed);
    if (stale.length === 0) {
      process.stdout.write(`SQL snapshots match the code (${rendered.size} files).\n`);
      return;
    }
    process.stderr.write(`SQL snapshots differ from the code: ${stale.join(', ')}. Run \`npm run sql:snapshots\` and review the diff.\n`);
    process.exit(1);
  }
  mkdirSync(dir, { recursive: true });
  for (const name of committed.keys()) if (!rendered.has(name)) rmSync(join(dir, name));
  for (const [name, text] of rendered) writeFileSync(join(dir, name), text);
  process.stdout.write(`Wrote ${rendered.size} SQL snapshots.\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  });
}
