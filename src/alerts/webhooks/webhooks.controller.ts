import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreatedWebhookDto, CreateWebhookDto, WebhookDeliveryListDto, WebhookDto, WebhookIdParamDto, WebhookListDto } from 'src/alerts/dto/webhook.dto';
import { WebhooksService } from 'src/alerts/webhooks/webhooks.service';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { PageQueryDto } from 'src/common/paging';

/** Coordinators (region:admin) manage their region's webhooks; institutions (alerts:write) their own. */
@ApiTags('webhooks')
@Controller('webhooks')
@Authenticated({ scope: ['region:admin', 'alerts:write'] })
export class WebhooksController {
  constructor(private readonly service: WebhooksService) {}

  /** Registers an https URL for signed alert notifications; the secret is returned only here. */
  @Post()
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  createWebhook(@Auth() auth: Principal, @Body() dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    return this.service.create(auth, dto);
  }

  @Get()
  @ApiOkResponse({ type: WebhookListDto })
  listWebhooks(@Auth() auth: Principal, @Query() query: PageQueryDto): Promise<WebhookListDto> {
    return this.service.list(auth, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: WebhookDto })
  getWebhook(@Auth() auth: Principal, @Param() params: WebhookIdParamDto): Promise<WebhookDto> {
    return this.service.get(auth, params.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteWebhook(@Auth() auth: Principal, @Param() params: WebhookIdParamDto): Promise<void> {
    return this.service.remove(auth, params.id);
  }

  /** The delivery log: every notification, its attempts and the last answer. */
  @Get(':id/deliveries')
  @ApiOkResponse({ type: WebhookDeliveryListDto })
  listWebhookDeliveries(@Auth() auth: Principal, @Param() params: WebhookIdParamDto, @Query() query: PageQueryDto): Promise<WebhookDeliveryListDto> {
    return this.service.deliveries(auth, params.id, query);
  }
}
