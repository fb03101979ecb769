import { ApiProperty } from '@nestjs/swagger';
import { ALERT_METRICS, ALERT_TYPES, AlertMetric, AlertType, CELL_KINDS, CellKind } from 'src/alerts/detection/model';
import { PageQueryDto } from 'src/common/paging';
import { ValidateBrin, ValidateDate, ValidateEnum, ValidateInt, ValidateNestedObject, ValidateString, ValidateUuid } from 'src/common/property.decorators';
import {
  ACTION_STATUSES,
  ActionStatus,
  CONVERSATION_SUBJECTS,
  ConversationSubject,
  ENTRY_KINDS,
  EntryKind,
  MAX_ENTRY_LENGTH,
  MAX_TITLE_LENGTH,
  OWNER_ROLES,
  OwnerRole,
} from 'src/conversations/conversation.entity';
import { REGION_CODE_PATTERN } from 'src/institutions/dto/institution.dto';
import { RECORD_SECTORS, RecordSector } from 'src/programmes/programme-codes';

/** Text of a note or an action: not blank, at most MAX_ENTRY_LENGTH characters, no control characters but tabs and line breaks. Never trimmed. */
export const ENTRY_TEXT = /^(?=[\s\S]*\S)(?:[\t\n\r]|\P{Cc})*$/u;
const ENTRY_TEXT_MESSAGE = '$property must hold text, with no control characters other than tabs and line breaks';
/** A title: one line, not blank. */
const TITLE = /^(?=.*\S)\P{Cc}*$/u;

export class ConversationCellRequestDto {
  @ValidateString({ maxLength: 32, pattern: REGION_CODE_PATTERN, description: 'Region code.' })
  region!: string;

  @ValidateBrin({ description: 'The supplying institution (BRIN); a member of the region.' })
  supplier!: string;

  @ValidateBrin({ description: 'The receiving institution (BRIN); a member of the region.' })
  receiver!: string;

  @ValidateEnum(RECORD_SECTORS, { optional: true, description: 'Optionally one sector of the cell.' })
  sector?: RecordSector;

  @ValidateString({ optional: true, minLength: 5, maxLength: 5, pattern: /^[0-9]{5}$/, description: 'Optionally one programme of the cell (CROHO or crebo code).' })
  programme?: string;

  @ValidateInt({ optional: true, min: 2000, max: 2100, description: 'Optionally the cohort the conversation is about.' })
  cohort?: number;

  @ValidateEnum(ALERT_METRICS, { optional: true, description: 'Optionally the metric the conversation is about.' })
  metric?: AlertMetric;
}

export class StartConversationDto {
  @ValidateUuid({ optional: true, description: 'The signal (alert id) the conversation is about; or name a cell.' })
  alertId?: string;

  @ValidateNestedObject(() => ConversationCellRequestDto, { optional: true, description: 'The supplier × receiver cell the conversation is about; or name a signal.' })
  cell?: ConversationCellRequestDto;

  @ValidateString({ optional: true, maxLength: MAX_TITLE_LENGTH, pattern: TITLE, patternMessage: '$property must be one line of text', description: 'What the conversation is about, in a line.' })
  title?: string;

  @ValidateString({ optional: true, maxLength: MAX_ENTRY_LENGTH, pattern: ENTRY_TEXT, patternMessage: ENTRY_TEXT_MESSAGE, description: 'A first note.' })
  note?: string;
}

export class AddEntryDto {
  @ValidateEnum(ENTRY_KINDS, { description: 'A note (what was found or said) or an agreed action.' })
  kind!: EntryKind;

  @ValidateString({ maxLength: MAX_ENTRY_LENGTH, pattern: ENTRY_TEXT, patternMessage: ENTRY_TEXT_MESSAGE, description: `The text, at most ${MAX_ENTRY_LENGTH} characters; kept exactly as sent.` })
  text!: string;

  @ValidateEnum(OWNER_ROLES, { optional: true, description: "An action's owner: the cell's supplier, its receiver, or the region's coordinators." })
  owner?: OwnerRole;

  @ValidateDate({ optional: true, description: 'When an action is due.' })
  dueDate?: string;
}

export class ActionStatusRequestDto {
  @ValidateEnum(ACTION_STATUSES, { description: 'open, done or dropped.' })
  status!: ActionStatus;

  @ValidateString({ optional: true, maxLength: MAX_ENTRY_LENGTH, pattern: ENTRY_TEXT, patternMessage: ENTRY_TEXT_MESSAGE, description: 'Why, or what was done.' })
  note?: string;
}

export class ConversationIdParamDto {
  @ValidateUuid()
  id!: string;
}

export class ActionParamDto extends ConversationIdParamDto {
  @ValidateUuid()
  actionId!: string;
}

export class ConversationListQueryDto extends PageQueryDto {
  @ValidateUuid({ optional: true, description: 'The conversation about this signal.' })
  alert?: string;

  @ValidateString({ optional: true, maxLength: 32, pattern: REGION_CODE_PATTERN, description: 'Region code.' })
  region?: string;

  @ValidateEnum(CONVERSATION_SUBJECTS, { optional: true })
  subject?: ConversationSubject;
}

export class InstitutionLabelDto {
  @ApiProperty() brin!: string;
  @ApiProperty() name!: string;
}

/** Who wrote an entry or changed a status: the client or person, and the party it acted for with its place in the cell. */
export class AuthorDto {
  @ApiProperty({ description: 'The API client, or `person:<id>` for a person.' }) client!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The name of the person; null for an API client.' }) person!: string | null;
  @ApiProperty({ enum: OWNER_ROLES, description: 'The party: the supplier or receiver of the cell, or the coordinators of the region.' }) role!: OwnerRole;
  @ApiProperty({ type: InstitutionLabelDto, nullable: true, description: 'The institution, for a supplier or receiver.' }) institution!: InstitutionLabelDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'The region, for its coordinators.' }) region!: string | null;
}

export class ConversationCellDto {
  @ApiProperty({ enum: CELL_KINDS }) kind!: CellKind;
  @ApiProperty({ type: InstitutionLabelDto, nullable: true }) supplier!: InstitutionLabelDto | null;
  @ApiProperty({ type: InstitutionLabelDto, nullable: true }) receiver!: InstitutionLabelDto | null;
  @ApiProperty({ type: String, nullable: true }) sector!: string | null;
  @ApiProperty({ type: String, nullable: true }) programme!: string | null;
  @ApiProperty({ type: Number, nullable: true }) cohort!: number | null;
  @ApiProperty({ type: String, nullable: true }) metric!: string | null;
}

export class ConversationSignalDto {
  @ApiProperty() id!: string;
  @ApiProperty() href!: string;
  @ApiProperty({ enum: ALERT_TYPES, nullable: true }) type!: AlertType | null;
}

export class ActionOwnerDto {
  @ApiProperty({ enum: OWNER_ROLES }) role!: OwnerRole;
  @ApiProperty({ type: InstitutionLabelDto, nullable: true }) institution!: InstitutionLabelDto | null;
  @ApiProperty({ type: String, nullable: true }) region!: string | null;
}

export class ActionEventDto {
  @ApiProperty({ enum: ACTION_STATUSES }) from!: ActionStatus;
  @ApiProperty({ enum: ACTION_STATUSES }) to!: ActionStatus;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: AuthorDto }) by!: AuthorDto;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
}

export class ConversationEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ENTRY_KINDS }) kind!: EntryKind;
  @ApiProperty() text!: string;
  @ApiProperty({ type: AuthorDto }) author!: AuthorDto;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ enum: ACTION_STATUSES, nullable: true, description: "An action's status; null for a note." }) status!: ActionStatus | null;
  @ApiProperty({ type: ActionOwnerDto, nullable: true }) owner!: ActionOwnerDto | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) dueDate!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) statusChangedAt!: string | null;
  @ApiProperty({ type: [ActionEventDto], description: "Each change of an action's status: from, to, who and when." }) statusHistory!: ActionEventDto[];
}

export class ConversationDto {
  @ApiProperty() id!: string;
  @ApiProperty() href!: string;
  @ApiProperty({ enum: CONVERSATION_SUBJECTS }) subject!: ConversationSubject;
  @ApiProperty() region!: string;
  @ApiProperty({ type: ConversationSignalDto, nullable: true }) signal!: ConversationSignalDto | null;
  @ApiProperty({ type: ConversationCellDto }) cell!: ConversationCellDto;
  @ApiProperty({ type: String, nullable: true }) title!: string | null;
  @ApiProperty({ type: AuthorDto }) startedBy!: AuthorDto;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) lastEntryAt!: string;
  @ApiProperty() openActions!: number;
}

export class ConversationDetailDto extends ConversationDto {
  @ApiProperty({ type: [ConversationEntryDto], description: 'Notes and actions, oldest first.' }) entries!: ConversationEntryDto[];
}

export class ConversationListDto {
  @ApiProperty({ type: [ConversationDto] }) items!: ConversationDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
