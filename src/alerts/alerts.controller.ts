import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AlertsService } from 'src/alerts/alerts.service';
import { AlertDetailDto, AlertIdParamDto, AlertListDto, AlertListQueryDto, AlertTransitionDto, AlertTriageRequestDto } from 'src/alerts/dto/alert.dto';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';

@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly service: AlertsService) {}

  /**
   * The caller's inbox: trendbreuk, leveringsbreuk and methodebreuk signals on the cells it may see,
   * most severe first, each with the caller's own triage; `type=aandacht` is the watch list.
   */
  @Get()
  @Authenticated({ scope: 'alerts:read' })
  @ApiOkResponse({ type: AlertListDto })
  listAlerts(@Auth() auth: Principal, @Query() query: AlertListQueryDto): Promise<AlertListDto> {
    return this.service.list(auth, query);
  }

  /** One alert: the evidence, the series behind it, the caller's triage and its history. */
  @Get(':id')
  @Authenticated({ scope: 'alerts:read' })
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiNotFoundResponse({ description: 'Missing, or not visible to the caller (problem+json).' })
  getAlert(@Auth() auth: Principal, @Param() params: AlertIdParamDto): Promise<AlertDetailDto> {
    return this.service.get(auth, params.id);
  }

  /** Sets the caller's party's triage (new, seen, in-conversation, resolved with a note); other parties keep theirs. */
  @Put(':id/triage')
  @Authenticated({ scope: 'alerts:write' })
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiBadRequestResponse({ description: 'Invalid state, or resolved without a note (problem+json).' })
  @ApiNotFoundResponse({ description: 'Missing, or not visible to the caller (problem+json).' })
  triageAlert(@Auth() auth: Principal, @Param() params: AlertIdParamDto, @Body() dto: AlertTriageRequestDto): Promise<AlertDetailDto> {
    return this.service.triage(auth, params.id, dto);
  }

  /** The caller's party's triage new → seen, with a note (an alias of PUT triage). */
  @Post(':id/acknowledge')
  @HttpCode(200)
  @Authenticated({ scope: 'alerts:write' })
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiConflictResponse({ description: "The caller's party has already triaged the signal (problem+json)." })
  acknowledgeAlert(@Auth() auth: Principal, @Param() params: AlertIdParamDto, @Body() dto: AlertTransitionDto): Promise<AlertDetailDto> {
    return this.service.acknowledge(auth, params.id, dto);
  }

  /** The caller's party's triage → resolved, with a note (an alias of PUT triage). */
  @Post(':id/resolve')
  @HttpCode(200)
  @Authenticated({ scope: 'alerts:write' })
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiConflictResponse({ description: "The caller's party has already resolved the signal (problem+json)." })
  resolveAlert(@Auth() auth: Principal, @Param() params: AlertIdParamDto, @Body() dto: AlertTransitionDto): Promise<AlertDetailDto> {
    return this.service.resolve(auth, params.id, dto);
  }
}
