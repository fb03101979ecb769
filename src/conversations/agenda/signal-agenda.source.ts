import { Injectable } from '@nestjs/common';
import { Principal } from 'src/access/principal';
import { AlertsService } from 'src/alerts/alerts.service';
import { AlertListQueryDto } from 'src/alerts/dto/alert.dto';
import { AgendaOptions, AgendaSource, MAX_ITEMS_PER_SOURCE } from 'src/conversations/agenda/agenda-source';
import { AgendaItemDto } from 'src/conversations/agenda/agenda.dto';
import { conversationHref } from 'src/conversations/conversation-presenter';
import { ConversationsRepository } from 'src/conversations/conversations.repository';

/** The caller's open inbox signals (not aandacht, not resolved by its party), in the inbox's order, each with its conversation if it has one. */
@Injectable()
export class SignalAgendaSource implements AgendaSource {
  readonly kind = 'signal' as const;

  constructor(
    private readonly alerts: AlertsService,
    private readonly repository: ConversationsRepository,
  ) {}

  async items(auth: Principal, options: AgendaOptions): Promise<AgendaItemDto[]> {
    const query = Object.assign(new AlertListQueryDto(), { state: 'open', triage: 'unresolved', region: options.region, sort: 'severity', limit: MAX_ITEMS_PER_SOURCE, offset: 0 });
    const { items } = await this.alerts.list(auth, query);
    const conversations = new Map((items.length > 0 ? await this.repository.ofAlerts(items.map((alert) => alert.id)) : []).map((row) => [row.alertId, row.id]));
    return items.map((alert) => {
      const conversation = conversations.get(alert.id);
      return {
        kind: this.kind,
        at: new Date(alert.updatedAt).toISOString(),
        region: alert.region,
        title: `${alert.type} ${alert.metric} ${alert.cohort}`,
        href: alert.href,
        cell: { kind: alert.cell.kind, supplier: alert.cell.supplier, receiver: alert.cell.receiver, sector: alert.cell.sector, programme: null, cohort: alert.cohort, metric: alert.metric },
        status: alert.triage?.state ?? 'new',
        signal: alert,
        signalConversation: conversation ? { id: conversation, href: conversationHref(conversation) } : null,
      };
    });
  }
}
