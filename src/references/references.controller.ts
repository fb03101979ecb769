import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Authenticated } from 'src/access/authenticated.decorator';
import {
  ReferenceFigureBatchDto,
  ReferenceIdParamDto,
  ReferenceImportResultDto,
  ReferenceQueryDto,
  ReferenceSeriesDto,
  ReferenceSeriesListDto,
} from 'src/references/dto/reference.dto';
import { REFERENCE_CSV_COLUMNS, REQUIRED_CSV_COLUMNS } from 'src/references/reference-codes';
import { ReferencesService } from 'src/references/references.service';

const READERS = ['records:read', 'records:write', 'insights:read', 'alerts:read', 'region:admin', 'platform:admin'] as const;

const CSV_DESCRIPTION = [
  'One figure per line; the first line names the columns: ' + REFERENCE_CSV_COLUMNS.map(([csv]) => `\`${csv}\``).join(', ') + '.',
  `Required: ${REQUIRED_CSV_COLUMNS.map((column) => `\`${column}\``).join(', ')}; an empty cell is an absent value.`,
  'Values as in the JSON import (`true`/`false`, rates 0–1 with a decimal point, reference_date MM-DD). All or nothing: invalid values are listed with line and column.',
].join('\n\n');

@ApiTags('references')
@Controller()
export class ReferencesController {
  constructor(private readonly service: ReferencesService) {}

  @Post('reference-series\\:batch')
  @HttpCode(200)
  @Authenticated({ scope: 'platform:admin' })
  @ApiOperation({
    summary: 'Import published reference figures (national, sector) in bulk.',
    description: 'Upserts each series on (source, sector, level, programmeGroup, priorEducation, instroom, metric) and its points on cohort; the description of a series (link, licence, definitions) follows the import. All or nothing.',
  })
  @ApiOkResponse({ type: ReferenceImportResultDto })
  @ApiUnprocessableEntityResponse({ description: 'A level that does not fit the sector, a doubled series and cohort, or one series with two descriptions.' })
  importBatch(@Body() dto: ReferenceFigureBatchDto): Promise<ReferenceImportResultDto> {
    return this.service.importBatch(dto);
  }

  @Post('reference-series\\:upload')
  @HttpCode(200)
  @Authenticated({ scope: 'platform:admin' })
  @ApiOperation({ summary: 'Import reference figures from a CSV file (text/csv, UTF-8, at most 5 MB).', description: CSV_DESCRIPTION })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: ReferenceImportResultDto })
  @ApiUnprocessableEntityResponse({ description: 'Invalid values, listed with line and column.' })
  importCsv(@Req() request: Request): Promise<ReferenceImportResultDto> {
    return this.service.importCsv(request);
  }

  @Get('reference-series')
  @Authenticated({ scope: [...READERS] })
  @ApiOperation({ summary: 'The reference series with their points: published figures from outside the region, with source, licence and definitions.' })
  @ApiOkResponse({ type: ReferenceSeriesListDto })
  list(@Query() query: ReferenceQueryDto): Promise<ReferenceSeriesListDto> {
    return this.service.list(query);
  }

  @Get('reference-series/:id')
  @Authenticated({ scope: [...READERS] })
  @ApiOkResponse({ type: ReferenceSeriesDto })
  @ApiNotFoundResponse()
  get(@Param() params: ReferenceIdParamDto): Promise<ReferenceSeriesDto> {
    return this.service.get(params.id);
  }

  @Delete('reference-series/:id')
  @HttpCode(204)
  @Authenticated({ scope: 'platform:admin' })
  @ApiOperation({ summary: 'Delete a reference series with its points.' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(@Param() params: ReferenceIdParamDto): Promise<void> {
    return this.service.remove(params.id);
  }
}
