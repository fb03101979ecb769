import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { IdempotencyModule } from 'src/idempotency/idempotency.module';
import { AbandonedUploadsRepository } from 'src/ingest/abandoned-uploads.repository';
import { AbandonedUploadsSweep } from 'src/ingest/abandoned-uploads.sweep';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { INGEST_CONFIG } from 'src/ingest/ingest.config';
import { IngestRepository } from 'src/ingest/ingest.repository';
import { IngestService } from 'src/ingest/ingest.service';
import { LiveUploads } from 'src/ingest/live-uploads';
import { MaskPseudonymPathMiddleware } from 'src/ingest/mask-pseudonym-path.middleware';
import { CorrectionsController, RecordsController } from 'src/ingest/records.controller';
import { RecordsRepository } from 'src/ingest/records.repository';
import { RecordsService } from 'src/ingest/records.service';
import { JobsModule } from 'src/jobs/jobs.module';
import { ProgrammesModule } from 'src/programmes/programmes.module';

/** Bulk ingest of enrolments and leavers, the institution's own records, corrections and erasure. */
@Module({
  imports: [AccessModule, JobsModule, ProgrammesModule, IdempotencyModule],
  controllers: [RecordsController, CorrectionsController],
  providers: [
    { provide: INGEST_CONFIG, useFactory: (config: AppConfig) => config.ingest, inject: [APP_CONFIG] },
    IngestRepository,
    IngestService,
    LiveUploads,
    RecordsRepository,
    RecordsService,
    AbandonedUploadsRepository,
    AbandonedUploadsSweep,
  ],
  exports: [IngestService],
})
export class IngestModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(MaskPseudonymPathMiddleware).forRoutes(CorrectionsController);
  }
}
