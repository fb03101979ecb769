import { Injectable } from '@nestjs/common';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { alertHref } from 'src/alerts/alert-presenter';
import { AgendaOptions, AgendaSource, MAX_ITEMS_PER_SOURCE } from 'src/conversations/agenda/agenda-source';
import { AgendaItemDto } from 'src/conversations/agenda/agenda.dto';
import { authorDto, conversationHref, partyOf, toConversationDto } from 'src/conversations/conversation-presenter';
import { ConversationsRepository } from 'src/conversations/conversations.repository';

/** The caller's conversations with open actions, latest activity first, each with its open actions by due date. */
@Injectable()
export class ConversationAgendaSource implements AgendaSource {
  readonly kind = 'conversation' as const;

  constructor(
    private readonly repository: ConversationsRepository,
    private readonly access: AccessService,
  ) {}

  async items(auth: Principal, options: AgendaOptions): Promise<AgendaItemDto[]> {
    const participant = await this.access.conversationParty(auth);
    if (!participant) return [];
    const { items: rows } = await this.repository.list(participant.scope, { regionCode: options.region, withOpenActions: true }, MAX_ITEMS_PER_SOURCE, 0);
    const actions = rows.length > 0 ? await this.repository.openActions(rows.map((row) => row.id)) : [];
    return rows.map((row) => {
      const conversation = toConversationDto(row);
      const open = actions.filter((action) => action.conversationId === row.id);
      return {
        kind: this.kind,
        at: conversation.lastEntryAt,
        region: conversation.region,
        title: conversation.title ?? (row.alertType ? `${row.alertType} ${row.metric ?? ''} ${row.cohort ?? ''}`.trim() : 'gesprek'),
        href: conversation.href,
        cell: conversation.cell,
        status: `${open.length} open`,
        conversation: {
          id: row.id,
          href: conversationHref(row.id),
          subject: row.subject,
          signalHref: row.alertId ? alertHref(row.alertId) : null,
          signalType: row.alertType,
          title: row.title,
          openActions: open.map((action) => ({
            id: action.id,
            text: action.text,
            status: action.status ?? 'open',
            owner: action.ownerRole ? partyOf(row, action.ownerRole) : null,
            dueDate: action.dueDate,
            due: action.dueDate !== null && action.dueDate <= options.dueBy,
            author: authorDto(row, { partyKind: action.authorPartyKind, partyId: action.authorPartyId, clientId: action.authorClientId, name: action.authorName }),
            createdAt: action.createdAt.toISOString(),
          })),
        },
      };
    });
  }
}
