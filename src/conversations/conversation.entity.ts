import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AlertEntity, PartyKind } from 'src/alerts/alert.entity';
import type { AlertMetric, CellKind } from 'src/alerts/detection/model';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

/** What a conversation is about: a signal (an alert and its cell), or a supplier × receiver cell. */
export const CONVERSATION_SUBJECTS = ['signal', 'cell'] as const;
export type ConversationSubject = (typeof CONVERSATION_SUBJECTS)[number];

/** A note says what was found or said; an action is what a party agreed to do. */
export const ENTRY_KINDS = ['note', 'action'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export const ACTION_STATUSES = ['open', 'done', 'dropped'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** Who owns an agreed action, by its place in the cell: the supplying school, the receiving institution, the region's coordinators. */
export const OWNER_ROLES = ['supplier', 'receiver', 'coordinator'] as const;
export type OwnerRole = (typeof OWNER_ROLES)[number];

/** The longest note or action text; longer text is refused, never cut. */
export const MAX_ENTRY_LENGTH = 4000;
export const MAX_TITLE_LENGTH = 200;

/**
 * A conversation between the parties of a cell: the supplying institution, the receiving
 * institution and the region's coordinators (for a signal: exactly those who see the signal).
 * A signal has at most one conversation, the shared part of it; a cell may have several (one per
 * topic). The cell is kept on the row for both, so that one rule decides who takes part. Keys
 * start with region_id so that the table can be distributed by region with its alerts.
 */
@Entity({ name: 'conversations' })
@Index('uq_conversations_alert', ['regionId', 'alertId'], { unique: true, where: '"alert_id" IS NOT NULL' })
@Index('idx_conversations_region', ['regionId', 'lastEntryAt'])
@Index('idx_conversations_supplier', ['supplierInstitutionId', 'lastEntryAt'])
@Index('idx_conversations_receiver', ['receiverInstitutionId', 'lastEntryAt'])
@Check('chk_conversations_subject', `"subject" IN ('signal', 'cell') AND (("subject" = 'signal') = ("alert_id" IS NOT NULL))`)
@Check('chk_conversations_cell_kind', `"cell_kind" IN ('supplier_receiver', 'supplier_sector', 'receiver', 'region')`)
@Check('chk_conversations_party_kind', `"started_by_party_kind" IN ('institution', 'region')`)
export class ConversationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @Column({ type: 'varchar', length: 8 })
  subject!: ConversationSubject;

  @Column({ name: 'alert_id', type: 'uuid', nullable: true })
  alertId!: string | null;

  @Column({ name: 'cell_kind', type: 'varchar', length: 20 })
  cellKind!: CellKind;

  @Column({ name: 'supplier_institution_id', type: 'uuid', nullable: true })
  supplierInstitutionId!: string | null;

  @Column({ name: 'receiver_institution_id', type: 'uuid', nullable: true })
  receiverInstitutionId!: string | null;

  @Column({ type: 'varchar', length: 3, nullable: true })
  sector!: string | null;

  /** A CROHO or crebo code, for a conversation about one programme of the cell. */
  @Column({ name: 'programme_code', type: 'varchar', length: 5, nullable: true })
  programmeCode!: string | null;

  @Column({ type: 'smallint', nullable: true })
  cohort!: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  metric!: AlertMetric | null;

  @Column({ type: 'varchar', length: MAX_TITLE_LENGTH, nullable: true })
  title!: string | null;

  @Column({ name: 'started_by_party_kind', type: 'varchar', length: 16 })
  startedByPartyKind!: PartyKind;

  @Column({ name: 'started_by_party_id', type: 'uuid' })
  startedByPartyId!: string;

  @Column({ name: 'started_by_client_id', type: 'varchar', length: 64 })
  startedByClientId!: string;

  @Column({ name: 'started_by_name', type: 'varchar', length: 200, nullable: true })
  startedByName!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  /** The latest entry or status change: the agenda lists the newest first. */
  @Column({ name: 'last_entry_at', type: 'timestamptz', default: () => 'now()' })
  lastEntryAt!: Date;

  @ManyToOne(() => RegionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: RegionEntity;

  @ManyToOne(() => AlertEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'alert_id' })
  alert?: AlertEntity;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'supplier_institution_id' })
  supplier?: InstitutionEntity;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'receiver_institution_id' })
  receiver?: InstitutionEntity;
}

/**
 * A note or an agreed action, with its author: the API client or person (`person:<id>`, with the
 * person's name) and the party it wrote for. An action has a status (open, done, dropped), and
 * optionally an owner and a due date; each change of status is an event.
 */
@Entity({ name: 'conversation_entries' })
@Index('idx_conversation_entries_conversation', ['conversationId', 'createdAt'])
@Index('idx_conversation_entries_open', ['regionId', 'status'])
@Check('chk_conversation_entries_kind', `"kind" IN ('note', 'action')`)
@Check('chk_conversation_entries_text', `char_length("text") BETWEEN 1 AND ${MAX_ENTRY_LENGTH}`)
@Check('chk_conversation_entries_party_kind', `"author_party_kind" IN ('institution', 'region')`)
@Check('chk_conversation_entries_action', `("kind" = 'action') = ("status" IS NOT NULL) AND ("status" IS NULL OR "status" IN ('open', 'done', 'dropped'))`)
@Check('chk_conversation_entries_owner', `("kind" = 'action' OR ("owner_role" IS NULL AND "due_date" IS NULL)) AND ("owner_role" IS NULL OR "owner_role" IN ('supplier', 'receiver', 'coordinator'))`)
export class ConversationEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: EntryKind;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'author_party_kind', type: 'varchar', length: 16 })
  authorPartyKind!: PartyKind;

  @Column({ name: 'author_party_id', type: 'uuid' })
  authorPartyId!: string;

  @Column({ name: 'author_client_id', type: 'varchar', length: 64 })
  authorClientId!: string;

  @Column({ name: 'author_name', type: 'varchar', length: 200, nullable: true })
  authorName!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'varchar', length: 8, nullable: true })
  status!: ActionStatus | null;

  @Column({ name: 'owner_role', type: 'varchar', length: 12, nullable: true })
  ownerRole!: OwnerRole | null;

  @Column({ name: 'due_date', type: 'date', nullable: true })
  dueDate!: string | null;

  @Column({ name: 'status_changed_at', type: 'timestamptz', nullable: true })
  statusChangedAt!: Date | null;

  @ManyToOne(() => ConversationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id' })
  conversation?: ConversationEntity;
}

/** A change of an action's status: from, to, who (client or person, for which party) and when. */
@Entity({ name: 'conversation_action_events' })
@Index('idx_conversation_action_events_entry', ['entryId', 'id'])
@Check('chk_conversation_action_events_status', `"from_status" IN ('open', 'done', 'dropped') AND "to_status" IN ('open', 'done', 'dropped')`)
export class ConversationActionEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @Column({ name: 'entry_id', type: 'uuid' })
  entryId!: string;

  @Column({ name: 'from_status', type: 'varchar', length: 8 })
  fromStatus!: ActionStatus;

  @Column({ name: 'to_status', type: 'varchar', length: 8 })
  toStatus!: ActionStatus;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'actor_party_kind', type: 'varchar', length: 16 })
  actorPartyKind!: PartyKind;

  @Column({ name: 'actor_party_id', type: 'uuid' })
  actorPartyId!: string;

  @Column({ name: 'actor_client_id', type: 'varchar', length: 64 })
  actorClientId!: string;

  @Column({ name: 'actor_name', type: 'varchar', length: 200, nullable: true })
  actorName!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @ManyToOne(() => ConversationEntryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'entry_id' })
  entry?: ConversationEntryEntity;
}
