import { Provider } from '@nestjs/common';
import { AGENDA_SOURCES, AgendaSource } from 'src/conversations/agenda/agenda-source';
import { ConversationAgendaSource } from 'src/conversations/agenda/conversation-agenda.source';
import { InterventionAgendaSource } from 'src/conversations/agenda/intervention-agenda.source';
import { SignalAgendaSource } from 'src/conversations/agenda/signal-agenda.source';

/**
 * The agenda's sources, in the order it lists them: the one place a new source is added (its class
 * here and in `inject`, its kind in AGENDA_ITEM_KINDS; its module imported by ConversationsModule).
 */
export const AGENDA_SOURCE_PROVIDERS: Provider[] = [
  SignalAgendaSource,
  ConversationAgendaSource,
  InterventionAgendaSource,
  {
    provide: AGENDA_SOURCES,
    useFactory: (...sources: AgendaSource[]): AgendaSource[] => sources,
    inject: [SignalAgendaSource, ConversationAgendaSource, InterventionAgendaSource],
  },
];
