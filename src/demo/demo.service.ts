import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiClientEntity } from 'src/auth/api-client.entity';
import { hashClientSecret } from 'src/auth/client-secret';
import { Principal } from 'src/access/principal';
import { CREBO_SUCCESSIONS, programmesForApi } from 'src/generator/catalogue';
import { EnrolmentRecord, LeaverRecord } from 'src/generator/records';
import { GeneratedRegion, generateRegion } from 'src/generator/region';
import { generateSurveys } from 'src/generator/surveys';
import { currentSchoolYear } from 'src/records/codes';
import { SurveyAnswerEntity } from 'src/records/survey-answer.entity';
import { IngestService } from 'src/ingest/ingest.service';
import { ProgrammesService } from 'src/programmes/programmes.service';
import { ReferencesService } from 'src/references/references.service';
import { demoReferenceFigures } from 'src/demo/demo-references';
import { DEVELOPMENT_PROVIDER_ID } from 'src/config/sign-in-config';
import { DEMO_CLIENTS, DEMO_COHORTS, DEMO_INSTITUTIONS, DEMO_PEOPLE, DEMO_REGION, DEMO_SEED, DEMO_STUDENTS, OTHER_DEMO_REGION, demoSecret } from 'src/demo/demo-region';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { InterventionEntity } from 'src/interventions/intervention.entity';
import { MembershipEntity } from 'src/institutions/membership.entity';
import { PersonEntity, PersonRoleEntity } from 'src/people/person.entity';
import { RegionEntity } from 'src/institutions/region.entity';

const BATCH = 10_000;

/** The survey years of the demo's cohorts that have closed (survey year Y asks cohort Y − 1), the last five. */
const closedSurveyYears = ([, last]: [number, number]): number[] => {
  const newest = Math.min(last + 1, currentSchoolYear() - 1);
  return [newest - 4, newest - 3, newest - 2, newest - 1, newest];
};
/** Twenty years: the demo's fixed cohorts (from 2015) outlive the retention sweep for years to come. */
const DEMO_RETENTION_MONTHS = 240;

@Injectable()
export class DemoService {
  private readonly logger = new Logger(DemoService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ingest: IngestService,
    private readonly programmes: ProgrammesService,
    private readonly references: ReferencesService,
  ) {}

  /**
   * Loads the demo regions into an empty database: institutions, memberships and clients in one
   * transaction, then the generated records through the same ingest path an institution's
   * upload takes. The summaries and alerts follow in the background job. Returns whether it did.
   */
  async seedIfEmpty(): Promise<boolean> {
    const institutionIds = await this.seedOrganisation();
    if (!institutionIds) return false;
    const started = Date.now();
    await this.programmes.loadProgrammes({ records: programmesForApi() });
    await this.programmes.loadSuccessors({ records: CREBO_SUCCESSIONS.map((succession) => ({ ...succession })) });
    // Made-up national figures, marked synthetic everywhere they are shown.
    await this.references.importBatch({ records: demoReferenceFigures() });
    const region = generateRegion({ seed: DEMO_SEED, cohorts: DEMO_COHORTS, students: DEMO_STUDENTS, plantInterventions: true });
    let enrolments = 0;
    let leavers = 0;
    for (const brin of region.receivers) {
      enrolments += await this.load(institutionIds.get(brin)!, region.enrolmentsOf(brin), (auth, records) => this.ingest.submitEnrolments(auth, records, undefined));
    }
    for (const brin of region.suppliers) {
      leavers += await this.load(institutionIds.get(brin)!, region.leaversOf(brin), (auth, records) => this.ingest.submitLeavers(auth, records, undefined));
    }
    const surveyAnswers = await this.loadSurveys(institutionIds, generateSurveys(region, closedSurveyYears(DEMO_COHORTS)));
    await this.registerPlantedInterventions(region, institutionIds);
    this.logger.log(
      `Loaded demo regions ${DEMO_REGION.code} and ${OTHER_DEMO_REGION.code}: ${DEMO_INSTITUTIONS.length} institutions, ${enrolments} enrolments, ${leavers} leavers and ${surveyAnswers} alumni survey answers of synthetic students in ${Date.now() - started} ms; planted: ${[...region.plantedBreaks, ...region.plantedInterventions].map((planted) => planted.description).join('; ')}`,
    );
    return true;
  }

  /**
   * The generator's two planted interventions, registered by the region's coordinators with both
   * ends of the cell as parties: one whose cell's uitval really drops, one without any effect.
   */
  private async registerPlantedInterventions(region: GeneratedRegion, institutionIds: Map<string, string>): Promise<void> {
    const regionEntity = await this.dataSource.getRepository(RegionEntity).findOneByOrFail({ code: DEMO_REGION.code });
    for (const planted of region.plantedInterventions) {
      const supplierId = institutionIds.get(planted.supplierBrin)!;
      const receiverId = institutionIds.get(planted.receiverBrin)!;
      await this.dataSource.getRepository(InterventionEntity).save({
        regionId: regionEntity.id,
        type: planted.type,
        title: planted.title,
        description: 'Synthetisch voorbeeld uit de demoregio.',
        partyIds: [supplierId, receiverId],
        target: { kind: 'cells', cells: [{ supplierId, receiverId }] },
        firstCohort: planted.firstCohort,
        metric: planted.metric,
        direction: planted.direction,
        reviewDate: `${DEMO_COHORTS[1] + 1}-11-01`,
        registeredByKind: 'region',
        registeredByInstitutionId: null,
      });
    }
  }

  /** Regions, institutions, memberships and demo clients; undefined when the database is not empty. */
  private async seedOrganisation(): Promise<Map<string, string> | undefined> {
    return this.dataSource.transaction(async (manager) => {
      if ((await manager.getRepository(RegionEntity).count()) > 0) return undefined;
      const regionIds = new Map<string, string>();
      for (const region of [DEMO_REGION, OTHER_DEMO_REGION]) {
        const saved = await manager.getRepository(RegionEntity).save({ ...region, retentionMonths: DEMO_RETENTION_MONTHS });
        regionIds.set(region.code, saved.id);
      }
      const institutionIds = new Map<string, string>();
      for (const institution of DEMO_INSTITUTIONS) {
        const saved = await manager.getRepository(InstitutionEntity).save({
          brin: institution.brin,
          name: institution.name,
          sectors: institution.sectors,
          vestigingen: institution.vestigingen,
        });
        institutionIds.set(institution.brin, saved.id);
        for (const code of institution.regions) {
          await manager.getRepository(MembershipEntity).save({ regionId: regionIds.get(code)!, institutionId: saved.id, startDate: '2015-08-01', endDate: null });
        }
      }
      for (const client of DEMO_CLIENTS) {
        await manager.getRepository(ApiClientEntity).save({
          clientId: client.clientId,
          name: `Demo: ${client.role}`,
          institutionId: client.institutionBrin ? institutionIds.get(client.institutionBrin)! : null,
          regionId: client.regionCode ? regionIds.get(client.regionCode)! : null,
          scopes: client.scopes,
          secretHash: await hashClientSecret(demoSecret(client.clientId)),
          secretRotatedAt: new Date(Date.now() - 60_000),
          revokedAt: null,
        });
      }
      return institutionIds;
    });
  }

  /**
   * The people of the development identity provider and their roles, for the demo regions (only
   * where they are loaded; a person already there is left as it is, so roles changed by hand stay).
   * Development only: the provider they sign in with never runs in production.
   */
  async seedDemoPeople(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const regions = new Map((await manager.getRepository(RegionEntity).find({ where: [DEMO_REGION, OTHER_DEMO_REGION].map(({ code }) => ({ code })) })).map((region) => [region.code, region.id]));
      const institutions = new Map((await manager.getRepository(InstitutionEntity).find({ where: DEMO_INSTITUTIONS.map(({ brin }) => ({ brin })) })).map((institution) => [institution.brin, institution.id]));
      if (regions.size === 0) return 0;
      let added = 0;
      for (const person of DEMO_PEOPLE) {
        const existing = await manager.getRepository(PersonEntity).findOne({ where: { provider: DEVELOPMENT_PROVIDER_ID, subject: person.subject } });
        if (existing) continue;
        const saved = await manager.getRepository(PersonEntity).save({ provider: DEVELOPMENT_PROVIDER_ID, subject: person.subject, displayName: person.displayName, lastSignInAt: null });
        for (const role of person.roles) {
          const regionId = role.regionCode ? regions.get(role.regionCode) : undefined;
          const institutionId = role.institutionBrin ? institutions.get(role.institutionBrin) : undefined;
          if (!regionId && !institutionId) continue;
          await manager.getRepository(PersonRoleEntity).save({
            personId: saved.id,
            role: role.role,
            regionId: role.role === 'coordinator' ? (regionId ?? null) : null,
            institutionId: role.role === 'coordinator' ? null : (institutionId ?? null),
            grantedVia: 'direct',
            grantedBy: 'demo',
            revokedAt: null,
          });
        }
        added++;
      }
      return added;
    });
  }

  /**
   * The supplying schools' alumni surveys of past years. A survey year takes answers only while it
   * runs (src/records/kinds/surveys.ts), so this history is written as it would stand after those
   * years' uploads, each school's answers under one batch id of their own.
   */
  private async loadSurveys(institutionIds: Map<string, string>, surveys: Map<string, Array<Omit<SurveyAnswerEntity, 'institutionId' | 'id' | 'createdBatchId' | 'updatedBatchId' | 'createdAt' | 'updatedAt'>>>): Promise<number> {
    let count = 0;
    for (const [brin, answers] of surveys) {
      const institutionId = institutionIds.get(brin);
      if (!institutionId) continue;
      const batchId = randomUUID();
      for (let from = 0; from < answers.length; from += 1_000) {
        const rows = answers.slice(from, from + 1_000).map((answer) => ({ ...answer, institutionId, createdBatchId: batchId, updatedBatchId: batchId }));
        await this.dataSource.getRepository(SurveyAnswerEntity).insert(rows);
      }
      count += answers.length;
    }
    return count;
  }

  /** Sends one institution's records in batches, as its upload would. */
  private async load<T extends EnrolmentRecord | LeaverRecord>(
    institutionId: string,
    records: Iterable<T>,
    submit: (auth: Principal, records: T[]) => Promise<unknown>,
  ): Promise<number> {
    const auth: Principal = { clientId: 'demo-loader', kind: 'institution', institutionId, scopes: ['records:write'] };
    let batch: T[] = [];
    let count = 0;
    for (const record of records) {
      batch.push(record);
      if (batch.length === BATCH) {
        await submit(auth, batch);
        count += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0) {
      await submit(auth, batch);
      count += batch.length;
    }
    return count;
  }

  /** How to get a token for each demo role, for the start-up banner. */
  async instructions(baseUrl: string): Promise<string> {
    const present = await this.dataSource.getRepository(ApiClientEntity).count({ where: DEMO_CLIENTS.map(({ clientId }) => ({ clientId })) });
    if (present === 0) return '';
    const lines = DEMO_CLIENTS.map(
      (client) =>
        `  ${client.role}:\n    curl -s -X POST ${baseUrl}/v1/auth/token -d grant_type=client_credentials -d client_id=${client.clientId} -d client_secret=${demoSecret(client.clientId)}`,
    );
    return `Demo regions loaded (synthetic data). Get a token for a demo role:\n${lines.join('\n')}\nThen call the API with: -H "Authorization: Bearer <access_token>"  (Swagger UI: ${baseUrl}/docs, report: ${baseUrl}/app/)`;
  }

  /** How demo people sign in, for the start-up banner when the development identity provider runs. */
  developmentSignIn(baseUrl: string): string {
    return (
      `Development identity provider (development only, never in production): open ${baseUrl}/app/ and choose "Ontwikkel-IdP", ` +
      `then one of the demo people: ${DEMO_PEOPLE.map((person) => person.displayName).join('; ')}.`
    );
  }
}
