import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AlertEntity } from 'src/alerts/alert.entity';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';

export type WebhookOwnerKind = 'region' | 'institution';

/**
 * An HTTPS endpoint of a region (its coordinators) or of an institution that receives the alerts
 * its owner may see, signed with the webhook's secret. The secret is kept because every delivery
 * is signed with it; it is returned once, at registration, and never logged.
 */
@Entity({ name: 'webhooks' })
@Index('idx_webhooks_region', ['regionId'])
@Index('idx_webhooks_institution', ['institutionId'])
@Check(
  'chk_webhooks_owner',
  `("owner_kind" = 'region' AND "region_id" IS NOT NULL AND "institution_id" IS NULL) OR ("owner_kind" = 'institution' AND "institution_id" IS NOT NULL AND "region_id" IS NULL)`,
)
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'owner_kind', type: 'varchar', length: 16 })
  ownerKind!: WebhookOwnerKind;

  @Column({ name: 'region_id', type: 'uuid', nullable: true })
  regionId!: string | null;

  @Column({ name: 'institution_id', type: 'uuid', nullable: true })
  institutionId!: string | null;

  @Column({ type: 'varchar', length: 2000 })
  url!: string;

  @Column({ type: 'varchar', length: 200, default: '' })
  description!: string;

  /** Alert types to deliver; empty means every type. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  types!: string[];

  @Column({ type: 'varchar', length: 128 })
  secret!: string;

  @Column({ name: 'created_by_client_id', type: 'varchar', length: 64 })
  createdByClientId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @ManyToOne(() => RegionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: RegionEntity;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'institution_id' })
  institution?: InstitutionEntity;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One notification to one webhook: the exact body that is signed, and every attempt's outcome. */
@Entity({ name: 'webhook_deliveries' })
@Index('idx_webhook_deliveries_due', ['nextAttemptAt'], { where: `"status" = 'pending'` })
@Index('idx_webhook_deliveries_webhook', ['webhookId', 'createdAt'])
@Check('chk_webhook_deliveries_status', `"status" IN ('pending', 'delivered', 'failed')`)
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId!: string;

  @Column({ name: 'alert_id', type: 'uuid' })
  alertId!: string;

  /** alert.created, alert.updated, alert.resolved, alert.reopened (detection, to every owner who sees the alert); alert.triaged (a party's triage, to that party's webhooks only). */
  @Column({ type: 'varchar', length: 32 })
  event!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @ManyToOne(() => WebhookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id' })
  webhook?: WebhookEntity;

  @ManyToOne(() => AlertEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'alert_id' })
  alert?: AlertEntity;
}
