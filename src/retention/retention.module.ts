import { Module } from '@nestjs/common';
import { JobsModule } from 'src/jobs/jobs.module';
import { RetentionRepository } from 'src/retention/retention.repository';
import { RetentionService } from 'src/retention/retention.service';

/** Deletes student-level records once their region's retention has run out (a recurring job). */
@Module({
  imports: [JobsModule],
  providers: [RetentionRepository, RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
