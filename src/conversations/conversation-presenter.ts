import { AlertParty } from 'src/access/tenancy';
import { alertHref } from 'src/alerts/alert-presenter';
import { CsvRow } from 'src/common/csv-export';
import { OwnerRole } from 'src/conversations/conversation.entity';
import { ActionEventRow, ConversationRow, EntryRow } from 'src/conversations/conversation-rows';
import { ActionOwnerDto, AuthorDto, ConversationDetailDto, ConversationDto, ConversationEntryDto, InstitutionLabelDto } from 'src/conversations/dto/conversation.dto';

export const conversationHref = (id: string): string => `/v1/conversations/${id}`;

const label = (brin: string | null, name: string | null): InstitutionLabelDto | null => (brin === null ? null : { brin, name: name ?? brin });

/** A party's place in the conversation's cell: the region's coordinators, the supplier or the receiver. */
export function roleIn(conversation: ConversationRow, party: AlertParty): OwnerRole {
  if (party.kind === 'region') return 'coordinator';
  return party.id === conversation.supplierInstitutionId ? 'supplier' : 'receiver';
}

/** The labels of a party of the cell in one role. */
export function partyOf(conversation: ConversationRow, role: OwnerRole): ActionOwnerDto {
  switch (role) {
    case 'coordinator':
      return { role, institution: null, region: conversation.regionCode };
    case 'supplier':
      return { role, institution: label(conversation.supplierBrin, conversation.supplierName), region: null };
    case 'receiver':
      return { role, institution: label(conversation.receiverBrin, conversation.receiverName), region: null };
  }
}

export function authorDto(conversation: ConversationRow, author: { partyKind: AlertParty['kind']; partyId: string; clientId: string; name: string | null }): AuthorDto {
  return { client: author.clientId, person: author.name, ...partyOf(conversation, roleIn(conversation, { kind: author.partyKind, id: author.partyId })) };
}

export function toConversationDto(row: ConversationRow): ConversationDto {
  return {
    id: row.id,
    href: conversationHref(row.id),
    subject: row.subject,
    region: row.regionCode,
    signal: row.alertId ? { id: row.alertId, href: alertHref(row.alertId), type: row.alertType } : null,
    cell: {
      kind: row.cellKind,
      supplier: label(row.supplierBrin, row.supplierName),
      receiver: label(row.receiverBrin, row.receiverName),
      sector: row.sector,
      programme: row.programmeCode,
      cohort: row.cohort,
      metric: row.metric,
    },
    title: row.title,
    startedBy: authorDto(row, { partyKind: row.startedByPartyKind, partyId: row.startedByPartyId, clientId: row.startedByClientId, name: row.startedByName }),
    createdAt: row.createdAt.toISOString(),
    lastEntryAt: row.lastEntryAt.toISOString(),
    openActions: row.openActions,
  };
}

export function toEntryDto(conversation: ConversationRow, entry: EntryRow, events: ActionEventRow[]): ConversationEntryDto {
  return {
    id: entry.id,
    kind: entry.kind,
    text: entry.text,
    author: authorDto(conversation, { partyKind: entry.authorPartyKind, partyId: entry.authorPartyId, clientId: entry.authorClientId, name: entry.authorName }),
    createdAt: entry.createdAt.toISOString(),
    status: entry.status,
    owner: entry.ownerRole ? partyOf(conversation, entry.ownerRole) : null,
    dueDate: entry.dueDate,
    statusChangedAt: entry.statusChangedAt ? entry.statusChangedAt.toISOString() : null,
    statusHistory: events
      .filter((event) => event.entryId === entry.id)
      .map((event) => ({
        from: event.fromStatus,
        to: event.toStatus,
        note: event.note,
        by: authorDto(conversation, { partyKind: event.actorPartyKind, partyId: event.actorPartyId, clientId: event.actorClientId, name: event.actorName }),
        at: event.at.toISOString(),
      })),
  };
}

/** Who, as one CSV cell: "Name (client) · supplier 00AA". */
export const authorText = (author: AuthorDto): string =>
  `${author.person ? `${author.person} (${author.client})` : author.client} · ${author.role}${author.institution ? ` ${author.institution.brin}` : author.region ? ` ${author.region}` : ''}`;

const ownerText = (owner: ActionOwnerDto | null): string | null => (owner ? `${owner.role}${owner.institution ? ` ${owner.institution.brin}` : owner.region ? ` ${owner.region}` : ''}` : null);

/** GET /v1/conversations/{id} as CSV: one row per note or action, oldest first. Text cells are neutralised by the CSV export. */
export function conversationToCsv(detail: ConversationDetailDto): CsvRow[] {
  return detail.entries.map((entry) => ({
    conversation: detail.id,
    region: detail.region,
    supplier: detail.cell.supplier?.brin ?? null,
    receiver: detail.cell.receiver?.brin ?? null,
    title: detail.title,
    date: entry.createdAt,
    kind: entry.kind,
    author: authorText(entry.author),
    text: entry.text,
    status: entry.status,
    owner: ownerText(entry.owner),
    dueDate: entry.dueDate,
    statusChangedAt: entry.statusChangedAt,
  }));
}

export { ownerText };
