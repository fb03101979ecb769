import { ApiProperty } from '@nestjs/swagger';
import { ALERT_TYPES, AlertType } from 'src/alerts/detection/model';
import { AlertDto } from 'src/alerts/dto/alert.dto';
import { ValidateDate, ValidateString } from 'src/common/property.decorators';
import { ACTION_STATUSES, ActionStatus, CONVERSATION_SUBJECTS, ConversationSubject } from 'src/conversations/conversation.entity';
import { ActionOwnerDto, AuthorDto, ConversationCellDto } from 'src/conversations/dto/conversation.dto';
import { REGION_CODE_PATTERN } from 'src/institutions/dto/institution.dto';
import { InterventionDto } from 'src/interventions/dto/intervention.dto';

/**
 * The kinds of items on the agenda, in the order the agenda lists its sources. A new source (say
 * interventions due for review) adds its kind here and its class to AGENDA_SOURCES
 * (agenda-sources.ts).
 */
export const AGENDA_ITEM_KINDS = ['signal', 'conversation', 'intervention'] as const;
export type AgendaItemKind = (typeof AGENDA_ITEM_KINDS)[number];

export class AgendaQueryDto {
  @ValidateString({ optional: true, maxLength: 32, pattern: REGION_CODE_PATTERN, description: 'Only this region (code).' })
  region?: string;

  @ValidateDate({ optional: true, description: 'The date of the meeting: actions due on or before it are marked `due` (default: today).' })
  dueBy?: string;
}

export class AgendaActionDto {
  @ApiProperty() id!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ enum: ACTION_STATUSES }) status!: ActionStatus;
  @ApiProperty({ type: ActionOwnerDto, nullable: true }) owner!: ActionOwnerDto | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) dueDate!: string | null;
  @ApiProperty({ description: 'Due on or before the meeting (`dueBy`).' }) due!: boolean;
  @ApiProperty({ type: AuthorDto }) author!: AuthorDto;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
}

export class AgendaConversationDto {
  @ApiProperty() id!: string;
  @ApiProperty() href!: string;
  @ApiProperty({ enum: CONVERSATION_SUBJECTS }) subject!: ConversationSubject;
  @ApiProperty({ type: String, nullable: true, description: 'The signal it is about.' }) signalHref!: string | null;
  @ApiProperty({ enum: ALERT_TYPES, nullable: true, description: 'The type of that signal.' }) signalType!: AlertType | null;
  @ApiProperty({ type: String, nullable: true, description: 'The title its parties gave it.' }) title!: string | null;
  @ApiProperty({ type: [AgendaActionDto], description: 'Its open actions, by due date.' }) openActions!: AgendaActionDto[];
}

export class AgendaConversationRefDto {
  @ApiProperty() id!: string;
  @ApiProperty() href!: string;
}

/** One item: the columns every source fills (kind, date, region, title, cell, status), and the source's own part. */
export class AgendaItemDto {
  @ApiProperty({ enum: AGENDA_ITEM_KINDS }) kind!: AgendaItemKind;
  @ApiProperty({ type: String, format: 'date-time', description: 'The latest change of the item.' }) at!: string;
  @ApiProperty() region!: string;
  @ApiProperty({ description: 'What the item is, in a line.' }) title!: string;
  @ApiProperty() href!: string;
  @ApiProperty({ type: ConversationCellDto }) cell!: ConversationCellDto;
  @ApiProperty({ description: "A signal: the caller's triage; a conversation: its open actions." }) status!: string;
  @ApiProperty({ type: AlertDto, required: false, description: 'A signal of the inbox, as GET /v1/alerts shows it.' }) signal?: AlertDto;
  @ApiProperty({ type: AgendaConversationRefDto, required: false, nullable: true, description: "A signal's conversation, when it has one." }) signalConversation?: AgendaConversationRefDto | null;
  @ApiProperty({ type: AgendaConversationDto, required: false }) conversation?: AgendaConversationDto;
  @ApiProperty({ type: InterventionDto, required: false, description: 'An intervention due for review, as GET /v1/interventions lists it.' }) intervention?: InterventionDto;
}

export class AgendaDto {
  @ApiProperty({ type: String, format: 'date' }) dueBy!: string;
  @ApiProperty({ type: String, format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: [AgendaItemDto], description: "Open inbox signals (the inbox's order), then conversations with open actions (latest activity first), then interventions due for review (soonest review first)." }) items!: AgendaItemDto[];
  @ApiProperty({ description: 'Actions due on or before dueBy.' }) dueActions!: number;
}
