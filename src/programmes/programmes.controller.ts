import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from 'src/access/authenticated.decorator';
import { Page } from 'src/common/paging';
import {
  ProgrammeBatchDto,
  ProgrammeDto,
  ProgrammeLoadResultDto,
  ProgrammePageDto,
  ProgrammeQueryDto,
  ProgrammeSuccessorBatchDto,
  ProgrammeSuccessorListDto,
} from 'src/programmes/dto/programme.dto';
import { ProgrammesService } from 'src/programmes/programmes.service';

const READERS = ['records:read', 'records:write', 'insights:read', 'alerts:read', 'region:admin', 'platform:admin'] as const;

@ApiTags('programmes')
@Controller()
export class ProgrammesController {
  constructor(private readonly service: ProgrammesService) {}

  // `\\:` keeps the colon literal: path-to-regexp would read `:batch` as a parameter.
  @Post('programmes\\:batch')
  @HttpCode(200)
  @Authenticated({ scope: 'platform:admin' })
  @ApiOperation({ summary: 'Load programmes (crebo, CROHO) in bulk; upsert on (sector, code).' })
  @ApiOkResponse({ type: ProgrammeLoadResultDto })
  loadProgrammes(@Body() dto: ProgrammeBatchDto): Promise<ProgrammeLoadResultDto> {
    return this.service.loadProgrammes(dto);
  }

  @Get('programmes')
  @Authenticated({ scope: [...READERS] })
  @ApiOperation({ summary: 'The programmes uploads are checked against.' })
  @ApiOkResponse({ type: ProgrammePageDto })
  listProgrammes(@Query() query: ProgrammeQueryDto): Promise<Page<ProgrammeDto>> {
    return this.service.listProgrammes(query);
  }

  @Post('programme-successors\\:batch')
  @HttpCode(200)
  @Authenticated({ scope: 'platform:admin' })
  @ApiOperation({ summary: 'Load crebo successions (old code → new code from a cohort on).' })
  @ApiOkResponse({ type: ProgrammeLoadResultDto })
  loadSuccessors(@Body() dto: ProgrammeSuccessorBatchDto): Promise<ProgrammeLoadResultDto> {
    return this.service.loadSuccessors(dto);
  }

  @Get('programme-successors')
  @Authenticated({ scope: [...READERS] })
  @ApiOkResponse({ type: ProgrammeSuccessorListDto })
  listSuccessors(): Promise<ProgrammeSuccessorListDto> {
    return this.service.listSuccessors();
  }
}
