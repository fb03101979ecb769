import { Injectable } from '@nestjs/common';
import { AccessService } from 'src/access/access.service';
import { actorOf, Principal } from 'src/access/principal';
import { ConversationParty } from 'src/access/tenancy';
import { AlertsService } from 'src/alerts/alerts.service';
import { noteAuditTarget } from 'src/audit/audit-target';
import { notFound } from 'src/common/problem';
import { problem } from 'src/common/problems';
import { ProblemFieldError } from 'src/common/problem';
import { conversationHref, toConversationDto, toEntryDto } from 'src/conversations/conversation-presenter';
import { Author, ConversationRow, NewConversation, NewEntry } from 'src/conversations/conversation-rows';
import { OwnerRole } from 'src/conversations/conversation.entity';
import { ConversationsRepository } from 'src/conversations/conversations.repository';
import {
  ActionStatusRequestDto,
  AddEntryDto,
  ConversationDetailDto,
  ConversationListDto,
  ConversationListQueryDto,
  StartConversationDto,
} from 'src/conversations/dto/conversation.dto';

/** Which places a cell kind has: who can own an action on it. */
const ROLES_OF_CELL: Record<ConversationRow['cellKind'], OwnerRole[]> = {
  supplier_receiver: ['supplier', 'receiver', 'coordinator'],
  supplier_sector: ['supplier', 'coordinator'],
  receiver: ['receiver', 'coordinator'],
  region: ['coordinator'],
};

/**
 * Conversations on a signal or a cell: notes and agreed actions that the parties of the cell (its
 * supplier, its receiver and the region's coordinators) write and read, and no one else. Who takes
 * part is decided by AccessService; the caller's triage of a signal is set by AlertsService.
 */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly repository: ConversationsRepository,
    private readonly access: AccessService,
    private readonly alerts: AlertsService,
  ) {}

  async list(auth: Principal, query: ConversationListQueryDto): Promise<ConversationListDto> {
    const participant = await this.access.conversationParty(auth);
    if (!participant || (participant.scope.kind === 'institution' && participant.scope.regionIds.length === 0)) return { items: [], total: 0, limit: query.limit, offset: query.offset };
    const { items, total } = await this.repository.list(participant.scope, { alertId: query.alert, regionCode: query.region, subject: query.subject }, query.limit, query.offset);
    return { items: items.map(toConversationDto), total, limit: query.limit, offset: query.offset };
  }

  async get(auth: Principal, id: string): Promise<ConversationDetailDto> {
    return this.detail((await this.visible(auth, id)).row);
  }

  /**
   * Starts a conversation on a signal the caller sees (its triage becomes in-conversation) or on a
   * supplier × receiver cell the caller is a party of, with an optional first note. A signal has
   * one conversation: starting a second answers 409 with the one it has.
   */
  async start(auth: Principal, dto: StartConversationDto): Promise<ConversationDetailDto> {
    if ((dto.alertId === undefined) === (dto.cell === undefined)) {
      const detail = 'name either a signal (alertId) or a cell';
      throw problem('invalid-request', 'A conversation is about a signal or a cell: name exactly one.', [
        { pointer: '#/alertId', code: 'subjectRequired', detail },
        { pointer: '#/cell', code: 'subjectRequired', detail },
      ]);
    }
    const participant = await this.participant(auth);
    const startedBy = this.authorOf(auth, participant);
    const common = { title: dto.title ?? null, startedBy };
    let conversation: NewConversation;
    if (dto.alertId !== undefined) {
      const signal = await this.alerts.signalOf(auth, dto.alertId);
      conversation = { ...common, regionId: signal.regionId, subject: 'signal', alertId: signal.id, cellKind: signal.cellKind, supplierInstitutionId: signal.supplierInstitutionId, receiverInstitutionId: signal.receiverInstitutionId, sector: signal.sector, programmeCode: null, cohort: signal.cohort, metric: signal.metric };
    } else {
      const cell = dto.cell!;
      const { region, supplier, receiver } = await this.access.requireConversationCell(auth, cell, '#/cell');
      conversation = { ...common, regionId: region.id, subject: 'cell', alertId: null, cellKind: 'supplier_receiver', supplierInstitutionId: supplier.id, receiverInstitutionId: receiver.id, sector: cell.sector ?? null, programmeCode: cell.programme ?? null, cohort: cell.cohort ?? null, metric: cell.metric ?? null };
    }
    const firstEntry: NewEntry | null = dto.note !== undefined ? { kind: 'note', text: dto.note, ownerRole: null, dueDate: null, author: startedBy } : null;
    const { id, created } = await this.repository.start(conversation, firstEntry);
    if (!created) throw problem('conflict', 'This signal has its conversation already: add your notes and actions to it.', undefined, { conversation: conversationHref(id) });
    if (conversation.alertId) await this.alerts.enterConversation(auth, conversation.alertId);
    noteAuditTarget({ resource: 'conversations', id, written: 1 });
    return this.get(auth, id);
  }

  /** Adds a note or an action; on a signal, the writer's party takes the signal into conversation (its triage, when new or seen). */
  async addEntry(auth: Principal, id: string, dto: AddEntryDto): Promise<ConversationDetailDto> {
    const { row, participant } = await this.visible(auth, id);
    const errors: ProblemFieldError[] = [];
    if (dto.kind === 'note') {
      if (dto.owner !== undefined) errors.push({ pointer: '#/owner', code: 'actionOnly', detail: 'only an action has an owner' });
      if (dto.dueDate !== undefined) errors.push({ pointer: '#/dueDate', code: 'actionOnly', detail: 'only an action has a due date' });
    } else if (dto.owner !== undefined && !ROLES_OF_CELL[row.cellKind].includes(dto.owner)) {
      errors.push({ pointer: '#/owner', code: 'notAPartyOfTheCell', detail: `a ${row.cellKind.replace('_', ' × ')} cell has no ${dto.owner}; owners here: ${ROLES_OF_CELL[row.cellKind].join(', ')}` });
    }
    if (errors.length > 0) throw problem('invalid-request', 'The entry does not fit its kind or its cell.', errors);
    await this.repository.addEntry(row, { kind: dto.kind, text: dto.text, ownerRole: dto.owner ?? null, dueDate: dto.dueDate ?? null, author: this.authorOf(auth, participant) });
    if (row.alertId) await this.alerts.enterConversation(auth, row.alertId);
    noteAuditTarget({ written: 1 });
    return this.get(auth, id);
  }

  /** Sets an action's status (open, done, dropped); every change is kept with who and when. */
  async setActionStatus(auth: Principal, id: string, actionId: string, dto: ActionStatusRequestDto): Promise<ConversationDetailDto> {
    const { row, participant } = await this.visible(auth, id);
    const result = await this.repository.setActionStatus(row, actionId, { to: dto.status, note: dto.note ?? null, actor: this.authorOf(auth, participant) });
    if (!result) throw notFound(`Action ${actionId}`);
    noteAuditTarget({ written: result.from === dto.status ? 0 : 1 });
    return this.get(auth, id);
  }

  private async participant(auth: Principal): Promise<ConversationParty> {
    const participant = await this.access.conversationParty(auth);
    if (!participant) throw problem('forbidden', 'Conversations are for the parties of a cell: institutions and the coordinators of a region.');
    return participant;
  }

  /** A conversation the caller takes part in (a party of its cell), or the same 404 as a missing one. */
  private async visible(auth: Principal, id: string): Promise<{ row: ConversationRow; participant: ConversationParty }> {
    const participant = await this.access.conversationParty(auth);
    const row = participant ? await this.repository.findView(id) : null;
    if (!row || !participant || !this.access.takesPart(participant.scope, row)) throw notFound(`Conversation ${id}`);
    return { row, participant };
  }

  private authorOf(auth: Principal, participant: ConversationParty): Author {
    return { partyKind: participant.party.kind, partyId: participant.party.id, clientId: actorOf(auth).actorClientId, name: auth.person?.name ?? null };
  }

  private async detail(row: ConversationRow): Promise<ConversationDetailDto> {
    const [entries, events] = await Promise.all([this.repository.entries(row), this.repository.actionEvents(row)]);
    return { ...toConversationDto(row), entries: entries.map((entry) => toEntryDto(row, entry, events)) };
  }
}
