import { Module } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { AlertsController } from 'src/alerts/alerts.controller';
import { AlertsRepository } from 'src/alerts/alerts.repository';
import { AlertsService } from 'src/alerts/alerts.service';
import { DetectionService } from 'src/alerts/detection.service';
import { systemResolver, WEBHOOK_RESOLVER } from 'src/alerts/webhooks/url-policy';
import { WebhookDeliveryService } from 'src/alerts/webhooks/webhook-delivery.service';
import { WebhooksController } from 'src/alerts/webhooks/webhooks.controller';
import { WebhooksRepository } from 'src/alerts/webhooks/webhooks.repository';
import { WebhooksService } from 'src/alerts/webhooks/webhooks.service';
import { JobsModule } from 'src/jobs/jobs.module';
import { OutcomesModule } from 'src/outcomes/outcomes.module';
import { ReferencesModule } from 'src/references/references.module';

/**
 * Trendbreuk alerts: detection after every summary refresh (the refresh job's `then` step), the
 * alert lifecycle with scoped visibility, and signed webhooks with a delivery log.
 */
@Module({
  imports: [AccessModule, JobsModule, OutcomesModule, ReferencesModule],
  controllers: [AlertsController, WebhooksController],
  providers: [
    AlertsRepository,
    AlertsService,
    DetectionService,
    WebhooksRepository,
    WebhooksService,
    WebhookDeliveryService,
    { provide: WEBHOOK_RESOLVER, useValue: systemResolver },
  ],
  exports: [AlertsService, DetectionService, WebhookDeliveryService],
})
export class AlertsModule {}
