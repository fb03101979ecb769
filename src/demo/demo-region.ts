import { Scope } from 'src/access/scopes';
import { INSTITUTIONS, REGION } from 'src/generator/catalogue';
import { Sector } from 'src/institutions/institution.entity';

// The demo: the generator's synthetic region (fictional BRINs starting with 9, records of
// synthetic students, one planted trend break and one planted supply break), plus a small
// second region so that tenant isolation can be tried.

export const DEMO_REGION = REGION;
export const OTHER_DEMO_REGION = { code: 'NOORDKUST', name: 'Regio Noordkust (synthetisch)' };

/** Students over all cohorts: enough for the planted breaks to show, small enough to load in seconds. */
export const DEMO_STUDENTS = 15_000;
export const DEMO_COHORTS: [number, number] = [2015, 2025];
export const DEMO_SEED = 20_261_122;

export interface DemoInstitution {
  brin: string;
  name: string;
  sectors: Sector[];
  vestigingen: Array<{ code: string; name: string }>;
  regions: string[];
}

export const DEMO_INSTITUTIONS: DemoInstitution[] = [
  ...INSTITUTIONS.map((institution) => ({ ...institution, sectors: [...institution.sectors], regions: [DEMO_REGION.code] })),
  { brin: '97VA', name: 'Noorderlicht College (synthetisch)', sectors: ['vo'], vestigingen: [{ code: '97VA00', name: 'Hoofdlocatie' }], regions: [OTHER_DEMO_REGION.code] },
  { brin: '97MA', name: 'ROC Noordkust (synthetisch)', sectors: ['mbo'], vestigingen: [{ code: '97MA00', name: 'Hoofdlocatie' }], regions: [OTHER_DEMO_REGION.code] },
];

export interface DemoClient {
  clientId: string;
  role: string;
  institutionBrin?: string;
  regionCode?: string;
  scopes: Scope[];
}

export const DEMO_CLIENTS: DemoClient[] = [
  { clientId: 'demo-admin', role: 'platform administrator', scopes: ['platform:admin', 'audit:read'] },
  { clientId: 'demo-coordinator', role: `coordinator of region ${DEMO_REGION.code}`, regionCode: DEMO_REGION.code, scopes: ['region:admin', 'insights:read', 'alerts:read', 'alerts:write', 'audit:read'] },
  { clientId: 'demo-coordinator-noordkust', role: `coordinator of region ${OTHER_DEMO_REGION.code}`, regionCode: OTHER_DEMO_REGION.code, scopes: ['region:admin', 'insights:read', 'alerts:read', 'alerts:write', 'audit:read'] },
  { clientId: 'demo-vo-school', role: 'supplying vo school 90VB (Het Baken Lyceum)', institutionBrin: '90VB', scopes: ['insights:read', 'alerts:read', 'alerts:write', 'records:write', 'records:read'] },
  { clientId: 'demo-mbo-college', role: 'mbo 91MA (ROC Rijnstad: receives from vo, supplies hbo)', institutionBrin: '91MA', scopes: ['records:write', 'records:read', 'insights:read', 'alerts:read', 'alerts:write'] },
  { clientId: 'demo-hogeschool', role: 'receiving hbo 92HA (Hogeschool Rijnstad)', institutionBrin: '92HA', scopes: ['records:write', 'records:read', 'insights:read', 'alerts:read', 'alerts:write'] },
];

/** Demo secrets are derived from the client id: demo data never loads in production. */
export const demoSecret = (clientId: string): string => `${clientId}-secret`;
