import { RoleName } from 'src/access/roles';
import { Scope } from 'src/access/scopes';
import { INSTITUTIONS, REGION } from 'src/generator/catalogue';
import { Sector } from 'src/institutions/institution.entity';

// The demo: the generator's synthetic region (fictional BRINs starting with 9, records of
// synthetic students, one planted trend break and one planted supply break, two planted
// interventions: one that works and one that does not), plus a small
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

export interface DemoPerson {
  /** The subject the development identity provider asserts. */
  subject: string;
  /** The name the service knows the person by, and what the provider's picker shows. */
  displayName: string;
  /** The BRIN the provider asserts as the person's institution (claim `nl_edu_brin`). */
  brin?: string;
  roles: Array<{ role: RoleName; regionCode?: string; institutionBrin?: string }>;
}

/**
 * The people of the development identity provider: one for every demo role, one with two roles
 * (to switch between), and one without any role (to see the refusal).
 */
export const DEMO_PEOPLE: DemoPerson[] = [
  { subject: 'demo-coordinator', displayName: `Demo-coördinator ${DEMO_REGION.name}`, roles: [{ role: 'coordinator', regionCode: DEMO_REGION.code }] },
  { subject: 'demo-coordinator-noordkust', displayName: `Demo-coördinator ${OTHER_DEMO_REGION.name}`, roles: [{ role: 'coordinator', regionCode: OTHER_DEMO_REGION.code }] },
  { subject: 'demo-vo-decaan', displayName: 'Demo-decaan Het Baken Lyceum (90VB, lezer)', brin: '90VB', roles: [{ role: 'reader', institutionBrin: '90VB' }] },
  { subject: 'demo-vo-teamleider', displayName: 'Demo-teamleider Het Baken Lyceum (90VB, bewerker)', brin: '90VB', roles: [{ role: 'editor', institutionBrin: '90VB' }] },
  { subject: 'demo-mbo-lob', displayName: 'Demo-LOB-coördinator ROC Rijnstad (91MA, bewerker)', brin: '91MA', roles: [{ role: 'editor', institutionBrin: '91MA' }] },
  { subject: 'demo-hbo-reader', displayName: 'Demo-medewerker Hogeschool Rijnstad (92HA, lezer)', brin: '92HA', roles: [{ role: 'reader', institutionBrin: '92HA' }] },
  {
    subject: 'demo-two-roles',
    displayName: `Demo: coördinator ${DEMO_REGION.code} én lezer 91MA`,
    brin: '91MA',
    roles: [
      { role: 'coordinator', regionCode: DEMO_REGION.code },
      { role: 'reader', institutionBrin: '91MA' },
    ],
  },
  { subject: 'demo-no-role', displayName: 'Demo: iemand zonder rol (wordt geweigerd)', roles: [] },
];
