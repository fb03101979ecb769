import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { CsvExport } from 'src/common/csv-export';
import { agendaToCsv } from 'src/conversations/agenda/agenda-csv';
import { AgendaDto, AgendaQueryDto } from 'src/conversations/agenda/agenda.dto';
import { AgendaService } from 'src/conversations/agenda/agenda.service';
import { conversationToCsv } from 'src/conversations/conversation-presenter';
import { ConversationsService } from 'src/conversations/conversations.service';
import {
  ActionParamDto,
  ActionStatusRequestDto,
  AddEntryDto,
  ConversationDetailDto,
  ConversationIdParamDto,
  ConversationListDto,
  ConversationListQueryDto,
  StartConversationDto,
} from 'src/conversations/dto/conversation.dto';

@ApiTags('conversations')
@Controller()
export class ConversationsController {
  constructor(
    private readonly service: ConversationsService,
    private readonly agendaService: AgendaService,
  ) {}

  /** The conversations the caller takes part in (a party of their cells), latest activity first; `alert` finds a signal's conversation. */
  @Get('conversations')
  @Authenticated({ scope: 'alerts:read' })
  @ApiOkResponse({ type: ConversationListDto })
  listConversations(@Auth() auth: Principal, @Query() query: ConversationListQueryDto): Promise<ConversationListDto> {
    return this.service.list(auth, query);
  }

  /** Starts a conversation on a signal (the caller's triage becomes in-conversation) or on a supplier × receiver cell. */
  @Post('conversations')
  @Authenticated({ scope: 'alerts:write' })
  @ApiCreatedResponse({ type: ConversationDetailDto })
  @ApiBadRequestResponse({ description: 'Neither or both of a signal and a cell, a cell whose institutions are not members of the region, text too long (problem+json).' })
  @ApiNotFoundResponse({ description: 'A signal or region the caller cannot see (problem+json).' })
  @ApiConflictResponse({ description: 'The signal has its conversation already; `conversation` links to it (problem+json).' })
  startConversation(@Auth() auth: Principal, @Body() dto: StartConversationDto): Promise<ConversationDetailDto> {
    return this.service.start(auth, dto);
  }

  /** One conversation with its notes and actions and each action's status history. Also as CSV (one row per entry). */
  @Get('conversations/:id')
  @Authenticated({ scope: 'alerts:read' })
  @CsvExport(conversationToCsv)
  @ApiOkResponse({ type: ConversationDetailDto })
  @ApiNotFoundResponse({ description: 'Missing, or not a conversation of the caller’s cells (problem+json).' })
  getConversation(@Auth() auth: Principal, @Param() params: ConversationIdParamDto): Promise<ConversationDetailDto> {
    return this.service.get(auth, params.id);
  }

  /** Adds a note or an agreed action (optionally with an owner and a due date). */
  @Post('conversations/:id/entries')
  @Authenticated({ scope: 'alerts:write' })
  @ApiCreatedResponse({ type: ConversationDetailDto })
  @ApiBadRequestResponse({ description: 'Text too long or blank, an owner the cell does not have, an owner or due date on a note (problem+json).' })
  @ApiNotFoundResponse({ description: 'Missing, or not a conversation of the caller’s cells (problem+json).' })
  addConversationEntry(@Auth() auth: Principal, @Param() params: ConversationIdParamDto, @Body() dto: AddEntryDto): Promise<ConversationDetailDto> {
    return this.service.addEntry(auth, params.id, dto);
  }

  /** Sets the status of an agreed action (open, done, dropped); the change is kept with who and when. */
  @Put('conversations/:id/actions/:actionId/status')
  @Authenticated({ scope: 'alerts:write' })
  @ApiOkResponse({ type: ConversationDetailDto })
  @ApiBadRequestResponse({ description: 'Unknown status (problem+json).' })
  @ApiNotFoundResponse({ description: 'Missing conversation or action, or not the caller’s (problem+json).' })
  setActionStatus(@Auth() auth: Principal, @Param() params: ActionParamDto, @Body() dto: ActionStatusRequestDto): Promise<ConversationDetailDto> {
    return this.service.setActionStatus(auth, params.id, params.actionId, dto);
  }

  /**
   * The agenda of the next network meeting for the caller's party: its open inbox signals, then its
   * conversations with open actions (actions due by `dueBy` marked). Also as CSV.
   */
  @Get('agenda')
  @Authenticated({ scope: 'alerts:read' })
  @CsvExport(agendaToCsv)
  @ApiOkResponse({ type: AgendaDto })
  getAgenda(@Auth() auth: Principal, @Query() query: AgendaQueryDto): Promise<AgendaDto> {
    return this.agendaService.agenda(auth, query);
  }
}
