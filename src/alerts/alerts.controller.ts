import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AlertsService } from 'src/alerts/alerts.service';
import { AlertDetailDto, AlertIdParamDto, AlertListDto, AlertListQueryDto, AlertTransitionDto } from 'src/alerts/dto/alert.dto';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';

@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly service: AlertsService) {}

  /** Trendbreuk, aandacht, leveringsbreuk and methodebreuk alerts on the cells the caller may see. */
  @Get()
  @Authenticated({ scope: 'alerts:read' })
  @ApiOkResponse({ type: AlertListDto })
  listAlerts(@Auth() auth: Principal, @Query() query: AlertListQueryDto): Promise<AlertListDto> {
    return this.service.list(auth, query);
  }

  /** One alert: the evidence, the series behind it and its history. */
  @Get(':id')
  @Authenticated({ scope: 'alerts:read' })
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiNotFoundResponse({ description: 'Missing, or not visible to the caller (problem+json).' })
  getAlert(@Auth() auth: Principal, @Param() params: AlertIdParamDto): Promise<AlertDetailDto> {
    return this.service.get(auth, params.id);
  }

  /** open → acknowledged, with a note. */
  @Post(':id/acknowledge')
  @HttpCode(200)
  @Authenticated({ scope: 'alerts:write' })
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiConflictResponse({ description: 'The alert is not open (problem+json).' })
  acknowledgeAlert(@Auth() auth: Principal, @Param() params: AlertIdParamDto, @Body() dto: AlertTransitionDto): Promise<AlertDetailDto> {
    return this.service.acknowledge(auth, params.id, dto);
  }

  /** open or acknowledged → resolved, with a note. */
  @Post(':id/resolve')
  @HttpCode(200)
  @Authenticated({ scope: 'alerts:write' })
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiConflictResponse({ description: 'The alert is already resolved (problem+json).' })
  resolveAlert(@Auth() auth: Principal, @Param() params: AlertIdParamDto, @Body() dto: AlertTransitionDto): Promise<AlertDetailDto> {
    return this.service.resolve(auth, params.id, dto);
  }
}
