import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { CsvExport } from 'src/common/csv-export';
import { flowsToCsv, reportToCsv, viewToCsv } from 'src/insights/csv-rows';
import { AlumniQueryDto, FlowsDto, FlowsQueryDto, InsightsViewDto, IntakeQueryDto, RegionReportDto, RegionReportQueryDto } from 'src/insights/dto/insights.dto';
import { InsightsService } from 'src/insights/insights.service';
import { RegionCodeParamDto } from 'src/institutions/dto/params.dto';

@ApiTags('insights')
@Controller()
@Authenticated({ scope: 'insights:read' })
export class InsightsController {
  constructor(private readonly service: InsightsService) {}

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

  /** Coordinator view: the joint supplier × receiver matrix with totals and the trend. Also as CSV. */
  @Get('regions/:code/report')
  @CsvExport(reportToCsv)
  @ApiOkResponse({ type: RegionReportDto })
  getRegionReport(@Auth() auth: Principal, @Param() params: RegionCodeParamDto, @Query() query: RegionReportQueryDto): Promise<RegionReportDto> {
    return this.service.regionReport(auth, params.code, query);
  }
}
