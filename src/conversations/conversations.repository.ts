import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlertScope } from 'src/access/tenancy';
import { ActionStatus, ConversationSubject } from 'src/conversations/conversation.entity';
import {
  ActionEventRow,
  Author,
  ConversationRow,
  ENTRY_COLUMNS,
  EntryRow,
  NewConversation,
  NewEntry,
  normaliseConversation,
  VIEW_COLUMNS,
  VIEW_FROM,
} from 'src/conversations/conversation-rows';
import { execute, join, param, query, queryOne, Sql, sql } from 'src/database/sql';

export interface ConversationFilters {
  alertId?: string;
  regionCode?: string;
  subject?: ConversationSubject;
  /** Only conversations with at least one open action (the agenda). */
  withOpenActions?: boolean;
}

/** A conversation as the writes need it: which one, and in which region. */
export interface ConversationKey {
  id: string;
  regionId: string;
}

@Injectable()
export class ConversationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Starts a conversation, with its first entry when given. A signal has one conversation: when it
   * has one already, nothing is written and its id comes back with `created: false`.
   */
  async start(conversation: NewConversation, firstEntry: NewEntry | null): Promise<{ id: string; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const { startedBy: by } = conversation;
      const inserted = await queryOne<{ id: string }>(
        manager,
        sql`INSERT INTO conversations (region_id, subject, alert_id, cell_kind, supplier_institution_id, receiver_institution_id, sector, programme_code, cohort, metric, title,
                                       started_by_party_kind, started_by_party_id, started_by_client_id, started_by_name)
            VALUES (${conversation.regionId}, ${conversation.subject}, ${conversation.alertId}, ${conversation.cellKind}, ${conversation.supplierInstitutionId},
                    ${conversation.receiverInstitutionId}, ${conversation.sector}, ${conversation.programmeCode}, ${conversation.cohort}, ${conversation.metric}, ${conversation.title},
                    ${by.partyKind}, ${by.partyId}, ${by.clientId}, ${by.name})
            ON CONFLICT (region_id, alert_id) WHERE alert_id IS NOT NULL DO NOTHING
            RETURNING id`,
      );
      if (!inserted) {
        const existing = await queryOne<{ id: string }>(manager, sql`SELECT id FROM conversations WHERE region_id = ${conversation.regionId} AND alert_id = ${conversation.alertId}`);
        return { id: existing!.id, created: false };
      }
      if (firstEntry) await this.insertEntry(manager, { id: inserted.id, regionId: conversation.regionId }, firstEntry);
      return { id: inserted.id, created: true };
    });
  }

  /** The conversations of the caller's scope that pass the filters, latest activity first, paged. */
  async list(scope: AlertScope, filters: ConversationFilters, limit: number, offset: number): Promise<{ items: ConversationRow[]; total: number }> {
    const where = whereOf(scope, filters);
    const counted = await queryOne<{ total: string }>(this.dataSource, sql`SELECT count(*) AS total ${VIEW_FROM} WHERE ${where}`);
    const rows = await query<ConversationRow>(this.dataSource, sql`SELECT ${VIEW_COLUMNS} ${VIEW_FROM} WHERE ${where} ORDER BY c.last_entry_at DESC, c.id LIMIT ${limit} OFFSET ${offset}`);
    return { items: rows.map(normaliseConversation), total: Number(counted?.total ?? 0) };
  }

  /** One conversation with its labels; the service decides whether the caller takes part. */
  async findView(id: string): Promise<ConversationRow | null> {
    const row = await queryOne<ConversationRow>(this.dataSource, sql`SELECT ${VIEW_COLUMNS} ${VIEW_FROM} WHERE c.id = ${id}`);
    return row ? normaliseConversation(row) : null;
  }

  /** The ids of the conversations about these signals. */
  async ofAlerts(alertIds: string[]): Promise<Array<{ alertId: string; id: string }>> {
    return query(this.dataSource, sql`SELECT alert_id AS "alertId", id FROM conversations WHERE alert_id = ANY(${alertIds}::uuid[])`);
  }

  /** Every entry of a conversation, oldest first. */
  async entries(conversation: ConversationKey): Promise<EntryRow[]> {
    return query<EntryRow>(
      this.dataSource,
      sql`SELECT ${ENTRY_COLUMNS} FROM conversation_entries e WHERE e.region_id = ${conversation.regionId} AND e.conversation_id = ${conversation.id} ORDER BY e.created_at, e.id`,
    );
  }

  /** The open actions of these conversations (the agenda), by due date (none last), then oldest first. */
  async openActions(conversationIds: string[]): Promise<EntryRow[]> {
    return query<EntryRow>(
      this.dataSource,
      sql`SELECT ${ENTRY_COLUMNS} FROM conversation_entries e WHERE e.conversation_id = ANY(${conversationIds}::uuid[]) AND e.status = 'open'
           ORDER BY e.due_date NULLS LAST, e.created_at, e.id`,
    );
  }

  /** Every change of status of the actions of a conversation, in order. */
  async actionEvents(conversation: ConversationKey): Promise<ActionEventRow[]> {
    return query<ActionEventRow>(
      this.dataSource,
      sql`SELECT v.entry_id AS "entryId", v.from_status AS "fromStatus", v.to_status AS "toStatus", v.note, v.actor_party_kind AS "actorPartyKind",
                 v.actor_party_id AS "actorPartyId", v.actor_client_id AS "actorClientId", v.actor_name AS "actorName", v.at
            FROM conversation_action_events v JOIN conversation_entries e ON e.id = v.entry_id
           WHERE v.region_id = ${conversation.regionId} AND e.conversation_id = ${conversation.id}
           ORDER BY v.id`,
    );
  }

  /** Adds a note or an action; the conversation's latest activity moves to now. */
  async addEntry(conversation: ConversationKey, entry: NewEntry): Promise<string> {
    return this.dataSource.transaction((manager) => this.insertEntry(manager, conversation, entry));
  }

  private async insertEntry(manager: EntityManager, conversation: ConversationKey, entry: NewEntry): Promise<string> {
    const { author } = entry;
    const row = await queryOne<{ id: string }>(
      manager,
      sql`INSERT INTO conversation_entries (region_id, conversation_id, kind, text, author_party_kind, author_party_id, author_client_id, author_name, status, owner_role, due_date)
          VALUES (${conversation.regionId}, ${conversation.id}, ${entry.kind}, ${entry.text}, ${author.partyKind}, ${author.partyId}, ${author.clientId}, ${author.name},
                  ${entry.kind === 'action' ? 'open' : null}, ${entry.ownerRole}, ${entry.dueDate}::date)
          RETURNING id`,
    );
    await this.touch(manager, conversation);
    return row!.id;
  }

  /**
   * Sets the status of an action of the conversation, with an event (from, to, who, when); a
   * status it already has writes nothing. Null when the conversation has no such action.
   */
  async setActionStatus(conversation: ConversationKey, entryId: string, change: { to: ActionStatus; note: string | null; actor: Author }): Promise<{ from: ActionStatus } | null> {
    return this.dataSource.transaction(async (manager) => {
      const current = await queryOne<{ status: ActionStatus }>(
        manager,
        sql`SELECT status FROM conversation_entries
             WHERE region_id = ${conversation.regionId} AND conversation_id = ${conversation.id} AND id = ${entryId} AND kind = 'action'
             FOR UPDATE`,
      );
      if (!current) return null;
      if (current.status === change.to) return { from: current.status };
      await execute(
        manager,
        sql`UPDATE conversation_entries SET status = ${change.to}, status_changed_at = now() WHERE region_id = ${conversation.regionId} AND id = ${entryId}`,
      );
      const { actor } = change;
      await execute(
        manager,
        sql`INSERT INTO conversation_action_events (region_id, entry_id, from_status, to_status, note, actor_party_kind, actor_party_id, actor_client_id, actor_name)
            VALUES (${conversation.regionId}, ${entryId}, ${current.status}, ${change.to}, ${change.note}, ${actor.partyKind}, ${actor.partyId}, ${actor.clientId}, ${actor.name})`,
      );
      await this.touch(manager, conversation);
      return { from: current.status };
    });
  }

  private async touch(manager: EntityManager, conversation: ConversationKey): Promise<void> {
    await execute(manager, sql`UPDATE conversations SET last_entry_at = now() WHERE region_id = ${conversation.regionId} AND id = ${conversation.id}`);
  }
}

/** The conversations of the caller's scope (the parties of their cells, as for signals) that pass the filters. */
function whereOf(scope: AlertScope, filters: ConversationFilters): Sql {
  const conditions: Sql[] = [];
  switch (scope.kind) {
    case 'region':
      conditions.push(sql`c.region_id = ${scope.regionId}`);
      break;
    case 'institution': {
      const institution = param(scope.institutionId);
      conditions.push(sql`c.region_id = ANY(${scope.regionIds}::uuid[])`);
      conditions.push(
        sql`((c.cell_kind IN ('supplier_receiver', 'supplier_sector') AND c.supplier_institution_id = ${institution})
            OR (c.cell_kind IN ('supplier_receiver', 'receiver') AND c.receiver_institution_id = ${institution}))`,
      );
      break;
    }
  }
  if (filters.alertId !== undefined) conditions.push(sql`c.alert_id = ${filters.alertId}`);
  if (filters.regionCode !== undefined) conditions.push(sql`r.code = ${filters.regionCode}`);
  if (filters.subject !== undefined) conditions.push(sql`c.subject = ${filters.subject}`);
  if (filters.withOpenActions) conditions.push(sql`EXISTS (SELECT 1 FROM conversation_entries o WHERE o.conversation_id = c.id AND o.status = 'open')`);
  return join(conditions, sql` AND `);
}
