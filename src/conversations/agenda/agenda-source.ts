import { Principal } from 'src/access/principal';
import { AgendaItemDto, AgendaItemKind } from 'src/conversations/agenda/agenda.dto';

/** At most this many items per source: the agenda of one meeting, not an archive. */
export const MAX_ITEMS_PER_SOURCE = 500;

export interface AgendaOptions {
  region?: string;
  /** YYYY-MM-DD: what is due on or before it counts as due. */
  dueBy: string;
}

/**
 * One source of agenda items for the caller's party: open inbox signals, conversations with open
 * actions, and later interventions due for review. Each decides visibility through the module that
 * owns its items (and so through AccessService).
 */
export interface AgendaSource {
  readonly kind: AgendaItemKind;
  items(auth: Principal, options: AgendaOptions): Promise<AgendaItemDto[]>;
}

/** The sources of the agenda, in the order it lists them (agenda-sources.ts). */
export const AGENDA_SOURCES = Symbol('AGENDA_SOURCES');
