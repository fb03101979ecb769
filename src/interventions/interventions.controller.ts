import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { CsvExport } from 'src/common/csv-export';
import { CreateInterventionDto, InterventionDetailDto, InterventionIdParamDto, InterventionListDto, InterventionListQueryDto, UpdateInterventionDto } from 'src/interventions/dto/intervention.dto';
import { interventionToCsv } from 'src/interventions/intervention-csv';
import { InterventionsService } from 'src/interventions/interventions.service';

@ApiTags('interventions')
@Controller('interventions')
export class InterventionsController {
  constructor(private readonly service: InterventionsService) {}

  /** The caller's interventions: its region's (coordinators), or those it is a party of; soonest review first. */
  @Get()
  @Authenticated({ scope: 'insights:read' })
  @ApiOkResponse({ type: InterventionListDto })
  listInterventions(@Auth() auth: Principal, @Query() query: InterventionListQueryDto): Promise<InterventionListDto> {
    return this.service.list(auth, query);
  }

  /** Registers an intervention: a party on cells it supplies or receives, a coordinator on any cell of its region. */
  @Post()
  @Authenticated({ scope: 'alerts:write' })
  @ApiCreatedResponse({ type: InterventionDetailDto })
  @ApiBadRequestResponse({ description: 'Unknown type, cohort out of range, cells or parties outside the region (problem+json with pointers).' })
  registerIntervention(@Auth() auth: Principal, @Body() dto: CreateInterventionDto): Promise<InterventionDetailDto> {
    return this.service.register(auth, dto);
  }

  /** One intervention and its effect, recomputed from the latest summaries with the figures the caller can read; as CSV a row per cohort of its series. */
  @Get(':id')
  @Authenticated({ scope: 'insights:read' })
  @CsvExport(interventionToCsv)
  @ApiOkResponse({ type: InterventionDetailDto })
  @ApiNotFoundResponse({ description: 'Missing, or not visible to the caller (problem+json).' })
  getIntervention(@Auth() auth: Principal, @Param() params: InterventionIdParamDto): Promise<InterventionDetailDto> {
    return this.service.get(auth, params.id);
  }

  /** Changes an intervention (its parties and the region's coordinators). */
  @Patch(':id')
  @Authenticated({ scope: 'alerts:write' })
  @ApiOkResponse({ type: InterventionDetailDto })
  @ApiNotFoundResponse({ description: 'Missing, or not visible to the caller (problem+json).' })
  @ApiConflictResponse({ description: 'The intervention is withdrawn (problem+json).' })
  updateIntervention(@Auth() auth: Principal, @Param() params: InterventionIdParamDto, @Body() dto: UpdateInterventionDto): Promise<InterventionDetailDto> {
    return this.service.update(auth, params.id, dto);
  }

  /** Withdraws an intervention; it stays visible, with its effect. */
  @Post(':id/withdraw')
  @HttpCode(200)
  @Authenticated({ scope: 'alerts:write' })
  @ApiOkResponse({ type: InterventionDetailDto })
  @ApiNotFoundResponse({ description: 'Missing, or not visible to the caller (problem+json).' })
  @ApiConflictResponse({ description: 'Already withdrawn (problem+json).' })
  withdrawIntervention(@Auth() auth: Principal, @Param() params: InterventionIdParamDto): Promise<InterventionDetailDto> {
    return this.service.withdraw(auth, params.id);
  }
}
