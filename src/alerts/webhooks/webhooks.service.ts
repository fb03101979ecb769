import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { alertVisibility } from 'src/alerts/alert-disclosure';
import { alertVisibleTo, toAlertDto } from 'src/alerts/alert-presenter';
import { ALL_COHORTS, DisclosureService } from 'src/outcomes/disclosure/disclosure.service';
import { AlertChange, AlertsRepository } from 'src/alerts/alerts.repository';
import { AlertType } from 'src/alerts/detection/model';
import { CreatedWebhookDto, CreateWebhookDto, WebhookDeliveryListDto, WebhookDto, WebhookListDto } from 'src/alerts/dto/webhook.dto';
import { newWebhookSecret } from 'src/alerts/webhooks/signature';
import { checkWebhookUrl, Resolver, WEBHOOK_RESOLVER } from 'src/alerts/webhooks/url-policy';
import { NewDelivery, WebhookRow, WebhooksRepository } from 'src/alerts/webhooks/webhooks.repository';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { AlertParty } from 'src/access/tenancy';
import { PageQueryDto } from 'src/common/paging';
import { notFound, ProblemException } from 'src/common/problem';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';

/** Per owner; a receiver of alerts needs one or two endpoints, not hundreds. */
export const MAX_WEBHOOKS_PER_OWNER = 10;

const toWebhookDto = (row: WebhookRow): WebhookDto => ({
  id: row.id,
  url: row.url,
  description: row.description,
  types: row.types as AlertType[],
  owner: { kind: row.ownerKind, region: row.ownerKind === 'region' ? row.regionCode : null, institution: row.ownerKind === 'institution' ? row.brin : null },
  createdAt: row.createdAt,
});

@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly alerts: AlertsRepository,
    private readonly access: AccessService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_RESOLVER) private readonly resolver: Resolver,
    private readonly disclosure: DisclosureService,
  ) {}

  async create(auth: Principal, dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    const owner = this.access.webhookOwner(auth);
    const verdict = await checkWebhookUrl(dto.url, { env: this.config.env, resolve: this.resolver });
    if (!verdict.allowed) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, 'invalid-request', 'Invalid request', `The webhook URL is refused: it ${verdict.detail}.`, [
        { pointer: '#/url', code: verdict.code, detail: `url ${verdict.detail}` },
      ]);
    }
    if ((await this.repository.countForOwner(owner)) >= MAX_WEBHOOKS_PER_OWNER) {
      throw new ProblemException(HttpStatus.CONFLICT, 'conflict', 'Conflict', `At most ${MAX_WEBHOOKS_PER_OWNER} webhooks per owner; delete one first.`);
    }
    const secret = newWebhookSecret();
    const row = await this.repository.create(owner, {
      url: verdict.url.toString(),
      description: dto.description ?? '',
      types: dto.types ?? [],
      secret,
      createdByClientId: auth.clientId,
    });
    return { ...toWebhookDto(row), secret };
  }

  async list(auth: Principal, query: PageQueryDto): Promise<WebhookListDto> {
    const { items, total } = await this.repository.listForOwner(this.access.webhookOwner(auth), query.limit, query.offset);
    return { items: items.map(toWebhookDto), total, limit: query.limit, offset: query.offset };
  }

  async get(auth: Principal, id: string): Promise<WebhookDto> {
    const row = await this.repository.findForOwner(id, this.access.webhookOwner(auth));
    if (!row) throw notFound(`Webhook ${id}`);
    return toWebhookDto(row);
  }

  async remove(auth: Principal, id: string): Promise<void> {
    if (!(await this.repository.deleteForOwner(id, this.access.webhookOwner(auth)))) throw notFound(`Webhook ${id}`);
  }

  async deliveries(auth: Principal, id: string, query: PageQueryDto): Promise<WebhookDeliveryListDto> {
    const row = await this.repository.findForOwner(id, this.access.webhookOwner(auth));
    if (!row) throw notFound(`Webhook ${id}`);
    const { items, total } = await this.repository.deliveries(row.id, query.limit, query.offset);
    return { items, total, limit: query.limit, offset: query.offset };
  }

  /**
   * Queues a delivery of every changed alert to every webhook whose owner may see it, in the
   * transaction that changed the alerts (so a notification exists exactly when the change does).
   * A party's triage is its own: `party` limits the deliveries to that party's webhooks, with its triage.
   */
  async queueDeliveries(manager: EntityManager, regionId: string, changes: AlertChange[], party?: AlertParty): Promise<number> {
    if (changes.length === 0) return 0;
    const webhooks = (await this.repository.forRegion(manager, regionId, await this.access.webhookMemberIds(manager, regionId))).filter(
      (webhook) => !party || (webhook.ownerKind === party.kind && (party.kind === 'region' ? webhook.regionId : webhook.institutionId) === party.id),
    );
    if (webhooks.length === 0) return 0;
    const views = new Map((await this.alerts.viewsByIds(manager, [...new Set(changes.map((change) => change.alertId))], party ?? null)).map((view) => [view.id, view]));
    const disclosure = await this.disclosure.forRegion(regionId, ALL_COHORTS.from, ALL_COHORTS.to, manager);
    const occurredAt = new Date().toISOString();
    const deliveries: NewDelivery[] = [];
    for (const change of changes) {
      const view = views.get(change.alertId);
      if (!view) continue;
      for (const webhook of webhooks) {
        if (webhook.types.length > 0 && !webhook.types.includes(view.type)) continue;
        const scope = this.access.webhookAlertScope(webhook, regionId);
        if (!scope || !alertVisibleTo(scope, view)) continue;
        // What each owner may see of the alert, as in the API (alert-disclosure.ts).
        const alert = toAlertDto(view, alertVisibility(view, disclosure, scope), party !== undefined);
        const id = randomUUID();
        const event = `alert.${change.event}`;
        deliveries.push({ id, webhookId: webhook.id, alertId: view.id, event, body: JSON.stringify({ id, event, occurredAt, alert }) });
      }
    }
    await this.repository.insertDeliveries(manager, deliveries);
    return deliveries.length;
  }
}
