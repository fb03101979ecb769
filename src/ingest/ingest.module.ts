import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { AbandonedUploadsRepository } from 'src/ingest/abandoned-uploads.repository';
import { AbandonedUploadsSweep } from 'src/ingest/abandoned-uploads.sweep';
import { IdempotencyRepository } from 'src/ingest/idempotency/idempotency.repository';
import { IdempotencyService } from 'src/ingest/idempotency/idempotency.service';
import { INGEST_CONFIG, loadIngestConfig } from 'src/ingest/ingest.config';
import { IngestRepository } from 'src/ingest/ingest.repository';
import { IngestService } from 'src/ingest/ingest.service';
import { MaskPseudonymPathMiddleware } from 'src/ingest/mask-pseudonym-path.middleware';
import { ProgrammesController } from 'src/ingest/programmes.controller';
import { ProgrammesRepository } from 'src/ingest/programmes.repository';
import { ProgrammesService } from 'src/ingest/programmes.service';
import { CorrectionsController, RecordsController } from 'src/ingest/records.controller';
import { RecordsRepository } from 'src/ingest/records.repository';
import { RecordsService } from 'src/ingest/records.service';
import { JobsModule } from 'src/jobs/jobs.module';

/** Bulk ingest of enrolments and leavers, the programme code lists, corrections and erasure. */
@Module({
  imports: [AccessModule, JobsModule],
  controllers: [RecordsController, CorrectionsController, ProgrammesController],
  providers: [
    { provide: INGEST_CONFIG, useFactory: () => loadIngestConfig() },
    IngestRepository,
    IngestService,
    RecordsRepository,
    RecordsService,
    ProgrammesRepository,
    ProgrammesService,
    IdempotencyRepository,
    IdempotencyService,
    AbandonedUploadsRepository,
    AbandonedUploadsSweep,
  ],
  exports: [ProgrammesService, IdempotencyService, IngestService],
})
export class IngestModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(MaskPseudonymPathMiddleware).forRoutes(CorrectionsController);
  }
}
