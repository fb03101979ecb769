import { Module } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { AlertsModule } from 'src/alerts/alerts.module';
import { AGENDA_SOURCE_PROVIDERS } from 'src/conversations/agenda/agenda-sources';
import { AgendaService } from 'src/conversations/agenda/agenda.service';
import { ConversationsController } from 'src/conversations/conversations.controller';
import { ConversationsRepository } from 'src/conversations/conversations.repository';
import { ConversationsService } from 'src/conversations/conversations.service';
import { InterventionsModule } from 'src/interventions/interventions.module';

/**
 * Conversations on a signal or a cell between the parties of the cell (notes and agreed actions),
 * and each party's agenda for the next network meeting (signals, conversations with open actions,
 * interventions due for review).
 */
@Module({
  imports: [AccessModule, AlertsModule, InterventionsModule],
  controllers: [ConversationsController],
  providers: [ConversationsRepository, ConversationsService, AgendaService, ...AGENDA_SOURCE_PROVIDERS],
})
export class ConversationsModule {}
