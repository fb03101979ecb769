import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { Page } from 'src/common/paging';
import { EnrolmentQueryDto, LeaverQueryDto, RecordIdParamDto } from 'src/records/dto/record-query.dto';
import { EnrolmentDto, EnrolmentPageDto, LeaverDto, LeaverPageDto } from 'src/records/dto/record.dto';
import { RecordsService } from 'src/records/records.service';

@ApiTags('records')
@Controller()
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  @Get('enrolments')
  @Authenticated({ scope: 'records:read' })
  @ApiOperation({ summary: "The institution's own enrolments, paged." })
  @ApiOkResponse({ type: EnrolmentPageDto })
  listEnrolments(@Auth() auth: Principal, @Query() query: EnrolmentQueryDto): Promise<Page<EnrolmentDto>> {
    return this.records.listEnrolments(auth, query);
  }

  @Get('enrolments/:id')
  @Authenticated({ scope: 'records:read' })
  @ApiOkResponse({ type: EnrolmentDto })
  @ApiNotFoundResponse()
  getEnrolment(@Auth() auth: Principal, @Param() params: RecordIdParamDto): Promise<EnrolmentDto> {
    return this.records.getEnrolment(auth, params.id);
  }

  @Get('leavers')
  @Authenticated({ scope: 'records:read' })
  @ApiOperation({ summary: "The institution's own leavers, paged." })
  @ApiOkResponse({ type: LeaverPageDto })
  listLeavers(@Auth() auth: Principal, @Query() query: LeaverQueryDto): Promise<Page<LeaverDto>> {
    return this.records.listLeavers(auth, query);
  }

  @Get('leavers/:id')
  @Authenticated({ scope: 'records:read' })
  @ApiOkResponse({ type: LeaverDto })
  @ApiNotFoundResponse()
  getLeaver(@Auth() auth: Principal, @Param() params: RecordIdParamDto): Promise<LeaverDto> {
    return this.records.getLeaver(auth, params.id);
  }
}
