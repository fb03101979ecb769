import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req, UseInterceptors } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { Auth, Authenticated } from 'src/access/authenticated.decorator';
import { Principal } from 'src/access/principal';
import { Page } from 'src/common/paging';
import { MAX_BATCH_RECORDS } from 'src/records/codes';
import { columnsMarkdown, CSV_RULES, DOCUMENTED_KINDS } from 'src/records/kinds/column-docs';
import { BatchDeletedDto, BatchDto, BatchIdParamDto, BatchPageDto, BatchQueryDto, ErasureResultDto, PseudonymParamDto, UploadQueryDto } from 'src/ingest/dto/upload.dto';
import { BatchResultDto, EnrolmentBatchDto, LeaverBatchDto } from 'src/records/dto/record.dto';
import { SurveyBatchDto } from 'src/records/dto/survey-record.dto';
import { IdempotentResponse, IDEMPOTENCY_HEADER } from 'src/idempotency/idempotency.service';
import { IdempotentResponseInterceptor } from 'src/idempotency/idempotent-response.interceptor';
import { IngestService } from 'src/ingest/ingest.service';
import { UploadsService } from 'src/ingest/uploads.service';

const IdempotencyHeader = () =>
  ApiHeader({
    name: IDEMPOTENCY_HEADER,
    required: false,
    description:
      'Makes the request safe to retry: the same key with the same body returns the stored response (header Idempotent-Replayed: true) ' +
      'without writing again; the same key with another body is refused (422); while the first request runs, 409. Keys are per client and kept 24 hours.',
  });

const InvalidRecordsResponse = () =>
  ApiUnprocessableEntityResponse({ description: 'Invalid records: every error of the batch, with a JSON pointer or CSV line and column (problem+json). Nothing written.' });
const KeyInUseResponse = () => ApiConflictResponse({ description: 'A request with this Idempotency-Key is still running.' });

@ApiTags('records')
@Controller()
@UseInterceptors(IdempotentResponseInterceptor)
export class IngestController {
  constructor(
    private readonly ingest: IngestService,
    private readonly uploads: UploadsService,
  ) {}

  // `\\:` keeps the colon literal: path-to-regexp would read `:batch` as a parameter.
  @Post('enrolments\\:batch')
  @Authenticated({ scope: 'records:write' })
  @IdempotencyHeader()
  @ApiOperation({ summary: `Upsert up to ${MAX_BATCH_RECORDS.toLocaleString('en')} enrolments, all or nothing.` })
  @ApiOkResponse({ type: BatchResultDto })
  @ApiPayloadTooLargeResponse({ description: `More than ${MAX_BATCH_RECORDS.toLocaleString('en')} records.` })
  @InvalidRecordsResponse()
  @KeyInUseResponse()
  submitEnrolments(@Auth() auth: Principal, @Body() dto: EnrolmentBatchDto, @Headers(IDEMPOTENCY_HEADER) key?: string): Promise<IdempotentResponse<BatchResultDto>> {
    return this.ingest.submitEnrolments(auth, dto.records, key);
  }

  @Post('leavers\\:batch')
  @Authenticated({ scope: 'records:write' })
  @IdempotencyHeader()
  @ApiOperation({ summary: `Upsert up to ${MAX_BATCH_RECORDS.toLocaleString('en')} leavers, all or nothing.` })
  @ApiOkResponse({ type: BatchResultDto })
  @ApiPayloadTooLargeResponse({ description: `More than ${MAX_BATCH_RECORDS.toLocaleString('en')} records.` })
  @InvalidRecordsResponse()
  @KeyInUseResponse()
  submitLeavers(@Auth() auth: Principal, @Body() dto: LeaverBatchDto, @Headers(IDEMPOTENCY_HEADER) key?: string): Promise<IdempotentResponse<BatchResultDto>> {
    return this.ingest.submitLeavers(auth, dto.records, key);
  }

  @Post('surveys\\:batch')
  @Authenticated({ scope: 'records:write' })
  @IdempotencyHeader()
  @ApiOperation({
    summary: `Upsert up to ${MAX_BATCH_RECORDS.toLocaleString('en')} rows of alumni survey answers, all or nothing.`,
    description: 'Answers per pseudonym of a former pupil to a questionnaire of GET /v1/surveys/questionnaires, Likert 1–5 per item. A property, version or value that is not on the questionnaire refuses the batch.',
  })
  @ApiOkResponse({ type: BatchResultDto })
  @ApiPayloadTooLargeResponse({ description: `More than ${MAX_BATCH_RECORDS.toLocaleString('en')} records.` })
  @InvalidRecordsResponse()
  @KeyInUseResponse()
  submitSurveys(@Auth() auth: Principal, @Body() dto: SurveyBatchDto, @Headers(IDEMPOTENCY_HEADER) key?: string): Promise<IdempotentResponse<BatchResultDto>> {
    return this.ingest.submitSurveys(auth, dto.records, key);
  }

  @Post('uploads')
  @Authenticated({ scope: 'records:write' })
  @IdempotencyHeader()
  @ApiOperation({
    summary: 'Upload a CSV file of enrolments, leavers or alumni survey answers, streamed; all or nothing.',
    description: [
      'The first line names the columns (snake_case: pseudonym, programme_code, start_date, …). The file is read as it arrives and ' +
        'written in chunks inside one transaction; any invalid row rolls everything back and the response lists the errors with line ' +
        'and column (at most 1,000, with the total). Progress: GET /v1/uploads/{id}, or GET /v1/uploads?status=receiving while it runs.',
      '',
      ...CSV_RULES,
      '',
      ...DOCUMENTED_KINDS.flatMap((kind) => columnsMarkdown(kind, '####')),
    ].join('\n'),
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: BatchResultDto })
  @ApiPayloadTooLargeResponse({ description: 'The file is larger than UPLOAD_MAX_BYTES.' })
  @InvalidRecordsResponse()
  @KeyInUseResponse()
  upload(@Auth() auth: Principal, @Query() query: UploadQueryDto, @Req() request: Request, @Headers(IDEMPOTENCY_HEADER) key?: string): Promise<IdempotentResponse<BatchResultDto>> {
    return this.ingest.upload(auth, query.kind, request, key);
  }

  @Get('uploads')
  @Authenticated({ scope: ['records:write', 'records:read'] })
  @ApiOperation({ summary: "The institution's batches and uploads, newest first." })
  @ApiOkResponse({ type: BatchPageDto })
  listUploads(@Auth() auth: Principal, @Query() query: BatchQueryDto): Promise<Page<BatchDto>> {
    return this.uploads.listBatches(auth, query);
  }

  @Get('uploads/:id')
  @Authenticated({ scope: ['records:write', 'records:read'] })
  @ApiOperation({ summary: 'A batch or upload, with its progress while it runs.' })
  @ApiOkResponse({ type: BatchDto })
  @ApiNotFoundResponse()
  getUpload(@Auth() auth: Principal, @Param() params: BatchIdParamDto): Promise<BatchDto> {
    return this.uploads.getBatch(auth, params.id);
  }
}

@ApiTags('records')
@Controller()
@UseInterceptors(IdempotentResponseInterceptor)
export class CorrectionsController {
  constructor(private readonly uploads: UploadsService) {}

  @Delete('batches/:id')
  @HttpCode(200)
  @Authenticated({ scope: 'records:write' })
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Delete the records a batch created (own batches only).' })
  @ApiOkResponse({ type: BatchDeletedDto })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The batch is running, failed or deleted already.' })
  deleteBatch(@Auth() auth: Principal, @Param() params: BatchIdParamDto, @Headers(IDEMPOTENCY_HEADER) key?: string): Promise<IdempotentResponse<BatchDeletedDto>> {
    return this.uploads.deleteBatch(auth, params.id, key);
  }

  @Delete('pseudonyms/:pseudonym')
  @HttpCode(200)
  @Authenticated({ scope: 'records:write' })
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Erase everything your institution holds about a pseudonym (AVG): its enrolments, leavers and alumni survey answers.' })
  @ApiOkResponse({ type: ErasureResultDto })
  @ApiNotFoundResponse({ description: 'Your institution holds no records of this pseudonym.' })
  erasePseudonym(@Auth() auth: Principal, @Param() params: PseudonymParamDto, @Headers(IDEMPOTENCY_HEADER) key?: string): Promise<IdempotentResponse<ErasureResultDto>> {
    return this.uploads.erasePseudonym(auth, params.pseudonym, key);
  }
}
