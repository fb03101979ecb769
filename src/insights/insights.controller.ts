import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { CsvExport } from 'src/common/csv-export';
import { flowsToCsv, reasonsToCsv, reportToCsv, routesToCsv, viewToCsv } from 'src/insights/csv-rows';
import { ReasonsDto, ReasonsQueryDto } from 'src/insights/dto/reasons.dto';
import { ReasonsService } from 'src/insights/reasons.service';
import { RoutesDto, RoutesQueryDto } from 'src/insights/dto/routes.dto';
import { RoutesService } from 'src/insights/routes.service';
import { AlumniQueryDto, FlowsDto, FlowsQueryDto, InsightsViewDto, IntakeQueryDto, RegionReportDto, RegionReportQueryDto } from 'src/insights/dto/insights.dto';
import { InsightsService } from 'src/insights/insights.service';
import { RegionCodeParamDto } from 'src/institutions/dto/params.dto';

@ApiTags('insights')
@Controller()
@Authenticated({ scope: 'insights:read' })
export class InsightsController {
  constructor(
    private readonly service: InsightsService,
    private readonly routesService: RoutesService,
    private readonly reasonsService: ReasonsService,
  ) {}

  /** Supplier view: my alumni per cohort, broken down, next to the regional benchmark. Also as CSV. */
  @Get('insights/alumni')
  @CsvExport(viewToCsv)
  @ApiOkResponse({ type: InsightsViewDto })
  getAlumni(@Auth() auth: Principal, @Query() query: AlumniQueryDto): Promise<InsightsViewDto> {
    return this.service.alumni(auth, query);
  }

  /** Receiver view: my intake per cohort by supplying school, diploma type or programme. Also as CSV. */
  @Get('insights/intake')
  @CsvExport(viewToCsv)
  @ApiOkResponse({ type: InsightsViewDto })
  getIntake(@Auth() auth: Principal, @Query() query: IntakeQueryDto): Promise<InsightsViewDto> {
    return this.service.intake(auth, query);
  }

  /** Sankey nodes and links of one cohort. Also as CSV. */
  @Get('insights/flows')
  @CsvExport(flowsToCsv)
  @ApiOkResponse({ type: FlowsDto })
  getFlows(@Auth() auth: Principal, @Query() query: FlowsQueryDto): Promise<FlowsDto> {
    return this.service.flows(auth, query);
  }

  /**
   * Routes of pupils (seed 003): a supplying school's pupils by prior diploma type, through the level
   * of their enrolment (the first year in its sector; entree = mbo 1), to what came next; coordinators
   * get the region's. Per cohort. Also as CSV.
   */
  @Get('insights/routes')
  @CsvExport(routesToCsv)
  @ApiOkResponse({ type: RoutesDto })
  getRoutes(@Auth() auth: Principal, @Query() query: RoutesQueryDto): Promise<RoutesDto> {
    return this.routesService.routes(auth, query);
  }

  /**
   * Reasons for leaving (issue 14): the leavers of each supplier × receiver cell per cohort by the
   * reason from the exit interview; a supplying school's alumni by receiver, a receiving
   * institution's intake by supplier (`perspective=intake`), coordinators every cell of the region.
   * Also as CSV.
   */
  @Get('insights/reasons')
  @CsvExport(reasonsToCsv)
  @ApiOkResponse({ type: ReasonsDto })
  getReasons(@Auth() auth: Principal, @Query() query: ReasonsQueryDto): Promise<ReasonsDto> {
    return this.reasonsService.reasons(auth, query);
  }

  /** Coordinator view: the joint supplier × receiver matrix with totals and the trend. Also as CSV. */
  @Get('regions/:code/report')
  @CsvExport(reportToCsv)
  @ApiOkResponse({ type: RegionReportDto })
  getRegionReport(@Auth() auth: Principal, @Param() params: RegionCodeParamDto, @Query() query: RegionReportQueryDto): Promise<RegionReportDto> {
    return this.service.regionReport(auth, params.code, query);
  }
}
