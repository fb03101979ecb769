import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { RegionCodeParamDto } from 'src/institutions/dto/params.dto';
import { DefinitionsService } from 'src/outcomes/definitions.service';
import { ActivateDefinitionSetDto, CreateDefinitionSetDto, DefinitionIdParamDto, DefinitionSetDto, DefinitionSetListDto } from 'src/outcomes/dto/definition.dto';

const READERS = ['insights:read', 'region:admin', 'alerts:read', 'records:read'] as const;

@ApiTags('definitions')
@Controller()
export class DefinitionsController {
  constructor(private readonly service: DefinitionsService) {}

  /** The definition sets (bijsluiters) of a region, every version. */
  @Get('regions/:code/definitions')
  @Authenticated({ scope: [...READERS] })
  @ApiOkResponse({ type: DefinitionSetListDto })
  listDefinitionSets(@Auth() auth: Principal, @Param() params: RegionCodeParamDto): Promise<DefinitionSetListDto> {
    return this.service.listForRegion(auth, params.code);
  }

  /** A new draft version of the region's definitions (coordinator of the region). */
  @Post('regions/:code/definitions')
  @Authenticated({ scope: 'region:admin' })
  @ApiCreatedResponse({ type: DefinitionSetDto })
  createDefinitionSet(@Auth() auth: Principal, @Param() params: RegionCodeParamDto, @Body() dto: CreateDefinitionSetDto): Promise<DefinitionSetDto> {
    return this.service.create(auth, params.code, dto);
  }

  /** One definition set with its human-readable description: the link every figure carries. */
  @Get('definitions/:id')
  @Authenticated({ scope: [...READERS] })
  @ApiOkResponse({ type: DefinitionSetDto })
  getDefinitionSet(@Auth() auth: Principal, @Param() params: DefinitionIdParamDto): Promise<DefinitionSetDto> {
    return this.service.get(auth, params.id);
  }

  /**
   * Puts a version in force from a cohort on; the summaries are recomputed in the background.
   * Only for cohorts that have not been published yet: a published cohort keeps its definitions.
   */
  @Post('definitions/:id/activate')
  @HttpCode(200)
  @Authenticated({ scope: 'region:admin' })
  @ApiOkResponse({ type: DefinitionSetDto })
  @ApiConflictResponse({ description: 'fromCohort is not after the last published cohort (problem type published-cohorts, with lastPublishedCohort).' })
  activateDefinitionSet(@Auth() auth: Principal, @Param() params: DefinitionIdParamDto, @Body() dto: ActivateDefinitionSetDto): Promise<DefinitionSetDto> {
    return this.service.activate(auth, params.id, dto);
  }
}
