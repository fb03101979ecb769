/**
 * A client of the service as an integrator would write it: types generated from
 * openapi/openapi.json by openapi-typescript (`./schema`, written by the test next to a copy of
 * this file), requests through openapi-fetch. The test compiles it with tsc in strict mode, so
 * every path, parameter and body below must exist in the document with these types; then it runs
 * it against the service with the demo region loaded.
 *
 * Not part of the project's own type check (tsconfig excludes this folder): `./schema` exists
 * only in the test's copy.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

type Schemas = components['schemas'];

export interface DemoClientResult {
  reportRegion: string;
  reportCohort: number | null;
  reportCells: number;
  suppressedCells: number;
  alertTypes: string[];
  alumniCohorts: number;
  institutionVestigingen: string[];
  programmesLoaded: number;
  batchInserted: number;
  invalidTokenStatus: number;
}

async function token(baseUrl: string, clientId: string): Promise<string> {
  const client = createClient<paths>({ baseUrl });
  // The body as JSON; the same route also takes a form or HTTP Basic (documented, optional header).
  const { data, error, response } = await client.POST('/v1/auth/token', {
    body: { grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-secret` },
  });
  if (!data) throw new Error(`token for ${clientId}: ${response.status} ${JSON.stringify(error)}`);
  return data.access_token;
}

const authorised = (baseUrl: string, bearer: string) => createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${bearer}` } });

/** `unique`: a few decimal digits that no other run of the test uses in the same database. */
export async function runDemoClient(baseUrl: string, unique: string): Promise<DemoClientResult> {
  const programmeCode = `9${unique.padStart(4, '0').slice(-4)}`;
  const coordinatorToken = await token(baseUrl, 'demo-coordinator');
  const coordinator = authorised(baseUrl, coordinatorToken);
  const report = await coordinator.GET('/v1/regions/{code}/report', { params: { path: { code: 'RIJNSTAD' }, query: { cohort: 2024 } } });
  if (!report.data) throw new Error(`report: ${report.response.status}`);
  const cells: Schemas['MatrixCellDto'][] = report.data.cells;
  const alerts = await coordinator.GET('/v1/alerts', { params: { query: { region: 'RIJNSTAD', limit: 50, sort: '-cohort' } } });
  if (!alerts.data) throw new Error(`alerts: ${alerts.response.status}`);

  const school = authorised(baseUrl, await token(baseUrl, 'demo-vo-school'));
  const alumni = await school.GET('/v1/insights/alumni', { params: { query: { breakdown: 'receiver', cohortFrom: 2020 } } });
  if (!alumni.data) throw new Error(`alumni: ${alumni.response.status}`);

  // The request bodies whose nested rows were nameless references before.
  const admin = authorised(baseUrl, await token(baseUrl, 'demo-admin'));
  const brin = `8${unique.slice(-1)}TC`;
  const vestigingen: Schemas['VestigingDto'][] = [{ code: `${brin}01`, name: 'Locatie Centrum' }];
  const created = await admin.POST('/v1/institutions', { body: { brin, name: 'Typed Client College', sectors: ['mbo'], vestigingen } });
  if (!created.data) throw new Error(`institution: ${created.response.status} ${JSON.stringify(created.error)}`);
  const programme: Schemas['ProgrammeRecordDto'] = { code: programmeCode, name: 'Typed client programme', sector: 'mbo', level: '4', nominalDurationYears: 3, validFromCohort: 2020 };
  const programmes = await admin.POST('/v1/programmes:batch', { body: { records: [programme] } });
  if (!programmes.data) throw new Error(`programmes: ${programmes.response.status} ${JSON.stringify(programmes.error)}`);

  const college = authorised(baseUrl, await token(baseUrl, 'demo-mbo-college'));
  const record: Schemas['EnrolmentRecordDto'] = {
    pseudonym: `${unique}`.padStart(64, 'a'),
    programmeCode,
    sector: 'mbo',
    level: '4',
    form: 'bol',
    startDate: '2025-09-01',
    priorBrin: '90VB',
    priorDiplomaType: 'havo',
    priorDiplomaYear: 2025,
  };
  const batch = await college.POST('/v1/enrolments:batch', { body: { records: [record] } });
  if (!batch.data) throw new Error(`batch: ${batch.response.status} ${JSON.stringify(batch.error)}`);

  const refused = await authorised(baseUrl, 'not-a-token').GET('/v1/enrolments', { params: { query: { limit: 1 } } });

  return {
    reportRegion: report.data.region,
    reportCohort: report.data.cohort ?? null,
    reportCells: cells.length,
    suppressedCells: cells.filter((cell) => cell.suppressed).length,
    alertTypes: [...new Set(alerts.data.items.map((alert) => alert.type))].sort(),
    alumniCohorts: alumni.data.cohorts.length,
    institutionVestigingen: created.data.vestigingen.map((vestiging) => vestiging.code),
    programmesLoaded: programmes.data.inserted + programmes.data.updated,
    batchInserted: batch.data.inserted,
    invalidTokenStatus: refused.response.status,
  };
}
