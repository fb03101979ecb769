/**
 * What the access layer answers with. Repositories of other modules take these scopes as they
 * are and put them first in their SQL; none works a scope out for itself.
 */

/** A region as access decisions need it: its id to scope queries, its code and name to label views. */
export interface RegionRef {
  id: string;
  code: string;
  name: string;
}

/** An institution as access decisions need it. */
export interface InstitutionRef {
  id: string;
  brin: string;
}

/** The institution a records client writes and reads records for. */
export type Uploader = InstitutionRef;

/** Who may see a region or an object of it: any party of the region, or only its coordinators. */
export type RegionAccess = 'view' | 'coordinate';

/** An institution's view (alumni, intake, flows): one region it belongs to, and itself. */
export interface InstitutionView {
  region: RegionRef;
  institutionId: string;
}

/** The reader of a view that coordinators and institutions both read (flows). */
export type ViewTenant = { kind: 'region'; region: RegionRef } | ({ kind: 'institution' } & InstitutionView);

/**
 * Which alerts a party may see: a coordinator those of the region; an institution, in the regions
 * it belongs to, the cells it is part of. `alertVisibleTo` and `AlertsRepository` apply it.
 */
export type AlertScope = { kind: 'region'; regionId: string } | { kind: 'institution'; institutionId: string; regionIds: string[] };

/**
 * Which interventions a caller may see: a coordinator those of its region; an institution, in the
 * regions it belongs to, those it is a party of.
 */
export type InterventionScope = AlertScope;

/** Where a caller registers an intervention: a coordinator in its region, an institution in one it belongs to; with the region's current members. */
export interface InterventionTenant {
  region: RegionRef;
  institutionId: string | null;
  memberIds: string[];
}

/** Who keeps its own triage of a shared signal: a region's coordinators (id of the region), or one institution. */
export interface AlertParty {
  kind: 'region' | 'institution';
  id: string;
}

/** Whose audit rows a reader may see: everything (platform), one region, or one institution. */
export type AuditScope = { all: true } | { regionId: string } | { institutionId: string };

/** Who owns the webhooks a caller manages: a region (its coordinators) or one institution. */
export type WebhookOwner = { kind: 'region'; regionId: string } | { kind: 'institution'; institutionId: string };

/**
 * Whose people a caller manages: every person (platform administrators), or those with a role in
 * one region: coordinators of the region and readers or editors of its current members.
 */
export type PeopleScope = { all: true } | { regionId: string; institutionIds: string[] };

/** What a role is granted on: a region (coordinator) or an institution (reader, editor). */
export type RoleTarget = { kind: 'region'; region: RegionRef } | { kind: 'institution'; institution: InstitutionRef };

/** A party in conversations: the cells it sees (as for signals) and the party it writes for. */
export interface ConversationParty {
  scope: AlertScope;
  party: AlertParty;
}

/** A supplier × receiver cell of a region, both ends members now: what a conversation on a cell is about. */
export interface ConversationCell {
  region: RegionRef;
  supplier: InstitutionRef;
  receiver: InstitutionRef;
}
