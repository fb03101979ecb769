import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALERT_TYPES, AlertType } from 'src/alerts/detection/model';
import { DELIVERY_STATUSES, DeliveryStatus } from 'src/alerts/webhooks/webhook.entity';
import { ValidateEnumArray, ValidateString, ValidateUuid } from 'src/common/property.decorators';

export class CreateWebhookDto {
  @ValidateString({ maxLength: 2000, example: 'https://hooks.example.nl/doorstroom', description: 'An https URL on a public address.' })
  url!: string;

  @ValidateString({ maxLength: 200, optional: true })
  description?: string;

  @ValidateEnumArray(ALERT_TYPES, { optional: true, description: 'Alert types to deliver (default: every type).' })
  types?: AlertType[];
}

export class WebhookIdParamDto {
  @ValidateUuid()
  id!: string;
}

export class WebhookOwnerDto {
  @ApiProperty({ enum: ['region', 'institution'] }) kind!: 'region' | 'institution';
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Region code (region webhooks).' }) region!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'BRIN (institution webhooks).' }) institution!: string | null;
}

export class WebhookDto {
  @ApiProperty() id!: string;
  @ApiProperty() url!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ALERT_TYPES, isArray: true, description: 'Empty: every type.' }) types!: AlertType[];
  @ApiProperty({ type: WebhookOwnerDto }) owner!: WebhookOwnerDto;
  @ApiProperty() createdAt!: Date;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    description:
      'The signing secret, shown only now. Each delivery carries Doorstroom-Timestamp (Unix seconds) and Doorstroom-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>.',
  })
  secret!: string;
}

export class WebhookListDto {
  @ApiProperty({ type: WebhookDto, isArray: true }) items!: WebhookDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class WebhookDeliveryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'alert.created' }) event!: string;
  @ApiProperty() alertId!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) lastStatusCode!: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lastError!: string | null;
  @ApiPropertyOptional({ type: Date, nullable: true, description: 'When the next attempt is due (pending deliveries).' }) nextAttemptAt!: Date | null;
  @ApiPropertyOptional({ type: Date, nullable: true }) lastAttemptAt!: Date | null;
  @ApiPropertyOptional({ type: Date, nullable: true }) deliveredAt!: Date | null;
  @ApiProperty() createdAt!: Date;
}

export class WebhookDeliveryListDto {
  @ApiProperty({ type: WebhookDeliveryDto, isArray: true }) items!: WebhookDeliveryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
