import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccessModule } from 'src/access/access.module';
import { IdempotencyModule } from 'src/idempotency/idempotency.module';
import { UploadsRepository } from 'src/ingest/uploads.repository';
import { AbandonedUploadsSweep } from 'src/ingest/abandoned-uploads.sweep';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { INGEST_CONFIG } from 'src/ingest/ingest.config';
import { IngestRepository } from 'src/ingest/ingest.repository';
import { IngestService } from 'src/ingest/ingest.service';
import { LiveUploads } from 'src/ingest/live-uploads';
import { MaskPseudonymPathMiddleware } from 'src/ingest/mask-pseudonym-path.middleware';
import { CorrectionsController, IngestController } from 'src/ingest/ingest.controller';
import { UploadsService } from 'src/ingest/uploads.service';
import { JobsModule } from 'src/jobs/jobs.module';
import { ProgrammesModule } from 'src/programmes/programmes.module';

/** Bulk ingest of enrolments and leavers (JSON batches, streamed CSV), uploads' progress, corrections and erasure. */
@Module({
  imports: [AccessModule, JobsModule, ProgrammesModule, IdempotencyModule],
  controllers: [IngestController, CorrectionsController],
  providers: [
    { provide: INGEST_CONFIG, useFactory: (config: AppConfig) => config.ingest, inject: [APP_CONFIG] },
    IngestRepository,
    IngestService,
    LiveUploads,
    UploadsService,
    UploadsRepository,
    AbandonedUploadsSweep,
  ],
  exports: [IngestService],
})
export class IngestModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(MaskPseudonymPathMiddleware).forRoutes(CorrectionsController);
  }
}
