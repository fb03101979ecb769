import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { AlertMetric, AlertRule, AlertType, CellKind, Direction } from 'src/alerts/detection/model';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

/**
 * A signal's own state, shared by every party: open while detection finds its evidence, resolved
 * (evidence-gone) when a refresh no longer does. What a party did about it is its triage
 * (AlertTriageEntity), kept per party.
 */
export const ALERT_STATES = ['open', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/**
 * Why an alert was resolved: because a refresh no longer finds its evidence; `manual` appears
 * only in history written before triage moved to each party.
 */
export const RESOLUTION_REASONS = ['manual', 'evidence-gone'] as const;
export type ResolutionReason = (typeof RESOLUTION_REASONS)[number];

/** One party's triage of a signal; `new` is a party that has not triaged it (no row). */
export const TRIAGE_STATES = ['new', 'seen', 'in-conversation', 'resolved'] as const;
export type TriageState = (typeof TRIAGE_STATES)[number];

/** Who triages: a region's coordinators, or one institution (its people and clients). */
export const PARTY_KINDS = ['institution', 'region'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

/**
 * A trendbreuk, aandacht, leveringsbreuk or methodebreuk found by detection, with the evidence
 * and the exact method (version, definition set, parameters) that produced it. One row per
 * (region, type, cell, metric, cohort): detection updates the evidence in place. Keys start with
 * region_id so that the table can be distributed by region.
 */
@Entity({ name: 'alerts' })
@Unique('uq_alerts_key', ['regionId', 'type', 'cellKey', 'metric', 'cohort'])
@Index('idx_alerts_region_state', ['regionId', 'state', 'updatedAt'])
@Index('idx_alerts_supplier', ['supplierInstitutionId', 'updatedAt'])
@Index('idx_alerts_receiver', ['receiverInstitutionId', 'updatedAt'])
@Check('chk_alerts_type', `"type" IN ('trendbreuk', 'aandacht', 'leveringsbreuk', 'methodebreuk')`)
@Check('chk_alerts_state', `"state" IN ('open', 'resolved')`)
@Check('chk_alerts_cell_kind', `"cell_kind" IN ('supplier_receiver', 'supplier_sector', 'receiver', 'region')`)
@Check('chk_alerts_direction', `"direction" IS NULL OR "direction" IN ('up', 'down')`)
@Check('chk_alerts_resolution', `("state" = 'resolved') = ("resolution_reason" IS NOT NULL)`)
export class AlertEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: AlertType;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  state!: AlertState;

  @Column({ name: 'cell_kind', type: 'varchar', length: 20 })
  cellKind!: CellKind;

  /** kind|supplier|receiver|sector: the cell in one column, for the unique key. */
  @Column({ name: 'cell_key', type: 'varchar', length: 120 })
  cellKey!: string;

  @Column({ name: 'supplier_institution_id', type: 'uuid', nullable: true })
  supplierInstitutionId!: string | null;

  @Column({ name: 'receiver_institution_id', type: 'uuid', nullable: true })
  receiverInstitutionId!: string | null;

  @Column({ type: 'varchar', length: 3, nullable: true })
  sector!: string | null;

  @Column({ type: 'varchar', length: 16 })
  metric!: AlertMetric;

  @Column({ type: 'smallint' })
  cohort!: number;

  @Column({ type: 'varchar', length: 4, nullable: true })
  direction!: Direction | null;

  /** What raised it: fdr, unadjusted-p, consecutive-95, supply-low, supply-high, definition-change. */
  @Column({ type: 'varchar', length: 24 })
  rule!: AlertRule;

  @Column({ name: 'effect_pp', type: 'double precision', nullable: true })
  effectPp!: number | null;

  @Column({ name: 'baseline_rate', type: 'double precision', nullable: true })
  baselineRate!: number | null;

  @Column({ name: 'current_rate', type: 'double precision', nullable: true })
  currentRate!: number | null;

  @Column({ name: 'n_current', type: 'integer', nullable: true })
  nCurrent!: number | null;

  @Column({ name: 'events_current', type: 'integer', nullable: true })
  eventsCurrent!: number | null;

  @Column({ name: 'n_baseline', type: 'integer', nullable: true })
  nBaseline!: number | null;

  @Column({ name: 'events_baseline', type: 'integer', nullable: true })
  eventsBaseline!: number | null;

  @Column({ name: 'baseline_cohorts', type: 'smallint', array: true, default: () => "'{}'" })
  baselineCohorts!: number[];

  /** A baseline cohort had 0 < n < k: pooled figures are withheld from every output. */
  @Column({ name: 'baseline_suppressed', type: 'boolean', default: false })
  baselineSuppressed!: boolean;

  @Column({ type: 'double precision', nullable: true })
  p!: number | null;

  @Column({ type: 'double precision', nullable: true })
  q!: number | null;

  @Column({ name: 'method_version', type: 'varchar', length: 32 })
  methodVersion!: string;

  @Column({ name: 'definition_set_id', type: 'uuid' })
  definitionSetId!: string;

  @Column({ name: 'definition_set_version', type: 'integer' })
  definitionSetVersion!: number;

  /** Every method parameter used (from the definition set, plus the method's fixed constants). */
  @Column({ type: 'jsonb' })
  parameters!: Record<string, number | boolean>;

  /** Rule-specific evidence: limits, consecutive run, supply ratio, previous definition set. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  /** SHA-256 of the material evidence; a change is a new version of the alert (history, webhooks). */
  @Column({ name: 'evidence_hash', type: 'char', length: 64 })
  evidenceHash!: string;

  @Column({ name: 'resolution_reason', type: 'varchar', length: 16, nullable: true })
  resolutionReason!: ResolutionReason | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @ManyToOne(() => RegionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: RegionEntity;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'supplier_institution_id' })
  supplier?: InstitutionEntity;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'receiver_institution_id' })
  receiver?: InstitutionEntity;
}

/** `acknowledged` and a `resolved` by a person are history from before triage moved to each party; `triaged` is a party's triage. */
export const ALERT_EVENTS = ['created', 'updated', 'acknowledged', 'resolved', 'reopened', 'triaged'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/**
 * Every change of an alert: detection's (created, updated, reopened, resolved for lack of
 * evidence) for every party that sees the alert, and each party's triage with its note, who and
 * when, for that party only (`party_kind`, `party_id`).
 */
@Entity({ name: 'alert_history' })
@Index('idx_alert_history_alert', ['alertId', 'id'])
@Check('chk_alert_history_event', `"event" IN ('created', 'updated', 'acknowledged', 'resolved', 'reopened', 'triaged')`)
@Check('chk_alert_history_party', `("party_kind" IS NULL) = ("party_id" IS NULL) AND ("party_kind" IS NULL OR "party_kind" IN ('institution', 'region'))`)
export class AlertHistoryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'alert_id', type: 'uuid' })
  alertId!: string;

  @Column({ type: 'varchar', length: 16 })
  event!: AlertEvent;

  /** The alert's state, or for `triaged` the party's triage state. */
  @Column({ name: 'from_state', type: 'varchar', length: 16, nullable: true })
  fromState!: string | null;

  @Column({ name: 'to_state', type: 'varchar', length: 16 })
  toState!: string;

  /** Set on a party's triage: only that party sees the row. */
  @Column({ name: 'party_kind', type: 'varchar', length: 16, nullable: true })
  partyKind!: PartyKind | null;

  @Column({ name: 'party_id', type: 'uuid', nullable: true })
  partyId!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  /** For resolutions: manual or evidence-gone. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  reason!: ResolutionReason | null;

  /** `system` for detection, otherwise the kind of the client that acted. */
  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind!: 'system' | 'institution' | 'region' | 'platform';

  @Column({ name: 'actor_client_id', type: 'varchar', length: 64, nullable: true })
  actorClientId!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @ManyToOne(() => AlertEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'alert_id' })
  alert?: AlertEntity;
}

/**
 * One party's triage of a shared signal: seen, in conversation, or resolved with a note, and who
 * set it when. A party without a row has not looked at the signal yet (`new`). The signal, and
 * later the conversation about it, belong to the alert; this row is the party's own. Keys start
 * with region_id so that the table can be distributed by region with its alerts.
 */
@Entity({ name: 'alert_triage' })
@Index('idx_alert_triage_party', ['partyKind', 'partyId', 'state'])
@Check('chk_alert_triage_party_kind', `"party_kind" IN ('institution', 'region')`)
@Check('chk_alert_triage_state', `"state" IN ('new', 'seen', 'in-conversation', 'resolved')`)
@Check('chk_alert_triage_note', `"state" <> 'resolved' OR "note" IS NOT NULL`)
export class AlertTriageEntity {
  @PrimaryColumn({ name: 'region_id', type: 'uuid' })
  regionId!: string;

  @PrimaryColumn({ name: 'alert_id', type: 'uuid' })
  alertId!: string;

  @PrimaryColumn({ name: 'party_kind', type: 'varchar', length: 16 })
  partyKind!: PartyKind;

  /** The institution's id, or the region's for its coordinators. */
  @PrimaryColumn({ name: 'party_id', type: 'uuid' })
  partyId!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: TriageState;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  /** The kind of the client or person that set it, and its client id (`person:<id>` for a person). */
  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind!: 'institution' | 'region';

  @Column({ name: 'actor_client_id', type: 'varchar', length: 64 })
  actorClientId!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @ManyToOne(() => AlertEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'alert_id' })
  alert?: AlertEntity;
}
