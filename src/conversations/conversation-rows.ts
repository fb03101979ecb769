import { AlertParty } from 'src/access/tenancy';
import type { AlertMetric, AlertType, CellKind } from 'src/alerts/detection/model';
import { ActionStatus, ConversationSubject, EntryKind, OwnerRole } from 'src/conversations/conversation.entity';
import { constant, Sql, sql } from 'src/database/sql';

/*
 * The rows the conversations repository reads and writes, kept apart from it so that its
 * statements read as SQL.
 */

/** A conversation with the labels every output needs and the number of its open actions. */
export interface ConversationRow {
  id: string;
  regionId: string;
  regionCode: string;
  subject: ConversationSubject;
  alertId: string | null;
  alertType: AlertType | null;
  cellKind: CellKind;
  supplierInstitutionId: string | null;
  supplierBrin: string | null;
  supplierName: string | null;
  receiverInstitutionId: string | null;
  receiverBrin: string | null;
  receiverName: string | null;
  sector: string | null;
  programmeCode: string | null;
  cohort: number | null;
  metric: AlertMetric | null;
  title: string | null;
  startedByPartyKind: AlertParty['kind'];
  startedByPartyId: string;
  startedByClientId: string;
  startedByName: string | null;
  createdAt: Date;
  lastEntryAt: Date;
  openActions: number;
}

/** Who wrote or changed something: the party it acted for, its client (`person:<id>` for a person) and the person's name. */
export interface Author {
  partyKind: AlertParty['kind'];
  partyId: string;
  clientId: string;
  name: string | null;
}

/** A note or an action, as stored; `dueDate` as YYYY-MM-DD. */
export interface EntryRow {
  id: string;
  conversationId: string;
  kind: EntryKind;
  text: string;
  authorPartyKind: AlertParty['kind'];
  authorPartyId: string;
  authorClientId: string;
  authorName: string | null;
  createdAt: Date;
  status: ActionStatus | null;
  ownerRole: OwnerRole | null;
  dueDate: string | null;
  statusChangedAt: Date | null;
}

export interface ActionEventRow {
  entryId: string;
  fromStatus: ActionStatus;
  toStatus: ActionStatus;
  note: string | null;
  actorPartyKind: AlertParty['kind'];
  actorPartyId: string;
  actorClientId: string;
  actorName: string | null;
  at: Date;
}

/** What a new conversation is about, and who starts it. */
export interface NewConversation {
  regionId: string;
  subject: ConversationSubject;
  alertId: string | null;
  cellKind: CellKind;
  supplierInstitutionId: string | null;
  receiverInstitutionId: string | null;
  sector: string | null;
  programmeCode: string | null;
  cohort: number | null;
  metric: string | null;
  title: string | null;
  startedBy: Author;
}

export interface NewEntry {
  kind: EntryKind;
  text: string;
  ownerRole: OwnerRole | null;
  dueDate: string | null;
  author: Author;
}

export const VIEW_COLUMNS = constant(`
       c.id, c.region_id AS "regionId", r.code AS "regionCode", c.subject, c.alert_id AS "alertId", a.type AS "alertType", c.cell_kind AS "cellKind",
       c.supplier_institution_id AS "supplierInstitutionId", si.brin AS "supplierBrin", si.name AS "supplierName",
       c.receiver_institution_id AS "receiverInstitutionId", ri.brin AS "receiverBrin", ri.name AS "receiverName",
       c.sector, c.programme_code AS "programmeCode", c.cohort, c.metric, c.title,
       c.started_by_party_kind AS "startedByPartyKind", c.started_by_party_id AS "startedByPartyId",
       c.started_by_client_id AS "startedByClientId", c.started_by_name AS "startedByName", c.created_at AS "createdAt", c.last_entry_at AS "lastEntryAt",
       (SELECT count(*) FROM conversation_entries e WHERE e.conversation_id = c.id AND e.status = 'open') AS "openActions"`);

/** The conversations with their labels (`c`, `r`, `a`, `si`, `ri`), for `WHERE`. */
export const VIEW_FROM: Sql = sql`
  FROM conversations c
  JOIN regions r ON r.id = c.region_id
  LEFT JOIN alerts a ON a.id = c.alert_id
  LEFT JOIN institutions si ON si.id = c.supplier_institution_id
  LEFT JOIN institutions ri ON ri.id = c.receiver_institution_id`;

export const ENTRY_COLUMNS = constant(`
       e.id, e.conversation_id AS "conversationId", e.kind, e.text, e.author_party_kind AS "authorPartyKind", e.author_party_id AS "authorPartyId",
       e.author_client_id AS "authorClientId", e.author_name AS "authorName", e.created_at AS "createdAt", e.status, e.owner_role AS "ownerRole",
       e.due_date::text AS "dueDate", e.status_changed_at AS "statusChangedAt"`);

export const normaliseConversation = (row: ConversationRow): ConversationRow => ({
  ...row,
  cohort: row.cohort === null ? null : Number(row.cohort),
  openActions: Number(row.openActions),
});
